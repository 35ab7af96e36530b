"""Images are re-encoded before anyone sees them: what is kept is Pillow's own drawing of
the pixels, so nothing the uploader's camera or software put in the file goes with it
(location, camera, comments, anything appended), and a very large image is scaled down.

An image that claims more pixels than UPLOAD_IMAGE_MAX_PIXELS is refused before its
pixels are read (a decompression bomb: a small file that would fill the memory).
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from community.core.errors import RuleViolation
from community.files.detection import Detected

FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


@dataclass
class Reencoded:
    stream: BinaryIO  # the new file, at its start
    size: int
    width: int
    height: int


def reencode(
    stream: BinaryIO, detected: Detected, name: str, max_side: int, max_pixels: int
) -> Reencoded:
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=[FORMATS[detected.content_type]])
            if image.width * image.height > max_pixels:
                raise RuleViolation(
                    f"{name} is too large a picture ({image.width} × {image.height} pixels): "
                    "attach a smaller copy of it", field="files",
                )  # fmt: skip
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise RuleViolation(
            f"{name} is too large a picture: attach a smaller copy of it", field="files"
        ) from bomb
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as broken:
        raise RuleViolation(f"{name} is damaged or not really an image", field="files") from broken
    # Turned the way the camera said (its orientation tag goes with the rest).
    image = ImageOps.exif_transpose(image)
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    fmt = FORMATS[detected.content_type]
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "GIF":
        # The first frame only: a GIF is shown as a still picture.
        image.convert("P" if image.mode != "P" else image.mode).save(out, "GIF")
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=88)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    size = out.tell()
    out.seek(0)
    return Reencoded(out, size, image.width, image.height)
