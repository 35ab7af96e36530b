"""Absolute links for emails, which may be written outside a request."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    site = current_app.config.get("SITE_URL")
    if site:
        return site + url_for(endpoint, _external=False, **values)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return "http://127.0.0.1:5000" + url_for(endpoint, _external=False, **values)
