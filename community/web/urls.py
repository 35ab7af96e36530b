"""Absolute links for emails, which may be written outside a request.

Every emailed link is built here from the one configured SITE_URL, never from
the host a request happened to arrive on: a notification written after the
response, a digest sent by the outbox watcher and an email queued inside a
request must all point at the same public address. Production refuses to
start without SITE_URL (config.ProductionConfig.validate); development and
tests fall back to the address `make run` serves by default.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

DEFAULT_SITE_URL = "http://127.0.0.1:5000"


def site_url() -> str:
    return (current_app.config.get("SITE_URL") or DEFAULT_SITE_URL).rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """The full address of a page, under SITE_URL."""
    parts = urlsplit(site_url())
    adapter = current_app.url_map.bind(
        parts.netloc, url_scheme=parts.scheme, script_name=parts.path or "/"
    )
    return adapter.build(endpoint, values, force_external=True)
