"""Payment plans, read: accounts to plan for, plans, payments, promises and statements.

Every function takes the session first and keyword ids, returns the frozen views of
views.py, and writes nothing (so `ui.session.read(fn, **ids)` can cache it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, union
from sqlmodel import Session, col, select

from core.affordability import Affordability
from core.payment_plans import affordable
from core.payment_plans.common import get_account, get_plan
from core.payment_plans.views import (
    AccountOption,
    IncomeStatement,
    InstalmentRow,
    PaymentRow,
    PlanDetail,
    PlanInputs,
    PlanRow,
    PromiseRow,
)
from core.plans import (
    Frequency,
    Instalment,
    Schedule,
    plan_summary_text,
)
from core.promises import Promise, PromiseOutcome, Received, settle_promises
from core.store import settings
from core.store.db import sum_cents
from core.store.models import (
    Account,
    AccountStatus,
    Debtor,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    PromiseToPay,
    User,
)

ENDED_ACCOUNT_STATUSES = (AccountStatus.PAID, AccountStatus.CLOSED)
SEARCH_LIMIT = 50


def inputs_of(plan: PaymentPlan) -> PlanInputs:
    """The slider values a stored plan was saved with."""
    return PlanInputs(
        account_id=plan.account_id,
        frequency=plan.frequency,
        start_on=plan.start_on,
        instalment_cents=plan.instalment_cents,
        count=plan.count,
        discount_pct=plan.discount_pct,
        upfront_cents=plan.upfront_cents,
        annual_rate_pct=plan.annual_rate_pct,
        step_cents=plan.step_cents,
    )


def schedule_from_rows(rows: Iterable[InstalmentRow], *, forgiven: int, upfront: int) -> Schedule:
    rows = list(rows)
    total = sum(r.amount_cents for r in rows)
    left = total
    instalments: list[Instalment] = []
    for r in rows:
        left -= r.amount_cents
        instalments.append(Instalment(r.seq, r.due_on, r.amount_cents, r.interest_cents, left))
    interest = sum(r.interest_cents for r in rows)
    has_upfront = upfront > 0 and bool(rows) and rows[0].amount_cents == upfront and len(rows) > 1
    return Schedule(
        instalments=tuple(instalments),
        payable_cents=total,
        forgiven_cents=forgiven,
        interest_cents=interest,
        count=len(instalments),
        final_due=instalments[-1].due,
        upfront_cents=upfront if has_upfront else 0,
    )


def rows_of(schedule: Schedule) -> tuple[InstalmentRow, ...]:
    return tuple(
        InstalmentRow(i.seq, i.due, i.amount_cents, i.interest_cents, 0, InstalmentStatus.DUE)
        for i in schedule.instalments
    )


def latest_income_expenditure(session: Session, *, debtor_id: int) -> IncomeStatement | None:
    """The debtor's most recent income & expenditure statement, or None."""
    return affordable.latest_statements(session, [debtor_id]).get(debtor_id)

def search_accounts(session: Session, *, query: str = "", limit: int = SEARCH_LIMIT,
                    owner_id: int | None = None) -> list[AccountOption]:
    """Accounts whose debtor's name or reference contains `query`, at most `limit` of them.

    Accounts still owed come first, then paid and closed ones; each by debtor name. Each part
    walks the debtor-name index and stops at `limit` rows: no sort of the whole table, so the
    first page costs the same at 150,000 accounts as at 400. With `owner_id`, only that
    agent's caseload.
    """
    limit = max(1, min(int(limit), 200))
    text = (query or "").strip()
    found = _search(session, text, owed=True, limit=limit, owner_id=owner_id)
    if len(found) < limit:
        found += _search(session, text, owed=False, limit=limit - len(found), owner_id=owner_id)
    return found


def _contains(column, text: str, dialect: str):
    """`column` contains `text`, ignoring case. SQLite's own LIKE already ignores ASCII case,
    exactly as its lower() does, so it is used bare: no function call per row."""
    pattern = f"%{text}%"
    return col(column).like(pattern) if dialect == "sqlite" else col(column).ilike(pattern)


