"""Entry point for gunicorn (`wsgi:app`) and the `flask` command."""

from community import create_app

app = create_app()
