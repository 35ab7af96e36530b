"""The projects feature's blueprints, made here alone so that route modules import
them and nothing imports back."""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects")
dashboards_bp = Blueprint("dashboards", __name__)
