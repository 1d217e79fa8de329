"""The stand-up: the last working day's results, today's load, blockers and a 14-day trend.

Days are the office's calendar days: a day's check-ins are those between its local midnights
(converted to UTC for the query), so a daylight-saving change shortens or lengthens the day
rather than moving it. Everything is counted in the database; the per-team rows and the
overload hints are built from the per-agent counts (at most a few dozen rows).
"""

from __future__ import annotations

import contextvars
import statistics
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    Subquery,
    case,
    func,
    or_,
    select,
    union_all,
)
from sqlmodel import Session

from core.followups import amended
from core.followups import commitments as owed
from core.followups.backlog import (
    BacklogFilter,
    active_hold_accounts,
    filter_conditions,
    not_care,
    on_hold,
    rows_select,
    to_rows,
)
from core.followups.days import (  # noqa: F401  (re-exported for callers)
    day_start,
    day_window,
    in_team,
    last_working_day,
)
from core.followups.trend import ALL_WEEK, TREND_DAYS, trend, trend_statement  # noqa: F401
from core.followups.views import (  # noqa: F401  (re-exported for callers)
    SUMMED,
    AgentDay,
    BrokenPlan,
    OverloadHint,
    QuietDebtor,
    StandupReport,
    TrendPoint,
    WobbleOutcome,
    WobblingPlan,
)
from core.money import format_money
from core.store import settings
from core.store.db import sum_cents
from core.store.models import (
    Account,
    AccountStatus,
    CheckIn,
    Debtor,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Outcome,
    Payment,
    PaymentPlan,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
    Role,
    Team,
    User,
)
from core.vocabulary import CARE_REASONS

SETTLED = (AccountStatus.PAID, AccountStatus.CLOSED)
WOBBLE_OUTCOME_DAYS = 60
QUIET_DAYS = 14
BLOCKER_ROWS = 20
MIN_OVERDUE_FOR_HINT = 5
T = TypeVar("T")
# The second connection's thread for `standup_report(parallel=True)`: a few at once at most.
_SECOND = ThreadPoolExecutor(max_workers=4, thread_name_prefix="standup-lists")


# ---------------------------------------------------------------- per agent


def _per_owner(account_id: ColumnElement, cents: ColumnElement,
               conditions: tuple[ColumnElement[bool], ...], *, count_as: str, cents_as: str,
               name: str) -> Subquery:
    """Count and sum the day's rows per account first, then per caseload owner."""
    per_account = (
        select(account_id.label("account_id"), func.count().label("n"),
               sum_cents(cents).label("cents"))
        .where(*conditions)
        .group_by(account_id)
        .subquery(f"{name}_day")
    )
    return (
        select(Debtor.owner_id.label("agent_id"), func.sum(per_account.c.n).label(count_as),
               sum_cents(per_account.c.cents).label(cents_as))
        .select_from(per_account)
        .join(Account, Account.id == per_account.c.account_id)
        .join(Debtor, Debtor.id == Account.debtor_id)
        .group_by(Debtor.owner_id)
        .subquery(name)
    )


def _load_counts(today: date, sign: int) -> list:
    due = FollowUp.due_on
    return [(sign * func.count(case((condition, 1)))).label(name) for name, condition in (
        ("due_today", due == today), ("overdue", due < today),
        ("overdue_7plus", due < today - timedelta(days=7)))]


