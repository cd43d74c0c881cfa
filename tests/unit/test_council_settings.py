"""The council sign-in settings and what a validated ID token's claims say (pure: no app,
no database)."""

from __future__ import annotations

import ast

import pytest

from ehria import PROJECT_ROOT
from ehria.council_settings import (
    CouncilSettingsError,
    parse_boolean,
    parse_domains,
    parse_role_map,
    settings_from_config,
)
from ehria.council_sign_in import SignInRefused, identity_from_claims, roles_for_groups
from ehria.roles import Role

ISSUER = "https://login.microsoftonline.com/5f3c1d2e-0000-4000-8000-000000000000/v2.0"
BASE = {"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "app-id", "OIDC_CLIENT_SECRET": "s3cret",
        "OIDC_ALLOWED_DOMAINS": "leics.gov.uk, @Example.GOV.uk"}


def settings(**extra):
    return settings_from_config({**BASE, **extra}, production=True)


def test_nothing_configured_means_no_council_sign_in():
    assert settings_from_config({}, production=True) is None


def test_a_full_configuration_is_read():
    read = settings()
    assert read.issuer == ISSUER and read.client_id == "app-id"
    assert read.allowed_domains == {"leics.gov.uk", "example.gov.uk"}
    assert read.metadata_url == ISSUER + "/.well-known/openid-configuration"
    assert "s3cret" not in repr(read)  # the secret never reaches a log line


@pytest.mark.parametrize("missing", ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET",
                                     "OIDC_ALLOWED_DOMAINS"])
def test_half_a_configuration_names_what_is_missing(missing):
    with pytest.raises(CouncilSettingsError, match=f"EHRIA_{missing}"):
        settings_from_config({k: v for k, v in BASE.items() if k != missing}, True)


@pytest.mark.parametrize(("issuer", "production", "allowed"), [
    (ISSUER, True, True),
    ("http://127.0.0.1:8080", False, True),
    ("http://localhost:8080/realm", False, True),
    ("http://127.0.0.1:8080", True, False),  # never plain http in production
    ("http://login.example.com", False, False),
    ("ftp://login.example.com", False, False),
    ("login.microsoftonline.com", False, False),
])
def test_the_issuer_must_be_https_but_for_this_machine_outside_production(
        issuer, production, allowed):
    config = {**BASE, "OIDC_ISSUER": issuer}
    if allowed:
        assert settings_from_config(config, production).issuer == issuer
    else:
        with pytest.raises(CouncilSettingsError, match="https://"):
            settings_from_config(config, production)


def test_domains_must_be_domains():
    assert parse_domains("a.gov.uk\nb.gov.uk") == {"a.gov.uk", "b.gov.uk"}
    with pytest.raises(CouncilSettingsError, match="not an e-mail domain"):
        parse_domains("jo@leics.gov.uk")
    with pytest.raises(CouncilSettingsError, match="names no e-mail domain"):
        settings(OIDC_ALLOWED_DOMAINS=" , ")


def test_the_role_map_reads_pairs_and_a_group_may_give_several_roles():
    assert parse_role_map("g1=lead_officer, g2=deg_chair,g1=web_team\n") == {
        "g1": {Role.LEAD_OFFICER, Role.WEB_TEAM}, "g2": {Role.DEG_CHAIR}}
    assert parse_role_map({"g1": "admin", "g2": ["web_team"]}) == {
        "g1": {Role.ADMIN}, "g2": {Role.WEB_TEAM}}


@pytest.mark.parametrize(("value", "message"), [
    ("g1=superuser", "'superuser' is not a role"),
    ("g1", "not of the form group-id=role"),
    ("=admin", "not of the form group-id=role"),
])
def test_a_wrong_role_map_is_refused(value, message):
    with pytest.raises(CouncilSettingsError, match=message):
        parse_role_map(value)


