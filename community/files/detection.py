"""What a file is, decided from its bytes (puremagic and a look inside), never from its
name or the browser's word.

Allowed: images (PNG, JPEG, WebP, GIF: re-encoded by images.py), PDF, Word, Excel and
PowerPoint (the XML formats, without macros), CSV and plain text. Refused: anything else,
and so SVG, HTML, scripts and executables; a file that is also another kind of file (a
polyglot: an image or PDF with a web page or a ZIP inside it) is refused too.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import puremagic

from community.core.errors import RuleViolation

HEAD = 8192
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str  # the file's true extension, with its dot
    label: str  # what the page calls it: "PNG image", "Word document"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


IMAGES = {
    ".png": Detected("image/png", ".png", "PNG image"),
    ".jpg": Detected("image/jpeg", ".jpg", "JPEG image"),
    ".gif": Detected("image/gif", ".gif", "GIF image"),
    ".webp": Detected("image/webp", ".webp", "WebP image"),
}
PDF = Detected("application/pdf", ".pdf", "PDF document")
OFFICE = {
    "word/": Detected(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx", "Word document",
    ),
    "xl/": Detected(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx", "Excel spreadsheet",
    ),
    "ppt/": Detected(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx", "PowerPoint presentation",
    ),
}  # fmt: skip
CSV = Detected("text/csv", ".csv", "CSV file")
TEXT = Detected("text/plain", ".txt", "Text file")

ALLOWED_WORDS = (
    "an image (PNG, JPEG, WebP or GIF), a PDF, a Word, Excel or PowerPoint file, "
    "a CSV file or a text file"
)
EXECUTABLE_STARTS = (
    b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe", b"#!",
)  # fmt: skip
# Markup a browser would run, anywhere in a file: an image or a document carrying it is
# a polyglot, one file that is also a web page.
MARKUP = (b"<script", b"<html", b"<svg", b"<!doctype", b"<?php", b"<iframe", b"<body",
          b"javascript:")  # fmt: skip
ZIP_START = b"PK\x03\x04"


def refuse(why: str) -> RuleViolation:
    return RuleViolation(why, field="files")


def detect(stream: BinaryIO, name: str) -> Detected:
    """What the file in `stream` is, or a RuleViolation saying why it may not be shared.
    Reads the stream in chunks; leaves it at its start."""
    stream.seek(0)
    head = stream.read(HEAD)
    stream.seek(0)
    if not head:
        raise refuse(f"{name} is empty")
    if head.startswith(EXECUTABLE_STARTS):
        raise refuse(f"{name} is a program or script: these cannot be shared")
    opening = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if opening.startswith(b"<") and (
        any(m in opening for m in MARKUP) or opening.startswith(b"<?xml")
    ):
        raise refuse(f"{name} is a web page or an SVG drawing: these cannot be shared")
    detected = _by_content(stream, head, name)
    markers = MARKUP + ((b"/javascript",) if detected is PDF else ())
    # (An Office file is a ZIP whose parts are compressed: nothing to read in its bytes.)
    if detected not in OFFICE.values() and _contains(stream, (*markers, ZIP_START), skip=4):
        raise refuse(f"{name} has a web page, script or archive hidden inside it")
    stream.seek(0)
    return detected


# What puremagic names a file, and the start the file must then have for us to agree.
SIGNATURES = {
    "image/png": (IMAGES[".png"], (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": (IMAGES[".jpg"], (b"\xff\xd8\xff",)),
    "image/gif": (IMAGES[".gif"], (b"GIF87a", b"GIF89a")),
    "image/webp": (IMAGES[".webp"], (b"RIFF",)),
    "application/pdf": (PDF, (b"%PDF-",)),
}
OLD_OFFICE = {".doc", ".xls", ".ppt", ".msi", ".msg"}


def _by_content(stream: BinaryIO, head: bytes, name: str) -> Detected:
    try:
        matches = puremagic.magic_stream(io.BytesIO(head))
    except puremagic.PureError:
        matches = []
    if matches:
        best = matches[0]
        mime, extension = best.mime_type.lower(), best.extension.lower()
        if mime in SIGNATURES:
            detected, starts = SIGNATURES[mime]
            if head.startswith(starts) and (mime != "image/webp" or head[8:12] == b"WEBP"):
                return detected
        elif head.startswith(ZIP_START) and (
            "openxmlformats" in mime or extension in (".zip", ".docx", ".xlsx", ".pptx")
        ):
            return _office(stream, name)
        elif extension in OLD_OFFICE:
            raise refuse(
                f"{name} is in an older Office format, which can carry macros: save it as "
                ".docx, .xlsx or .pptx and attach that"
            )
    elif _is_text(stream):
        return CSV if name.lower().endswith(".csv") else TEXT
    raise refuse(f"{name} is not a kind of file that can be shared: attach {ALLOWED_WORDS}")


def _office(stream: BinaryIO, name: str) -> Detected:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        names = []
    stream.seek(0)
    if "[Content_Types].xml" in names:
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise refuse(f"{name} contains macros: save it without them and attach that")
        for folder, detected in OFFICE.items():
            if any(n.startswith(folder) for n in names):
                return detected
    raise refuse(f"{name} is not a kind of file that can be shared: attach {ALLOWED_WORDS}")


def _is_text(stream: BinaryIO) -> bool:
    """UTF-8 text throughout, with no NUL bytes (read in chunks)."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def _contains(stream: BinaryIO, markers: tuple[bytes, ...], skip: int = 0) -> bool:
    """Whether any of `markers` is in the stream past its first `skip` bytes, in any
    case; read in overlapping chunks."""
    markers = tuple(m.lower() for m in markers)
    overlap = max(len(m) for m in markers) - 1
    stream.seek(skip)
    tail = b""
    while chunk := stream.read(CHUNK):
        window = (tail + chunk).lower()
        if any(m in window for m in markers):
            stream.seek(0)
            return True
        tail = window[-overlap:]
    stream.seek(0)
    return False


_LABELS = {d.content_type: d.label for d in (*IMAGES.values(), PDF, *OFFICE.values(), CSV, TEXT)}


def label_for(content_type: str) -> str:
    return _LABELS.get(content_type, "File")


def size_words(size: int) -> str:
    """A file's size as people write it: "840 bytes", "12 KB", "3.4 MB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