def _load_statement(today: date) -> Subquery:
    """Per owner: open follow-ups due today, overdue, overdue by more than 7 days — less those
    about an account under a hold (they wait for the hold to end: not today's load) and less
    after-care (care, never load).

    The open, due follow-ups are counted from the (status, owner, due) index alone; the few
    under a hold are counted apart through (account, status, due) and subtracted, and so is
    after-care through (reason, status, due), so no follow-up row is read to find its account.
    """
    open_due = (FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on <= today)
    everything = (select(FollowUp.owner_id.label("agent_id"), *_load_counts(today, 1))
                  .where(*open_due).group_by(FollowUp.owner_id))
    held = (select(FollowUp.owner_id.label("agent_id"), *_load_counts(today, -1))
            .where(*open_due, FollowUp.account_id.in_(active_hold_accounts(today)), not_care())
            .group_by(FollowUp.owner_id))
    # `status + ''` keeps the planner on (reason, status, due): after-care is a few rows, while
    # the (status, …) indexes would walk every open follow-up to find them.
    care = (select(FollowUp.owner_id.label("agent_id"), *_load_counts(today, -1))
            .where(FollowUp.status + "" == FollowUpStatus.OPEN, FollowUp.due_on <= today,
                   FollowUp.reason.in_(sorted(CARE_REASONS)))
            .group_by(FollowUp.owner_id))
    both = union_all(everything, held, care).subquery("f_parts")
    return (select(both.c.agent_id, *[func.sum(both.c[n]).label(n) for n in
                                      ("due_today", "overdue", "overdue_7plus")])
            .group_by(both.c.agent_id)
            .subquery("f"))


def agents_statement(*, day: date, today: date, zone: ZoneInfo,
                     team_id: int | None = None) -> Select:
    """One row per active agent or lead: the day's results and today's load."""
    start, end = day_window(day, zone)
    spoke = or_(CheckIn.outcome == Outcome.SPOKE, CheckIn.right_party.is_(True))
    checkins = (
        select(CheckIn.agent_id.label("agent_id"),
               func.count().label("checkins"),
               func.count(case((spoke, 1))).label("conversations"),
               func.coalesce(func.sum(CheckIn.wellbeing), 0).label("wellbeing_sum"),
               func.count(CheckIn.wellbeing).label("wellbeing_count"))
        .where(CheckIn.at >= start, CheckIn.at < end)
        .group_by(CheckIn.agent_id)
        .subquery("c")
    )
    # Plans, payments and promises count for the agent whose caseload the debtor is in.
    # The day's plans and payments are picked (and summed per account) first, so the database
    # starts from the few rows of that day rather than from every debtor or account.
    plans = _per_owner(PaymentPlan.account_id, PaymentPlan.payable_cents,
                       (PaymentPlan.activated_at >= start, PaymentPlan.activated_at < end),
                       count_as="plans_agreed", cents_as="plans_value_cents", name="p")
    payments = _per_owner(Payment.account_id, Payment.amount_cents,
                          (Payment.received_on == day,),
                          count_as="payments", cents_as="payments_cents", name="m")
    promises = (
        select(Debtor.owner_id.label("agent_id"),
               func.count(case((PromiseToPay.status == PromiseStatus.KEPT, 1)))
               .label("promises_kept"),
               func.count(case((PromiseToPay.status == PromiseStatus.BROKEN, 1)))
               .label("promises_broken"))
        .select_from(PromiseToPay)
        .join(Debtor, Debtor.id == PromiseToPay.debtor_id)
        .where(PromiseToPay.resolved_at >= start, PromiseToPay.resolved_at < end)
        .group_by(Debtor.owner_id)
        .subquery("k")
    )
    load = _load_statement(today)
    parts = [checkins, plans, payments, promises, load]
    numbers = [func.coalesce(part.c[name], 0).label(name)
               for part in parts for name in part.c.keys() if name != "agent_id"]
    stmt = select(User.id.label("agent_id"), User.display_name.label("name"), User.team_id,
                  func.coalesce(Team.name, "No team").label("team_name"), *numbers)
    stmt = stmt.outerjoin(Team, Team.id == User.team_id)
    for part in parts:
        stmt = stmt.outerjoin(part, part.c.agent_id == User.id)
    stmt = stmt.where(User.active.is_(True), User.role.in_([Role.AGENT, Role.LEAD]))
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    return stmt.order_by(Team.name, User.display_name, User.id)


def _rollup(rows: list[AgentDay], *, name: str, team_id: int | None) -> AgentDay:
    """Sum per-agent counts (already aggregated in SQL) into a team or overall row."""
    sums = {key: sum(getattr(r, key) for r in rows) for key in SUMMED}
    return AgentDay(agent_id=None, name=name, team_id=team_id, team_name=name, **sums)


# ---------------------------------------------------------------- blockers


