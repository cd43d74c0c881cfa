"""Depersonalising answers for publication: what goes, what stays, and that the list of
redactions describes exactly what was changed."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import pytest

from ehria import redaction
from ehria.demo import load_examples
from ehria.form import load_definition
from ehria.redaction import (
    EMAIL_REMOVED,
    NAME_REMOVED,
    PHONE_REMOVED,
    PHRASE_REMOVED,
    find_phones,
    name_from_email,
    names_in_people_field,
    people_named,
)

SHORT_BREAKS = load_examples()["02-short-breaks-full-report"]["answers"]
# What the council's template says holds personal data (its `personal:` settings).
PERSONAL = load_definition().personal_data()


def redact(answers, **options):
    """Depersonalise as the published PDF does: with the template's personal fields."""
    return redaction.redact(answers, personal=PERSONAL, **options)


def test_the_template_declares_the_personal_fields():
    assert PERSONAL == {
        "key_details.lead_officer_name": "name",
        "key_details.other_contributors": "people",
        "key_details.contact_telephone": "telephone",
        "key_details.implementing_officers": "people",
        "report.improvement_plan.*.officer_responsible": "people",
        "since_last.previous_actions.*.officer": "people",  # a review's last plan
    }


def answers_with(**texts: str) -> dict:
    """Example 02 with some Section 3 texts replaced."""
    answers = copy.deepcopy(SHORT_BREAKS)
    answers["report"].update(texts)
    return answers


def test_key_details_lose_names_phones_and_emails_but_keep_job_titles():
    key_details = redact(SHORT_BREAKS).answers["key_details"]

    assert key_details["lead_officer_name"] == NAME_REMOVED
    assert key_details["contact_telephone"] == PHONE_REMOVED
    assert key_details["other_contributors"] == (
        f"{NAME_REMOVED}, Commissioning Officer ({EMAIL_REMOVED})"
    )
    assert key_details["lead_officer_job_title"] == "Service Manager, Short Breaks"
    assert key_details["implementing_officers"] == (
        "Head of Service, SEND and Children with Disabilities"
    )
    assert key_details["policy_name"] == SHORT_BREAKS["key_details"]["policy_name"]


def test_the_inputs_are_not_changed():
    before = copy.deepcopy(SHORT_BREAKS)
    redact(SHORT_BREAKS, known_names=["Sam Okafor"], extra_phrases=["Beacon House"])
    assert before == SHORT_BREAKS


def test_answers_without_personal_data_are_untouched():
    redacted = redact(SHORT_BREAKS).answers
    for section in ("policy", "screening", "report"):
        assert redacted[section] == SHORT_BREAKS[section]


def test_every_redaction_names_its_path_the_original_and_the_replacement():
    result = redact(SHORT_BREAKS)

    assert [r.to_dict() for r in result.redactions] == [
        {"path": "key_details.lead_officer_name", "original": "Priya Chauhan",
         "replacement": NAME_REMOVED},
        {"path": "key_details.other_contributors", "original": "Tom Ellis",
         "replacement": NAME_REMOVED},
        {"path": "key_details.other_contributors", "original": "tom.ellis@example.gov.uk",
         "replacement": EMAIL_REMOVED},
        {"path": "key_details.contact_telephone", "original": "0116 305 0000",
         "replacement": PHONE_REMOVED},
    ]


def test_applying_the_listed_redactions_gives_the_redacted_answers():
    answers = answers_with(
        summary="Ask Tom Ellis (tom.ellis@example.gov.uk, 07700 900123) or Ms Chauhan.",
    )
    result = redact(answers)

    summary = answers["report"]["summary"]
    for item in (r for r in result.redactions if r.path == "report.summary"):
        summary = summary.replace(item.original, item.replacement, 1)
    assert summary == result.answers["report"]["summary"]
    assert summary == (
        f"Ask {NAME_REMOVED} ({EMAIL_REMOVED}, {PHONE_REMOVED}) or {NAME_REMOVED}."
    )


@pytest.mark.parametrize(
    "number",
    [
        "0116 305 8055",
        "01163058055",
        "0116-305-8055",
        "(0116) 305 8055",
        "+44 116 305 8055",
        "+44 (0)116 305 8055",
        "+441163058055",
        "0044 116 305 8055",
        "020 7946 0000",
        "07700 900123",
        "07700900123",
        "+44 7700 900 123",
        "+447700900123",
        "0800 123 4567",
    ],
)
def test_uk_telephone_numbers_in_any_usual_form_are_found(number):
    assert find_phones(f"Call {number} today.") == [number]
    redacted = redact(answers_with(summary=f"Call {number} today.")).answers
    assert redacted["report"]["summary"] == f"Call {PHONE_REMOVED} today."


