"""Differences between two versions of a method, section by section.

Python's difflib compares the Markdown source line by line; within a line
that changed, words that differ are marked too. The result is escaped HTML
fragments: each line says in words whether it was removed, added or kept
(for screen readers), and <del>/<ins> mark the changed words for the eye.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from community.methods.vocabulary import SECTIONS

FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("summary", "Summary"),
    *SECTIONS,
    ("classification", "Classification"),
    ("adaptation", "Adaptation"),
)
CONTEXT_LINES = 2
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class DiffLine:
    kind: str  # "same", "removed", "added" or "gap" (unchanged lines left out)
    html: Markup = field(default_factory=Markup)


@dataclass
class SectionDiff:
    key: str
    label: str
    lines: list[DiffLine]
    added: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _mark_words(old: str, new: str) -> tuple[Markup, Markup]:
    """Both lines with the words that differ wrapped in <del> and <ins>."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    old_html, new_html = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(Markup("<del>{}</del>").format(removed))
        if added:
            new_html.append(Markup("<ins>{}</ins>").format(added))
    return Markup("").join(old_html), Markup("").join(new_html)


def diff_text(old: str, new: str, context: int = CONTEXT_LINES) -> tuple[list[DiffLine], int, int]:
    """Lines of a unified diff (with `context` unchanged lines around each change)."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    lines: list[DiffLine] = []
    added = removed = 0
    groups = list(matcher.get_grouped_opcodes(context))
    for number, group in enumerate(groups):
        if number > 0 or group[0][1] > 0 or group[0][3] > 0:
            lines.append(DiffLine("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", escape(line)) for line in a[i1:i2]]
                continue
            old_lines, new_lines = a[i1:i2], b[j1:j2]
            removed += len(old_lines)
            added += len(new_lines)
            if tag == "replace":
                pairs = min(len(old_lines), len(new_lines))
                marked = [_mark_words(old_lines[k], new_lines[k]) for k in range(pairs)]
                lines += [DiffLine("removed", old_html) for old_html, _ in marked]
                lines += [DiffLine("removed", escape(line)) for line in old_lines[pairs:]]
                lines += [DiffLine("added", new_html) for _, new_html in marked]
                lines += [DiffLine("added", escape(line)) for line in new_lines[pairs:]]
            else:
                lines += [DiffLine("removed", escape(line)) for line in old_lines]
                lines += [DiffLine("added", escape(line)) for line in new_lines]
    if groups:
        last = groups[-1][-1]
        if last[2] < len(a) or last[4] < len(b):
            lines.append(DiffLine("gap"))
    return lines, added, removed


def diff_versions(old: dict[str, str], new: dict[str, str]) -> list[SectionDiff]:
    """A SectionDiff for every field of a method version, changed or not."""
    result = []
    for key, label in FIELDS:
        lines, added, removed = diff_text(old.get(key, ""), new.get(key, ""))
        result.append(SectionDiff(key, label, lines, added, removed))
    return result