def _search(session: Session, text: str, *, owed: bool, limit: int,
            owner_id: int | None = None) -> list[AccountOption]:
    def accounts(*columns):
        statement = select(*columns).join(Debtor, Debtor.id == Account.debtor_id)
        if owner_id is not None:
            statement = statement.where(Debtor.owner_id == owner_id)
        ended = col(Account.status).in_(ENDED_ACCOUNT_STATUSES)
        return statement.where(~ended if owed else ended)

    order = (col(Debtor.name), col(Debtor.id), col(Account.id))
    statement = accounts(Account, Debtor)
    if text:
        # Name OR reference in one condition makes the database join every account to its
        # debtor to test the two (seconds at 150,000 accounts when nothing matches). Apart,
        # each reads one index: the debtor names in order, stopping after `limit` matches, and
        # the references that match. The first `limit` of the two together, in the same
        # order, are exactly the first `limit` of "name or reference".
        dialect = session.get_bind().dialect.name
        refs = select(Account.id).where(_contains(Account.reference, text, dialect))
        by_name = (accounts(Account.id).where(_contains(Debtor.name, text, dialect))
                   .order_by(*order).limit(limit).subquery("by_name"))
        by_reference = (accounts(Account.id).where(col(Account.id).in_(refs))
                        .order_by(*order).limit(limit).subquery("by_reference"))
        statement = statement.where(col(Account.id).in_(
            union(select(by_name.c.id), select(by_reference.c.id))))
    rows = session.exec(statement.order_by(*order).limit(limit)).all()
    return [_account_option(account, debtor) for account, debtor in rows]


def _account_option(account: Account, debtor: Debtor) -> AccountOption:
    return AccountOption(
        account_id=account.id,
        reference=account.reference,
        creditor=account.creditor,
        debtor_id=debtor.id,
        debtor_name=debtor.name,
        owner_id=debtor.owner_id,
        balance_cents=account.balance_cents,
        currency=account.currency,
        status=account.status,
        version=account.version,
    )


def account_option(session: Session, *, account_id: int) -> AccountOption | None:
    """One account with its debtor, or None."""
    row = session.exec(
        select(Account, Debtor).join(Debtor, Debtor.id == Account.debtor_id)
        .where(Account.id == account_id)
    ).first()
    return _account_option(*row) if row else None


def _plan_rows_query():
    paid = sum_cents(PlanInstalment.paid_cents)
    missed = func.coalesce(
        func.sum(case((col(PlanInstalment.status) == InstalmentStatus.MISSED, 1), else_=0)), 0
    )
    return (
        select(PaymentPlan, paid, missed, Account.reference, Debtor.name, User.display_name)
        .join(Account, Account.id == PaymentPlan.account_id)
        .join(Debtor, Debtor.id == Account.debtor_id)
        .outerjoin(User, User.id == PaymentPlan.created_by)
        .outerjoin(PlanInstalment, PlanInstalment.plan_id == PaymentPlan.id)
        .group_by(PaymentPlan.id, Account.reference, Debtor.name, User.display_name)
    )


def _plan_row(plan: PaymentPlan, paid: int, missed: int, reference: str, debtor_name: str,
              created_by_name: str | None) -> PlanRow:
    return PlanRow(
        plan_id=plan.id,
        account_id=plan.account_id,
        status=plan.status,
        frequency=plan.frequency,
        start_on=plan.start_on,
        instalment_cents=plan.instalment_cents,
        count=plan.count,
        discount_pct=plan.discount_pct,
        payable_cents=plan.payable_cents,
        forgiven_cents=plan.forgiven_cents,
        paid_cents=int(paid or 0),
        missed=int(missed or 0),
        created_at=plan.created_at,
        created_by=plan.created_by,
        version=plan.version,
        account_reference=reference,
        debtor_name=debtor_name,
        created_by_name=created_by_name or "",
    )


