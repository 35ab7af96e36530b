"""What the benchmark serves: the production app, plus the floor page when BENCH_FLOOR=1.

gunicorn --config python:community.web.gunicorn_conf bench.wsgi:app
"""

import os

from wsgi import app

if os.environ.get("BENCH_FLOOR") == "1":
    from bench.floor import bp as floor_bp

    app.register_blueprint(floor_bp)
