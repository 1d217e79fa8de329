"""Follow-up reads for the pages: My day, the backlog, the stand-up, and who is who.

Every function takes the session first and small keyword values (ids, dates, a frozen filter),
so a page reads it through `ui.session.read(fn, **ids)`. The data returned is in `views.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlmodel import Session

from core.followups import backlog, doable, standup
from core.followups.backlog import due_for_owner
from core.followups.views import (
    BacklogFilter,
    BacklogSummary,
    Doable,
    Grouped,
    MyDay,
    Page,
    People,
    RecentCheckIn,
    StandupReport,
)
from core.permissions import is_lead
from core.store import settings
from core.store.models import CheckIn, Debtor, FollowUp, FollowUpStatus, Role, Team, User
from core.vocabulary import Channel, Outcome, label_of


def office_today(session: Session) -> date:
    """Today in the office."""
    return settings.office_today(session)


def office_zone_name(session: Session) -> str:
    """The office timezone's name (a plain value, so it caches)."""
    return settings.get(session, "office_timezone")


def people(session: Session) -> People:
    """Teams, and every agent or lead with their team and whether they are active."""
    teams = {t.id: t.name for t in session.execute(select(Team).order_by(Team.name)).scalars()}
    agents = {u.id: (u.display_name, u.team_id, u.active) for u in session.execute(
        select(User).where(User.role.in_([Role.AGENT, Role.LEAD]))
        .order_by(User.display_name)).scalars()}
    return People(teams=teams, agents=agents)


def reassign_targets(session: Session, *, actor: User) -> list[User]:
    """Who `actor` may reassign follow-ups to: active agents of their team (admins: all)."""
    if not is_lead(actor):
        return []
    query = select(User).where(User.active.is_(True), User.role.in_([Role.AGENT, Role.LEAD]))
    if actor.role == Role.LEAD:
        query = query.where(User.team_id == actor.team_id)
    return list(session.execute(query.order_by(User.display_name)).scalars())


def reassign_target_names(session: Session, *, actor: User) -> dict[int, str]:
    """{id: name} of `reassign_targets` (plain values, for a cached read)."""
    return {u.id: u.display_name for u in reassign_targets(session, actor=actor)}


def backlog_summary(session: Session, *, filters: BacklogFilter, today: date) -> BacklogSummary:
    """The backlog per agent, team and in total."""
    return backlog.bucket_summary(session, filters=filters, today=today)


def backlog_page(session: Session, *, filters: BacklogFilter, today: date, page: int) -> Page:
    """One page of the backlog list."""
    return backlog.backlog_page(session, filters=filters, today=today, page=page)


def standup_report(session: Session, *, today: date, team_id: int | None) -> StandupReport:
    """The stand-up for one team (or all); its lists read on a second connection meanwhile."""
    return standup.standup_report(session, today=today, team_id=team_id, parallel=True)


# ---------------------------------------------------------------- My day


def my_day_count_statement(user_id: int, today: date):
    """Counts of my overdue, due-today and high-priority due open follow-ups.

    Follow-ups on an account under an active hold are not load: they are counted apart;
    after-care is care, not load, and is not counted.
    """
    held = backlog.on_hold(today)
    return select(
        func.count(case((FollowUp.due_on < today, 1))).label("overdue"),
        func.count(case((FollowUp.due_on == today, 1))).label("today"),
        func.count(case((FollowUp.priority == 1, 1))).label("high"),
    ).where(FollowUp.status == FollowUpStatus.OPEN, FollowUp.owner_id == user_id,
            FollowUp.due_on <= today, ~held, backlog.not_care())


def my_day_on_hold_statement(user_id: int, today: date):
    """How many of my due follow-ups wait on an account under a hold."""
    return select(func.count()).select_from(FollowUp).where(
        FollowUp.status == FollowUpStatus.OPEN, FollowUp.owner_id == user_id,
        FollowUp.due_on <= today, backlog.on_hold(today), backlog.not_care())


def recent_checkins_statement(user_id: int, limit: int = 10):
    """My latest check-ins with the debtor's name."""
    return (
        select(CheckIn.id, CheckIn.debtor_id, Debtor.name.label("debtor_name"), CheckIn.at,
               CheckIn.channel, CheckIn.outcome, CheckIn.wellbeing)
        .join(Debtor, Debtor.id == CheckIn.debtor_id)
        .where(CheckIn.agent_id == user_id)
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(limit)
    )


def my_day(session: Session, *, user_id: int, today: date | None = None,
           limit: int = 50) -> MyDay:
    """My overdue and due-today follow-ups (priority order) and my last 10 check-ins."""
    today = today or settings.office_today(session)
    counts = session.execute(my_day_count_statement(user_id, today)).one()
    overdue = due_for_owner(session, owner_id=user_id, today=today, limit=limit, when="overdue")
    due_today = due_for_owner(session, owner_id=user_id, today=today, limit=limit, when="today")
    recent = [RecentCheckIn(**dict(r)) for r in
              session.execute(recent_checkins_statement(user_id)).mappings()]
    on_hold = int(session.execute(my_day_on_hold_statement(user_id, today)).scalar_one())
    return MyDay(today=today, overdue=overdue, due_today=due_today,
                 overdue_count=int(counts.overdue), due_today_count=int(counts.today),
                 high_priority_count=int(counts.high), recent_checkins=recent,
                 on_hold_count=on_hold)


def greeting(now: datetime, zone: ZoneInfo) -> str:
    """'Good morning', 'Good afternoon' or 'Good evening' at the office's local time."""
    hour = now.astimezone(zone).hour
    return "Good morning" if hour < 12 else "Good afternoon" if hour < 18 else "Good evening"


def checkin_records(checkins: list[RecentCheckIn], zone: ZoneInfo) -> list[dict]:
    """Recent check-ins as table rows, times in the office timezone, words not codes."""
    return [{"When": c.at.astimezone(zone).strftime("%a %d %b %H:%M"), "Debtor": c.debtor_name,
             "Channel": label_of(Channel, c.channel, c.channel),
             "Outcome": label_of(Outcome, c.outcome, c.outcome),
             "Wellbeing": "–" if c.wellbeing is None else f"{c.wellbeing} of 5"}
            for c in checkins]


# ---------------------------------------------------------------- what can be done now


def my_day_now(session: Session, *, user_id: int, today: date, at: datetime,
               limit: int = 50) -> tuple[MyDay, Grouped]:
    """My day, and its due follow-ups grouped by what can be done at `at`."""
    day = my_day(session, user_id=user_id, today=today, limit=limit)
    rows = [*day.overdue, *day.due_today]
    rows.sort(key=lambda r: (r.priority, r.due_on, r.id))
    return day, doable.group(doable.verdicts(session, rows, at=at, today=today))


def backlog_page_now(session: Session, *, filters: BacklogFilter, today: date, page: int,
                     at: datetime) -> tuple[Page, dict[int, Doable]]:
    """One page of the backlog, with each row's verdict at `at` by follow-up id."""
    result = backlog.backlog_page(session, filters=filters, today=today, page=page)
    return result, {d.row.id: d for d in doable.verdicts(session, result.rows, at=at,
                                                         today=today)}


def working_days(session: Session) -> frozenset[int]:
    """The team's working weekdays (Monday 0 … Sunday 6)."""
    return settings.working_days(session)
