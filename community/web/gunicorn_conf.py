"""gunicorn settings (`gunicorn --config python:community.web.gunicorn_conf wsgi:app`).

App servers keep no state of their own, so any number can run behind a load
balancer; each reads its database and Redis addresses from the environment.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
# Sync workers, one request at a time each: an idle worker takes the next connection,
# so the load is shared evenly. Behind nginx (which buffers slow clients and opens a
# connection per request) that is all they need. Threaded workers ("gthread", with
# GUNICORN_THREADS each) keep a client's keep-alive connection in the worker that took
# it: measured with wrk's 8 connections at full scale, one of the two workers did all
# the work while the other sat idle, at half the throughput.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
# gunicorn turns a sync worker with more than one thread into a gthread worker, so
# threads are only given to threaded workers.
threads = int(os.environ.get("GUNICORN_THREADS", 2)) if worker_class == "gthread" else 1
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# Restart each worker after this many requests (a guard against slow leaks); 0 never.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10


def post_worker_init(worker) -> None:
    """Keep the loaded app out of the garbage collector's full sweeps.

    A worker holds about 200 000 objects once the app is loaded (modules,
    models, compiled templates), none of which will ever be garbage. A full
    collection walked all of them, about 170 ms at full scale, in the middle
    of whichever request triggered it. Frozen, they are never walked again;
    a sweep then covers only what requests made since.
    """
    gc.collect()
    gc.freeze()
