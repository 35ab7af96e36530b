"""The framework floor: a constant 20 KB page that never touches the database.

It runs through everything every page runs through (the session cookie,
security headers, gunicorn) and nothing else, so it is the fastest any page of
this app can be on this machine. It exists only in the benchmark's WSGI app
(bench.wsgi:app) and only when BENCH_FLOOR=1 is set; `wsgi:app`, which
deployments serve, never has it.
"""

from __future__ import annotations

from flask import Blueprint, Response

FLOOR_BYTES = 20 * 1024

_paragraph = (
    "<p>Improvement Commons framework floor: a constant page served without any "
    "database work, to measure the cost of the web stack alone.</p>\n"
)
_head = '<!DOCTYPE html>\n<html lang="en"><head><title>Floor</title></head><body>\n'
_tail = "</body></html>\n"
_body = _paragraph * ((FLOOR_BYTES - len(_head) - len(_tail)) // len(_paragraph))
PAGE = (_head + _body + " " * (FLOOR_BYTES - len(_head) - len(_body) - len(_tail)) + _tail).encode()

bp = Blueprint("bench_floor", __name__)


@bp.route("/bench/floor")
def floor():
    return Response(PAGE, mimetype="text/html")
