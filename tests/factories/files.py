"""Files for the files tests: real images made by Pillow, and disguised ones made by hand."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from community.files.scanning import use_scanner
from community.files.storage import LocalStorage, use_storage


@pytest.fixture
def files_dir(app, db, tmp_path):
    """Each test's files in a folder of its own, with scanning off unless it says."""
    use_storage(app, LocalStorage(tmp_path / "files"))
    use_scanner(app, None)
    yield tmp_path / "files"
    app.extensions.pop("files_storage", None)
    app.extensions.pop("files_scanner", None)


def stored_paths(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def png(size=(40, 30), colour=(0, 94, 184)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


GPS_IFD = 0x8825


def jpeg_with_location() -> bytes:
    """A photo as a phone takes it: EXIF with the camera's make and a GPS position."""
    image = Image.new("RGB", (60, 40), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "WardCam"  # Make
    exif[0x9286] = "taken on ward 7"  # UserComment
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200 + b"This program cannot be run"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def polyglot_gif() -> bytes:
    """A GIF that is also a web page: valid image bytes with a script after them."""
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue() + b"<script>alert(document.domain)</script>"


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)