def test_the_role_claim_and_its_map_come_together():
    with pytest.raises(CouncilSettingsError, match="together"):
        settings(OIDC_ROLE_CLAIM="groups")
    with pytest.raises(CouncilSettingsError, match="together"):
        settings(OIDC_ROLE_MAP="g=admin")
    assert settings(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP="g=admin").role_claim == "groups"


@pytest.mark.parametrize(("value", "expected"), [
    ("false", False), ("FALSE", False), ("0", False), ("no", False), ("off", False),
    ("true", True), ("1", True), ("Yes", True), (" on ", True)])
def test_booleans(value, expected):
    assert parse_boolean(value, "EHRIA_PASSWORD_SIGN_IN") is expected


def test_a_boolean_that_is_neither_is_refused():
    with pytest.raises(CouncilSettingsError, match="EHRIA_PASSWORD_SIGN_IN must be true or"):
        parse_boolean("nope", "EHRIA_PASSWORD_SIGN_IN")


# ---- claims -> identity -----------------------------------------------------------------

def claims(**extra):
    return {"iss": ISSUER, "sub": "pairwise-sub", "oid": "object-id", "name": " Jo\nBloggs ",
            "email": "Jo.Bloggs@Leics.gov.uk", "email_verified": True, **extra}


def test_an_identity_has_the_oid_a_normalised_email_and_a_one_line_name():
    who = identity_from_claims(claims(), settings())
    assert (who.subject, who.email, who.name) == ("object-id", "jo.bloggs@leics.gov.uk",
                                                 "Jo Bloggs")
    assert who.groups is None  # no role claim configured
    assert identity_from_claims(claims(oid=None), settings()).subject == "pairwise-sub"
    assert identity_from_claims(claims(name=None), settings()).name == "jo.bloggs"


@pytest.mark.parametrize(("extra", "reason"), [
    ({"email_verified": False}, "email_not_verified"),
    ({"email_verified": "false"}, "email_not_verified"),
    ({"email_verified": None, "xms_edov": False}, "email_not_verified"),
    ({"email": None}, "no_email"),
    ({"email": "not-an-address"}, "no_email"),
    ({"email": "jo@leics.gov.uk.evil.example"}, "domain_not_allowed"),
    ({"email": "jo@sub.leics.gov.uk"}, "domain_not_allowed"),
    ({"oid": None, "sub": None}, "no_subject"),
    ({"oid": "", "sub": " "}, "no_subject"),
])
def test_claims_the_council_does_not_let_in(extra, reason):
    with pytest.raises(SignInRefused) as refused:
        identity_from_claims(claims(**extra), settings())
    assert refused.value.reason == reason


@pytest.mark.parametrize("verified", [{"email_verified": "true"}, {"xms_edov": True},
                                      {"email_verified": None, "xms_edov": "1"}])
def test_the_ways_a_provider_vouches_for_an_email(verified):
    assert identity_from_claims(claims(**verified), settings()).email


def test_groups_are_read_from_the_role_claim():
    configured = settings(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP="g1=admin,g2=web_team")
    assert identity_from_claims(claims(groups=["g1", "x"]), configured).groups == ("g1", "x")
    assert identity_from_claims(claims(), configured).groups == ()  # in no group
    assert identity_from_claims(claims(groups="g2"), configured).groups == ("g2",)
    with pytest.raises(SignInRefused) as refused:
        identity_from_claims(claims(_claim_names={"groups": "src1"}), configured)
    assert refused.value.reason == "groups_overage"
    assert roles_for_groups(("g1", "g2", "x"), configured.role_map) == {Role.ADMIN,
                                                                       Role.WEB_TEAM}


@pytest.mark.parametrize("name", ["council_settings.py", "council_sign_in.py"])
def test_the_council_domain_modules_import_no_web_layer(name):
    tree = ast.parse((PROJECT_ROOT / "ehria" / name).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in getattr(node, "names", [])
    }
    assert not {m for m in imported if m and m.split(".")[0] in {"flask", "forms"}}
    assert not {m for m in imported if m and m.startswith(("ehria.views", "ehria.api",
                                                           "ehria.council_auth"))}
