"""The stand-up's days: the last working day, and an office day as a UTC range.

Days are the office's calendar days: a day's rows are those between its local midnights
(converted to UTC for the query), so a daylight-saving change shortens or lengthens the day
rather than moving it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select

from core import workdays
from core.store.models import User


def last_working_day(today: date,
                     working: Collection[int] = workdays.MONDAY_TO_FRIDAY) -> date:
    """The working day before `today` (Monday to Friday: Monday, Saturday and Sunday look back
    to Friday)."""
    return workdays.previous_working_day(today, working)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant of local midnight starting `day` in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local calendar day `day` (23 or 25 hours across DST)."""
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)


def in_team(column: ColumnElement, team_id: int | None) -> list[ColumnElement[bool]]:
    """The condition "in this team's caseloads" on a user id column (none for all teams)."""
    if team_id is None:
        return []
    return [column.in_(select(User.id).where(User.team_id == team_id))]
