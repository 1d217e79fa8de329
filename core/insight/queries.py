"""The three insight questions, counted in the database (one GROUP BY each, no rows loaded).

(a) First instalment paid on time — payments on the plan by its due date plus the grace days
    reach its amount — when there was a check-in with the debtor in the 3 days before it, vs
    not. Plans whose first instalment fell due in the period and whose grace has passed.
(b) Plans still running 90 days after they were agreed (not broken or cancelled within 90
    days), by the wellbeing last recorded at or before the agreement (1–2 / 3 / 4–5 / not
    recorded) and by whether an income and spending statement was on file by then. Plans
    agreed in the period whose 90 days have passed.
(c) The two measures for vulnerable and not-vulnerable debtors side by side (outcome parity,
    FCA FG21/1; the debtor's vulnerability flag as it is now).
Days are UTC calendar days in the database's arithmetic.

Check-ins are read as amended (an amendment is the record from then on): of what can be
corrected, Insight reads only the wellbeing (b); (a) asks whether there was a check-in at all,
which no correction changes. The SQL counts wellbeing as logged; `amended_bands` then moves
the few plans whose band a correction changes, as the stand-up does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Interval,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlmodel import Session

from core.checkins.queries import amended, effective
from core.insight.stats import wilson
from core.insight.views import Group, Insight
from core.permissions import require_lead
from core.store import settings
from core.store.db import sum_cents
from core.store.models import (
    Account,
    CheckIn,
    CheckInAmendment,
    Debtor,
    IncomeExpenditure,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    User,
)

RUNNING_DAYS = 90
BEFORE_DAYS = 3
ENDED = (PlanStatus.BROKEN, PlanStatus.CANCELLED)
BANDS = {"low": "Wellbeing 1–2", "mid": "Wellbeing 3", "high": "Wellbeing 4–5",
         "none": "Wellbeing not recorded"}
MAX_DAYS = 3 * 366


# ---------------------------------------------------------------- date arithmetic per database


def date_plus(column: ColumnElement, days: int, dialect: str) -> ColumnElement:
    """A date column moved by `days` (a date)."""
    if dialect == "sqlite":
        return func.date(column, f"{days:+d} days")
    return column + days


def midnight_utc(column: ColumnElement, days: int, dialect: str) -> ColumnElement:
    """The UTC midnight starting (date column + `days`), comparable with a timestamp column."""
    if dialect == "sqlite":
        return func.datetime(column, f"{days:+d} days")
    return func.timezone("UTC", cast(column + days, DateTime))


def instant_plus(column: ColumnElement, days: int, dialect: str) -> ColumnElement:
    """A timestamp column moved by `days`."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m-%d %H:%M:%f", column, f"{days:+d} days")
    return column + literal(timedelta(days=days), type_=Interval())


def _team(team_id: int | None) -> list[ColumnElement[bool]]:
    if team_id is None:
        return []
    return [Debtor.owner_id.in_(select(User.id).where(User.team_id == team_id))]


# ---------------------------------------------------------------- (a) first instalment


def first_instalment_statement(*, start: date, end: date, as_of: date, grace: int,
                               team_id: int | None, dialect: str):
    """(checked_before, vulnerable, n, on_time) for first instalments due in [start, end].

    The first instalments come from a partial index on `due_on` (seq = 1, written as a
    literal so SQLite can use it), the payments by plan from (plan_id, received_on) and the
    check-in from (debtor_id, at): index probes only. The rows are a MATERIALIZED CTE so each
    sub-query runs once per plan, not once for the grouping and again for the result.
    """
    paid = (select(sum_cents(Payment.amount_cents))
            .where(Payment.plan_id == PaymentPlan.id,
                   Payment.account_id == PaymentPlan.account_id,
                   Payment.received_on <= date_plus(PlanInstalment.due_on, grace, dialect))
            .scalar_subquery())
    before = (select(CheckIn.id)
              .where(CheckIn.debtor_id == Debtor.id,
                     CheckIn.at >= midnight_utc(PlanInstalment.due_on, -BEFORE_DAYS, dialect),
                     CheckIn.at < midnight_utc(PlanInstalment.due_on, 0, dialect))
              .exists())
    rows = (select(case((before, 1), else_=0).label("checked_before"),
                   case((Debtor.vulnerable.is_(True), 1), else_=0).label("vulnerable"),
                   case((paid >= PlanInstalment.amount_cents, 1), else_=0).label("on_time"))
            .select_from(PlanInstalment)
            .join(PaymentPlan, PaymentPlan.id == PlanInstalment.plan_id)
            .join(Account, Account.id == PaymentPlan.account_id)
            .join(Debtor, Debtor.id == Account.debtor_id)
            .where(PlanInstalment.seq == literal_column("1"),
                   PaymentPlan.activated_at.is_not(None),
                   PlanInstalment.due_on >= start, PlanInstalment.due_on <= end,
                   PlanInstalment.due_on <= as_of - timedelta(days=grace + 1),
                   *_team(team_id))
            .cte("first").prefix_with("MATERIALIZED"))
    return (select(rows.c.checked_before, rows.c.vulnerable, func.count().label("n"),
                   func.coalesce(func.sum(rows.c.on_time), 0).label("hits"))
            .group_by(rows.c.checked_before, rows.c.vulnerable))


