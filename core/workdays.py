"""Working days: which weekdays a team works, and date arithmetic that lands on them (pure).

A team's working week is a set of weekday numbers (Monday 0 … Sunday 6), kept as the
`working_days` setting in the short English names people type: "Mon,Tue,Wed,Thu,Fri".
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from core.errors import UserError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FULL_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONDAY_TO_FRIDAY: frozenset[int] = frozenset(range(5))
DEFAULT = "Mon,Tue,Wed,Thu,Fri"


def parse(text: str) -> frozenset[int]:
    """The weekdays of a setting like "Mon,Tue,Wed" (any case, full names too); UserError
    with a plain sentence for anything else or for no day at all."""
    days: set[int] = set()
    for part in (p.strip() for p in (text or "").replace(";", ",").split(",")):
        if not part:
            continue
        key = part[:3].title()
        if key not in DAY_NAMES or (len(part) > 3 and part.title() != FULL_NAMES[
                DAY_NAMES.index(key)]):
            raise UserError(f"'{part}' is not a day of the week; write days like Mon,Tue,Wed.")
        days.add(DAY_NAMES.index(key))
    if not days:
        raise UserError("Choose at least one working day, like Mon,Tue,Wed,Thu,Fri.")
    return frozenset(days)


def format_days(days: Collection[int]) -> str:
    """The setting's text for a set of weekdays, Monday first."""
    return ",".join(DAY_NAMES[d] for d in sorted(days))


def _check(days: Collection[int]) -> None:
    if not days:
        raise UserError("Choose at least one working day.")


def is_working(day: date, days: Collection[int] = MONDAY_TO_FRIDAY) -> bool:
    """True when `day` is a working day."""
    return day.weekday() in days


def on_or_after(day: date, days: Collection[int] = MONDAY_TO_FRIDAY) -> date:
    """`day` itself if it is a working day, else the next one."""
    _check(days)
    while day.weekday() not in days:
        day += timedelta(days=1)
    return day


def next_working_day(day: date, days: Collection[int] = MONDAY_TO_FRIDAY) -> date:
    """The first working day after `day` (a snooze's default: the next day we are in)."""
    return on_or_after(day + timedelta(days=1), days)


def previous_working_day(day: date, days: Collection[int] = MONDAY_TO_FRIDAY) -> date:
    """The last working day before `day` (the stand-up reports on it)."""
    _check(days)
    day -= timedelta(days=1)
    while day.weekday() not in days:
        day -= timedelta(days=1)
    return day


def add_working_days(day: date, n: int, days: Collection[int] = MONDAY_TO_FRIDAY) -> date:
    """`n` working days after `day` (n ≥ 0; 0 gives `day` moved onto a working day)."""
    if n < 0:
        raise ValueError("add_working_days counts forwards; n must be 0 or more.")
    day = on_or_after(day, days)
    for _ in range(n):
        day = next_working_day(day, days)
    return day


def last_working_days(last: date, n: int, days: Collection[int] = MONDAY_TO_FRIDAY
                      ) -> list[date]:
    """The `n` working days ending on `last` (if a working day), oldest first."""
    _check(days)
    out: list[date] = []
    day = last
    while len(out) < n:
        if day.weekday() in days:
            out.append(day)
        day -= timedelta(days=1)
    return out[::-1]
