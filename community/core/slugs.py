"""Readable, stable URL parts made from names and titles."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")
