"""gunicorn in the production configuration on loopback, a signed-in visitor, worker memory."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from community import ROOT

USER_AGENT = "improvement-commons-bench/1"
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`gunicorn bench.wsgi:app` with community/web/gunicorn_conf.py, in its own process group."""

    def __init__(self, database_url: str, log_path: Path):
        self.database_url = database_url
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.peak_kb: dict[int, int] = {}
        self._sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "COMMUNITY_CONFIG": "production",
            "SECRET_KEY": secrets.token_urlsafe(36),  # 48 characters, new every run
            # Plain http on loopback: the session cookie must travel without TLS.
            "SESSION_COOKIE_SECURE": "false",
            "DATABASE_URL": self.database_url,
            "SITE_URL": f"http://{self.host}",
            "BENCH_FLOOR": "1",
            "GUNICORN_BIND": self.host,
            "GUNICORN_WORKERS": str(WORKERS),
            # Recycling workers every few thousand requests guards against leaks in a
            # long-lived server; in a run of a few minutes it would only add restarts
            # and hide the peak memory a worker reaches.
            "GUNICORN_MAX_REQUESTS": "0",
            "SIGN_IN_LIMIT_PER_ACCOUNT": "100 per minute",
            "SIGN_IN_LIMIT_PER_ADDRESS": "100 per minute",
            # The run measures what a post costs, not the per-member posting limit
            # (20 a minute by default), which would refuse all but the first few.
            "POST_LIMIT_PER_MEMBER": "100000 per minute",
        }
        env.pop("REDIS_URL", None)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 (handed to the child process)
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "--config", "python:community.web.gunicorn_conf",
             "bench.wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        self.wait_until_ready()
        self._sampling.set()
        self._sampler = threading.Thread(target=self._sample_memory, daemon=True)
        self._sampler.start()

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log_path}")
            try:
                status, _, _ = Visitor(self.host).get("/healthz")
                if status == 200 and len(self.worker_pids()) >= WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def _sample_memory(self) -> None:
        while self._sampling.is_set():
            for pid in self.worker_pids():
                peak = _status_kb(pid, "VmHWM")
                if peak:
                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), peak)
            time.sleep(0.5)

    @property
    def worker_peak_mb(self) -> float:
        return round(max(self.peak_kb.values(), default=0) / 1024, 1)

    def stop(self) -> None:
        self._sampling.clear()
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# ------------------------------------------------------------------ visitor

CSRF_PATTERN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


class Visitor:
    """A browser in miniature: one keep-alive connection, cookies, a fixed User-Agent.

    The User-Agent is the one wrk sends too: Flask-Login ties a session to it.
    """

    def __init__(self, host: str):
        self.host = host
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, timeout=30)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"User-Agent": USER_AGENT, "Host": self.host}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection, or gunicorn replaced a worker
                # that ran past its timeout: try once more on a new connection.
                self.connection.close()
                if attempt:
                    raise
                time.sleep(1.0)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=thu, 01 jan 1970" in header.lower() or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, response.headers, data

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)

    def csrf_token(self, path: str) -> str:
        status, _, body = self.get(path)
        match = CSRF_PATTERN.search(body.decode())
        if status != 200 or not match:
            raise RuntimeError(f"No form with a CSRF token at {path} (status {status})")
        return match.group(1)

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the real form, as a person would."""
        token = self.csrf_token("/account/sign-in")
        status, headers, _ = self.post(
            "/account/sign-in", {"csrf_token": token, "email": email, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"Signing in as {email} failed (status {status})")

    def close(self) -> None:
        self.connection.close()
