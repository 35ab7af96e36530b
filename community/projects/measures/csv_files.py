"""Reading and writing a measure's data as CSV.

`parse_points` checks every row and reports each problem by row and column in
plain words; it never raises, whatever bytes it is given. The caller saves
nothing unless there are no problems (measures/services.py compares the rows with
the measure's points, for a preview, before anything is saved). `write_points`
writes the same format, so a downloaded file imports again unchanged.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from community.core.timefmt import uk_today
from community.projects.measures.spc import PROPORTIONS, WITH_DENOMINATOR, ChartType

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_NOTE = 200
HEADINGS = ("date", "value", "note")
# The headings of each type's file: what the download writes and the import asks for.
TYPE_HEADINGS = {
    ChartType.XMR: HEADINGS,
    ChartType.P: ("date", "numerator", "denominator", "note"),
    ChartType.P_PRIME: ("date", "numerator", "denominator", "note"),
    ChartType.U: ("date", "numerator", "exposure", "note"),
    ChartType.U_PRIME: ("date", "numerator", "exposure", "note"),
    ChartType.C: ("date", "count", "note"),
    ChartType.T: ("date", "days", "note"),
    ChartType.G: ("date", "cases", "note"),
}
# Every heading a column may have, whatever the type: a file with "value" imports
# into a count, and "exposure" and "denominator" are the same column.
_ALIASES = {
    "date": "date", "value": "value", "numerator": "value", "count": "value", "days": "value",
    "cases": "value", "denominator": "denominator", "exposure": "denominator", "note": "note",
    "notes": "note", "comment": "note",
}  # fmt: skip
_DAY_TIME = re.compile(r"(\S+)[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_YEAR_FIRST = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3,9})[- ](\d{4}|\d{2})")
_DAY_NAME_YEAR = re.compile(r"(\d{1,2})[- ]([A-Za-z]{3,9})[- ](\d{4}|\d{2})")
_DAY_MONTH_NAME = re.compile(r"\d{1,2}[- ][A-Za-z]{3,9}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
# Spreadsheets run cells that start with these as formulas; the download puts an
# apostrophe in front, and the import takes it off again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it: the headings are row 1
    column: str  # "" for a problem with the whole file or row
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        where = f"Row {self.row}" + (f", column “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedRow:
    row: int
    observed_on: date
    value: float  # the numerator of a proportion or a rate
    note: str
    denominator: float | None = None  # of a proportion; the exposure of a rate


@dataclass
class ImportResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def format_date(moment: date) -> str:
    return f"{moment.day} {moment:%B %Y}"


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_HOW = "write it like 31/01/2025 or 2025-01-31 (or Jan-25 or 2025-01 for a month)"


def _year(text: str) -> int:
    """A four-digit year, or a two-digit one as spreadsheets shorten it (25 is 2025)."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if 2000 + year <= uk_today().year else 1900
    return year


def _real(text: str, year: int, month: int, day: int) -> tuple[date | None, str]:
    try:
        return date(year, month, day), ""
    except ValueError:
        return None, f"“{text[:40]}” is not a real date"


def parse_date(text: str) -> tuple[date | None, str]:
    """A date as spreadsheets write one; otherwise None and what is wrong with it.

    Days: 31/01/2025, 31/01/25, 2025-01-31, 2025/01/31, with or without a time
    ("31/01/2025 00:00"). Months, for monthly data, are dated the first of the
    month: Jan-25, Jan 2025, January 2025, 2025-01. Day-first (UK) order only: a
    date that can only be month-first (01/31/2025) is refused, not guessed.
    """
    text = text.strip()
    if not text:
        return None, "the date is missing"
    match = _DAY_TIME.fullmatch(text)
    day_part = match.group(1) if match else text
    if match := _YEAR_FIRST.fullmatch(day_part):
        year, month, day = (int(g) for g in match.groups())
        return _real(text, year, month, day)
    if match := _DAY_FIRST.fullmatch(day_part):
        day, month, year_text = match.groups()
        day, month = int(day), int(month)
        if month > 12 and day <= 12:
            return None, (
                f"“{text[:40]}” looks like a US date, with the month first: write the day "
                "first, like 31/01/2025, or write 2025-01-31"
            )
        return _real(text, _year(year_text), month, day)
    if (match := _DAY_NAME_YEAR.fullmatch(day_part)) and match.group(2).lower() in _MONTHS:
        day, name, year_text = match.groups()
        return _real(text, _year(year_text), _MONTHS[name.lower()], int(day))
    if match := _YEAR_MONTH.fullmatch(text):
        year, month = (int(g) for g in match.groups())
        return _real(text, year, month, 1)
    if match := _MONTH_YEAR.fullmatch(text):
        name, year_text = match.groups()
        month = _MONTHS.get(name.lower())
        if month is not None:
            return _real(text, _year(year_text), month, 1)
    if match := _DAY_MONTH_NAME.fullmatch(text):
        return None, (
            f"“{text[:40]}” has no year: format the date column in your spreadsheet to "
            "show the year, then save the file again"
        )
    return None, f"“{text[:40]}” is not a date: {_HOW}"