def overdue_blockers_statement(today: date, team_id: int | None) -> Select:
    """Follow-ups more than 7 days overdue, oldest first."""
    conds = filter_conditions(BacklogFilter(team_id=team_id, bucket="overdue_7plus"), today)
    conds.append(~on_hold(today))
    return rows_select(conds, today).order_by(FollowUp.due_on, FollowUp.id).limit(BLOCKER_ROWS)


def broken_plans_statement(since: datetime, team_id: int | None) -> Select:
    """Plans broken at or after `since`, latest first, each row carrying the total count."""
    return (select(PaymentPlan.id.label("plan_id"), PaymentPlan.account_id,
                   Account.reference.label("account_reference"), Debtor.id.label("debtor_id"),
                   Debtor.name.label("debtor_name"),
                   func.coalesce(User.display_name, "Nobody").label("owner_name"),
                   PaymentPlan.payable_cents, PaymentPlan.ended_at,
                   func.count().over().label("total"))
            .select_from(PaymentPlan)
            .join(Account, Account.id == PaymentPlan.account_id)
            .join(Debtor, Debtor.id == Account.debtor_id)
            .outerjoin(User, User.id == Debtor.owner_id)
            .where(PaymentPlan.status == PlanStatus.BROKEN, PaymentPlan.ended_at >= since,
                   *in_team(Debtor.owner_id, team_id))
            .order_by(PaymentPlan.ended_at.desc(), PaymentPlan.id)
            .limit(BLOCKER_ROWS))


def quiet_vulnerable_statement(cutoff: datetime, team_id: int | None) -> Select:
    """Vulnerable debtors who still owe something and have had no check-in since `cutoff`,
    each row carrying the total count (someone with nothing left to pay is not chased).

    `debtor.last_checkin_at` is kept by the database on every check-in (migration 0006), so
    the (vulnerable, last_checkin_at) index yields exactly the quiet ones: no check-in of any
    debtor is read.
    """
    owing = select(Account.id).where(Account.debtor_id == Debtor.id, Account.balance_cents > 0,
                                     Account.status.not_in(SETTLED))
    last = Debtor.last_checkin_at
    quiet = (select(Debtor.id.label("debtor_id"), Debtor.name.label("debtor_name"),
                    Debtor.owner_id, last.label("last_checkin_at"))
             .where(Debtor.vulnerable.is_(True), or_(last.is_(None), last < cutoff),
                    owing.exists(), *in_team(Debtor.owner_id, team_id))
             .subquery("quiet"))
    return (select(quiet.c.debtor_id, quiet.c.debtor_name,
                   func.coalesce(User.display_name, "Nobody").label("owner_name"),
                   quiet.c.last_checkin_at, func.count().over().label("total"))
            .select_from(quiet)
            .outerjoin(User, User.id == quiet.c.owner_id)
            # Never contacted first, then the longest silence.
            .order_by(quiet.c.last_checkin_at.is_not(None), quiet.c.last_checkin_at,
                      quiet.c.debtor_id)
            .limit(BLOCKER_ROWS))


def wobbling_statement(team_id: int | None) -> Select:
    """Open supportive check-ins of wobbling plans, soonest first, with the total count."""
    return (select(FollowUp.plan_id, FollowUp.id.label("followup_id"), FollowUp.debtor_id,
                   Debtor.name.label("debtor_name"),
                   func.coalesce(User.display_name, "Nobody").label("owner_name"),
                   FollowUp.note.label("signals"), FollowUp.due_on,
                   func.count().over().label("total"))
            .join(Debtor, Debtor.id == FollowUp.debtor_id)
            .outerjoin(User, User.id == FollowUp.owner_id)
            .where(FollowUp.status == FollowUpStatus.OPEN,
                   FollowUp.reason == FollowUpReason.WOBBLE_CHECK,
                   *in_team(FollowUp.owner_id, team_id))
            .order_by(FollowUp.due_on, FollowUp.id)
            .limit(BLOCKER_ROWS))


