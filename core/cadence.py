"""Calendar steps for schedules and promises: a day of a month clamped to its end, runs of
monthly dates, and the long date people read (pure: no database, no streamlit)."""

from __future__ import annotations

import calendar
from datetime import date

from babel.dates import format_date

from core.money import DEFAULT_LOCALE


def on_day(year: int, month: int, day: int) -> date:
    """`day` of the month, clamped to the month's last day (the 31st in April is the 30th)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def year_month(index: int) -> tuple[int, int]:
    """(year, month) of a month counted as year * 12 + month - 1."""
    year, month0 = divmod(index, 12)
    return year, month0 + 1


def months_after(start: date, k: int, *, day: int | None = None) -> date:
    """The date k months after `start`, on `day` (default start's day), clamped to month end."""
    return on_day(*year_month(start.year * 12 + start.month - 1 + k), day or start.day)


def monthly_dues(start: date, day: int, n: int, *, after_start: bool) -> list[date]:
    """n dates on `day` of consecutive months, the first on or after (or after) `start`."""
    index = start.year * 12 + start.month - 1
    first = on_day(start.year, start.month, day)
    if first < start or (after_start and first == start):
        index += 1
    return [on_day(*year_month(index + k), day) for k in range(n)]


def long_date(day: date) -> str:
    """A date as people write it: "1 March 2026"."""
    return format_date(day, "d MMMM y", locale=DEFAULT_LOCALE)
