"""The Flask and Authlib side of signing in with the council's account (OpenID Connect).

Authlib does the protocol: discovery from the issuer's /.well-known/openid-configuration,
the authorization code flow with `state`, `nonce` and a PKCE (S256) code challenge, the
code exchange, and the ID token's checks (signature from the provider's JWKS, issuer,
audience, expiry, nonce). This module configures it, keeps what it needs between the
redirect and the return in the database (`PendingSignIns`, each usable once), and turns
its errors into refusals with a reason. ehria.council_sign_in decides who the token is.

Nothing here logs or stores a token.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
    UnsupportedAlgorithmError,
)
from sqlalchemy import delete
from werkzeug.wrappers import Response

from ehria.accounts import sign_in_methods
from ehria.council_settings import CouncilSignInSettings
from ehria.council_sign_in import SignInRefused, unverified
from ehria.extensions import db
from ehria.models import utcnow
from ehria.models_security import PendingSignIn

log = logging.getLogger(__name__)

# Authlib reads its app config under this name's prefix (COUNCIL_ACCOUNT_CLIENT_ID ...):
# none of ours starts so.
CLIENT_NAME = "council_account"
SCOPES = "openid email profile"
# A sign-in must come back from the provider within this long.
PENDING_SIGN_IN_LIFETIME = timedelta(minutes=10)
# Clock difference tolerated between this server and the provider when checking `exp`.
ID_TOKEN_LEEWAY_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10
# The discovery document (and with it the JWKS) is read again after this long; a key the
# JWKS does not hold yet makes Authlib read the JWKS again at once.
METADATA_LIFETIME_SECONDS = 24 * 3600


class ProviderUnavailable(Exception):
    """The council's provider could not be reached, or its discovery document does not
    name the configured issuer (a misconfiguration: nothing from it can be trusted)."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class PendingSignIns:
    """Authlib's cache (get, set, delete) over the `pending_sign_ins` table.

    The browser's cookie holds only which sign-in it started; what Authlib needs to finish
    it (nonce, code verifier, redirect URI) stays here. `get` takes the entry, deleting it
    as it reads it, and commits: Authlib reads an entry only to use it and delete it, so
    a `state` is good for one return, even when a copied cookie comes back with it.
    """

    def get(self, key: str) -> str | None:
        data = db.session.execute(
            delete(PendingSignIn)
            .where(PendingSignIn.key_hash == _hash(key), PendingSignIn.expires_at > utcnow())
            .returning(PendingSignIn.data)
        ).scalar_one_or_none()
        db.session.commit()
        return data

    def set(self, key: str, value: str, expires_in: int | None = None) -> None:
        """Keep an entry for PENDING_SIGN_IN_LIFETIME (not Authlib's hour), clearing
        out the expired ones on the way."""
        now = utcnow()
        db.session.execute(delete(PendingSignIn).where(PendingSignIn.expires_at <= now))
        db.session.add(PendingSignIn(key_hash=_hash(key), data=value,
                                     expires_at=now + PENDING_SIGN_IN_LIFETIME))
        db.session.commit()

    def delete(self, key: str) -> None:
        db.session.execute(delete(PendingSignIn).where(PendingSignIn.key_hash == _hash(key)))
        db.session.commit()


def init_council_sign_in(app: Flask) -> None:
    """Register the OpenID Connect client when council sign-in is configured."""
    app.add_template_filter(sign_in_methods, "sign_in_methods")
    settings: CouncilSignInSettings | None = app.config.get("COUNCIL_SIGN_IN")
    app.jinja_env.globals.update(
        council_sign_in_enabled=settings is not None,
        password_sign_in_enabled=bool(app.config["PASSWORD_SIGN_IN"]),
        council_roles_from_groups=bool(settings and settings.role_claim),
    )
    if settings is None:
        return
    # Authlib logs the PKCE code verifier at DEBUG: keep it out of every log.
    authlib_log = logging.getLogger("authlib")
    if authlib_log.level < logging.INFO:  # (NOTSET too, which would follow the root's)
        authlib_log.setLevel(logging.INFO)
    oauth = OAuth(app, cache=PendingSignIns())
    oauth.register(
        CLIENT_NAME,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.metadata_url,
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256",
                       "default_timeout": HTTP_TIMEOUT_SECONDS},
    )


def council_settings() -> CouncilSignInSettings | None:
    return current_app.config.get("COUNCIL_SIGN_IN")