# ---------------------------------------------------------------- (b) still running at 90 days


def _agreed(*, start: date, end: date, as_of: date, team_id: int | None, dialect: str):
    """Per plan agreed in [start, end] whose 90 days have passed: the wellbeing last logged at
    or before the agreement, statement used, vulnerable, still running."""
    # Read from the partial index (debtor_id, at, id, wellbeing) WHERE wellbeing IS NOT NULL:
    # one backwards step per plan, no check-in row read.
    wellbeing = (select(CheckIn.wellbeing)
                 .where(CheckIn.debtor_id == Debtor.id, CheckIn.wellbeing.is_not(None),
                        CheckIn.at <= PaymentPlan.activated_at)
                 .order_by(CheckIn.at.desc(), CheckIn.id.desc())
                 .limit(1)
                 .scalar_subquery())
    statement = (select(IncomeExpenditure.id)
                 .where(IncomeExpenditure.debtor_id == Debtor.id,
                        IncomeExpenditure.recorded_on <= func.date(PaymentPlan.activated_at)
                        if dialect == "sqlite" else
                        IncomeExpenditure.recorded_on <= PaymentPlan.activated_at)
                 .exists())
    ended_early = ((PaymentPlan.status.in_(ENDED))
                   & (PaymentPlan.ended_at < instant_plus(PaymentPlan.activated_at,
                                                          RUNNING_DAYS, dialect)))
    start_at = datetime.combine(start, time(0), UTC)
    end_at = datetime.combine(end + timedelta(days=1), time(0), UTC)
    # Agreed at least 90 days before the end of `as_of`: the outcome is known.
    known_by = datetime.combine(as_of - timedelta(days=RUNNING_DAYS - 1), time(0), UTC)
    return (select(wellbeing.label("wellbeing"),
                   case((statement, 1), else_=0).label("statement_used"),
                   case((Debtor.vulnerable.is_(True), 1), else_=0).label("vulnerable"),
                   case((ended_early, 0), else_=1).label("running"))
            .select_from(PaymentPlan)
            .join(Account, Account.id == PaymentPlan.account_id)
            .join(Debtor, Debtor.id == Account.debtor_id)
            .where(PaymentPlan.activated_at >= start_at, PaymentPlan.activated_at < end_at,
                   PaymentPlan.activated_at < known_by, *_team(team_id)))


def _band(wellbeing: int | None) -> str:
    """The wellbeing band of a plan (as the SQL `band` below counts it)."""
    if wellbeing is None:
        return "none"
    return "low" if wellbeing <= 2 else "mid" if wellbeing == 3 else "high"


def running_statement(*, start: date, end: date, as_of: date, team_id: int | None,
                      dialect: str):
    """(band, statement_used, vulnerable, n, running) for plans agreed in [start, end], by the
    wellbeing as logged (`amended_bands` corrects the few whose wellbeing was amended)."""
    rows = _agreed(start=start, end=end, as_of=as_of, team_id=team_id,
                   dialect=dialect).cte("agreed").prefix_with("MATERIALIZED")
    band = case((rows.c.wellbeing.is_(None), "none"), (rows.c.wellbeing <= 2, "low"),
                (rows.c.wellbeing == 3, "mid"), else_="high").label("band")
    return (select(band, rows.c.statement_used, rows.c.vulnerable, func.count().label("n"),
                   func.coalesce(func.sum(rows.c.running), 0).label("hits"))
            .group_by(band, rows.c.statement_used, rows.c.vulnerable))


