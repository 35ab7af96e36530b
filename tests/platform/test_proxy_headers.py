"""Behind a proxy the app believes exactly as many X-Forwarded-* hops as it is told to."""

from __future__ import annotations

from flask import request
from helpers import make_test_config

from community import create_app


def _seen_by(trusted_proxies: int, database_uri: str, headers: dict) -> dict:
    app = create_app(make_test_config(database_uri, TRUSTED_PROXIES=trusted_proxies))

    @app.get("/_seen")
    def seen():
        return {"address": request.remote_addr, "secure": request.is_secure}

    return (
        app.test_client()
        .get("/_seen", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"})
        .get_json()
    )


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_without_a_proxy_forwarded_headers_are_ignored(database_uri):
    assert _seen_by(0, database_uri, FORWARDED) == {"address": "10.0.0.5", "secure": False}


def test_behind_one_proxy_the_visitors_address_and_scheme_are_used(database_uri):
    assert _seen_by(1, database_uri, FORWARDED) == {"address": "203.0.113.7", "secure": True}


def test_a_visitor_cannot_add_hops_of_their_own(database_uri):
    # The visitor sent "198.51.100.1"; nginx appended the address it saw.
    headers = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https"}
    assert _seen_by(1, database_uri, headers)["address"] == "203.0.113.7"