def _settings() -> CouncilSignInSettings:
    settings = council_settings()
    if settings is None:
        raise RuntimeError("Council sign-in is not configured (the views answer 404 first).")
    return settings


def _client() -> Any:
    return current_app.extensions["authlib.integrations.flask_client"].create_client(
        CLIENT_NAME)


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document (read once a day), checked to name our issuer."""
    settings = _settings()
    client = _client()
    loaded_at = client.server_metadata.get("_loaded_at")
    if loaded_at is not None and time.time() - loaded_at > METADATA_LIFETIME_SECONDS:
        client.server_metadata.clear()
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery failed: {type(error).__name__}") from error
    if metadata.get("issuer") != settings.issuer:
        client.server_metadata.clear()  # read it again next time, once it is put right
        raise ProviderUnavailable("the discovery document names another issuer")
    return metadata


def redirect_to_provider(redirect_uri: str) -> Response:
    """Send the browser to the provider's sign-in, with state, nonce and PKCE."""
    provider_metadata()
    try:
        return _client().authorize_redirect(redirect_uri)
    except requests.RequestException as error:
        raise ProviderUnavailable(type(error).__name__) from error


def _claim_reason(error: ClaimError) -> str:
    return {
        "aud": "wrong_audience", "azp": "wrong_audience", "iss": "wrong_issuer",
        "nonce": "nonce_mismatch", "exp": "expired",
    }.get(error.claim, f"bad_claim_{error.claim}"[:40])


def _token_reason(error: JoseError) -> str:
    if isinstance(error, ExpiredTokenError):
        return "expired"
    if isinstance(error, ClaimError):
        return _claim_reason(error)
    if isinstance(error, BadSignatureError):
        return "bad_signature"
    if isinstance(error, InvalidKeyIdError):
        return "unknown_signing_key"
    if isinstance(error, UnsupportedAlgorithmError):
        return "algorithm_not_published"
    return "malformed_token"


def claims_from_callback() -> dict[str, Any]:
    """The claims of the ID token this return brings, after every check; raises
    SignInRefused (with the reason) or ProviderUnavailable."""
    settings = _settings()
    provider_metadata()
    # Audience and issuer exactly ours, and the claims the checks need present: Authlib
    # on its own checks the issuer only, and the audience only through `azp`.
    claims_options = {
        "iss": {"essential": True, "value": settings.issuer},
        "aud": {"essential": True, "value": settings.client_id},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }
    try:
        token = _client().authorize_access_token(
            claims_options=claims_options, leeway=ID_TOKEN_LEEWAY_SECONDS)
    except MismatchingStateError:
        raise SignInRefused(
            "state_missing_or_used", "This sign-in had expired or had already been used, "
            "so you have not been signed in. Go back to the sign-in page and try again."
        ) from None
    except OAuthError as error:
        raise unverified(f"token_request_refused ({_code(error.error)})") from None
    except JoseError as error:
        raise unverified(_token_reason(error)) from None
    except requests.RequestException as error:
        raise ProviderUnavailable(type(error).__name__) from error
    except ValueError:  # a token response that is not JSON
        raise unverified("token_response_unreadable") from None
    claims = token.get("userinfo")
    if not claims:
        raise unverified("no_id_token")
    return dict(claims)


def _code(value: object) -> str:
    """An OAuth error code as the provider sent it, made safe for one log line."""
    text = "".join(c for c in str(value or "") if c.isalnum() or c in "_-")
    return text[:40] or "unknown"


def provider_error(error: str | None) -> SignInRefused:
    """The provider sent the browser back with an error instead of a code (the person
    cancelled, or may not use the app)."""
    return SignInRefused(
        f"provider_error ({_code(error)})", "You were not signed in with your council "
        "account. Go back to the sign-in page and try again; if your council account may "
        "not use EHRIA, contact the IT service desk.")


def logout_url(post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), when it offers one."""
    try:
        metadata = provider_metadata()
    except ProviderUnavailable as error:
        log.warning("council sign-out: the provider is unavailable (%s)", error)
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    parts = urlsplit(endpoint)
    if f"{parts.scheme}://{parts.netloc}" != _settings().origin:
        # The Content-Security-Policy lets the sign-out form go on to the issuer's
        # origin only (ehria.security), so elsewhere the browser would be left stranded.
        log.info("council sign-out: the end-session endpoint is not on the issuer's "
                 "origin; signed out here only")
        return None
    return _client().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, client_id=_settings().client_id
    )["url"]
