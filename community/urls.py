"""Absolute links for emails, which may be written outside a request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

DEFAULT_SITE_URL = "http://127.0.0.1:5000"


def external_url(endpoint: str, **values) -> str:
    """The full address of a page: SITE_URL if set, else the request's own host."""
    site = current_app.config.get("SITE_URL")
    if not site and has_request_context():
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(site or DEFAULT_SITE_URL)
    adapter = current_app.url_map.bind(
        parts.netloc, url_scheme=parts.scheme, script_name=parts.path or "/"
    )
    return adapter.build(endpoint, values, force_external=True)
