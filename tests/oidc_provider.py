"""A real OpenID Connect provider on loopback, for the single sign-on tests.

oidc-provider-mock serves discovery, its signing keys, the authorisation and
token endpoints and end-session, as NHSmail (Entra ID) does. Its consent page
is a form: POST ``sub`` to sign in as that subject, or ``action=deny`` to refuse.
Each test sets its subject's claims with PUT /users/<sub>.

`Provider.tamper` alters the next ID tokens the token endpoint hands out, as a
forger or a misconfigured provider would: with the provider's own key for
another audience or already expired (so only that check can refuse it), or
changed after signing (so the signature no longer matches).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import flask
import oidc_provider_mock
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "improvement-commons-tests"
CLIENT_SECRET = "a secret only the tests know"


@dataclass
class Provider:
    issuer: str
    # "audience", "issuer", "expired", "signature" or None: what to do to the next ID tokens.
    tamper: str | None = None
    issued: list[dict] = field(default_factory=list)

    def set_user(self, sub: str, **claims) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert response.status_code == 204, response.text

    def config(self) -> dict:
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_PROVIDER_NAME": "Sign in with NHSmail",
        }

    def consent(self, authorize_url: str, sub: str | None = None) -> str:
        """Answer the provider's consent page as the person would: sign in as `sub`, or
        deny (None). Returns the path and query the provider sends the browser back to."""
        data = {"sub": sub} if sub else {"action": "deny"}
        response = requests.post(authorize_url, data=data, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        back = urlsplit(response.headers["Location"])
        return f"{back.path}?{back.query}"


def _tampered(provider: Provider, response: flask.Response) -> flask.Response:
    if provider.tamper is None or flask.request.path != "/oauth2/token":
        return response
    body = json.loads(response.get_data())
    if "id_token" not in body:
        return response
    key = RSAKey.import_key(flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
    token = jwt.decode(body["id_token"], key)
    claims = dict(token.claims)
    if provider.tamper == "signature":
        header, _, signature = body["id_token"].split(".")
        forged = dict(claims, sub="someone-else")
        payload = jwt.encode(dict(token.header), forged, key).split(".")[1]
        body["id_token"] = f"{header}.{payload}.{signature}"
    else:
        if provider.tamper == "audience":
            claims["aud"] = "another-service"
        elif provider.tamper == "issuer":
            claims["iss"] = "http://127.0.0.1:1"  # another provider's name, this one's key
        elif provider.tamper == "expired":
            claims["iat"] = int(time.time()) - 3600
            claims["exp"] = int(time.time()) - 600  # beyond Authlib's two minutes' leeway
        body["id_token"] = jwt.encode(dict(token.header), claims, key)
    provider.issued.append(claims)
    response.set_data(json.dumps(body))
    return response


@contextmanager
def running_provider() -> Iterator[Provider]:
    """The provider on 127.0.0.1, on a port of its own, for as long as the block lasts."""
    app = oidc_provider_mock.app(require_nonce=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    provider = Provider(issuer=f"http://127.0.0.1:{server.server_port}")
    app.after_request(lambda response: _tampered(provider, response))
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
