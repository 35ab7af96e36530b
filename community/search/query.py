"""The search box's query language, read into a `SearchQuery`. Pure: no database.

What a person can type (explained on the results page too):

* plain words: every word must match, in any form (``discharge`` finds
  "discharged" and "discharges": English stemming);
* ``"quoted phrases"``: the words together, in that order;
* ``-word`` or ``-"a phrase"``: leave out anything containing it;
* ``prefix*``: words starting with it (at least two letters before the star);
* operators: ``tag:lean``, ``author:sam-patel``, ``in:discharge-and-flow``
  (a community's address or name), ``system:coastal`` and ``type:people``.
  A value with spaces goes in quotes: ``tag:"experience-based co-design"``.

Anything else is read as plain text, never as an error: unbalanced quotes,
unknown operators (``foo:bar`` is the words foo and bar), an operator with no
value, a lone ``-`` or ``*``, and the full-text engines' own syntax (AND, OR,
NEAR, brackets, carets, colons). Terms are handed to the database only as
bound parameters inside syntax this module's callers build themselves.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 400
MAX_TERMS = 16
MAX_OPERATOR_VALUES = 5
MIN_PREFIX_LENGTH = 2
OPERATORS = ("tag", "author", "in", "system", "type")

# Characters that reach the index as highlight markers; never part of a query.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_END = "\ue001"
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})
_OPERATOR = re.compile(r"([A-Za-z]+):")


@dataclass(frozen=True)
class Term:
    """A word, phrase or prefix to find (or, if `excluded`, to leave out)."""

    text: str
    phrase: bool = False
    prefix: bool = False
    excluded: bool = False

    def __str__(self) -> str:
        shown = f'"{self.text}"' if self.phrase else self.text
        return ("-" if self.excluded else "") + shown + ("*" if self.prefix else "")


@dataclass(frozen=True)
class SearchQuery:
    raw: str = ""
    terms: tuple[Term, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    # What was read as plain text or left out, in words for the results page.
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def wanted(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.excluded)

    @property
    def has_text(self) -> bool:
        """True if the full-text index must be asked: words, phrases or tags."""
        return bool(self.wanted or self.tags)

    @property
    def has_filters(self) -> bool:
        return bool(self.authors or self.communities or self.systems or self.types)

    @property
    def is_empty(self) -> bool:
        return not (self.has_text or self.has_filters)


def has_letters(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def clean(text: str | None) -> str:
    """The typed text made safe to read: no control or marker characters, bounded length."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs") else ch
        for ch in text
    )
    return text[:MAX_QUERY_LENGTH]


class _Reader:
    def __init__(self, text: str, types: dict[str, str]):
        self.text = text
        self.types = types
        self.at = 0
        self.terms: list[Term] = []
        self.values: dict[str, list[str]] = {name: [] for name in OPERATORS}
        self.notes: list[str] = []

    def read(self) -> None:
        text = self.text
        while self.at < len(text):
            if text[self.at].isspace():
                self.at += 1
                continue
            excluded = False
            if text[self.at] == "-":
                while self.at < len(text) and text[self.at] == "-":
                    self.at += 1
                if self.at >= len(text) or text[self.at].isspace():
                    continue  # a lone dash is punctuation
                excluded = True
            operator = _OPERATOR.match(text, self.at)
            if operator and operator.group(1).lower() in OPERATORS and not excluded:
                self.at = operator.end()
                self._operator(operator.group(1).lower())
            elif text[self.at] == '"':
                self._phrase(excluded)
            else:
                self._word(self._chunk(), excluded)

    def _chunk(self) -> str:
        """Characters up to the next space or double quote."""
        start = self.at
        while self.at < len(self.text) and not (
            self.text[self.at].isspace() or self.text[self.at] == '"'
        ):
            self.at += 1
        return self.text[start : self.at]

    def _quoted(self) -> str | None:
        """The text inside quotes starting here, or None (and skip the quote) if unclosed."""
        close = self.text.find('"', self.at + 1)
        if close == -1:
            self.at += 1
            self.notes.append("A quote mark without its pair was read as plain text.")
            return None
        inside = self.text[self.at + 1 : close]
        self.at = close + 1
        return inside

    def _phrase(self, excluded: bool) -> None:
        inside = self._quoted()
        if inside is None:
            return
        words = " ".join(inside.replace("*", " ").split())
        if not has_letters(words):
            return
        self._add(Term(words, phrase=len(words.split()) > 1, excluded=excluded))

    def _word(self, chunk: str, excluded: bool) -> None:
        prefix = chunk.endswith("*")
        text = " ".join(chunk.replace("*", " ").split())
        if not has_letters(text):
            return
        runs = re.findall(r"[^\W_]+", text)
        if prefix and (not runs or len(runs[-1]) < MIN_PREFIX_LENGTH):
            prefix = False
            self.notes.append(f"{chunk} was read as a word: a star needs two letters before it.")
        self._add(Term(text, prefix=prefix, excluded=excluded))

    def _operator(self, name: str) -> None:
        if self.at < len(self.text) and self.text[self.at] == '"':
            value = self._quoted()
            value = " ".join(value.split()) if value is not None else self._chunk()
        else:
            value = self._chunk()
        value = value.strip()
        if not has_letters(value):
            self._word(name, False)  # "tag:" alone is just the word tag
            return
        if name == "type":
            group = self.types.get(value.lower())
            if group is None:
                self.notes.append(f"type:{value} is not something we search: read as text.")
                self._word(value, False)
                return
            value = group
        values = self.values[name]
        if value.lower() not in (v.lower() for v in values):
            if len(values) >= MAX_OPERATOR_VALUES:
                self.notes.append(f"Only the first {MAX_OPERATOR_VALUES} {name}: values were used.")
                return
            values.append(value)

    def _add(self, term: Term) -> None:
        if term in self.terms:
            return
        if len(self.terms) >= MAX_TERMS:
            self.notes.append(f"Only the first {MAX_TERMS} words and phrases were used.")
            return
        self.terms.append(term)


def parse(text: str | None, types: dict[str, str] | None = None) -> SearchQuery:
    """Read what was typed. Never raises, whatever the input.

    `types` maps what may follow ``type:`` (names and their singular forms) to
    a result group; a value not in it is read as a plain word.
    """
    cleaned = clean(text)
    reader = _Reader(cleaned, {k.lower(): v for k, v in (types or {}).items()})
    reader.read()
    terms = reader.terms
    if terms and not any(not t.excluded for t in terms) and not any(reader.values.values()):
        reader.notes.append("Add a word to search for as well as the words to leave out.")
    return SearchQuery(
        raw=cleaned.strip(),
        terms=tuple(terms),
        tags=tuple(reader.values["tag"]),
        authors=tuple(reader.values["author"]),
        communities=tuple(reader.values["in"]),
        systems=tuple(reader.values["system"]),
        types=tuple(reader.values["type"]),
        notes=tuple(dict.fromkeys(reader.notes)),
    )
