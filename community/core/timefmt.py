"""Dates and times in UK time, written the NHS way: 26 November 2026, 2:30pm."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_uk(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; we store UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK)


def uk_today() -> date:
    return to_uk(utcnow()).date()


def is_in_the_future(day: date) -> bool:
    """Whether `day` is after today in the UK: what happened (a session, a measurement)
    cannot be dated later than today."""
    return day > uk_today()


def nhs_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = to_uk(moment) if isinstance(moment, datetime) else moment
    return f"{local.day} {local:%B %Y}"


def nhs_time(moment: datetime) -> str:
    local = to_uk(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def nhs_datetime(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{nhs_date(to_uk(moment))}, {nhs_time(moment)}"


def _ago(amount: int, unit: str) -> str:
    return f"{amount} {unit}{'' if amount == 1 else 's'} ago"


def relative(moment: datetime, now: datetime | None = None) -> str:
    now = now or utcnow()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int((now - moment).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return _ago(seconds // 60, "minute")
    if seconds < 86400:
        return _ago(seconds // 3600, "hour")
    if seconds < 7 * 86400:
        return _ago(seconds // 86400, "day")
    return nhs_date(moment)


def relative_until(moment: datetime, now: datetime) -> datetime | None:
    """When `relative(moment, now)` next reads differently (None: never, a date)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int((now - moment).total_seconds())
    for unit, until in ((60, 60), (60, 3600), (3600, 86400), (86400, 7 * 86400)):
        if seconds < until:
            return moment + timedelta(seconds=(max(seconds, 0) // unit + 1) * unit)
    return None


def time_element(moment: datetime | None, now: datetime | None = None) -> Markup:
    """A relative time ("3 hours ago") that carries the full date for everyone."""
    if moment is None:
        return Markup("")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    full = nhs_datetime(moment)
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        moment.isoformat(), full, escape(relative(moment, now))
    )


def register_filters(app) -> None:
    app.jinja_env.filters["nhs_date"] = nhs_date
    app.jinja_env.filters["nhs_datetime"] = nhs_datetime
    app.jinja_env.filters["ago"] = time_element
