"""Signing in with the council's account in Chromium, through a real OpenID Connect
provider on 127.0.0.1 (oidc-provider-mock, whose own page a person fills in), and the
refusals a person can meet. Every page of ours is checked with axe-core.

These apps are configured for council sign-in, so each runs on a live server of its own
(`council_servers`), on the same database as the other browser tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from ehria.accounts import NO_PASSWORD
from ehria.extensions import db
from ehria.models import User
from ehria.models_security import UserSession
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    screenshot,
    serving,
    settle,
)
from tests.conftest import Factory
from tests.council_provider import (
    ALLOWED_DOMAIN,
    ForgingProvider,
    MockProvider,
    council_config,
    forging_provider,
    mock_provider,
    person,
    query_of,
)

pytestmark = pytest.mark.browser

EMAIL = f"jo.bloggs@{ALLOWED_DOMAIN}"
REFUSED = "You have not been signed in"


@pytest.fixture(scope="module")
def provider() -> Iterator[MockProvider]:
    with mock_provider() as running:
        yield running


@pytest.fixture(scope="module")
def forger() -> Iterator[ForgingProvider]:
    with forging_provider() as running:
        yield running


@pytest.fixture(scope="module")
def council_servers(app, provider: MockProvider, forger: ForgingProvider
                    ) -> Iterator[dict[str, LiveServer]]:
    """Live servers signing in with a council account: "council" (passwords too),
    "councils_only" (EHRIA_PASSWORD_SIGN_IN=false) and "forged" (the forging provider)."""
    kinds = {
        "council": council_config(provider.issuer),
        "councils_only": council_config(provider.issuer, PASSWORD_SIGN_IN=False),
        "forged": council_config(forger.issuer),
    }
    with ExitStack() as stack:
        yield {kind: stack.enter_context(serving(app.config["SQLALCHEMY_DATABASE_URI"],
                                                 **settings))
               for kind, settings in kinds.items()}


@pytest.fixture(autouse=True)
def _council_servers_per_test(council_servers: dict[str, LiveServer], database: None,
                              forger: ForgingProvider) -> Iterator[None]:
    """As the standard live server's: idle and disconnected before the tables are
    emptied, and failing the test if a view raised."""
    forger.forge, forger.claims = None, {}
    for live in council_servers.values():
        live.errors.clear()
    yield
    settle(council_servers.values())


@pytest.fixture
def council(council_servers: dict[str, LiveServer]) -> str:
    return council_servers["council"].url


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def sign_in_at_the_provider(page: Page, provider: MockProvider, sub: str) -> None:
    """What a person does on the provider's own page (the mock's, here)."""
    expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer) + "/oauth2/authorize"))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def press_the_council_button(page: Page, base: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()


def sessions() -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession)) or 0


def test_an_officer_signs_in_with_their_council_account_and_out_again(
        page: Page, provider: MockProvider, factory: Factory, council: str) -> None:
    factory.user(EMAIL, "lead_officer", name="Jo Bloggs")
    provider.put_user("oid-jo", person(EMAIL, oid="oid-jo"))
    page.goto(f"{council}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("button", name="Sign in with your council account")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()  # passwords too
    assert_accessible(page)
    screenshot(page, "sign-in-council-account")

    page.get_by_role("button", name="Sign in with your council account").click()
    sign_in_at_the_provider(page, provider, "oid-jo")

    expect(heading(page)).to_have_text("Your assessments")
    expect(page.get_by_text("Signed in as Jo Bloggs (Lead officer)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    # the provider's own sign-out (RP-initiated logout), then back to the sign-in page
    expect(page).to_have_url(re.compile(re.escape(provider.issuer) + "/oauth2/end_session"))
    page.get_by_role("button", name="End session").click()
    expect(heading(page)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert_accessible(page)
    assert sessions() == 0


def test_a_first_sign_in_shows_that_an_administrator_must_give_access(
        page: Page, provider: MockProvider, factory: Factory, council: str) -> None:
    factory.user("admin@" + ALLOWED_DOMAIN, "admin", department=None)
    provider.put_user("oid-new", person(EMAIL, name="Jo Bloggs", oid="oid-new"))

    press_the_council_button(page, council)
    sign_in_at_the_provider(page, provider, "oid-new")

    expect(heading(page)).to_have_text("An administrator must give you access")
    expect(page.get_by_text("Signed in as Jo Bloggs (no access yet)")).to_be_visible()
    expect(page.get_by_role("link", name="Change password")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "council-account-needs-access")
    response = page.goto(f"{council}/assessments/new")
    assert response is not None and response.status == 403


def test_an_admin_sees_how_each_user_signs_in(page: Page, provider: MockProvider,
                                             factory: Factory, council: str) -> None:
    admin = factory.user("admin@" + ALLOWED_DOMAIN, "admin", department=None,
                         name="Ann Admin")
    factory.user("pat@" + ALLOWED_DOMAIN, "web_team", department=None, name="Pat Lee")
    provider.put_user("oid-jo", person(EMAIL, name="Jo Bloggs", oid="oid-jo"))
    provider.put_user("oid-admin", person(admin.email, name="Ann Admin", oid="oid-admin"))
    press_the_council_button(page, council)
    sign_in_at_the_provider(page, provider, "oid-jo")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()

    press_the_council_button(page, council)
    sign_in_at_the_provider(page, provider, "oid-admin")
    page.get_by_role("link", name="Administration").click()

    table = page.get_by_role("table", name="Everyone with an account")
    expect(table.get_by_role("columnheader", name="Signs in with")).to_be_visible()
    jo = table.get_by_role("row").filter(has_text="Jo Bloggs")
    expect(jo.get_by_role("cell", name="Council account", exact=True)).to_be_visible()
    expect(jo.get_by_role("cell", name="None yet")).to_be_visible()
    pat = table.get_by_role("row").filter(has_text="Pat Lee")
    expect(pat.get_by_role("cell", name="Password", exact=True)).to_be_visible()
    assert_accessible(page)

    table.get_by_role("link", name="Jo Bloggs").click()
    expect(page.get_by_text("Signs in with: Council account.")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(("claims", "message"), [
    (person("jo@elsewhere.example.com", oid="oid-d"),
     "You cannot sign in with an e-mail address at elsewhere.example.com"),
    ({"email": EMAIL, "oid": "oid-u"}, "did not confirm that your e-mail address"),
], ids=["domain not allowed", "e-mail not verified"])
def test_someone_the_council_does_not_let_in_is_told_why(
        page: Page, provider: MockProvider, council: str, claims: dict, message: str) -> None:
    provider.put_user("oid-refused", claims)
    press_the_council_button(page, council)
    sign_in_at_the_provider(page, provider, "oid-refused")

    expect(heading(page)).to_have_text(REFUSED)
    expect(page.get_by_text(message)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Go to the sign-in page").click()
    expect(heading(page)).to_have_text("Sign in")
    assert sessions() == 0


def test_a_deactivated_user_is_told_their_account_is_deactivated(
        page: Page, provider: MockProvider, factory: Factory, council: str) -> None:
    user = factory.user(EMAIL, "lead_officer")
    user.active = False
    db.session.commit()
    provider.put_user("oid-x", person(EMAIL, oid="oid-x"))

    press_the_council_button(page, council)
    sign_in_at_the_provider(page, provider, "oid-x")

    expect(heading(page)).to_have_text(REFUSED)
    expect(page.get_by_text("Your EHRIA account has been deactivated")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "council-account-refused")
    assert sessions() == 0


@pytest.mark.parametrize("forge", ["wrong_audience", "bad_signature", "expired",
                                   "altered_nonce"])
def test_a_forged_token_signs_nobody_in(page: Page, forger: ForgingProvider,
                                       council_servers: dict[str, LiveServer],
                                       forge: str) -> None:
    forger.claims = person(EMAIL, oid="oid-forged")
    forger.forge = forge

    press_the_council_button(page, council_servers["forged"].url)

    expect(heading(page)).to_have_text(REFUSED)
    expect(page.get_by_text("Your council account's sign-in could not be checked")
           ).to_be_visible()
    assert_accessible(page)
    assert sessions() == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_replayed_or_stateless_return_is_refused(page: Page, provider: MockProvider,
                                                   council: str) -> None:
    provider.put_user("oid-r", person(EMAIL, oid="oid-r"))
    press_the_council_button(page, council)
    with page.expect_request(re.compile(r"/sign-in/council/callback\?")) as returned:
        sign_in_at_the_provider(page, provider, "oid-r")
    expect(heading(page)).to_have_text("An administrator must give you access")
    callback = returned.value.url

    page.goto(callback)  # the same return again
    expect(heading(page)).to_have_text(REFUSED)
    expect(page.get_by_text("This sign-in had expired or had already been used")
           ).to_be_visible()
    assert_accessible(page)
    assert sessions() == 1  # only the first return's

    without_state = {k: v for k, v in query_of(callback).items() if k != "state"}
    page.context.clear_cookies()
    page.goto(f"{council}/sign-in/council/callback?{urlencode(without_state)}")
    expect(heading(page)).to_have_text(REFUSED)
    page.goto(f"{council}/")
    expect(heading(page)).to_have_text("Sign in")


def test_with_passwords_off_the_council_account_is_the_only_way_in(
        page: Page, provider: MockProvider, factory: Factory,
        council_servers: dict[str, LiveServer]) -> None:
    base = council_servers["councils_only"].url
    factory.user(EMAIL, "web_team", department=None, name="Jo Bloggs")
    provider.put_user("oid-jo", person(EMAIL, oid="oid-jo"))

    page.goto(f"{base}/sign-in")
    expect(heading(page)).to_have_text("Sign in")
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    expect(page.get_by_label("Email address", exact=True)).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "sign-in-council-account-only")

    page.get_by_role("button", name="Sign in with your council account").click()
    sign_in_at_the_provider(page, provider, "oid-jo")
    expect(heading(page)).to_have_text("Your assessments")
    expect(page.get_by_role("link", name="Change password")).to_have_count(0)
    response = page.goto(f"{base}/account/password")
    assert response is not None and response.status == 404
    assert_accessible(page)


def test_with_passwords_off_an_admin_makes_an_account_without_a_password(
        page: Page, provider: MockProvider, factory: Factory,
        council_servers: dict[str, LiveServer]) -> None:
    base = council_servers["councils_only"].url
    admin = factory.user("admin@" + ALLOWED_DOMAIN, "admin", department=None)
    provider.put_user("oid-admin", person(admin.email, oid="oid-admin"))
    press_the_council_button(page, base)
    sign_in_at_the_provider(page, provider, "oid-admin")

    page.goto(f"{base}/admin/users/new")
    expect(heading(page)).to_have_text("Create an account")
    expect(page.get_by_label("Initial password")).to_have_count(0)
    expect(page.get_by_text("They sign in with their council account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_role("checkbox", name="Web team").check()
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_text(f"Account created for {EMAIL}.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Jo Bloggs")
    expect(row.get_by_role("cell", name="Web team")).to_be_visible()
    assert_accessible(page)
    made = db.session.scalar(select(User).where(User.email == EMAIL))
    assert made is not None and made.password_hash == NO_PASSWORD