@pytest.mark.parametrize(
    "text",
    [
        "children aged 0-18 and 0 \u2013 19 (25)",
        "started 2026-02-02, reviewed 02/03/2026",
        "about 140 families, 34 of 41 responses, 2020-23",
        "savings line CF12 of £1,250,000",
        "reference 000123456789012",
    ],
)
def test_numbers_that_are_not_telephone_numbers_stay(text):
    assert find_phones(text) == []


def test_names_of_known_people_are_removed_from_all_free_text_whatever_the_case():
    answers = answers_with(
        further_consultation="Sam Okafor will chair it; SAM  OKAFOR's team and Dr Okafor agree.",
    )
    redacted = redact(answers, known_names=["Sam Okafor"]).answers["report"]

    assert redacted["further_consultation"] == (
        f"{NAME_REMOVED} will chair it; {NAME_REMOVED}'s team and {NAME_REMOVED} agree."
    )


def test_people_named_in_key_details_are_removed_from_free_text_too():
    answers = answers_with(summary="Priya Chauhan and Tom Ellis wrote this.")
    assert redact(answers).answers["report"]["summary"] == (
        f"{NAME_REMOVED} and {NAME_REMOVED} wrote this."
    )


def test_single_word_names_are_not_removed_everywhere():
    """The test factory's users are called "Officer", "Chair": words of job titles."""
    assert people_named(SHORT_BREAKS, ["Officer", "Chair"], personal=PERSONAL) == [
        "Priya Chauhan", "Tom Ellis",
    ]
    redacted = redact(SHORT_BREAKS, known_names=["Officer"]).answers
    assert redacted["key_details"]["lead_officer_job_title"] == "Service Manager, Short Breaks"


def test_signatories_lose_their_names_but_keep_role_job_title_and_date():
    signature = {"role": "deg_chair", "name": "Sam Okafor", "job_title": "Chair, DEG",
                 "at": "2026-03-20T10:00:00+00:00"}
    result = redact(answers_with(summary="Agreed with Sam Okafor."), signatures=[signature])

    assert result.signatures == [{**signature, "name": None}]
    assert result.answers["report"]["summary"] == f"Agreed with {NAME_REMOVED}."
    assert {"path": "signatures.deg_chair.name", "original": "Sam Okafor",
            "replacement": NAME_REMOVED} in [r.to_dict() for r in result.redactions]


def test_extra_phrases_asked_for_are_redacted():
    result = redact(SHORT_BREAKS, extra_phrases=["Beacon House", "  "])

    text = result.answers["policy"]["what_is_changing"]
    assert "Beacon House" not in text
    assert PHRASE_REMOVED in text
    assert {r.original for r in result.redactions if r.replacement == PHRASE_REMOVED} == {
        "Beacon House"
    }


def test_names_are_read_from_people_fields_before_their_job_titles():
    text = (
        "Jane Moore - Director Children and Family Services; Mrs Mala Razak, Manager\n"
        "Head of Service, SEND and Children with Disabilities; Service Manager, Short Breaks"
    )
    assert names_in_people_field(text) == ["Jane Moore", "Mala Razak"]


def test_an_officer_responsible_named_in_the_improvement_plan_is_removed():
    answers = copy.deepcopy(SHORT_BREAKS)
    answers["report"]["improvement_plan"][1]["officer_responsible"] = (
        "Jane Moore, Commissioning Officer"
    )
    plan = redact(answers).answers["report"]["improvement_plan"]

    assert plan[1]["officer_responsible"] == f"{NAME_REMOVED}, Commissioning Officer"
    assert plan[0]["officer_responsible"] == "Service Manager, Short Breaks"


def test_an_email_address_of_the_first_last_kind_names_its_owner():
    assert name_from_email("tom.ellis@example.gov.uk") == "Tom Ellis"
    assert name_from_email("web@leics.gov.uk") is None
    assert name_from_email("team2@example.gov.uk") is None
    assert name_from_email("equality.team@example.gov.uk") is None


def test_the_redaction_module_is_pure_python_with_no_web_or_database_layer():
    tree = ast.parse(Path(redaction.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"__future__", "copy", "re", "collections", "dataclasses", "typing"}