def plans_for_account(session: Session, *, account_id: int) -> list[PlanRow]:
    """Every plan on an account, newest first, with what has been paid and missed."""
    rows = session.exec(
        _plan_rows_query()
        .where(PaymentPlan.account_id == account_id)
        .order_by(col(PaymentPlan.created_at).desc(), col(PaymentPlan.id).desc())
    ).all()
    return [_plan_row(*row) for row in rows]


def plans_awaiting_approval(session: Session, *, limit: int | None = None) -> list[PlanRow]:
    """The approval queue: settlements above their author's limit, oldest first (the oldest
    `limit` only, when given: they are picked from the (status, created_at, id) index before
    anything is joined or summed)."""
    oldest = (select(PaymentPlan.id).where(PaymentPlan.status == PlanStatus.AWAITING_APPROVAL)
              .order_by(col(PaymentPlan.created_at), col(PaymentPlan.id)))
    if limit is not None:
        oldest = oldest.limit(max(1, int(limit)))
    rows = session.exec(
        _plan_rows_query()
        .where(col(PaymentPlan.id).in_(oldest.scalar_subquery()))
        .order_by(col(PaymentPlan.created_at), col(PaymentPlan.id))
    ).all()
    return [_plan_row(*row) for row in rows]


def plans_awaiting_approval_count(session: Session) -> int:
    """How many settlements wait for approval (counted in the status index)."""
    return session.exec(select(func.count()).select_from(PaymentPlan)
                        .where(PaymentPlan.status == PlanStatus.AWAITING_APPROVAL)).one()


def plan_detail(session: Session, *, plan_id: int) -> PlanDetail:
    """A plan with its instalments (stored, or as planned before it starts) and its summary."""
    plan = get_plan(session, plan_id)
    account = get_account(session, plan.account_id)
    debtor = session.get(Debtor, account.debtor_id)
    stored = session.exec(
        select(PlanInstalment).where(PlanInstalment.plan_id == plan.id)
        .order_by(col(PlanInstalment.seq))
    ).all()
    if stored:
        rows = tuple(
            InstalmentRow(r.seq, r.due_on, r.amount_cents, r.interest_cents, r.paid_cents,
                          r.status)
            for r in stored
        )
        schedule = schedule_from_rows(rows, forgiven=plan.forgiven_cents,
                                       upfront=plan.upfront_cents)
    else:
        schedule = inputs_of(plan).schedule(plan.balance_at_start_cents)
        rows = rows_of(schedule)
    return PlanDetail(
        plan_id=plan.id,
        account_id=account.id,
        debtor_id=account.debtor_id,
        debtor_name=debtor.name if debtor else "",
        account_reference=account.reference,
        currency=account.currency,
        status=plan.status,
        frequency=plan.frequency,
        start_on=plan.start_on,
        instalment_cents=plan.instalment_cents,
        count=plan.count,
        discount_pct=plan.discount_pct,
        upfront_cents=plan.upfront_cents,
        annual_rate_pct=plan.annual_rate_pct,
        step_cents=plan.step_cents,
        payable_cents=plan.payable_cents,
        forgiven_cents=plan.forgiven_cents,
        interest_cents=plan.interest_cents,
        balance_at_start_cents=plan.balance_at_start_cents,
        approval_note=plan.approval_note,
        created_by=plan.created_by,
        approved_by=plan.approved_by,
        created_at=plan.created_at,
        activated_at=plan.activated_at,
        ended_at=plan.ended_at,
        version=plan.version,
        instalments=rows,
        paid_cents=sum(r.paid_cents for r in rows),
        missed=sum(1 for r in rows if r.status == InstalmentStatus.MISSED),
        schedule=schedule,
        summary=plan_summary_text(schedule, frequency=plan.frequency, currency=account.currency),
    )


def frequency_label(value: str) -> str:
    """Plain name of a frequency, e.g. "Every two weeks"."""
    try:
        return Frequency(value).label
    except ValueError:
        return value

