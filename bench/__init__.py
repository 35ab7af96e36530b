"""The benchmark harness: `make bench SCALE=small|full` (`python -m bench`).

It builds a large, deterministic data set through the real migrations, serves
the app with gunicorn in the production configuration, drives each page with a
load generator on loopback and writes what it measured to bench/results/.

Where things live:

* scales.py      how big each scale is and how long each page is driven;
* pages.py       the pages measured and their targets (one line per page);
* generators/    the data, one module per feature, run as named phases;
* database.py    a fresh database, the version stamp, reuse and restore;
* server.py      gunicorn, signing in over HTTP, worker memory;
* load.py        wrk (or a bounded Python fallback) and its percentiles;
* queries.py     SQL statements per page, from an instrumented request; cold queries;
* diverse.py     a different query on every request, and queries no one has asked;
* edits.py       another member editing one of their posts while the pages are driven;
* writes.py      creating posts while reads run;
* report.py      the table, the targets and the JSON results;
* floor.py, wsgi.py   the app with a constant 20 KB page, for the floor.
"""
