"""Real app servers for tests: gunicorn on loopback, and just enough of a browser.

Used by the tests that need processes of their own: two servers sharing one
database (test_multi_server.py), and load and worker crashes
(test_under_load.py).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from community import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production app server on plain http on loopback."""
    return {
        **os.environ,
        "COMMUNITY_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SESSION_COOKIE_SECURE": "false",
        "DATABASE_URL": database_url,
        "SITE_URL": "http://improvement.test",
        **extra,
    }


@contextmanager
def gunicorn(env: dict[str, str], log: Path):
    """One gunicorn server with the production settings file; yields (host, process)."""
    host = f"127.0.0.1:{free_port()}"
    with open(log, "wb") as output:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "--config", "python:community.web.gunicorn_conf",
             "wsgi:app"],
            cwd=ROOT, env={**env, "GUNICORN_BIND": host}, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for(lambda: Browser(host).get("/healthz")[0] == 200, f"gunicorn on {host} ({log})")
        yield host, process
    finally:
        stop(process)


def workers_of(master: subprocess.Popen) -> list[int]:
    """The process ids of a gunicorn master's workers (its children)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:
            children.append(int(stat.parent.name))
    return children


class Browser:
    """Just enough of a browser: cookies, forms with their CSRF token, no redirects followed."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, host: str, cookies: dict[str, str] | None = None, timeout: float = 10):
        self.host = host
        self.cookies = dict(cookies or {})
        self.timeout = timeout
        self.token: str | None = None

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection(self.host, timeout=self.timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, text

    def get(self, path: str):
        return self.request("GET", path)

    def submit(self, form_path: str, fields: dict, action: str | None = None):
        """Open the page with the form, then post it with its CSRF token."""
        status, _, page = self.get(form_path)
        assert status == 200, f"{form_path} answered {status}"
        self.token = self.TOKEN.search(page).group(1)
        return self.request("POST", action or form_path, {"csrf_token": self.token, **fields})

    def post(self, path: str, fields: dict):
        """Post with the token of the last form opened (it lasts as long as the session)."""
        return self.request("POST", path, {"csrf_token": self.token, **fields})

    def sign_in(self, email: str, password: str):
        return self.submit("/account/sign-in", {"email": email, "password": password})