def wobble_outcome(session: Session, *, today: date, team_id: int | None) -> WobbleOutcome:
    """Plans broken within 60 days of a wobble flag, contacted (follow-up done) vs not, over
    the flags of the last year that are at least 60 days old."""
    until = datetime.combine(today - timedelta(days=WOBBLE_OUTCOME_DAYS), time(0), UTC)
    rows = session.execute(
        select(FollowUp.created_at, FollowUp.status, PaymentPlan.status.label("plan_status"),
               PaymentPlan.ended_at)
        .join(PaymentPlan, PaymentPlan.id == FollowUp.plan_id)
        .where(FollowUp.reason == FollowUpReason.WOBBLE_CHECK, FollowUp.created_at < until,
               FollowUp.created_at >= until - timedelta(days=365),
               *in_team(FollowUp.owner_id, team_id)))
    counts = {"contacted": 0, "contacted_broke": 0, "not_contacted": 0,
              "not_contacted_broke": 0}
    for r in rows:
        key = "contacted" if r.status == FollowUpStatus.DONE else "not_contacted"
        counts[key] += 1
        if r.plan_status == PlanStatus.BROKEN and r.ended_at is not None and \
                r.created_at <= r.ended_at < r.created_at + timedelta(days=WOBBLE_OUTCOME_DAYS):
            counts[f"{key}_broke"] += 1
    return WobbleOutcome(**counts)


def _with_total(session: Session, stmt: Select, kind: type) -> tuple[list, int]:
    rows = session.execute(stmt).mappings().all()
    total = int(rows[0]["total"]) if rows else 0
    return [kind(**{k: v for k, v in r.items() if k != "total"}) for r in rows], total


# ---------------------------------------------------------------- overload


