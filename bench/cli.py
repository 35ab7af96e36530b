"""`python -m bench --scale small|full`: build or reuse the data, serve, drive, report."""

from __future__ import annotations

import http.client
import os
import platform
import signal
import sys
from datetime import UTC, datetime

import click
import sqlalchemy as sa

from bench import database, edits, report
from bench.generators import ensure_data
from bench.load import CONCURRENCY, drive, have_wrk
from bench.pages import FLOOR_PATH, PAGES
from bench.queries import InstrumentedApp, cold, count_pages
from bench.scales import SCALES
from bench.server import Server, Visitor
from bench.writes import create_posts


def say(message: str = "") -> None:
    click.echo(message, file=sys.stderr)


@click.command()
@click.option("--scale", type=click.Choice(sorted(SCALES)), default="small", show_default=True)
@click.option("--rebuild", is_flag=True, help="Build the data again even if a saved copy matches.")
@click.option("--pages", "only", default="", help="Comma-separated page names (default: all).")
@click.option("--seconds", type=float, default=None, help="Drive each page this long instead.")
@click.option("--no-writes", is_flag=True, help="Skip creating posts.")
@click.option(
    "--no-edits",
    is_flag=True,
    help="Drive the pages without another member editing a post once a second.",
)
@click.option("--data-only", is_flag=True, help="Build (or reuse) the data, then stop.")
@click.option(
    "--in-process",
    is_flag=True,
    help="Only time each page in-process (no gunicorn, no load): SQL statements, median CPU "
    "and wall time of 15 warm requests.",
)
def main(
    scale: str,
    rebuild: bool,
    only: str,
    seconds: float | None,
    no_writes: bool,
    no_edits: bool,
    data_only: bool,
    in_process: bool,
) -> None:
    """Measure every page at SCALE and write bench/results/latest.json."""
    import community.models  # noqa: F401  (complete metadata for the generators)

    chosen = SCALES[scale]
    url = database.database_url(scale)
    pages = [p for p in PAGES if not only or p.name in only.split(",")]
    landmarks, generation = ensure_data(chosen, url, rebuild=rebuild)
    if data_only:
        for name, timing in generation.items():
            if name != "total":
                say(f"  {name:<16} {timing['seconds']:8.1f} s {timing['rows']:>12,} rows")
        if generation:
            say(f"  {'total':<16} {generation['total']['seconds']:8.1f} s")
        return
    if in_process:
        _in_process(url, landmarks, pages)
        return
    duration = seconds or chosen.duration_s
    busy = os.getloadavg()[0]
    if busy > 1.0:
        say(f"The machine is busy (load average {busy:.1f}): every figure will be lower.")
    if not have_wrk():
        say("wrk is not installed (apt-get install -y wrk): using the Python load generator.")

    results: dict = {
        "scale": scale,
        "database": sa.make_url(url).get_backend_name(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        # Other work on the machine slows every figure: the load average says how busy it was.
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": os.getloadavg()[0]},
        "load": {"generator": "wrk" if have_wrk() else "python", "concurrency": CONCURRENCY,
                 "warm_up_s": chosen.warm_up_s, "seconds_per_page": duration},
        "generation": generation,
    }  # fmt: skip
    engine = sa.create_engine(url)
    # The post another member edits while the pages are driven (see bench/edits.py).
    edited = None if no_edits else edits.choose_post(engine, landmarks)
    results["edits"] = {"on": edited is not None}
    # What the run will change, kept in the database itself, so that even a run killed
    # half-way is undone by the next one (see ensure_data).
    in_place = edits.rows_changed(engine, edited) if edited else None
    database.mark_dirty(engine, database.snapshot(engine, landmarks, in_place))
    server = Server(url, database.DATA_DIR / f"gunicorn-{scale}.log")
    # A SIGTERM ends the run through the `finally` below: servers stopped, data restored.
    signal.signal(signal.SIGTERM, _stop_on_signal)
    editor = None
    try:
        say("Counting SQL statements per page (one instrumented request each) …")
        counted = count_pages(url, landmarks, pages)
        for name, result in counted.items():
            if result.status != 200:
                raise click.ClickException(f"{name} answered {result.status} in-process")
        kinds = [page.queries for page in pages if page.queries]
        if kinds:
            say("Timing the first request for queries no one has asked (in-process) …")
            results["cold"] = cold(url, landmarks, kinds)
            for kind, figure in results["cold"].items():
                say(f"  {kind}: p50 {figure['p50_ms']} ms, p95 {figure['p95_ms']} ms "
                    f"(CPU p50 {figure['cpu_p50_ms']} ms)")  # fmt: skip
        say(f"Starting gunicorn (production settings, 2 workers) on {server.host} …")
        server.start()
        reader = Visitor(server.host)
        reader.sign_in(landmarks["user_email"], landmarks["user_password"])
        # Visit a page with a form once, so the session holds its CSRF secret as a
        # browser's would; otherwise every measured request would set a new cookie.
        reader.csrf_token(landmarks["thread"])
        cookie = reader.cookie_header

        def measure(paths: list[str], warm_up_paths: list[str] | None = None) -> dict:
            path = paths[0]
            try:
                status, _, body = reader.get(path)
            except (OSError, http.client.HTTPException) as error:
                return failed(f"no answer ({error.__class__.__name__})")
            if status != 200:
                return failed(f"answered {status}")
            load = drive(server.host, paths, cookie, warm_up=chosen.warm_up_s, seconds=duration,
                         warm_up_paths=warm_up_paths, settle=server.wait_until_ready)  # fmt: skip
            done = load.requests > 0  # none finished in time: no latency to report

            def ms(value: float) -> float | None:
                return round(value, 2) if done else None

            measured = {"rps": round(load.rps, 1), "p50_ms": ms(load.p50_ms),
                        "p95_ms": ms(load.p95_ms), "p99_ms": ms(load.p99_ms),
                        "bytes": len(body), "requests": load.requests,
                        "timeouts_or_errors": load.errors}  # fmt: skip
            if load.bad_status:
                measured["failed"] = f"{load.bad_status} answers were errors"
            elif load.errors:
                # Requests past wrk's timeout, or cut off when gunicorn killed a worker
                # that ran past its own: the page is too slow, and the figure says so.
                measured["failed"] = f"{load.errors} requests timed out or were cut off"
            if load.errors or load.bad_status:
                server.wait_until_ready()  # the next page starts with every worker back
            return measured

        def failed(reason: str) -> dict:
            """A page that could not be measured is reported, and the run goes on."""
            say(f"    {reason}")
            server.wait_until_ready()
            return {"rps": 0.0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "bytes": 0,
                    "requests": 0, "timeouts_or_errors": 0, "failed": reason}  # fmt: skip

        say(f"Driving each page for {duration:g} s after a {chosen.warm_up_s} s warm-up …")
        results["floor"] = measure([FLOOR_PATH]) | {"cpu_ms": counted["floor"].cpu_ms}
        if "failed" in results["floor"]:
            raise click.ClickException(f"The floor page failed: {results['floor']['failed']}")
        say(f"  floor: {results['floor']['rps']:.0f} rps")
        if edited:
            # The floor is measured alone; every page after it, under the edits.
            say(f"Member {edited.author_id} edits post {edited.post_id} (thread "
                f"{edited.thread_id}) once every {edits.INTERVAL_S:g} s from now on …")  # fmt: skip
            editor = edits.Editor(Visitor(server.host), edited, landmarks["user_password"])
            editor.start()
        results["pages"] = {}
        for page in pages:
            paths = page.paths(landmarks)
            edits_before = editor.edits if editor else 0
            measured = measure(paths, page.warm_up_paths(landmarks))
            measured["queries"] = counted[page.name].queries
            measured["cpu_ms"] = counted[page.name].cpu_ms
            measured["path"] = paths[0]
            if len(paths) > 1:
                measured["distinct_paths"] = len(paths)
                if measured["requests"] > len(paths):
                    measured["note"] = (f"{measured['requests']} requests for {len(paths)} "
                                        "queries: some were asked twice")  # fmt: skip
            if editor:
                measured["edits_during"] = editor.edits - edits_before
            results["pages"][page.name] = measured
            share = measured["rps"] / results["floor"]["rps"] * 100
            say(f"  {page.name}: {measured['rps']:.0f} rps ({share:.0f}% of floor), "
                f"p95 {measured['p95_ms']} ms, {measured['queries']} queries")  # fmt: skip
        if editor:
            results["edits"] |= {
                "interval_s": edits.INTERVAL_S, "post_id": edited.post_id,
                "thread_id": edited.thread_id, "author_id": edited.author_id,
            } | editor.stop().as_dict()  # fmt: skip
            editor = None
            say(f"  {results['edits']['edits']} edits, p95 {results['edits']['p95_ms']} ms, "
                f"{results['edits']['failures']} failed")  # fmt: skip
        if not no_writes:
            results["writes"] = _writes(server, landmarks, cookie, chosen, duration, url)
        results["worker_rss_mb"] = server.worker_peak_mb
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the clean-up finish
        if editor:
            editor.stop()
        server.stop()
        database.restore(engine)
        engine.dispose()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    results["targets"] = report.evaluate(results)
    path = report.write(results)
    click.echo(report.summary(results))
    say(f"\nWrote bench/results/{path.name} and bench/results/latest.json")


def _in_process(url: str, landmarks: dict, pages) -> None:
    """The least each page can cost: its own work, with nothing else on the server."""
    say("Timing each page in-process (a warm-up, then the median of 15 requests) …")
    click.echo("| page | status | SQL statements | CPU ms | wall ms | bytes |")
    click.echo("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, result in count_pages(url, landmarks, pages).items():
        click.echo(f"| {name} | {result.status} | {result.queries} | {result.cpu_ms:.1f} | "
                   f"{result.wall_ms:.1f} | {result.bytes:,} |")  # fmt: skip


def _stop_on_signal(number, _frame) -> None:
    say(f"Stopped by signal {number}: stopping the servers and undoing this run's writes …")
    sys.exit(128 + number)


def _writes(server, landmarks, cookie, scale, duration, url) -> dict:
    say(f"Creating up to {scale.writes} posts while wrk reads the thread's last page …")
    writer = Visitor(server.host)
    writer.sign_in(landmarks["user_email"], landmarks["user_password"])
    window = max(duration * 2, 20.0)
    under_load = create_posts(writer, landmarks, scale.writes, window, read_cookie=cookie)
    say(f"  {under_load.posts} posts, p95 {under_load.p95_ms:.1f} ms")
    say("Creating posts with nothing else running …")
    alone = create_posts(writer, landmarks, max(scale.writes // 2, 20), window)
    say(f"  {alone.posts} posts, p95 {alone.p95_ms:.1f} ms")
    # One more, in-process, to count its statements.
    instrumented = InstrumentedApp(url, landmarks["user_id"])
    try:
        reply = instrumented.request(
            "POST",
            f"/communities/{landmarks['community']}/threads/{landmarks['thread_id']}/reply",
            {"body": "Counting the statements one reply takes."},
        )
    finally:
        instrumented.close()

    def summary(result) -> dict:
        return {"posts": result.posts, "failures": result.failures,
                "p50_ms": round(result.p50_ms, 2), "p95_ms": round(result.p95_ms, 2),
                "p99_ms": round(result.p99_ms, 2)}  # fmt: skip

    reads = under_load.reads
    return {
        "under_load": summary(under_load),
        "alone": summary(alone),
        "reads_during_writes": {"rps": round(reads.rps, 1), "p95_ms": round(reads.p95_ms, 2)}
        if reads
        else None,
        "queries": reply.queries,
    }
