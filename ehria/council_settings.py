"""The settings of signing in with the council's account (OpenID Connect), read and checked
once when the app is made, so that a mistake stops the service starting rather than
refusing staff later.

From the environment (ehria.config) or a test's config, under these keys:

| config key | environment | what |
| --- | --- | --- |
| OIDC_ISSUER | EHRIA_OIDC_ISSUER | the provider's issuer (Entra ID: the tenant's v2.0 issuer) |
| OIDC_CLIENT_ID, OIDC_CLIENT_SECRET | EHRIA_OIDC_CLIENT_ID, _SECRET | the app registration |
| OIDC_ALLOWED_DOMAINS | EHRIA_OIDC_ALLOWED_DOMAINS | e-mail domains allowed in |
| OIDC_ROLE_CLAIM, OIDC_ROLE_MAP | EHRIA_OIDC_ROLE_CLAIM, _ROLE_MAP | groups → roles |
| OIDC_DEPARTMENT_CLAIM | EHRIA_OIDC_DEPARTMENT_CLAIM | a claim naming the department |
| PASSWORD_SIGN_IN | EHRIA_PASSWORD_SIGN_IN | false removes password sign-in |

Pure: no request, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

from ehria.roles import Role

# Plain http is for a provider on this machine only (the tests' provider on 127.0.0.1),
# and never in production: tokens and the client secret would cross the network in clear.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
REQUIRED = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ALLOWED_DOMAINS")
_DOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$")


class CouncilSettingsError(ValueError):
    """The council sign-in settings are incomplete or wrong; the message names them."""


def _env_name(key: str) -> str:
    return "EHRIA_" + key


@dataclass(frozen=True)
class CouncilSignInSettings:
    """Everything council sign-in needs to know, checked."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    allowed_domains: frozenset[str]
    role_claim: str | None = None
    role_map: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    department_claim: str | None = None

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the issuer (the Content-Security-Policy names it)."""
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def metadata_url(self) -> str:
        """OpenID Connect discovery: the issuer's /.well-known/openid-configuration."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def allows(self, email: str) -> bool:
        """Whether this (normalised) e-mail address is at one of the allowed domains."""
        return email.rpartition("@")[2] in self.allowed_domains


def _words(value: object, key: str) -> list[str]:
    """A list from a comma-, space- or newline-separated string, or from a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,]+", value) if part]
    if isinstance(value, Iterable):
        return [str(part).strip() for part in value if str(part).strip()]
    raise CouncilSettingsError(f"{_env_name(key)} must be a list, not {value!r}.")


def parse_domains(value: object) -> frozenset[str]:
    domains = set()
    for word in _words(value, "OIDC_ALLOWED_DOMAINS"):
        domain = word.lower().removeprefix("@")
        if not _DOMAIN.match(domain):
            raise CouncilSettingsError(
                f"EHRIA_OIDC_ALLOWED_DOMAINS: {word!r} is not an e-mail domain such as "
                "leics.gov.uk.")
        domains.add(domain)
    return frozenset(domains)


def parse_role_map(value: object) -> dict[str, frozenset[Role]]:
    """`group=role` pairs separated by commas or new lines (a group may appear once per
    role it gives), or a mapping of group to a role or a list of roles."""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, Mapping):
        for group, roles in value.items():
            for role in [roles] if isinstance(roles, str) else roles:
                pairs.append((str(group), str(role)))
    elif isinstance(value, str):
        for entry in (part.strip() for part in re.split(r"[,\n]", value)):
            if not entry:
                continue
            group, equals, role = entry.rpartition("=")
            if not equals or not group.strip():
                raise CouncilSettingsError(
                    f"EHRIA_OIDC_ROLE_MAP: {entry!r} is not of the form group-id=role.")
            pairs.append((group.strip(), role.strip()))
    elif value is not None:
        raise CouncilSettingsError("EHRIA_OIDC_ROLE_MAP must be group-id=role pairs.")
    known = ", ".join(role.value for role in Role)
    role_map: dict[str, set[Role]] = {}
    for group, role in pairs:
        try:
            role_map.setdefault(group, set()).add(Role(role))
        except ValueError:
            raise CouncilSettingsError(
                f"EHRIA_OIDC_ROLE_MAP: {role!r} is not a role; roles are: {known}.") from None
    return {group: frozenset(roles) for group, roles in role_map.items()}


def check_issuer(issuer: str, production: bool) -> None:
    """https always; plain http only for a provider on this machine, outside production."""
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and not production:
        return
    raise CouncilSettingsError(
        f"EHRIA_OIDC_ISSUER must be an https:// address (plain http is allowed only for "
        f"127.0.0.1 or localhost outside production), not {issuer!r}.")


def _text(config: Mapping[str, object], key: str) -> str:
    value = config.get(key)
    return str(value).strip() if value is not None else ""


def settings_from_config(
    config: Mapping[str, object], production: bool
) -> CouncilSignInSettings | None:
    """The checked settings, or None when council sign-in is not configured at all.

    Raises CouncilSettingsError naming what is missing or wrong: half a configuration is
    a mistake, never a quiet fallback to passwords.
    """
    given = {key: _text(config, key) for key in REQUIRED}
    given["OIDC_ALLOWED_DOMAINS"] = "x" if config.get("OIDC_ALLOWED_DOMAINS") else ""
    optional = ("OIDC_ROLE_CLAIM", "OIDC_ROLE_MAP", "OIDC_DEPARTMENT_CLAIM")
    if not any(given.values()) and not any(config.get(key) for key in optional):
        return None
    missing = [_env_name(key) for key, value in given.items() if not value]
    if missing:
        raise CouncilSettingsError(
            "Signing in with the council's account needs " + ", ".join(missing)
            + " as well (or none of the EHRIA_OIDC_ settings).")
    issuer = given["OIDC_ISSUER"]
    check_issuer(issuer, production)
    domains = parse_domains(config.get("OIDC_ALLOWED_DOMAINS"))
    if not domains:
        raise CouncilSettingsError("EHRIA_OIDC_ALLOWED_DOMAINS names no e-mail domain.")
    role_claim = _text(config, "OIDC_ROLE_CLAIM") or None
    role_map = parse_role_map(config.get("OIDC_ROLE_MAP"))
    if bool(role_claim) != bool(role_map):
        raise CouncilSettingsError(
            "Set EHRIA_OIDC_ROLE_CLAIM and EHRIA_OIDC_ROLE_MAP together: the claim names "
            "where the groups are, the map which roles each group gives.")
    return CouncilSignInSettings(
        issuer=issuer,
        client_id=given["OIDC_CLIENT_ID"],
        client_secret=given["OIDC_CLIENT_SECRET"],
        allowed_domains=domains,
        role_claim=role_claim,
        role_map=MappingProxyType(role_map),
        department_claim=_text(config, "OIDC_DEPARTMENT_CLAIM") or None,
    )


def parse_boolean(value: str, name: str) -> bool:
    """true/false, yes/no, on/off, 1/0 (any case)."""
    word = value.strip().lower()
    if word in ("true", "yes", "on", "1"):
        return True
    if word in ("false", "no", "off", "0"):
        return False
    raise CouncilSettingsError(f"{name} must be true or false, not {value!r}.")