def parse_value(text: str) -> tuple[float | None, str]:
    """A number such as 12, -3.5, 1,234 or 85%; otherwise None and what is wrong."""
    text = text.strip()
    if not text:
        return None, "the value is missing"
    cleaned = text[:-1].strip() if text.endswith("%") else text
    if _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        return None, f"“{text[:40]}” is not a number"
    value = float(cleaned)
    if not math.isfinite(value):
        return None, f"“{text[:40]}” is too large to be a number we can chart"
    return value, ""


def value_words(chart_type: ChartType | str) -> tuple[str, str]:
    """What a type calls its value and its denominator, in words for messages and labels."""
    chart_type = ChartType(chart_type)
    if chart_type in PROPORTIONS:
        return "numerator", "denominator"
    if chart_type in WITH_DENOMINATOR:
        return "numerator", "exposure"
    return {ChartType.C: "count", ChartType.T: "days", ChartType.G: "cases"}.get(
        chart_type, "value"
    ), ""


def check_numbers(
    chart_type: ChartType | str, value: float, denominator: float | None
) -> list[tuple[str, str]]:
    """(column, problem) for each way a point's numbers cannot be of this type.

    The one check for the form and the CSV import: counts are whole and never
    negative, a denominator is above zero, and a proportion's numerator is no
    more than its denominator.
    """
    chart_type = ChartType(chart_type)
    name, per = value_words(chart_type)
    problems = []
    if chart_type == ChartType.XMR:
        return problems
    whole = chart_type in (ChartType.C, ChartType.G, *WITH_DENOMINATOR)
    if value < 0:
        problems.append(("value", f"the {name} cannot be below zero"))
    elif whole and not float(value).is_integer():
        problems.append(("value", f"the {name} must be a whole number"))
    if chart_type in WITH_DENOMINATOR:
        if denominator is None:
            problems.append(("denominator", f"the {per} is missing"))
        elif denominator <= 0:
            problems.append(("denominator", f"the {per} must be more than zero"))
        elif chart_type in PROPORTIONS and not float(denominator).is_integer():
            problems.append(("denominator", f"the {per} must be a whole number"))
        elif chart_type in PROPORTIONS and value > denominator:
            problems.append(
                ("value", f"the {name} ({format_value(value)}) is more than the {per} "
                 f"({format_value(denominator)}): a proportion cannot be above 1")
            )  # fmt: skip
    return problems


def _decode(data: bytes) -> str:
    # Excel saves "CSV UTF-8" with a byte-order mark, and plain "CSV" as Windows-1252.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _columns(headings: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(headings):
        name = _ALIASES.get(heading.strip().lower())
        if name and name not in found:
            found[name] = index
    return found


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _is_escaped(note: str) -> bool:
    return len(note) > 1 and note[0] == "'" and note[1] in (*_FORMULA_STARTS, "'")


def _unescape_note(note: str) -> str:
    return note[1:] if _is_escaped(note) else note


def _records(text: str, result: ImportResult) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            result.problems.append(Problem(number, "", f"this row cannot be read as CSV ({error})"))
            result.bad_rows += 1
            return
        yield number, cells