def overload_hints(agents: list[AgentDay]) -> list[OverloadHint]:
    """Agents with more than twice their team's median overdue, and whom to give work to."""
    hints: list[OverloadHint] = []
    teams: dict[int | None, list[AgentDay]] = {}
    for agent in agents:
        teams.setdefault(agent.team_id, []).append(agent)
    for members in teams.values():
        if len(members) < 2:
            continue
        median = statistics.median(a.overdue for a in members)
        for agent in sorted(members, key=lambda a: (-a.overdue, a.name)):
            if agent.overdue <= 2 * median or agent.overdue < MIN_OVERDUE_FOR_HINT:
                continue
            target = min((a for a in members if a.agent_id != agent.agent_id),
                         key=lambda a: (a.overdue, a.load, a.name))
            # Moving half the difference leaves the two carrying about the same.
            count = max(1, (agent.overdue - target.overdue) // 2)
            hints.append(OverloadHint(
                team_name=agent.team_name, agent_id=agent.agent_id or 0, agent_name=agent.name,
                overdue=agent.overdue, team_median=float(median),
                to_agent_id=target.agent_id or 0, to_agent_name=target.name,
                to_agent_overdue=target.overdue, suggested_count=count))
    return hints


# ---------------------------------------------------------------- the whole report


def agent_days(session: Session, *, day: date, today: date, zone: ZoneInfo,
               team_id: int | None = None) -> list[AgentDay]:
    """The per-agent rows of the stand-up."""
    stmt = agents_statement(day=day, today=today, zone=zone, team_id=team_id)
    rows = [AgentDay(**{k: (int(v) if k in SUMMED else v) for k, v in r.items()})
            for r in session.execute(stmt).mappings()]
    start, end = day_window(day, zone)  # an amendment is the record from then on
    return amended.agents(rows, amended.changes(session, start=start, end=end, team_id=team_id))


def _blockers(session: Session, *, today: date, day: date, zone: ZoneInfo,
              team_id: int | None) -> dict:
    """The stand-up's lists: blockers, wobbling plans and what we owe people."""
    since = day_start(day, zone)
    broken, broken_count = _with_total(session, broken_plans_statement(since, team_id),
                                       BrokenPlan)
    cutoff = day_start(today - timedelta(days=QUIET_DAYS), zone)
    quiet, quiet_count = _with_total(session, quiet_vulnerable_statement(cutoff, team_id),
                                     QuietDebtor)
    wobbling, wobbling_count = _with_total(session, wobbling_statement(team_id), WobblingPlan)
    return {
        "overdue_7plus": to_rows(session.execute(
            overdue_blockers_statement(today, team_id)).mappings(), today),
        "broken_plans": broken, "broken_plans_count": broken_count,
        "quiet_vulnerable": quiet, "quiet_vulnerable_count": quiet_count,
        "wobbling": wobbling, "wobbling_count": wobbling_count,
        "wobble_outcome": wobble_outcome(session, today=today, team_id=team_id),
        "commitments": owed.commitments(session, today=today, team_id=team_id, start=since,
                                        end=day_window(day, zone)[1]),
    }


def _on_own_session(bind: Engine, work: Callable[[Session], T]) -> T:
    with Session(bind, expire_on_commit=False) as session:
        return work(session)


def standup_report(session: Session, *, today: date, team_id: int | None = None,
                   zone: ZoneInfo | None = None, parallel: bool = False) -> StandupReport:
    """The stand-up for `today` (results of the last working day), one team or all.

    With `parallel` (the screen asks for it; the session must be bound to an engine and have
    written nothing) the lists are read on a second connection while this one counts the
    results and the trend: the database works on both at once (SQLite and psycopg let go of
    Python's lock while a statement runs), so the screen waits for the longer half, not the
    sum. The tables read there are noted for the cache as if read here (the context is copied).
    """
    zone = zone or settings.office_zone(session)
    working = settings.working_days(session)
    day = last_working_day(today, working)

    def lists(s: Session) -> dict:
        return _blockers(s, today=today, day=day, zone=zone, team_id=team_id)

    bind = session.get_bind()
    later = (_SECOND.submit(contextvars.copy_context().run, _on_own_session, bind, lists)
             if parallel and isinstance(bind, Engine) else None)
    agents = agent_days(session, day=day, today=today, zone=zone, team_id=team_id)
    teams: dict[int | None, list[AgentDay]] = {}
    for agent in agents:
        teams.setdefault(agent.team_id, []).append(agent)
    team_rows = [_rollup(rows, name=rows[0].team_name, team_id=tid) for tid, rows in teams.items()]
    total = _rollup(agents, name="Everyone" if team_id is None else
                    (team_rows[0].name if team_rows else "This team"), team_id=team_id)
    points = trend(session, last_day=day, zone=zone, team_id=team_id, working=working)
    return StandupReport(
        today=today, day=day, agents=agents, teams=team_rows, total=total, trend=points,
        hints=overload_hints(agents), **(later.result() if later else lists(session)))


# ---------------------------------------------------------------- for tables


def agent_records(rows: list[AgentDay]) -> list[dict]:
    """Per-agent (or per-team) rows for the stand-up table."""
    return [{
        "Who": r.name, "Check-ins": r.checkins, "Conversations": r.conversations,
        "Plans agreed": r.plans_agreed, "Plans value": format_money(r.plans_value_cents),
        "Payments": r.payments, "Received": format_money(r.payments_cents),
        "Promises kept": r.promises_kept, "Promises broken": r.promises_broken,
        "Wellbeing": "—" if r.wellbeing_avg is None else f"{r.wellbeing_avg:.1f}",
        "Due today": r.due_today, "Overdue": r.overdue, "Over 7 days": r.overdue_7plus,
    } for r in rows]


def broken_plan_records(rows: list[BrokenPlan]) -> list[dict]:
    """Broken plans for the blockers table."""
    return [{"Debtor": r.debtor_name, "Account": r.account_reference, "Agent": r.owner_name,
             "Plan total": format_money(r.payable_cents),
             "Broke on": r.ended_at.date() if r.ended_at else None} for r in rows]


def quiet_records(rows: list[QuietDebtor]) -> list[dict]:
    """Vulnerable debtors not contacted lately, for the blockers table."""
    return [{"Debtor": r.debtor_name, "Agent": r.owner_name,
             "Last check-in": r.last_checkin_at.date() if r.last_checkin_at else "never"}
            for r in rows]


def wobbling_records(rows: list[WobblingPlan]) -> list[dict]:
    """Wobbling plans for the stand-up: who, the signs, when to check in (the suggestion is
    said once above the table)."""
    return [{"Debtor": r.debtor_name, "Agent": r.owner_name,
             "Signs": r.signals.removeprefix("Plan wobbling: ").split(". Supportive")[0],
             "Check in by": f"{r.due_on:%a %d %b}"} for r in rows]
