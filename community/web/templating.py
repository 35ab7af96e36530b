"""What every template can use: the header's navigation and paging links."""

from __future__ import annotations

from collections import ChainMap

from flask import Flask, current_app, get_template_attribute, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from community.caching import store
from community.caching.pages import CSRF_STAND_IN, drawing_with_holes, hole
from community.notifications.inbox import unread_count
from community.web.form_rendering import register_form_rendering
from community.web.urls import external_url

SERVICE_NAME = "Improvement Commons"


class _Globals(ChainMap):
    """A template's globals over the environment's, as Jinja makes them, but with
    keys() a set: Jinja subtracts an imported template's keys from the importer's
    on every `{% from … import … %}` (about 30 a page, most in the NHS.UK
    macros), which ChainMap's keys() does one key at a time in Python."""

    def keys(self):  # type: ignore[override]
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    """Flask's Jinja environment with `_Globals` (still live: a global added later shows)."""

    def make_globals(self, d):
        return _Globals({} if d is None else d, self.globals)


def navigation_items() -> list[dict]:
    """Header navigation for the current visitor, marking the section they are in."""
    endpoint = request.endpoint or ""
    items = [("Home", "main.index", ("main.",))]
    if current_user.is_authenticated:
        items += [
            ("Communities", "communities.directory", ("communities.", "discussions.")),
            ("Methods", "methods.library", ("methods.",)),
            ("Projects", "projects.index", ("projects.", "measures.")),
            ("Mentoring", "mentoring.index", ("mentoring.",)),
            ("People", "people.directory", ("people.",)),
            ("Organisations", "directory.systems", ("directory.",)),
        ]
        if current_user.is_admin:
            items.append(("Admin", "admin.index", ("admin.",)))
    return [
        {
            "text": text,
            "href": url_for(target),
            "current": endpoint == target,
            "active": endpoint.startswith(prefixes) and endpoint != target,
        }
        for text, target, prefixes in items
    ]


def unread_notifications() -> int:
    if not current_user.is_authenticated:
        return 0

    return unread_count(current_user)


def header_html() -> str:
    """The page header for this reader in this section, with CSRF_STAND_IN for the token.

    Drawn once per reader, section and unread count: building its links and
    parameters cost about 0.3 ms a page. Everything it shows is in the key.
    """
    if current_user.is_authenticated:
        unread = unread_notifications()
        key = (request.endpoint, current_user.id, current_user.username, current_user.name,
               current_user.is_admin, unread)  # fmt: skip
    else:
        unread, key = 0, (request.endpoint,)
    cache = store("page_headers")
    # (On the development server, drawn every time: a template edited shows at once.)
    html = None if current_app.jinja_env.auto_reload else cache.get(key)
    if html is None:
        html = str(get_template_attribute("_header.html", "page_header")(current_user, unread))
        cache.put(key, html)
    return html


def page_header() -> Markup:
    """The header as a page shows it (a hole, on a page drawn with holes)."""
    if drawing_with_holes():
        return Markup(hole("header"))  # noqa: S704  (letters, digits and hyphens)
    return Markup(header_html().replace(CSRF_STAND_IN, generate_csrf()))  # noqa: S704


def page_url(page: int, param: str = "page") -> str:
    """The current page's address with another page number, keeping its filters.

    `param` names the page number's argument, for pages with more than one list.
    """
    args = request.args.to_dict()
    args[param] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register_template_helpers(app: Flask) -> None:
    register_form_rendering(app)
    app.jinja_env.globals.update(
        external_url=external_url,
        service_name=SERVICE_NAME,
        navigation_items=navigation_items,
        page_header=page_header,
        page_url=page_url,
    )