def amended_bands(session: Session, *, start: date, end: date, as_of: date,
                  team_id: int | None, dialect: str) -> list[dict]:
    """Rows moving the plans whose wellbeing band changes when check-ins are read as amended
    (an amendment is the record from then on): n = -1 from the band as logged, +1 to the band
    as amended. Counted like the stand-up: the few amended check-ins after the SQL count, with
    the check-in job's own `amended` and `effective`. Nothing to read when none was amended."""
    corrected = (select(CheckInAmendment.checkin_id)
                 .where(CheckInAmendment.field == "wellbeing"))
    people = select(CheckIn.debtor_id).where(CheckIn.id.in_(corrected))
    plans = session.execute(_agreed(start=start, end=end, as_of=as_of, team_id=team_id,
                                    dialect=dialect)
                            .add_columns(Debtor.id.label("debtor_id"), PaymentPlan.activated_at)
                            .where(Debtor.id.in_(people))).mappings().all()
    if not plans:
        return []
    logged = session.execute(
        select(CheckIn.id, CheckIn.debtor_id, CheckIn.at, CheckIn.wellbeing)
        .where(CheckIn.debtor_id.in_({p["debtor_id"] for p in plans}),
               CheckIn.wellbeing.is_not(None) | CheckIn.id.in_(corrected))
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())).all()
    fixes: dict[int, dict[tuple[int, str], str]] = {}
    for key, after in amended(session, [c.id for c in logged], ("wellbeing",)).items():
        fixes.setdefault(key[0], {})[key] = after
    # Only the corrected check-ins are read whole, and read as amended (with their own fixes)
    # only when a plan reaches them: the newest wellbeing before an agreement decides.
    whole = {c.id: c for c in session.execute(
        select(CheckIn).where(CheckIn.id.in_(list(fixes)))).scalars()}
    read: dict[int, int | None] = {}

    def wellbeing(checkin_id: int, logged_value: int | None) -> int | None:
        if checkin_id not in whole:
            return logged_value
        if checkin_id not in read:
            read[checkin_id] = effective(whole[checkin_id], fixes[checkin_id]).wellbeing
        return read[checkin_id]

    history: dict[int, list] = {}
    for c in logged:  # newest first
        history.setdefault(c.debtor_id, []).append(c)
    moves = []
    for plan in plans:
        agreed_at = plan["activated_at"]
        latest = next((w for c in history.get(plan["debtor_id"], []) if c.at <= agreed_at
                       and (w := wellbeing(c.id, c.wellbeing)) is not None), None)
        if _band(latest) == _band(plan["wellbeing"]):
            continue
        same = {"statement_used": plan["statement_used"], "vulnerable": plan["vulnerable"]}
        moves += [{"band": _band(plan["wellbeing"]), **same, "n": -1, "hits": -plan["running"]},
                  {"band": _band(latest), **same, "n": 1, "hits": plan["running"]}]
    return moves


# ---------------------------------------------------------------- the page's read


def _sum(rows: list, **match: int | str) -> tuple[int, int]:
    picked = [r for r in rows if all(r[k] == v for k, v in match.items())]
    return sum(int(r["hits"]) for r in picked), sum(int(r["n"]) for r in picked)


def _group(question: str, measure: str, name: str, counts: tuple[int, int]) -> Group:
    return Group(question=question, measure=measure, name=name, result=wilson(*counts))


def check_period(start: date, end: date, today: date) -> str:
    """Why a period can't be shown (empty string when it can)."""
    if end < start:
        return "The period ends before it starts; pick the first day, then the last."
    if start > today:
        return "This period hasn't happened yet, so there is nothing to count."
    if (end - start).days > MAX_DAYS:
        return "Pick a period of at most three years."
    return ""


def insight(session: Session, *, start: date, end: date, team_id: int | None = None,
            today: date | None = None) -> Insight:
    """The three questions for plans of `team_id` (None: everyone) in [start, end]."""
    today = today or settings.office_today(session)
    grace = settings.get_int(session, "grace_days")
    dialect = session.get_bind().dialect.name
    reason = check_period(start, end, today)
    if reason:
        return Insight(start=start, end=end, team_id=team_id, first_instalment=[],
                       still_running=[], parity=[], empty_reason=reason)
    first = [dict(r) for r in session.execute(first_instalment_statement(
        start=start, end=end, as_of=today, grace=grace, team_id=team_id,
        dialect=dialect)).mappings()]
    agreed = [dict(r) for r in session.execute(running_statement(
        start=start, end=end, as_of=today, team_id=team_id, dialect=dialect)).mappings()]
    agreed += amended_bands(session, start=start, end=end, as_of=today, team_id=team_id,
                            dialect=dialect)
    if not first and not agreed:
        return Insight(start=start, end=end, team_id=team_id, first_instalment=[],
                       still_running=[], parity=[],
                       empty_reason="No plans of this team had an outcome to count in this "
                                    "period (a first instalment past its grace days, or 90 "
                                    "days since agreement).")
    on_time, running = "First instalment paid on time", "Plan still running after 90 days"
    a = [_group("a", on_time, "Check-in in the 3 days before", _sum(first, checked_before=1)),
         _group("a", on_time, "No check-in in the 3 days before",
                _sum(first, checked_before=0))]
    b = [_group("b", running, label, _sum(agreed, band=key)) for key, label in BANDS.items()]
    b += [_group("b", running, "Income and spending statement used",
                 _sum(agreed, statement_used=1)),
          _group("b", running, "No income and spending statement",
                 _sum(agreed, statement_used=0))]
    c = [_group("c", measure, who, _sum(rows, vulnerable=flag))
         for measure, rows in ((on_time, first), (running, agreed))
         for who, flag in (("Vulnerable", 1), ("Not vulnerable", 0))]
    return Insight(start=start, end=end, team_id=team_id, first_instalment=a,
                   still_running=b, parity=c)


def group_records(groups: list[Group]) -> list[dict]:
    """Rows for a table: group, count, how many had the outcome, share and interval."""
    return [{"Group": g.name, "Plans": g.result.n, "With the outcome": g.result.hits,
             "Share (95 % interval)": g.result.share()} for g in groups]


def insight_for(session: Session, *, actor: User, start: date, end: date,
                team_id: int | None = None) -> Insight:
    """`insight` for a lead or an admin; PermissionError for anyone else."""
    require_lead(actor)
    return insight(session, start=start, end=end, team_id=team_id)
