"""Every way a council sign-in is refused (issue 17's acceptance): each with a clear
message, the reason in the log, and no session. Tokens come from a real provider on
127.0.0.1: oidc-provider-mock where it can make the case, and otherwise the forging
provider of tests/council_provider.py, which signs wrong tokens with joserfc. Authlib is
never mocked: the app's own client fetches, checks and refuses them."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import func, select, update

from ehria.extensions import db
from ehria.models import User, utcnow
from ehria.models_security import PendingSignIn, SignInAttempt
from ehria.sign_in_limit import failures
from tests.council_provider import person, query_of
from tests.integration.council.flows import (
    assert_refused,
    forged_sign_in,
    session_count,
    sign_in_as,
    signed_in,
    start,
    user_named,
)

EMAIL = "jo.bloggs@council.example.gov.uk"
UNCHECKED = "Your council account's sign-in could not be checked"
USED = "This sign-in had expired or had already been used"


def refused_for(caplog) -> list[str]:
    return [record.getMessage().removeprefix("council sign-in refused: ")
            for record in caplog.records if "council sign-in refused" in record.getMessage()]


@pytest.mark.parametrize(("forge", "reason"), [
    ("wrong_audience", "wrong_audience"),
    ("bad_signature", "bad_signature"),
    ("unknown_key", "unknown_signing_key"),
    ("hs256", "algorithm_not_published"),
    ("expired", "expired"),
    ("altered_nonce", "nonce_mismatch"),
    ("wrong_issuer", "wrong_issuer"),
    ("no_id_token", "no_id_token"),
])
def test_a_token_that_fails_a_check_is_refused(make_app, forger, caplog, forge, reason):
    forger.claims = person(EMAIL, oid="oid-forged")
    forger.forge = forge
    client = make_app(forger.issuer).test_client()

    with caplog.at_level(logging.WARNING):
        response = forged_sign_in(client, forger)

    assert_refused(response, 400, UNCHECKED)
    assert refused_for(caplog) == [reason]
    assert not signed_in(client)
    assert user_named(EMAIL) is None  # nothing was made from the forged claims


def test_the_same_provider_honest_signs_in(make_app, forger):
    """The forging provider's right tokens pass, so the refusals above are its forgeries'."""
    forger.claims = person(EMAIL, oid="oid-forged")
    client = make_app(forger.issuer).test_client()
    assert forged_sign_in(client, forger).status_code == 302
    assert signed_in(client)


def test_a_nonce_altered_on_the_way_to_the_provider_is_refused(council, provider, caplog):
    """The real provider signs the nonce it was given; the app expects its own."""
    provider.put_user("oid-n", person(EMAIL, oid="oid-n"))
    parts = urlsplit(start(council))
    query = query_of(parts.geturl())
    query["nonce"] = "an-attackers-nonce-00000"
    tampered = urlunsplit(parts._replace(query=urlencode(query)))

    with caplog.at_level(logging.WARNING):
        response = council.get(provider.authorize(tampered, "oid-n"))

    assert_refused(response, 400, UNCHECKED)
    assert refused_for(caplog) == ["nonce_mismatch"]


def test_a_return_without_state_is_refused(council, provider, caplog):
    provider.put_user("oid-s", person(EMAIL, oid="oid-s"))
    callback = provider.authorize(start(council), "oid-s")
    query = query_of(callback)
    del query["state"]

    with caplog.at_level(logging.WARNING):
        response = council.get("/sign-in/council/callback?" + urlencode(query))

    assert_refused(response, 400, USED)
    assert refused_for(caplog) == ["state_missing_or_used"]


def test_a_return_with_another_state_is_refused(council, provider):
    provider.put_user("oid-s", person(EMAIL, oid="oid-s"))
    query = query_of(provider.authorize(start(council), "oid-s"))
    query["state"] = "a-state-this-browser-never-started"
    response = council.get("/sign-in/council/callback?" + urlencode(query))
    assert_refused(response, 400, USED)


def test_a_replayed_return_is_refused(council, provider, caplog):
    provider.put_user("oid-r", person(EMAIL, oid="oid-r"))
    callback = provider.authorize(start(council), "oid-r")
    assert council.get(callback).status_code == 302
    assert session_count() == 1

    with caplog.at_level(logging.WARNING):
        again = council.get(callback)

    assert again.status_code == 400 and USED in again.get_data(as_text=True)
    assert session_count() == 1  # the replay made no session
    assert refused_for(caplog) == ["state_missing_or_used"]


def test_a_return_replayed_with_a_copy_of_the_cookie_is_refused(council, provider):
    """Even with the cookie the sign-in started with, a state is good once: what it
    stands for is taken from the server when first used."""
    provider.put_user("oid-r", person(EMAIL, oid="oid-r"))
    callback = provider.authorize(start(council), "oid-r")
    thief = council.application.test_client()
    thief.set_cookie("session", council.get_cookie("session").value)
    assert council.get(callback).status_code == 302

    response = thief.get(callback)

    assert response.status_code == 400 and USED in response.get_data(as_text=True)
    assert not signed_in(thief) and session_count() == 1


def test_a_sign_in_left_too_long_is_refused(council, provider):
    provider.put_user("oid-l", person(EMAIL, oid="oid-l"))
    callback = provider.authorize(start(council), "oid-l")
    db.session.execute(update(PendingSignIn).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert_refused(council.get(callback), 400, USED)


def test_an_email_at_a_domain_not_allowed_is_refused(council, provider, caplog):
    provider.put_user("oid-d", person("jo@elsewhere.example.com", oid="oid-d"))
    with caplog.at_level(logging.WARNING):
        response = sign_in_as(council, provider, "oid-d")
    assert_refused(response, 403, "You cannot sign in with an e-mail address at "
                                  "elsewhere.example.com")
    assert refused_for(caplog) == ["domain_not_allowed"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_deactivated_user_is_refused(council, provider, factory, caplog):
    user = factory.user(EMAIL, "lead_officer")
    provider.put_user("oid-x", person(EMAIL, oid="oid-x"))
    sign_in_as(council, provider, "oid-x")
    council.post("/sign-out")
    user.active = False
    db.session.commit()

    with caplog.at_level(logging.WARNING):
        response = sign_in_as(council, provider, "oid-x")

    assert_refused(response, 403, "Your EHRIA account has been deactivated, so you cannot "
                                  "sign in")
    assert refused_for(caplog) == ["deactivated"]


def test_a_deactivated_user_not_yet_linked_is_refused_and_not_linked(council, provider,
                                                                      factory):
    user = factory.user(EMAIL, "lead_officer")
    user.active = False
    db.session.commit()
    provider.put_user("oid-x", person(EMAIL, oid="oid-x"))
    assert_refused(sign_in_as(council, provider, "oid-x"), 403, "has been deactivated")
    assert user_named(EMAIL).oidc_subject is None


def test_an_email_the_provider_does_not_vouch_for_is_refused(council, provider, factory):
    factory.user(EMAIL, "admin", department=None)
    provider.put_user("oid-u", {"email": EMAIL, "name": "Someone", "oid": "oid-u"})
    response = sign_in_as(council, provider, "oid-u")
    assert_refused(response, 403, f"did not confirm that your e-mail address {EMAIL} is "
                                  "yours")
    assert user_named(EMAIL).oidc_subject is None  # the admin's account was not taken over


def test_entra_ids_xms_edov_claim_vouches_for_the_email(council, provider):
    provider.put_user("oid-e", {"email": EMAIL, "xms_edov": True, "oid": "oid-e"})
    assert sign_in_as(council, provider, "oid-e").status_code == 302


def test_an_account_linked_to_another_council_account_is_not_taken_over(council, provider,
                                                                        factory):
    factory.user(EMAIL, "admin", department=None)
    provider.put_user("oid-first", person(EMAIL, oid="oid-first"))
    sign_in_as(council, provider, "oid-first")
    council.post("/sign-out")
    provider.put_user("oid-second", person(EMAIL, oid="oid-second"))

    response = sign_in_as(council, provider, "oid-second")

    assert_refused(response, 403, "is linked to a different council account")
    assert user_named(EMAIL).oidc_subject == "oid-first"


def test_too_many_groups_to_read_is_refused_rather_than_guessed(make_app, provider, factory):
    factory.user(EMAIL, "web_team", department=None)
    client = make_app(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP="g1=web_team").test_client()
    provider.put_user("oid-o", person(EMAIL, oid="oid-o", _claim_names={"groups": "src1"}))
    assert_refused(sign_in_as(client, provider, "oid-o"), 403, "too many groups")


def test_cancelling_at_the_provider_is_refused(council, provider):
    location = start(council)
    denied = requests.post(location, data={"action": "deny"}, allow_redirects=False,
                           timeout=10)
    response = council.get(denied.headers["Location"])
    assert_refused(response, 400, "You were not signed in with your council account")


def test_repeated_forged_returns_meet_the_sign_in_limit(make_app, provider):
    client = make_app(SIGN_IN_MAX_FAILURES=3).test_client()
    provider.put_user("oid-l", person(EMAIL, oid="oid-l"))
    for _ in range(3):
        response = client.get("/sign-in/council/callback?code=forged&state=forged")
        assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 3

    blocked = sign_in_as(client, provider, "oid-l")  # even a genuine one, from there

    assert_refused(blocked, 429, "Too many attempts to sign in")
    other = client.application.test_client()
    assert sign_in_as(other, provider, "oid-l").status_code == 429  # same address
    assert user_named(EMAIL) is None


def test_refusals_from_one_address_leave_other_addresses_alone(make_app, provider):
    client = make_app(SIGN_IN_MAX_FAILURES=3).test_client()
    for _ in range(3):
        client.get("/sign-in/council/callback?code=f&state=f",
                   environ_base={"REMOTE_ADDR": "192.0.2.9"})
    provider.put_user("oid-l", person(EMAIL, oid="oid-l"))
    assert sign_in_as(client, provider, "oid-l").status_code == 302


def test_a_successful_sign_in_takes_its_own_attempt_back(council, provider):
    council.get("/sign-in/council/callback?code=f&state=f")
    provider.put_user("oid-l", person(EMAIL, oid="oid-l"))
    assert sign_in_as(council, provider, "oid-l").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 1


def test_a_refusal_after_the_token_counts_against_that_email(council, provider):
    provider.put_user("oid-d", person("jo@elsewhere.example.com", oid="oid-d"))
    sign_in_as(council, provider, "oid-d")
    assert failures("jo@elsewhere.example.com", "127.0.0.1") == (1, 1)


def test_an_unreachable_provider_is_a_clear_503(make_app, caplog):
    client = make_app("http://127.0.0.1:9").test_client()  # nothing listens there
    with caplog.at_level(logging.WARNING):
        response = client.get("/sign-in/council")
    assert_refused(response, 503, "The council's sign-in service cannot be reached")
    assert "the provider is unavailable (discovery failed: ConnectionError)" in caplog.text


def test_a_provider_naming_another_issuer_is_not_trusted(make_app, forger):
    client = make_app(forger.issuer + "/").test_client()  # not the issuer it states
    assert_refused(client.get("/sign-in/council"), 503, "cannot be reached")