def payments_for_account(session: Session, *, account_id: int, limit: int = 50
                         ) -> list[PaymentRow]:
    """The account's payments, newest first (reversed ones too, marked as such)."""
    rows = session.exec(
        select(Payment).where(Payment.account_id == account_id)
        .order_by(col(Payment.received_on).desc(), col(Payment.id).desc()).limit(limit)
    ).all()
    return [PaymentRow(p.id, p.amount_cents, p.received_on, p.method, p.reference, p.plan_id,
                       reversed=p.reversed_at is not None, reversible=bool(p.effects_json))
            for p in rows]


def made_on(created_at: datetime, zone: ZoneInfo, due_on: date) -> date:
    """The office day a promise was made (never after its own date)."""
    return min(created_at.astimezone(zone).date(), due_on)


def promise_outcomes(
    promises: Sequence[PromiseToPay], payments: Iterable[Payment], *, zone: ZoneInfo,
    today: date, grace_days: int,
) -> list[PromiseOutcome]:
    """What each promise's status should be, by `core.promises.settle_promises`: each payment
    counts once, towards the earliest-due promise whose window (made … due + grace) holds it;
    reversed payments count towards nothing."""
    return settle_promises(
        [Promise(made_on(p.created_at, zone, p.due_on), p.due_on, p.amount_cents)
         for p in promises],
        [Received(p.received_on, p.amount_cents) for p in payments if p.reversed_at is None],
        today=today, grace_days=grace_days,
    )


def account_promises(session: Session, account_ids: Sequence[int]
                     ) -> tuple[dict[int, list[PromiseToPay]], dict[int, list[Payment]]]:
    """Every promise and every payment (id order) of the accounts, by account."""
    promises: dict[int, list[PromiseToPay]] = {a: [] for a in account_ids}
    payments: dict[int, list[Payment]] = {a: [] for a in account_ids}
    for chunk in _chunks(list(account_ids), 500):
        for p in session.exec(select(PromiseToPay).where(col(PromiseToPay.account_id).in_(chunk))
                              .order_by(col(PromiseToPay.id))).all():
            promises[p.account_id].append(p)
        for p in session.exec(select(Payment).where(col(Payment.account_id).in_(chunk))
                              .order_by(col(Payment.id))).all():
            payments[p.account_id].append(p)
    return promises, payments


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def promises_for_account(session: Session, *, account_id: int, today: date | None = None
                         ) -> list[PromiseRow]:
    """The account's promises to pay, newest date first, with what counted towards each."""
    promises, payments = account_promises(session, [account_id])
    rows = promises[account_id]
    outcomes = promise_outcomes(rows, payments[account_id], zone=settings.office_zone(session),
                                today=today or settings.office_today(session),
                                grace_days=settings.get_int(session, "grace_days"))
    listed = [PromiseRow(p.id, p.amount_cents, p.due_on, p.status, o.paid_cents)
              for p, o in zip(rows, outcomes, strict=True)]
    return sorted(listed, key=lambda r: (r.due_on, r.promise_id), reverse=True)


def other_commitments_cents(session: Session, *, debtor_id: int,
                            exclude_account_id: int | None = None) -> int:
    """What the debtor already pays each month on their other active plans (monthly
    equivalents summed), for `assess(..., other_commitments_cents=...)`: one income is never
    spent twice. The plan on `exclude_account_id` (the one being designed) is left out."""
    return sum(monthly for account_id, monthly in
               affordable.monthly_commitments(session, [debtor_id]).get(debtor_id, ())
               if account_id != exclude_account_id)


def plan_affordability(session: Session, *, account_id: int, instalment_cents: int,
                       frequency: str) -> Affordability | None:
    """The verdict for an instalment on this account: the debtor's latest income and
    spending, less what their other active plans already take each month. None without a
    statement (nothing to judge by)."""
    return affordable.affordabilities(session, [affordable.Ask(account_id, instalment_cents,
                                                               frequency)])[0]


__all__ = [
    "account_option",
    "account_promises",
    "frequency_label",
    "inputs_of",
    "latest_income_expenditure",
    "other_commitments_cents",
    "plan_affordability",
    "payments_for_account",
    "plan_detail",
    "plans_awaiting_approval",
    "plans_awaiting_approval_count",
    "plans_for_account",
    "promise_outcomes",
    "promises_for_account",
    "search_accounts",
]
