"""The stand-up's trend: check-ins and conversations per working day, as amended.

Read from the hourly summary the database keeps (`checkin_hour`, migration 0020) when the office
days start on a UTC hour, else from every check-in of the period.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlmodel import Session

from core import workdays
from core.followups import amended
from core.followups.days import day_window, in_team
from core.followups.views import TrendPoint
from core.store.models import CheckIn, Outcome
from core.store.summaries import CheckinHour

ALL_WEEK = frozenset(range(7))
TREND_DAYS = 14


def _day_numbers(column: ColumnElement, windows: list[tuple[datetime, datetime]]):
    """One CASE mapping a timestamp to its day's number (None on a day off between them)."""
    return case(*[(and_(column >= start, column < end), i)
                  for i, (start, end) in enumerate(windows)]).label("day_no")


def trend_statement(*, last_day: date, zone: ZoneInfo, team_id: int | None,
                    days: int = TREND_DAYS,
                    working: Collection[int] = ALL_WEEK) -> Select:
    """Check-ins and conversations per office day, for the `days` working days ending on
    `last_day` (days off are skipped: they are not points of the trend), read from every
    check-in of those days (the hourly summary's check, and its way for an office whose days
    do not start on a UTC hour)."""
    shown = workdays.last_working_days(last_day, days, working)
    windows = [day_window(day, zone) for day in shown]
    spoke = or_(CheckIn.outcome == Outcome.SPOKE, CheckIn.right_party.is_(True))
    return (select(_day_numbers(CheckIn.at, windows), func.count().label("checkins"),
                   func.count(case((spoke, 1))).label("conversations"))
            # `agent_id + 0` keeps the planner on the (at, agent, outcome …) index: one range
            # scan of the period beats a probe per agent plus a table read per check-in.
            .where(CheckIn.at >= windows[0][0], CheckIn.at < windows[-1][1],
                   *in_team(CheckIn.agent_id + 0, team_id))
            .group_by("day_no")
            .order_by("day_no"))


def hourly_trend_statement(windows: list[tuple[datetime, datetime]],
                           team_id: int | None) -> Select:
    """The same counts from `checkin_hour` (kept by the database on every check-in): a few
    thousand rows instead of every check-in of the period. Only for days that start and end on
    a UTC hour (any office in whole-hour zones)."""
    hour = CheckinHour.hour
    return (select(_day_numbers(hour, windows),
                   func.sum(CheckinHour.checkins).label("checkins"),
                   func.sum(CheckinHour.conversations).label("conversations"))
            .where(hour >= windows[0][0], hour < windows[-1][1],
                   *in_team(CheckinHour.agent_id, team_id))
            .group_by("day_no")
            .order_by("day_no"))


def _on_the_hour(windows: list[tuple[datetime, datetime]]) -> bool:
    return all(t.minute == 0 and t.second == 0 and t.microsecond == 0
               for window in windows for t in window)


def trend(session: Session, *, last_day: date, zone: ZoneInfo, team_id: int | None = None,
          days: int = TREND_DAYS, working: Collection[int] = ALL_WEEK) -> list[TrendPoint]:
    """One point per working day (days with nothing logged count 0)."""
    shown = workdays.last_working_days(last_day, days, working)
    windows = [day_window(day, zone) for day in shown]
    stmt = (hourly_trend_statement(windows, team_id) if _on_the_hour(windows) else
            trend_statement(last_day=last_day, zone=zone, team_id=team_id, days=days,
                            working=working))
    counts = {r.day_no: r for r in session.execute(stmt) if r.day_no is not None}
    points = [TrendPoint(day=day,
                         checkins=int(counts[i].checkins) if i in counts else 0,
                         conversations=int(counts[i].conversations) if i in counts else 0)
              for i, day in enumerate(shown)]
    return amended.trend(points, windows, amended.changes(
        session, start=windows[0][0], end=windows[-1][1], team_id=team_id))
