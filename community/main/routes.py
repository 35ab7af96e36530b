"""The landing page, the signed-in home page, health check and NHS.UK assets."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, request, send_from_directory
from flask_login import current_user

from community.core.extensions import db, limiter
from community.discussions.feed import home_feed, key_posts_for
from community.main.blueprint import bp


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    feed = home_feed(current_user, request.args.get("page", 1, type=int), 20)
    return render_template("main/home.html", feed=feed, key_posts=key_posts_for(feed.items))


@bp.route("/healthz")
@limiter.exempt
def healthz():
    db.session.execute(sa.select(sa.literal(1)))
    return {"status": "ok"}


@bp.route("/assets/<path:filename>")
@limiter.exempt
def nhsuk_assets(filename: str):
    # The NHS.UK stylesheet refers to its icons under /assets.
    folder = current_app.static_folder + "/vendor/nhsuk/assets"
    return send_from_directory(folder, filename, max_age=86400)


@bp.route("/about")
def about():
    return render_template("main/about.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")
