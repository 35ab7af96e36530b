"""The virus-scanning hook: every upload passes a scanner before anyone may download it.

`FILES_SCANNER` chooses: empty (the default: no scanning, files are served at once), or
"clamav": ClamAV's daemon (Debian's clamav-daemon), spoken to over its socket with the
clamd INSTREAM command, the file sent in chunks. When the daemon cannot be reached, the
file waits ("pending") and is not served until `flask files scan` passes it. Tests put
`FakeScanner` in its place (see docs/files.md).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol

from flask import Flask, current_app


class Verdict(StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"
    UNAVAILABLE = "unavailable"  # the scanner could not say: try again later


class Scanner(Protocol):
    def scan(self, chunks: Iterable[bytes]) -> Verdict: ...


class ClamAVScanner:
    """clamd over its Unix socket (CLAMD_SOCKET) or host:port; INSTREAM, chunk by chunk."""

    def __init__(self, address: str, timeout: float = 60.0):
        self.address, self.timeout = address, timeout

    def _connect(self) -> socket.socket:
        if ":" in self.address and not self.address.startswith("/"):
            host, port = self.address.rsplit(":", 1)
            return socket.create_connection((host, int(port)), timeout=self.timeout)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.address)
        return sock

    def scan(self, chunks: Iterable[bytes]) -> Verdict:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0") and (part := sock.recv(4096)):
                    reply += part
        except OSError:
            return Verdict.UNAVAILABLE
        answer = reply.rstrip(b"\0").decode("utf-8", "replace")
        if answer.endswith("OK"):
            return Verdict.CLEAN
        if answer.endswith("FOUND"):
            return Verdict.INFECTED
        return Verdict.UNAVAILABLE


class FakeScanner:
    """For tests: finds the EICAR test string, and can be told to be unavailable."""

    EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"

    def __init__(self, available: bool = True):
        self.available = available
        self.scanned = 0

    def scan(self, chunks: Iterable[bytes]) -> Verdict:
        if not self.available:
            return Verdict.UNAVAILABLE
        self.scanned += 1
        tail = b""
        for chunk in chunks:
            if self.EICAR in tail + chunk:
                return Verdict.INFECTED
            tail = chunk[-len(self.EICAR) :]
        return Verdict.CLEAN


def scanner() -> Scanner | None:
    """The app's scanner, or None when scanning is off."""
    app = current_app._get_current_object()
    if "files_scanner" not in app.extensions:
        chosen = app.config["FILES_SCANNER"]
        app.extensions["files_scanner"] = (
            ClamAVScanner(app.config["CLAMD_SOCKET"]) if chosen == "clamav" else None
        )
    return app.extensions["files_scanner"]


def use_scanner(app: Flask, chosen: Scanner | None) -> None:
    app.extensions["files_scanner"] = chosen
