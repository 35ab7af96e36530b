"""Driving one page at fixed concurrency: Debian's wrk, or a bounded Python fallback.

wrk runs a small Lua script that sends the signed-in session cookie and, when
it finishes, prints its summary and latency percentiles as one JSON line.

A page may also be a list of paths (bench/diverse.py: a different query on
every request): each request takes the next path, round and round. wrk reads
the list from a file in every thread, each thread starting at its own share
of it; the Python fallback's threads share one counter.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.server import USER_AGENT

CONCURRENCY = 8
THREADS = 2
PYTHON_MAX_REQUESTS = 200_000

LUA = """
wrk.headers["Cookie"] = %(cookie)s
wrk.headers["User-Agent"] = %(agent)s
-- A connection per request, as nginx opens to the app servers (see community/web/gunicorn_conf.py).
wrk.headers["Connection"] = "close"
%(paths)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "errors": %%d, ' ..
    '"status_errors": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""

# With a list of paths: every thread reads the file, starts at its own share of the list
# and sends the next path on each request.
LUA_PATHS = """
local thread_count = 0
setup = function(thread)
  thread:set("thread_number", thread_count)
  thread_count = thread_count + 1
end
init = function(args)
  paths = {}
  for line in io.lines(%(file)s) do paths[#paths + 1] = line end
  position = math.floor(#paths * thread_number / %(threads)d)
end
request = function()
  position = position %% #paths + 1
  return wrk.format("GET", paths[position])
end
"""

Paths = str | Sequence[str]


def path_list(paths: Paths) -> list[str]:
    return [paths] if isinstance(paths, str) else list(paths)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int  # connections that failed or timed out
    bad_status: int  # answers other than 2xx or 3xx
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    generator: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


class Wrk:
    """One wrk run in the background (started, then waited for)."""

    def __init__(self, host: str, paths: Paths, cookie: str, seconds: float):
        paths = path_list(paths)
        self.list_file = None
        cycle = ""
        if len(paths) > 1:
            self.list_file = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
            self.list_file.write("\n".join(paths) + "\n")
            self.list_file.close()
            cycle = LUA_PATHS % {"file": json.dumps(self.list_file.name), "threads": THREADS}
        self.script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        self.script.write(
            LUA % {"cookie": json.dumps(cookie), "agent": json.dumps(USER_AGENT), "paths": cycle}
        )
        self.script.close()
        path = paths[0]
        self.seconds = seconds
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("wrk"), f"-t{THREADS}", f"-c{CONCURRENCY}",
             f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", self.script.name, f"http://{host}{path}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip

    def result(self) -> LoadResult:
        try:
            output, _ = self.process.communicate(timeout=self.seconds + 30)
        finally:
            self.kill()
            Path(self.script.name).unlink(missing_ok=True)
            if self.list_file is not None:
                Path(self.list_file.name).unlink(missing_ok=True)
        line = next((ln for ln in output.splitlines() if ln.startswith("BENCH_JSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk printed no summary:\n{output}")
        data = json.loads(line.removeprefix("BENCH_JSON "))
        return LoadResult(
            requests=data["requests"], seconds=data["duration_us"] / 1e6,
            errors=data["errors"], bad_status=data["status_errors"],
            p50_ms=data["p50_us"] / 1000, p95_ms=data["p95_us"] / 1000,
            p99_ms=data["p99_us"] / 1000, max_ms=data["max_us"] / 1000, generator="wrk",
        )  # fmt: skip

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


class PythonLoad:
    """The fallback: CONCURRENCY threads on keep-alive connections, bounded in time and count."""

    def __init__(self, host: str, paths: Paths, cookie: str, seconds: float):
        self.paths = path_list(paths)
        self._next = 0
        self.latencies: list[float] = []
        self.errors = 0
        self.bad_status = 0
        self.seconds = seconds
        self._lock = threading.Lock()
        self._deadline = time.monotonic() + seconds
        self._started = time.monotonic()
        self._threads = [
            threading.Thread(target=self._drive, args=(host, cookie), daemon=True)
            for _ in range(CONCURRENCY)
        ]
        for thread in self._threads:
            thread.start()

    def _path(self) -> str:
        with self._lock:
            path = self.paths[self._next % len(self.paths)]
            self._next += 1
        return path

    def _drive(self, host: str, cookie: str) -> None:
        connection = http.client.HTTPConnection(host, timeout=10)
        headers = {"Cookie": cookie, "User-Agent": USER_AGENT, "Connection": "close"}
        while time.monotonic() < self._deadline and len(self.latencies) < PYTHON_MAX_REQUESTS:
            path = self._path()
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                failed, bad = False, response.status >= 400
            except (OSError, http.client.HTTPException):
                connection.close()
                failed, bad = True, False
            with self._lock:
                if failed:
                    self.errors += 1
                elif bad:
                    self.bad_status += 1
                else:
                    self.latencies.append(time.perf_counter() - started)
        connection.close()

    def result(self) -> LoadResult:
        for thread in self._threads:
            thread.join(self.seconds + 15)
        elapsed = time.monotonic() - self._started
        ordered = sorted(self.latencies) or [0.0]

        def at(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

        return LoadResult(
            requests=len(self.latencies), seconds=elapsed, errors=self.errors,
            bad_status=self.bad_status,
            p50_ms=at(0.50), p95_ms=at(0.95), p99_ms=at(0.99), max_ms=ordered[-1] * 1000,
            generator="python",
        )  # fmt: skip

    def kill(self) -> None:
        self._deadline = 0


def start_load(host: str, paths: Paths, cookie: str, seconds: float):
    return (Wrk if have_wrk() else PythonLoad)(host, paths, cookie, seconds)


def drive(
    host: str,
    paths: Paths,
    cookie: str,
    *,
    warm_up: float,
    seconds: float,
    warm_up_paths: Paths | None = None,
    settle: Callable[[], None] | None = None,
) -> LoadResult:
    """Warm the page up (with `warm_up_paths` if given: other queries than those
    measured), let the server finish what the warm-up left queued (`settle`), then
    measure the page for a fixed time."""
    start_load(host, warm_up_paths or paths, cookie, warm_up).result()
    if settle is not None:
        # A slow page leaves the warm-up's last requests queued at the server: measured
        # from the start, the run would spend its first seconds answering those.
        settle()
    return start_load(host, paths, cookie, seconds).result()
