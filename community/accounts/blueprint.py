"""The blueprint, made in a module of its own: the route modules import it from here,
and nothing here imports them back (the app factory imports them to register them)."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/account")
# Signing in with the single sign-on provider (single_sign_on_routes.py): its own
# blueprint, whose pages answer 404 while no provider is configured.
single_sign_on_bp = Blueprint("single_sign_on", __name__, url_prefix="/account")
