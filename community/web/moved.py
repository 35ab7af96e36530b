"""Addresses that carry a title: a link with an out-of-date one still works.

A method's or a project's address holds its id and a slug of its title
(`/methods/12-safer-bundle`). When the title changes, links shared before keep
working: a GET with the old slug is sent, permanently, to the same page at the
current slug, with the same query. A POST goes ahead (its form was for this page).
"""

from __future__ import annotations

from flask import redirect, request, url_for


def to_current_slug(slug: str, current: str):
    """A 301 to this page at the `current` slug when a GET came with another one;
    None otherwise. The page's other address values and its query are kept."""
    if request.method != "GET" or slug == current:
        return None
    values = {**(request.view_args or {}), "slug": current}
    return redirect(url_for(request.endpoint, **values, **request.args.to_dict()), 301)
