"""Demo data for trying EHRIA locally: departments, one user per role, example assessments."""

from __future__ import annotations

from ehria.accounts import create_department, create_user, find_department, find_user
from ehria.assessments import create_assessment
from ehria.examples import load_examples

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
    officer = users[DEMO_USERS[0][0]]
    for example in load_examples().values():
        create_assessment(officer, example["answers"])
    return True
