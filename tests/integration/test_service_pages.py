"""The service's own pages (issue 16): linked from every page's footer, readable without
signing in, the council's name and contacts from configuration."""

from __future__ import annotations

import pytest

from ehria import create_app
from ehria.form import load_definition
from ehria.service_info import service_info

PAGES = {
    "/accessibility": ("Accessibility statement for Equality and Human Rights Impact "
                       "Assessments", "Enforcement procedure", "Reporting accessibility "
                       "problems", "Preparation of this accessibility statement",
                       "Compliance status", "Non-accessible content"),
    "/privacy": ("Privacy notice", "What personal data we hold", "Why we hold it",
                 "How long we keep it", "dataprotection@leics.gov.uk"),
    "/cookies": ("Cookies", "<code>session</code>", "8 hours", "12 hours"),
    "/help": ("How to complete an EHRIA",),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_is_public_and_says_what_the_law_asks(client, path):
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for words in PAGES[path]:
        assert words in page, words
    assert "Leicestershire County Council" in page


def test_every_page_links_to_them_from_its_footer(client, officer):
    client.post("/sign-in", data={"email": officer.email, "password": "a-long-password"})
    for page in (client.get("/sign-in"), client.get("/")):
        footer = page.get_data(as_text=True).split('class="govuk-footer"')[1]
        for path in PAGES:
            assert f'href="{path}"' in footer, path


def test_help_is_the_templates_own_introduction_and_guidance(client):
    page = client.get("/help").get_data(as_text=True)
    definition = load_definition()
    assert definition.introduction[0].split("**")[0][:60] in page
    assert definition.sections[1].title in page
    assert definition.sign_off.intro[0][:50] in page


def test_the_councils_name_and_contacts_come_from_configuration(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                      "COUNCIL_NAME": "Rutland County Council",
                      "COUNCIL_CONTACT_EMAIL": "equalities@rutland.gov.uk",
                      "COUNCIL_DATA_PROTECTION_EMAIL": "dpo@rutland.gov.uk"})
    client = app.test_client()
    privacy = client.get("/privacy").get_data(as_text=True)
    assert "Rutland County Council is the data controller" in privacy
    assert "dpo@rutland.gov.uk" in privacy and "leics.gov.uk" not in privacy
    statement = client.get("/accessibility").get_data(as_text=True)
    assert "mailto:equalities@rutland.gov.uk" in statement  # accessibility: the contact


def test_service_info_defaults_and_overrides():
    assert service_info({}).accessibility_email == "equality@leics.gov.uk"
    assert service_info({"COUNCIL_ACCESSIBILITY_EMAIL": "a11y@example.gov.uk"}
                        ).accessibility_email == "a11y@example.gov.uk"
