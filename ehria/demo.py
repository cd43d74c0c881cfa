"""Demo data for trying EHRIA locally: departments, one user per role, and example
assessments in every state of the workflow (draft, submitted, returned, signed off,
published)."""

from __future__ import annotations

from ehria.accounts import create_department, create_user, find_department, find_user
from ehria.assessments import create_assessment
from ehria.examples import load_examples
from ehria.models import Assessment, User
from ehria.workflow import Action, apply

# Development only: `demo-data` refuses to run in production.
DEMO_PASSWORD = "demo-password"  # noqa: S105
DEPARTMENTS = (
    "Adults and Communities",
    "Chief Executive's",
    "Children and Family Services",
    "Corporate Resources",
    "Environment and Transport",
    "Public Health",
)
DEMO_DEPARTMENT = "Children and Family Services"
DEMO_USERS = (
    ("officer@example.gov.uk", "Priya Chauhan", ("lead_officer",), DEMO_DEPARTMENT),
    ("coauthor@example.gov.uk", "Tom Ellis", ("lead_officer",), DEMO_DEPARTMENT),
    ("chair@example.gov.uk", "Sam Okafor", ("deg_chair",), DEMO_DEPARTMENT),
    ("web@example.gov.uk", "Alex Morgan", ("web_team",), None),
    ("admin@example.gov.uk", "Chris Taylor", ("admin",), None),
)
DEMO_USERS_SUMMARY = tuple((email, ", ".join(roles)) for email, _, roles, _ in DEMO_USERS)


def load_demo_data() -> bool:
    """Create the demo records unless they exist; returns whether anything was created."""
    if find_user(DEMO_USERS[0][0]) is not None:
        return False
    for name in DEPARTMENTS:
        if find_department(name) is None:
            create_department(name)
    users = {
        email: create_user(email, name, DEMO_PASSWORD, roles, department)
        for email, name, roles, department in DEMO_USERS
    }
    officer, chair, web = (users[f"{who}@example.gov.uk"] for who in ("officer", "chair", "web"))
    examples = load_examples()
    plan = examples["01-departmental-plan-no-report"]["answers"]
    breaks = examples["02-short-breaks-full-report"]["answers"]

    def start(answers: dict, name: str | None = None) -> Assessment:
        if name:
            answers = {**answers, "key_details": {**answers["key_details"], "policy_name": name}}
        return create_assessment(officer, answers)

    def act(assessment: Assessment, user: User, action: Action, body: dict | None = None):
        apply(assessment, user, action, body or {})

    published = start(breaks)
    act(published, officer, Action.SUBMIT, {"declaration": True})
    act(published, chair, Action.SIGN_OFF)
    act(published, web, Action.PUBLISH, {"url": "https://www.example.gov.uk/ehria/short-breaks"})

    signed = start(plan)
    act(signed, officer, Action.SUBMIT, {"declaration": True})
    act(signed, chair, Action.SIGN_OFF)

    returned = start(breaks, "Short breaks transport policy 2026")
    act(returned, officer, Action.SUBMIT, {"declaration": True})
    act(returned, chair, Action.RETURN, {
        "comment": "Please explain how rural families were consulted.",
        "question_comments": {
            "screening.consultation_plan": "When will the rural focus groups report?"},
    })

    submitted = start(plan, "Children and Family Service Workforce Strategy 2026")
    act(submitted, officer, Action.SUBMIT, {"declaration": True})

    start(examples["03-inconsistent-screening"]["answers"])  # a draft with problems
    return True
