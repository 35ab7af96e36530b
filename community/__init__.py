"""Improvement Commons: the application factory.

`create_app` assembles the app from named steps, so a reader can see in one
place everything the app is made of.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

import config as config_module
from community.core.extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[config_module.Config] | None = None) -> Flask:
    config = config or config_module.config_from_env()
    config.validate()
    app = Flask(
        __name__,
        instance_path=str(config_module.INSTANCE_DIR),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(config)
    configure_secret_key(app, config)
    configure_site_url(app, config)
    configure_proxy(app)
    configure_logging(app)
    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_signals(app)
    register_errorhandlers(app)
    register_security(app)
    register_commands(app)
    return app


def configure_secret_key(app: Flask, config) -> None:
    if hasattr(config, "load_secret_key"):
        app.config["SECRET_KEY"] = config.load_secret_key()
    elif config is config_module.ProductionConfig:
        import os

        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]


def configure_site_url(app: Flask, config) -> None:
    """Production reads SITE_URL when the app is made, as it does SECRET_KEY: validate()
    has just checked the variable, whenever the config module was imported."""
    if config is config_module.ProductionConfig:
        import os

        app.config["SITE_URL"] = os.environ["SITE_URL"].strip().rstrip("/")


def configure_proxy(app: Flask) -> None:
    """Behind nginx or a load balancer, take the visitor's address and scheme from it.

    Only as many X-Forwarded-* hops as TRUSTED_PROXIES are believed, so a
    visitor cannot claim another address to dodge the per-address rate limits.
    """
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )


def register_templates(app: Flask) -> None:
    from community.core import timefmt
    from community.web.templating import Environment, register_template_helpers

    app.jinja_environment = Environment
    # Our templates first, then the NHS.UK frontend macros and page template.
    # Escape in every template: Flask would escape only *.html, and the NHS.UK
    # macros are *.jinja files, so a member's name passed to a macro as "text"
    # would otherwise reach the page as HTML.
    app.jinja_options = {
        **app.jinja_options,
        "autoescape": True,
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [FileSystemLoader(str(ROOT / "templates")), PackageLoader("nhsuk_frontend_jinja")]
        ),
    }
    timefmt.register_filters(app)
    register_template_helpers(app)


def register_extensions(app: Flask) -> None:
    from community.core.database import register_engine_events

    db.init_app(app)
    register_engine_events(app, db)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"

    from community.accounts.loader import load_user

    login_manager.user_loader(load_user)
    # Import every model so that metadata is complete for migrations.
    from community import models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    """Each feature's blueprint is made in its `blueprint.py`; importing a feature's
    route modules here is what puts its routes on it. Feature packages import no
    routes themselves, so a service or a model never drags the web pages in."""
    import community.accounts.routes  # noqa: F401
    import community.accounts.single_sign_on_routes  # noqa: F401
    import community.admin.routes  # noqa: F401
    import community.communities.routes  # noqa: F401
    import community.directory.routes  # noqa: F401
    import community.discussions.routes  # noqa: F401
    import community.files.routes  # noqa: F401
    import community.main.routes  # noqa: F401
    import community.mentoring.mentorships.routes  # noqa: F401
    import community.mentoring.organisations.routes  # noqa: F401
    import community.mentoring.routes  # noqa: F401
    import community.methods.discussion_routes  # noqa: F401
    import community.methods.history_routes  # noqa: F401
    import community.methods.routes  # noqa: F401
    import community.notifications.routes  # noqa: F401
    import community.people.routes  # noqa: F401
    import community.projects.board_routes  # noqa: F401
    import community.projects.dashboard_routes  # noqa: F401
    import community.projects.discussion_routes  # noqa: F401
    import community.projects.measures.routes  # noqa: F401
    import community.projects.method_routes  # noqa: F401
    import community.projects.routes  # noqa: F401
    import community.search.routes  # noqa: F401
    from community.accounts.blueprint import bp as accounts_bp
    from community.accounts.blueprint import single_sign_on_bp
    from community.admin.blueprint import bp as admin_bp
    from community.communities.blueprint import bp as communities_bp
    from community.directory.blueprint import bp as directory_bp
    from community.discussions.blueprint import bp as discussions_bp
    from community.files.blueprint import bp as files_bp
    from community.main.blueprint import bp as main_bp
    from community.mentoring.blueprint import bp as mentoring_bp
    from community.methods.blueprint import bp as methods_bp
    from community.notifications.blueprint import bp as notifications_bp
    from community.people.blueprint import bp as people_bp
    from community.projects.blueprint import bp as projects_bp
    from community.projects.blueprint import dashboards_bp
    from community.projects.measures.blueprint import bp as measures_bp
    from community.search.blueprint import bp as search_bp

    for blueprint in (
        main_bp,
        accounts_bp,
        single_sign_on_bp,
        people_bp,
        directory_bp,
        communities_bp,
        discussions_bp,
        files_bp,
        methods_bp,
        projects_bp,
        measures_bp,
        dashboards_bp,
        mentoring_bp,
        notifications_bp,
        search_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)


def register_signals(app: Flask) -> None:
    """Features that react to another's events listen to its signals (see each
    feature's signals.py), rather than the two importing each other."""
    from community.notifications import listeners

    listeners.connect()


def register_errorhandlers(app: Flask) -> None:
    from community.core.errors import register_errorhandlers as register

    register(app)


def register_security(app: Flask) -> None:
    from community.web.security import register_security as register

    register(app)


def register_commands(app: Flask) -> None:
    from community.accounts.commands import create_admin
    from community.admin.markdown_commands import markdown_cli
    from community.backup.commands import backup_cli
    from community.demo.commands import seed_demo
    from community.files.commands import files_cli
    from community.mentoring.commands import mentoring_cli
    from community.notifications.commands import notifications_cli
    from community.outbox.commands import outbox_cli
    from community.search.commands import search_cli

    app.cli.add_command(outbox_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(mentoring_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(markdown_cli)
    app.cli.add_command(files_cli)
