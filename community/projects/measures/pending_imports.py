"""A CSV import between its preview and its confirmation.

Nothing is saved at the preview: the checked rows travel in the confirmation
form, signed with the site's secret key, for this measure and this member
only, for an hour. A form sent back altered, for another measure, by someone
else or too late is refused, so what is confirmed is exactly what was shown.
The preview also carries the measure's data version: if the data changed in
between, the member is shown the new preview instead of a surprise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from community.projects.measures.csv_files import ParsedRow

MAX_AGE = 3600  # seconds: long enough to read a preview, short enough not to linger
_SALT = "projects.measure-import"


@dataclass(frozen=True)
class PendingImport:
    rows: list[ParsedRow]
    data_version: int  # of the measure when the preview was shown


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def sign(measure_id: int, user_id: int, rows: list[ParsedRow], data_version: int) -> str:
    payload = {
        "m": measure_id,
        "u": user_id,
        "v": data_version,
        "r": [[r.row, r.observed_on.isoformat(), r.value, r.note, r.denominator] for r in rows],
    }
    return _serializer().dumps(payload)


def load(token: str, measure_id: int, user_id: int) -> PendingImport | None:
    """The rows signed for this measure and member, or None if the token is not good."""
    try:
        payload = _serializer().loads(token or "", max_age=MAX_AGE)
        if payload["m"] != measure_id or payload["u"] != user_id:
            return None
        rows = [
            ParsedRow(
                int(number), date.fromisoformat(day), float(value), str(note),
                None if denominator is None else float(denominator),
            )
            for number, day, value, note, denominator in payload["r"]
        ]  # fmt: skip
        return PendingImport(rows, int(payload["v"]))
    except (BadData, KeyError, TypeError, ValueError):
        return None
