"""OpenID Connect providers on 127.0.0.1, in the test process, for council sign-in.

- `MockProvider`: oidc-provider-mock (PyPI), a real provider: discovery, JWKS, authorize,
  token and end-session endpoints, signing ID tokens with its own RSA key. Users and their
  claims are set through its `PUT /users/<sub>`; its authorize page signs one in.
- `ForgingProvider`: a provider of our own, for what the mock cannot do: it issues ID
  tokens wrong in one chosen way (another audience, another key's signature, expired, an
  altered nonce, another issuer), signed with joserfc like a real one. Everything else
  (discovery, JWKS, the redirect back with `code` and `state`, the code exchange) is real
  HTTP, so the app's own Authlib client is what refuses them.

Both are plain WSGI apps served by Werkzeug in a thread on 127.0.0.1, at a free port.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import authlib.deprecate  # noqa: F401 (its import puts an "always" filter first)
import requests
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

with warnings.catch_warnings():
    # oidc-provider-mock imports Authlib's deprecated jose and httpx modules; not ours.
    warnings.filterwarnings("ignore", "authlib.jose module is deprecated")
    warnings.filterwarnings("ignore", "The httpx module is deprecated")
    import oidc_provider_mock

CLIENT_ID = "ehria-tests"
CLIENT_SECRET = "client-secret-for-tests"
ALLOWED_DOMAIN = "council.example.gov.uk"


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def serve(wsgi_app: Any) -> Iterator[str]:
    """Serve `wsgi_app` on 127.0.0.1 at a free port in a thread; yields its base URL."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, wsgi_app, threaded=True,
                                         request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def council_config(issuer: str, **settings: Any) -> dict[str, Any]:
    """create_app settings for signing in with the provider at `issuer`."""
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ALLOWED_DOMAINS": ALLOWED_DOMAIN,
        **settings,
    }


def person(email: str, name: str = "Jo Bloggs", **claims: Any) -> dict[str, Any]:
    """The claims of a council account: a verified e-mail and a name, and Entra ID's
    `oid` unless told otherwise."""
    return {"email": email, "email_verified": True, "name": name, **claims}


class MockProvider:
    """oidc-provider-mock on 127.0.0.1: `issuer`, and signing a person in by their `sub`."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def put_user(self, sub: str, claims: dict[str, Any]) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """What a person does on the provider's page: sign in as `sub`. Returns the URL the
        provider sends the browser back to (the app's callback with code and state)."""
        assert authorize_url.startswith(self.issuer), authorize_url
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False,
                                 timeout=10)
        assert response.status_code == 302, response.text
        return response.headers["Location"]


@contextmanager
def mock_provider() -> Iterator[MockProvider]:
    with serve(oidc_provider_mock.app(require_nonce=True)) as url:
        yield MockProvider(url)


@dataclass
class ForgingProvider:
    """A provider whose next ID tokens are wrong in the way `forge` says (None: right).

    forge: "wrong_audience", "bad_signature" (another key, the same `kid`), "unknown_key"
    (another key and `kid`), "hs256" (HMAC where RS256 is published), "expired",
    "altered_nonce", "wrong_issuer", "no_id_token".
    """

    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    forge: str | None = None
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": "council-key-1"}))
    end_session_endpoint: str | None = None
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def discovery(self) -> dict[str, Any]:
        extra = {"end_session_endpoint": self.end_session_endpoint} if (
            self.end_session_endpoint) else {}
        return {
            **extra,
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def id_token(self, nonce: str, client_id: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "forged-subject", "aud": client_id,
                  "iat": now, "exp": now + 600, "nonce": nonce, **self.claims}
        key = self.key
        if self.forge == "wrong_audience":
            claims["aud"] = "some-other-application"
        elif self.forge == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif self.forge == "altered_nonce":
            claims["nonce"] = "not-" + nonce
        elif self.forge == "wrong_issuer":
            claims["iss"] = "https://login.evil.example/v2.0"
        elif self.forge == "bad_signature":
            key = RSAKey.generate_key(2048, parameters={"kid": self.key.kid})
        elif self.forge == "unknown_key":
            key = RSAKey.generate_key(2048, parameters={"kid": "attackers-key"})
        elif self.forge == "hs256":  # a shared-secret signature where RS256 is published
            secret = OctKey.generate_key(256, parameters={"kid": self.key.kid})
            return jwt.encode({"alg": "HS256", "kid": self.key.kid}, claims, secret)
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        return self.respond(request)(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.path == "/.well-known/openid-configuration":
            return _json(self.discovery())
        if request.path == "/jwks":
            return _json({"keys": [self.key.as_dict(private=False)]})
        if request.path == "/authorize":
            args = request.args
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": args.get("nonce", ""),
                                "client_id": args["client_id"]}
            target = args["redirect_uri"] + "?" + urlencode(
                {"code": code, "state": args["state"]})
            return Response(status=302, headers={"Location": target})
        if request.path == "/token" and request.method == "POST":
            self.token_requests.append(dict(request.form))
            issued = self.codes.pop(request.form.get("code", ""), None)
            if issued is None:
                return _json({"error": "invalid_grant"}, 400)
            body = {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                    "expires_in": 600}
            if self.forge != "no_id_token":
                body["id_token"] = self.id_token(issued["nonce"], issued["client_id"])
            return _json(body)
        return Response("not found", status=404)


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


@contextmanager
def forging_provider() -> Iterator[ForgingProvider]:
    provider = ForgingProvider()
    with serve(provider) as url:
        provider.issuer = url
        yield provider


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