def parse_points(
    data: bytes, today: date | None = None, chart_type: ChartType | str = ChartType.XMR
) -> ImportResult:
    """Check every row of a CSV file of dates, values and optional notes (and, for a
    proportion or a rate, numerators and denominators or exposures).

    A date after `today` (by default today in the UK) is refused: a value cannot
    have been measured yet.
    """
    today = today or uk_today()
    result = ImportResult()
    if not data or not data.strip():
        result.problems.append(Problem(0, "", "The file is empty"))
        return result
    if len(data) > MAX_BYTES:
        result.problems.append(
            Problem(0, "", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        )
        return result
    text = _decode(data).replace("\x00", "")
    records = _records(text, result)
    columns: dict[str, int] | None = None
    seen: dict[date, int] = {}
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # blank rows, as spreadsheets leave at the end
        if columns is None:
            columns = _columns(cells)
            needed = {"date", "value"} | (
                {"denominator"} if chart_type in WITH_DENOMINATOR else set()
            )
            if not needed <= columns.keys():
                headings = TYPE_HEADINGS[ChartType(chart_type)]
                named = ", ".join(headings[:-1])
                result.problems.append(
                    Problem(
                        number,
                        "",
                        f"the first row must name the columns: {named} and, if you like, "
                        f"note (for example: {','.join(headings)})",
                    )  # fmt: skip
                )
                return result
            continue
        if len(result.rows) + result.bad_rows >= MAX_ROWS:
            result.problems.append(
                Problem(
                    0, "", f"The file has more than {MAX_ROWS:,} rows: split it into smaller files"
                )
            )
            return result
        problems = _check_row(number, cells, columns, seen, today, result, chart_type)
        result.problems.extend(problems)
        if problems:
            result.bad_rows += 1
    if columns is None:
        result.problems.append(Problem(0, "", "The file is empty"))
    elif not result.rows and not result.problems:
        result.problems.append(Problem(0, "", "The file has headings but no rows of data"))
    return result


def _check_row(number, cells, columns, seen, today, result, chart_type) -> list[Problem]:
    problems = []
    observed_on, date_problem = parse_date(_cell(cells, columns["date"]))
    if date_problem:
        problems.append(Problem(number, "date", date_problem))
    elif observed_on in seen:
        problems.append(
            Problem(number, "date", f"{format_date(observed_on)} is also in row "
                    f"{seen[observed_on]}: each date can have only one value")
        )  # fmt: skip
    elif observed_on > today:
        problems.append(
            Problem(number, "date", f"{format_date(observed_on)} is in the future: "
                    "a value can only be dated today or earlier")
        )  # fmt: skip
    name, per = value_words(chart_type)
    value, value_problem = parse_value(_cell(cells, columns["value"]))
    if value_problem:
        problems.append(Problem(number, name, value_problem.replace("the value", f"the {name}")))
    denominator = None
    if per:
        denominator, per_problem = parse_value(_cell(cells, columns["denominator"]))
        if per_problem:
            problems.append(Problem(number, per, per_problem.replace("the value", f"the {per}")))
    if value is not None and (not per or denominator is not None):
        columns_named = {"value": name, "denominator": per}
        problems.extend(
            Problem(number, columns_named[column], message)
            for column, message in check_numbers(chart_type, value, denominator)
        )
    note = _unescape_note(_cell(cells, columns.get("note")).strip())
    if len(note) > MAX_NOTE:
        problems.append(Problem(number, "note", f"the note is longer than {MAX_NOTE} characters"))
    if observed_on is not None and observed_on not in seen:
        seen[observed_on] = number
    if not problems:
        result.rows.append(ParsedRow(number, observed_on, value, note, denominator))
    return problems


def format_value(value: float) -> str:
    """The shortest text that reads back as exactly `value`."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def write_points(points: Iterable[tuple], chart_type: ChartType | str = ChartType.XMR) -> str:
    """The points (date, value, note[, denominator]) as the type's CSV file."""
    chart_type = ChartType(chart_type)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TYPE_HEADINGS[chart_type])
    for observed_on, value, note, *rest in points:
        if note.startswith(_FORMULA_STARTS) or _is_escaped(note):
            note = "'" + note
        numbers = [format_value(value)]
        if chart_type in WITH_DENOMINATOR:
            numbers.append(format_value(rest[0]) if rest and rest[0] is not None else "")
        writer.writerow([observed_on.isoformat(), *numbers, note])
    return out.getvalue()
