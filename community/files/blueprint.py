"""The blueprint, made in a module of its own: the route modules import it from here,
and nothing here imports them back (the app factory imports them to register them)."""

from flask import Blueprint

bp = Blueprint("files", __name__)
