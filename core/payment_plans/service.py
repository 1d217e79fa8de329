"""Payment plans over the database: save, approve, activate, pay, sweep and reschedule.

The schedule itself comes from the pure `core.plans.build_schedule`; this module stores it,
moves plans through their lifecycle (draft → proposed → active → completed / broken /
cancelled, with awaiting_approval for settlements above the actor's limit), records
payments against instalments and promises to pay, and keeps income & expenditure
statements. Every change writes an audit event in the caller's transaction.

Semantics worth knowing:

* An instalment is **missed** when it is still not fully paid more than `grace_days` whole
  days after its date (grace 3, due 1 March: a payment on 4 March is still in time; the
  sweep on 5 March marks it missed).
* A **promise to pay** is kept when the payments on its account that were received on or
  before its date, and recorded after the promise was made, reach its amount; it is broken
  when its date has passed without that.
* **Reschedule** keeps what was paid, closes partly paid instalments at what they received,
  and rebuilds everything still owed (missed, partly paid and future instalments) as a
  fresh run at the plan's usual instalment and frequency, starting on the next unpaid
  date still ahead (or one period from today). The instalment does not change, so missed
  money lengthens the plan: it is paid at the end, the last instalment is the remainder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import case, func, insert, or_, update
from sqlalchemy import delete as sa_delete
from sqlmodel import Session, col, select

from core.affordability import (
    CATEGORY_LABELS,
    FIXED_COST_CATEGORIES,
    FLEXIBLE_COST_CATEGORIES,
    INCOME_CATEGORIES,
)
from core.errors import UserError
from core.followups.service import add_followup
from core.money import format_money
from core.permissions import require_lead, require_role
from core.plans import (
    Frequency,
    Instalment,
    PlanError,
    Schedule,
    add_periods,
    allocate_payment,
    build_schedule,
    parse_frequency,
    plan_summary_text,
    reschedule_remaining,
)
from core.store import audit, settings
from core.store.db import StaleRecordError, save_versioned, sum_cents
from core.store.models import (
    Account,
    AccountStatus,
    Channel,
    Debtor,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    IncomeExpenditure,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
    Role,
    User,
    utcnow,
)
from core.store.settings import office_today
from core.text import clean_note
from core.vocabulary import labels

PAYMENT_METHODS: dict[str, str] = {
    "bank_transfer": "Bank transfer",
    "card": "Card",
    "direct_debit": "Direct debit",
    "standing_order": "Standing order",
    "cash": "Cash",
    "cheque": "Cheque",
    "other": "Other",
}
STATUS_LABELS: dict[str, str] = labels(PlanStatus)
OPEN_PLAN_STATUSES: tuple[str, ...] = (
    PlanStatus.DRAFT,
    PlanStatus.PROPOSED,
    PlanStatus.AWAITING_APPROVAL,
)
MISSED_TO_BREAK = 2
REVIEW_DAYS_BEFORE = 2
_UNPAID = (InstalmentStatus.DUE, InstalmentStatus.PART_PAID, InstalmentStatus.MISSED)
_ENTITY = "payment plan"


# ---------------------------------------------------------------- inputs and views


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """What the sliders set: everything `build_schedule` needs except the balance."""

    account_id: int | None
    frequency: str
    start_on: date
    instalment_cents: int | None = None
    count: int | None = None
    discount_pct: Decimal | int | float | str = 0
    upfront_cents: int = 0
    annual_rate_pct: Decimal | int | float | str = 0
    step_cents: int = 1

    def schedule(self, balance_cents: int) -> Schedule:
        """Build the schedule for `balance_cents` (raises PlanError with a plain message)."""
        return build_schedule(
            balance_cents,
            frequency=self.frequency,
            start=self.start_on,
            instalment_cents=self.instalment_cents,
            count=self.count,
            discount_pct=self.discount_pct,
            upfront_cents=self.upfront_cents,
            annual_rate_pct=self.annual_rate_pct,
            step_cents=self.step_cents,
        )


plan_inputs = PlanInputs  # the name the design notes use


@dataclass(frozen=True, slots=True)
class AccountOption:
    """An account as the plans page lists it."""

    account_id: int
    reference: str
    creditor: str
    debtor_id: int
    debtor_name: str
    owner_id: int | None
    balance_cents: int
    currency: str
    status: str
    version: int


@dataclass(frozen=True, slots=True)
class InstalmentRow:
    """One stored (or, before activation, planned) instalment."""

    seq: int
    due_on: date
    amount_cents: int
    interest_cents: int
    paid_cents: int
    status: str


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A plan in a list: its terms, status and how much has been paid."""

    plan_id: int
    account_id: int
    status: str
    frequency: str
    start_on: date
    instalment_cents: int | None
    count: int | None
    discount_pct: str
    payable_cents: int
    forgiven_cents: int
    paid_cents: int
    missed: int
    created_at: datetime
    created_by: int | None
    version: int
    account_reference: str = ""
    debtor_name: str = ""
    created_by_name: str = ""


@dataclass(frozen=True, slots=True)
class PlanDetail:
    """A plan with its instalments, totals and the plain-language summary for the debtor."""

    plan_id: int
    account_id: int
    debtor_id: int
    debtor_name: str
    account_reference: str
    currency: str
    status: str
    frequency: str
    start_on: date
    instalment_cents: int | None
    count: int | None
    discount_pct: str
    upfront_cents: int
    annual_rate_pct: str
    step_cents: int
    payable_cents: int
    forgiven_cents: int
    interest_cents: int
    balance_at_start_cents: int
    approval_note: str
    created_by: int | None
    approved_by: int | None
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    version: int
    instalments: tuple[InstalmentRow, ...]
    paid_cents: int
    missed: int
    schedule: Schedule
    summary: str

    @property
    def left_to_pay_cents(self) -> int:
        """What is still owed on the plan."""
        return sum(i.amount_cents - i.paid_cents for i in self.instalments if i.status != "paid")


@dataclass(frozen=True, slots=True)
class IncomeStatement:
    """A dated income & expenditure statement, monthly pence per SFS category."""

    statement_id: int
    debtor_id: int
    recorded_on: date
    items: dict[str, int]
    income_cents: int
    expenses_cents: int

    @property
    def disposable_cents(self) -> int:
        """Income minus spending."""
        return self.income_cents - self.expenses_cents


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A recorded payment."""

    payment_id: int
    amount_cents: int
    received_on: date
    method: str
    reference: str
    plan_id: int | None


@dataclass(frozen=True, slots=True)
class PromiseRow:
    """A promise to pay and what has been paid towards it."""

    promise_id: int
    amount_cents: int
    due_on: date
    status: str
    paid_cents: int


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What one sweep changed."""

    missed: int = 0
    plans_broken: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    followups: int = 0


# ---------------------------------------------------------------- small helpers


def _require_user(actor: User | None) -> User:
    require_role(actor, Role.AGENT, Role.LEAD, Role.ADMIN)
    assert actor is not None
    return actor


def _pct_text(value: object, *, field: str, places: int) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise UserError(f"{field} must be a number.") from None
    if not number.is_finite():
        raise UserError(f"{field} must be a number.")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise UserError(f"{field} can have at most {places} decimal places.")
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _money(cents: int, currency: str = "GBP") -> str:
    return format_money(cents, currency)


def _get_plan(session: Session, plan_id: int, *, expected_version: int | None = None
              ) -> PaymentPlan:
    """The plan; StaleRecordError at once if someone saved it since `expected_version`."""
    plan = session.get(PaymentPlan, plan_id)
    if plan is None:
        raise UserError("That payment plan no longer exists.")
    if expected_version is not None and plan.version != expected_version:
        raise StaleRecordError(_ENTITY)
    return plan


def _get_account(session: Session, account_id: int | None) -> Account:
    account = session.get(Account, account_id) if account_id is not None else None
    if account is None:
        raise UserError("That account no longer exists.")
    return account


def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status).lower()


def _active_plan(session: Session, account_id: int, *, lock: bool = False) -> PaymentPlan | None:
    query = select(PaymentPlan).where(
        PaymentPlan.account_id == account_id, PaymentPlan.status == PlanStatus.ACTIVE
    )
    if lock:
        query = query.with_for_update()
    return session.exec(query.order_by(col(PaymentPlan.id))).first()


def _inputs_of(plan: PaymentPlan) -> PlanInputs:
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


def _touch_account(session: Session, account: Account, **changes: object) -> None:
    """Change the account under its version, so concurrent writers on it queue or fail."""
    values = dict(changes, last_activity_at=utcnow())
    save_versioned(session, account, values, expected_version=account.version, entity="account")


def _add_followup(
    session: Session,
    *,
    account: Account,
    plan_id: int | None,
    reason: str,
    due_on: date,
    note: str,
    priority: int,
    actor_id: int | None,
    fallback_owner: int | None,
) -> FollowUp | None:
    """A follow-up for the debtor's owner (or `fallback_owner`); None when nobody owns it."""
    debtor = session.get(Debtor, account.debtor_id)
    owner = (debtor.owner_id if debtor else None) or fallback_owner
    if debtor is None or owner is None:
        return None
    channel = debtor.preferred_channel if debtor.preferred_channel else Channel.PHONE
    return add_followup(session, actor_id=actor_id, debtor_id=debtor.id, account_id=account.id,
                        owner_id=owner, due_on=due_on, channel=channel, reason=reason,
                        priority=priority, note=note, plan_id=plan_id)


def _review_before(session: Session, *, account: Account, plan_id: int, first: Instalment,
                   today: date, actor_id: int, why: str) -> None:
    """A plan-review follow-up for the owner, 2 days before `first` (never before today)."""
    _add_followup(
        session,
        account=account,
        plan_id=plan_id,
        reason=FollowUpReason.REVIEW_PLAN,
        due_on=max(first.due - timedelta(days=REVIEW_DAYS_BEFORE), today),
        note=f"{why} of {_money(first.amount_cents, account.currency)} on {first.due:%d %b %Y}.",
        priority=2,
        actor_id=actor_id,
        fallback_owner=actor_id,
    )


def _close_plan_followups(
    session: Session, plan_id: int, *, status: str, actor_id: int | None
) -> int:
    """Close the plan's open follow-ups (the plan ended, so they no longer apply)."""
    result = session.execute(
        update(FollowUp)
        .where(col(FollowUp.plan_id) == plan_id, col(FollowUp.status) == FollowUpStatus.OPEN)
        .values(status=status, done_at=utcnow(), version=FollowUp.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount:
        audit.record(
            session,
            actor_id=actor_id,
            action="followup.close_for_plan",
            entity="payment_plan",
            entity_id=plan_id,
            after={"followups_closed": result.rowcount, "status": status},
        )
    return result.rowcount


def _schedule_from_rows(rows: Iterable[InstalmentRow], *, forgiven: int, upfront: int) -> Schedule:
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


def _rows_of(schedule: Schedule) -> tuple[InstalmentRow, ...]:
    return tuple(
        InstalmentRow(i.seq, i.due, i.amount_cents, i.interest_cents, 0, InstalmentStatus.DUE)
        for i in schedule.instalments
    )


# ---------------------------------------------------------------- saving and approving


def save_plan(
    session: Session, *, actor: User, inputs: PlanInputs, status: str = PlanStatus.DRAFT
) -> PaymentPlan:
    """Save a plan as a draft or proposed; above the actor's discount limit it awaits approval."""
    actor = _require_user(actor)
    if status not in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        raise UserError("A new plan is saved as a draft or as proposed.")
    if inputs.account_id is None:
        raise UserError("Choose a debtor's account to save a plan; a quick model is never saved.")
    account = _get_account(session, inputs.account_id)
    if account.status in (AccountStatus.PAID, AccountStatus.CLOSED):
        raise UserError("This account is paid or closed, so there is nothing to plan.")
    schedule = inputs.schedule(account.balance_cents)  # PlanError is a ValueError
    discount = _pct_text(inputs.discount_pct, field="The discount", places=2)
    rate = _pct_text(inputs.annual_rate_pct, field="The interest rate", places=4)
    if Decimal(rate) > 100:
        raise UserError("The interest rate must be 100% a year or less.")
    needs_approval = Decimal(discount) > settings.discount_limit(session, actor.role)
    plan = PaymentPlan(
        account_id=account.id,
        frequency=parse_frequency(inputs.frequency).value,
        start_on=inputs.start_on,
        instalment_cents=inputs.instalment_cents,
        count=inputs.count,
        discount_pct=discount,
        upfront_cents=inputs.upfront_cents,
        annual_rate_pct=rate,
        step_cents=inputs.step_cents,
        status=PlanStatus.AWAITING_APPROVAL if needs_approval else status,
        payable_cents=schedule.payable_cents,
        forgiven_cents=schedule.forgiven_cents,
        interest_cents=schedule.interest_cents,
        balance_at_start_cents=account.balance_cents,
        created_by=actor.id,
    )
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="plan.create",
        entity="payment_plan",
        entity_id=plan.id,
        after=audit.snapshot(plan),
    )
    return plan


def save_and_activate(
    session: Session, *, actor: User, inputs: PlanInputs, today: date | None = None
) -> PaymentPlan:
    """Save a plan and start it at once, unless its discount first needs a lead's approval."""
    plan = save_plan(session, actor=actor, inputs=inputs, status=PlanStatus.PROPOSED)
    if plan.status == PlanStatus.AWAITING_APPROVAL:
        return plan
    return activate_plan(
        session, actor=actor, plan_id=plan.id, expected_version=plan.version, today=today
    )


def approve_plan(
    session: Session,
    *,
    actor: User,
    plan_id: int,
    note: str = "",
    expected_version: int | None = None,
) -> PaymentPlan:
    """A lead or admin approves a settlement awaiting approval; it becomes proposed."""
    require_lead(actor)
    plan = _get_plan(session, plan_id, expected_version=expected_version)
    if plan.status != PlanStatus.AWAITING_APPROVAL:
        raise UserError(f"Only a plan awaiting approval can be approved; this one is "
                         f"{_status_label(plan.status)}.")
    limit = settings.discount_limit(session, actor.role)
    if Decimal(plan.discount_pct) > limit:
        raise PermissionError(
            f"A {plan.discount_pct}% discount is above your own limit of {limit}%; "
            "an admin must approve it."
        )
    note = clean_note(note, field="The note")
    return _move(session, actor=actor, plan=plan, action="approve", changes={
        "status": PlanStatus.PROPOSED, "approved_by": actor.id, "approval_note": note})


def _move(session: Session, *, actor: User, plan: PaymentPlan, action: str,
          changes: dict[str, object]) -> PaymentPlan:
    """Save a plan's change of state (unless someone else saved it first) and audit it."""
    before = audit.snapshot(plan)
    save_versioned(session, plan, changes, expected_version=plan.version, entity=_ENTITY)
    audit.record(session, actor_id=actor.id, action=f"plan.{action}", entity="payment_plan",
                 entity_id=plan.id, before=before, after=audit.snapshot(plan))
    return plan


def reject_plan(
    session: Session,
    *,
    actor: User,
    plan_id: int,
    note: str,
    expected_version: int | None = None,
) -> PaymentPlan:
    """A lead or admin turns down a settlement awaiting approval, saying why; it is cancelled."""
    require_lead(actor)
    plan = _get_plan(session, plan_id, expected_version=expected_version)
    if plan.status != PlanStatus.AWAITING_APPROVAL:
        raise UserError(f"Only a plan awaiting approval can be rejected; this one is "
                         f"{_status_label(plan.status)}.")
    note = clean_note(note, field="The note")
    if not note:
        raise UserError("Say why the plan is rejected, so the agent can explain it.")
    return _move(session, actor=actor, plan=plan, action="reject", changes={
        "status": PlanStatus.CANCELLED, "approval_note": note, "ended_at": utcnow()})


def propose_plan(
    session: Session, *, actor: User, plan_id: int, expected_version: int
) -> PaymentPlan:
    """Mark a draft as proposed to the debtor."""
    actor = _require_user(actor)
    plan = _get_plan(session, plan_id, expected_version=expected_version)
    if plan.status != PlanStatus.DRAFT:
        raise UserError(f"Only a draft can be proposed; this plan is "
                         f"{_status_label(plan.status)}.")
    return _move(session, actor=actor, plan=plan, action="propose",
                 changes={"status": PlanStatus.PROPOSED})


# ---------------------------------------------------------------- activating and ending


def activate_plan(
    session: Session,
    *,
    actor: User,
    plan_id: int,
    expected_version: int,
    today: date | None = None,
) -> PaymentPlan:
    """Start a plan: store its instalments, put the account on arrangement, add a review."""
    actor = _require_user(actor)
    plan = _get_plan(session, plan_id, expected_version=expected_version)
    if plan.status == PlanStatus.AWAITING_APPROVAL:
        raise UserError("This plan's discount needs a lead's approval before it can start.")
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        raise UserError(f"A {_status_label(plan.status)} plan cannot be started.")
    today = today or office_today(session)
    account = _get_account(session, plan.account_id)
    if account.status in (AccountStatus.PAID, AccountStatus.CLOSED):
        raise UserError("This account is paid or closed, so the plan cannot start.")
    if account.status == AccountStatus.ON_HOLD:
        raise UserError("This account is on hold, so collection is paused; start the plan "
                         "when the hold ends.")
    other = session.exec(
        select(func.count()).select_from(PaymentPlan).where(
            PaymentPlan.account_id == account.id,
            PaymentPlan.status == PlanStatus.ACTIVE,
            PaymentPlan.id != plan.id,
        )
    ).one()
    if other:
        raise UserError(
            "This account already has an active plan. Cancel it before starting another."
        )
    # Built on today's balance: a payment since the plan was saved changes what is owed.
    schedule = _inputs_of(plan).schedule(account.balance_cents)
    before = audit.snapshot(plan)
    save_versioned(
        session,
        plan,
        {
            "status": PlanStatus.ACTIVE,
            "activated_at": utcnow(),
            "payable_cents": schedule.payable_cents,
            "forgiven_cents": schedule.forgiven_cents,
            "interest_cents": schedule.interest_cents,
            "balance_at_start_cents": account.balance_cents,
        },
        expected_version=expected_version,
        entity=_ENTITY,
    )
    # Locks the account row too: a second plan activated at the same moment gets "stale".
    _touch_account(session, account, status=AccountStatus.ARRANGEMENT)
    session.execute(sa_delete(PlanInstalment).where(col(PlanInstalment.plan_id) == plan.id))
    session.execute(
        insert(PlanInstalment),
        [
            {
                "plan_id": plan.id,
                "seq": i.seq,
                "due_on": i.due,
                "amount_cents": i.amount_cents,
                "interest_cents": i.interest_cents,
                "paid_cents": 0,
                "status": InstalmentStatus.DUE,
            }
            for i in schedule.instalments
        ],
    )
    _review_before(session, account=account, plan_id=plan.id, first=schedule.instalments[0],
                   today=today, actor_id=actor.id, why="Check in before the first payment")
    audit.record(session, actor_id=actor.id, action="plan.activate", entity="payment_plan",
                 entity_id=plan.id, before=before,
                 after=dict(audit.snapshot(plan), instalments=schedule.count))
    return plan


def cancel_plan(
    session: Session, *, actor: User, plan_id: int, expected_version: int, note: str = ""
) -> PaymentPlan:
    """Cancel a plan that has not ended; an active one puts the account back to open."""
    actor = _require_user(actor)
    plan = _get_plan(session, plan_id, expected_version=expected_version)
    if plan.status not in (*OPEN_PLAN_STATUSES, PlanStatus.ACTIVE):
        raise UserError(f"This plan is already {_status_label(plan.status)}.")
    note = clean_note(note, field="The note")
    was_active = plan.status == PlanStatus.ACTIVE
    before = audit.snapshot(plan)
    changes: dict[str, object] = {"status": PlanStatus.CANCELLED, "ended_at": utcnow()}
    if note:
        changes["approval_note"] = note if not plan.approval_note else (
            f"{plan.approval_note}\n{note}")
    save_versioned(session, plan, changes, expected_version=expected_version, entity=_ENTITY)
    if was_active:
        account = _get_account(session, plan.account_id)
        if account.status == AccountStatus.ARRANGEMENT:
            _touch_account(session, account, status=AccountStatus.OPEN)
        _close_plan_followups(session, plan.id, status=FollowUpStatus.CANCELLED,
                              actor_id=actor.id)
    audit.record(session, actor_id=actor.id, action="plan.cancel", entity="payment_plan",
                 entity_id=plan.id, before=before, after=dict(audit.snapshot(plan), note=note))
    return plan


# ---------------------------------------------------------------- payments and promises


def _paid_towards_promise():
    """A correlated SQL sum: payments that count towards each promise to pay."""
    return (
        select(sum_cents(Payment.amount_cents))
        .where(
            Payment.account_id == PromiseToPay.account_id,
            Payment.received_on <= PromiseToPay.due_on,
            Payment.created_at >= PromiseToPay.created_at,
        )
        .correlate(PromiseToPay)
        .scalar_subquery()
    )


def _keep_promises(session: Session, *, account_id: int, received_on: date,
                   actor_id: int | None) -> int:
    """Mark kept the promises on the account that payments up to their date now cover."""
    paid = _paid_towards_promise()
    rows = session.exec(
        select(PromiseToPay, paid).where(
            PromiseToPay.account_id == account_id,
            col(PromiseToPay.status).in_((PromiseStatus.OPEN, PromiseStatus.BROKEN)),
            PromiseToPay.due_on >= received_on,
        )
    ).all()
    kept = 0
    for promise, paid_cents in rows:
        if paid_cents >= promise.amount_cents:
            before = audit.snapshot(promise)
            promise.status = PromiseStatus.KEPT
            promise.resolved_at = utcnow()
            audit.record(session, actor_id=actor_id, action="promise.kept",
                         entity="promise_to_pay", entity_id=promise.id, before=before,
                         after=audit.snapshot(promise))
            kept += 1
    return kept


def record_payment(
    session: Session,
    *,
    actor: User,
    account_id: int,
    amount_cents: int,
    received_on: date,
    method: str = "bank_transfer",
    reference: str = "",
    today: date | None = None,
) -> Payment:
    """Record a payment: it pays the oldest unpaid instalment first and may keep promises."""
    actor = _require_user(actor)
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise UserError("The payment must be a whole number of pence.")
    if amount_cents <= 0:
        raise UserError("The payment must be more than zero.")
    if not isinstance(received_on, date):
        raise UserError("Enter the date the payment was received.")
    today = today or office_today(session)
    if received_on > today:
        raise UserError("The payment date cannot be in the future.")
    if method not in PAYMENT_METHODS:
        raise UserError("Choose how the payment was made.")
    reference = clean_note(reference, field="The reference", limit=60)
    account = _get_account(session, account_id)
    plan = _active_plan(session, account.id, lock=True)
    rows: list[PlanInstalment] = []
    if plan is not None:
        rows = list(session.exec(
            select(PlanInstalment)
            .where(PlanInstalment.plan_id == plan.id,
                   col(PlanInstalment.status) != InstalmentStatus.PAID)
            .order_by(col(PlanInstalment.seq))
        ).all())
    plan_left = sum(r.amount_cents - r.paid_cents for r in rows)
    most = max(account.balance_cents, plan_left)
    if amount_cents > most:
        raise UserError(
            f"The payment of {_money(amount_cents, account.currency)} is more than the "
            f"{_money(most, account.currency)} left to pay on this account."
        )

    payment = Payment(
        account_id=account.id,
        plan_id=plan.id if plan else None,
        amount_cents=amount_cents,
        received_on=received_on,
        method=method,
        reference=reference,
        recorded_by=actor.id,
    )
    session.add(payment)
    session.flush()

    allocations: list[tuple[int, int]] = []
    completed = False
    if plan is not None and rows:
        by_seq = {r.seq: r for r in rows}
        allocations, _ = allocate_payment(
            [(r.seq, r.amount_cents, r.paid_cents) for r in rows], amount_cents
        )
        for seq, part in allocations:
            row = by_seq[seq]
            row.paid_cents += part
            if row.paid_cents >= row.amount_cents:
                row.status = InstalmentStatus.PAID
            elif row.status != InstalmentStatus.MISSED:  # a missed one stays missed till paid
                row.status = InstalmentStatus.PART_PAID
        completed = all(r.status == InstalmentStatus.PAID for r in rows)

    balance = account.balance_cents - amount_cents
    written_off = 0
    account_changes: dict[str, object] = {}
    if completed:
        # The plan is paid: what it forgave is written off the account.
        written_off = min(max(balance, 0), plan.forgiven_cents)
        balance -= written_off
    balance = max(balance, 0)  # interest paid on a plan is not part of the account's balance
    account_changes["balance_cents"] = balance
    if balance == 0:
        account_changes["status"] = AccountStatus.PAID
    elif completed and account.status == AccountStatus.ARRANGEMENT:
        account_changes["status"] = AccountStatus.OPEN
    before_account = audit.snapshot(account, ["balance_cents", "status"])
    _touch_account(session, account, **account_changes)

    if completed:
        before_plan = audit.snapshot(plan)
        save_versioned(session, plan, {"status": PlanStatus.COMPLETED, "ended_at": utcnow()},
                       expected_version=plan.version, entity=_ENTITY)
        _close_plan_followups(session, plan.id, status=FollowUpStatus.DONE, actor_id=actor.id)
        audit.record(session, actor_id=actor.id, action="plan.complete", entity="payment_plan",
                     entity_id=plan.id, before=before_plan,
                     after=dict(audit.snapshot(plan), written_off_cents=written_off))

    session.flush()
    _keep_promises(session, account_id=account.id, received_on=received_on, actor_id=actor.id)
    audit.record(
        session,
        actor_id=actor.id,
        action="payment.record",
        entity="payment",
        entity_id=payment.id,
        before={"account": before_account},
        after=dict(audit.snapshot(payment), allocations=allocations,
                   account=audit.snapshot(account, ["balance_cents", "status"])),
    )
    return payment


# ---------------------------------------------------------------- the daily sweep


def sweep_missed(session: Session, *, today: date, grace_days: int | None = None) -> SweepResult:
    """Mark missed instalments, break plans with two missed, settle promises past their date.

    Idempotent: a second sweep on the same day changes nothing.
    """
    grace = settings.get_int(session, "grace_days") if grace_days is None else grace_days
    if grace < 0:
        raise UserError("Grace days cannot be negative.")
    cutoff = today - timedelta(days=grace)

    late = (
        select(PlanInstalment.plan_id)
        .where(
            col(PlanInstalment.status).in_((InstalmentStatus.DUE, InstalmentStatus.PART_PAID)),
            PlanInstalment.due_on < cutoff,
        )
    )
    # On PostgreSQL a sweeper skips plans another sweeper or a payment is working on.
    plans = session.exec(
        select(PaymentPlan)
        .where(PaymentPlan.status == PlanStatus.ACTIVE, col(PaymentPlan.id).in_(late))
        .with_for_update(skip_locked=True)
    ).all()
    missed_total = followups = broken = 0
    if plans:
        by_id = {p.id: p for p in plans}
        newly = session.exec(
            select(PlanInstalment)
            .where(
                col(PlanInstalment.plan_id).in_(list(by_id)),
                col(PlanInstalment.status).in_(
                    (InstalmentStatus.DUE, InstalmentStatus.PART_PAID)),
                PlanInstalment.due_on < cutoff,
            )
            .order_by(col(PlanInstalment.plan_id), col(PlanInstalment.seq))
        ).all()
        missed_by_plan: dict[int, list[PlanInstalment]] = {}
        for row in newly:
            row.status = InstalmentStatus.MISSED
            missed_by_plan.setdefault(row.plan_id, []).append(row)
        session.flush()
        missed_total = len(newly)
        missed_counts = dict(session.exec(
            select(PlanInstalment.plan_id, func.count())
            .where(col(PlanInstalment.plan_id).in_(list(by_id)),
                   PlanInstalment.status == InstalmentStatus.MISSED)
            .group_by(PlanInstalment.plan_id)
        ).all())
        for plan_id, rows in missed_by_plan.items():
            plan = by_id[plan_id]
            account = _get_account(session, plan.account_id)
            breaks = missed_counts.get(plan_id, 0) >= MISSED_TO_BREAK
            before = audit.snapshot(plan)
            if breaks:
                save_versioned(session, plan, {"status": PlanStatus.BROKEN, "ended_at": utcnow()},
                               expected_version=plan.version, entity=_ENTITY)
                if account.status == AccountStatus.ARRANGEMENT:
                    _touch_account(session, account, status=AccountStatus.OPEN)
                broken += 1
            else:
                save_versioned(session, plan, {}, expected_version=plan.version, entity=_ENTITY)
            audit.record(
                session, actor_id=None,
                action="plan.broken" if breaks else "plan.instalment_missed",
                entity="payment_plan", entity_id=plan.id, before=before,
                after=dict(audit.snapshot(plan), missed=[r.seq for r in rows]),
            )
            described = ", ".join(
                f"{_money(r.amount_cents - r.paid_cents, account.currency)} due "
                f"{r.due_on:%d %b %Y}" for r in rows)
            note = f"Missed: {described}."
            if breaks:
                note += " Two instalments are now missed, so the plan is broken; talk about " \
                        "what would work instead."
            if _add_followup(session, account=account, plan_id=plan.id,
                             reason=FollowUpReason.MISSED_INSTALMENT, due_on=today, note=note,
                             priority=1, actor_id=None, fallback_owner=plan.created_by):
                followups += 1

    kept, promises_broken, promise_followups = _settle_promises(session, today=today)
    return SweepResult(
        missed=missed_total,
        plans_broken=broken,
        promises_kept=kept,
        promises_broken=promises_broken,
        followups=followups + promise_followups,
    )


def _settle_promises(session: Session, *, today: date) -> tuple[int, int, int]:
    paid = _paid_towards_promise()
    rows = session.exec(
        select(PromiseToPay, paid)
        .where(PromiseToPay.status == PromiseStatus.OPEN, PromiseToPay.due_on < today)
        .with_for_update(of=PromiseToPay, skip_locked=True)
    ).all()
    kept = broken = followups = 0
    for promise, paid_cents in rows:
        before = audit.snapshot(promise)
        promise.resolved_at = utcnow()
        if paid_cents >= promise.amount_cents:
            promise.status = PromiseStatus.KEPT
            kept += 1
        else:
            promise.status = PromiseStatus.BROKEN
            broken += 1
        audit.record(session, actor_id=None, action=f"promise.{promise.status}",
                     entity="promise_to_pay", entity_id=promise.id, before=before,
                     after=dict(audit.snapshot(promise), paid_cents=paid_cents))
        if promise.status == PromiseStatus.BROKEN:
            account = _get_account(session, promise.account_id)
            note = (f"Promise of {_money(promise.amount_cents, account.currency)} by "
                    f"{promise.due_on:%d %b %Y} was not kept "
                    f"({_money(paid_cents, account.currency)} received).")
            if _add_followup(session, account=account, plan_id=None,
                             reason=FollowUpReason.PROMISE_CHECK, due_on=today, note=note,
                             priority=1, actor_id=None, fallback_owner=promise.created_by):
                followups += 1
    session.flush()
    return kept, broken, followups


# ---------------------------------------------------------------- rescheduling


def reschedule_plan(
    session: Session,
    *,
    actor: User,
    plan_id: int,
    expected_version: int,
    today: date | None = None,
) -> PaymentPlan:
    """Rebuild what is left of an active or broken plan; missed money moves to the end."""
    actor = _require_user(actor)
    plan = _get_plan(session, plan_id, expected_version=expected_version)
    if plan.status not in (PlanStatus.ACTIVE, PlanStatus.BROKEN):
        raise UserError(f"Only an active or broken plan can be rescheduled; this one is "
                         f"{_status_label(plan.status)}.")
    today = today or office_today(session)
    account = _get_account(session, plan.account_id)
    if plan.status == PlanStatus.BROKEN and _active_plan(session, account.id) is not None:
        raise UserError("This account already has an active plan. Cancel it first.")
    rows = list(session.exec(
        select(PlanInstalment).where(PlanInstalment.plan_id == plan.id)
        .order_by(col(PlanInstalment.seq))
    ).all())
    unpaid = [r for r in rows if r.status != InstalmentStatus.PAID]
    if not unpaid:
        raise UserError("Nothing is left to pay on this plan.")
    regular = [r for r in rows if not (plan.upfront_cents and r.seq == 1)] or rows
    instalment = plan.instalment_cents or regular[0].amount_cents
    ahead = [r.due_on for r in unpaid
             if r.status in (InstalmentStatus.DUE, InstalmentStatus.PART_PAID)
             and r.due_on >= today]
    start = min(ahead) if ahead else add_periods(today, plan.frequency, 1)
    try:
        schedule = reschedule_remaining(
            [r.amount_cents - r.paid_cents for r in unpaid],
            instalment_cents=instalment,
            frequency=plan.frequency,
            start=start,
        )
    except PlanError as exc:
        raise UserError(str(exc)) from None
    before = dict(
        audit.snapshot(plan),
        instalments=[audit.snapshot(r, ["seq", "due_on", "amount_cents", "paid_cents", "status"])
                     for r in unpaid],
    )
    # Partly paid instalments close at what they received; the rest is rebuilt.
    for r in unpaid:
        if r.paid_cents:
            r.amount_cents = r.paid_cents
            r.status = InstalmentStatus.PAID
        else:
            session.delete(r)
    session.flush()
    # New rows follow every kept one (a deleted missed row may leave a gap in the numbers).
    next_seq = max((r.seq for r in rows if r.paid_cents), default=0) + 1
    new_rows = [
        {
            "plan_id": plan.id,
            "seq": next_seq + k,
            "due_on": i.due,
            "amount_cents": i.amount_cents,
            "interest_cents": 0,
            "paid_cents": 0,
            "status": InstalmentStatus.DUE,
        }
        for k, i in enumerate(schedule.instalments)
    ]
    session.execute(insert(PlanInstalment), new_rows)
    changes: dict[str, object] = {"status": PlanStatus.ACTIVE, "ended_at": None}
    save_versioned(session, plan, changes, expected_version=expected_version, entity=_ENTITY)
    if account.status != AccountStatus.ARRANGEMENT:
        _touch_account(session, account, status=AccountStatus.ARRANGEMENT)
    _review_before(session, account=account, plan_id=plan.id, first=schedule.instalments[0],
                   today=today, actor_id=actor.id,
                   why="The plan was rescheduled; check in before the next payment")
    audit.record(
        session, actor_id=actor.id, action="plan.reschedule", entity="payment_plan",
        entity_id=plan.id, before=before,
        after=dict(audit.snapshot(plan), instalments=[
            {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()}
            for r in new_rows]),
    )
    return plan


# ---------------------------------------------------------------- income and expenditure


def save_income_expenditure(
    session: Session,
    *,
    actor: User,
    debtor_id: int,
    items: dict[str, int],
    recorded_on: date,
    today: date | None = None,
) -> IncomeExpenditure:
    """Save a dated income & expenditure statement (monthly pence per SFS category)."""
    actor = _require_user(actor)
    unknown = sorted(set(items) - set(CATEGORY_LABELS))
    if unknown:
        raise UserError(f"'{unknown[0]}' is not an income or spending category.")
    for key, value in items.items():
        label = CATEGORY_LABELS[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"{label} must be a whole number of pence.")
        if value < 0:
            raise UserError(f"{label} cannot be negative.")
    if not isinstance(recorded_on, date):
        raise UserError("Enter the date of the statement.")
    if recorded_on > (today or office_today(session)):
        raise UserError("The statement date cannot be in the future.")
    if session.get(Debtor, debtor_id) is None:
        raise UserError("That debtor no longer exists.")
    full = {key: int(items.get(key, 0)) for key in CATEGORY_LABELS}
    income = sum(full[k] for k in INCOME_CATEGORIES)
    expenses = sum(full[k] for k in (*FIXED_COST_CATEGORIES, *FLEXIBLE_COST_CATEGORIES))
    row = IncomeExpenditure(
        debtor_id=debtor_id,
        recorded_on=recorded_on,
        items_json=json.dumps(full, sort_keys=True),
        income_cents=income,
        expenses_cents=expenses,
        recorded_by=actor.id,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor.id, action="income_expenditure.record",
                 entity="income_expenditure", entity_id=row.id, after=audit.snapshot(row))
    return row


def latest_income_expenditure(session: Session, *, debtor_id: int) -> IncomeStatement | None:
    """The debtor's most recent income & expenditure statement, or None."""
    row = session.exec(
        select(IncomeExpenditure)
        .where(IncomeExpenditure.debtor_id == debtor_id)
        .order_by(col(IncomeExpenditure.recorded_on).desc(), col(IncomeExpenditure.id).desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    items = {key: 0 for key in CATEGORY_LABELS}
    items.update({k: int(v) for k, v in json.loads(row.items_json or "{}").items()
                  if k in CATEGORY_LABELS})
    return IncomeStatement(
        statement_id=row.id,
        debtor_id=row.debtor_id,
        recorded_on=row.recorded_on,
        items=items,
        income_cents=row.income_cents,
        expenses_cents=row.expenses_cents,
    )


# ---------------------------------------------------------------- reading


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


def search_accounts(session: Session, *, query: str = "", limit: int = 50,
                    owner_id: int | None = None) -> list[AccountOption]:
    """Accounts whose debtor's name or reference contains `query` (all when empty).

    Accounts still owed come first, then paid and closed ones; each by debtor name.
    With `owner_id`, only that agent's caseload.
    """
    statement = select(Account, Debtor).join(Debtor, Debtor.id == Account.debtor_id)
    if owner_id is not None:
        statement = statement.where(Debtor.owner_id == owner_id)
    query = (query or "").strip()
    if query:
        pattern = f"%{query}%"
        statement = statement.where(
            or_(col(Debtor.name).ilike(pattern), col(Account.reference).ilike(pattern))
        )
    ended = case((col(Account.status).in_((AccountStatus.PAID, AccountStatus.CLOSED)), 1),
                 else_=0)
    rows = session.exec(
        statement.order_by(ended, col(Debtor.name), col(Account.reference)).limit(limit)
    ).all()
    return [_account_option(account, debtor) for account, debtor in rows]


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


def plans_awaiting_approval(session: Session) -> list[PlanRow]:
    """The approval queue: settlements above their author's limit, oldest first."""
    rows = session.exec(
        _plan_rows_query()
        .where(PaymentPlan.status == PlanStatus.AWAITING_APPROVAL)
        .order_by(col(PaymentPlan.created_at), col(PaymentPlan.id))
    ).all()
    return [_plan_row(*row) for row in rows]


def plan_detail(session: Session, *, plan_id: int) -> PlanDetail:
    """A plan with its instalments (stored, or as planned before it starts) and its summary."""
    plan = _get_plan(session, plan_id)
    account = _get_account(session, plan.account_id)
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
        schedule = _schedule_from_rows(rows, forgiven=plan.forgiven_cents,
                                       upfront=plan.upfront_cents)
    else:
        schedule = _inputs_of(plan).schedule(plan.balance_at_start_cents)
        rows = _rows_of(schedule)
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


def payments_for_account(session: Session, *, account_id: int, limit: int = 50
                         ) -> list[PaymentRow]:
    """The account's payments, newest first."""
    rows = session.exec(
        select(Payment).where(Payment.account_id == account_id)
        .order_by(col(Payment.received_on).desc(), col(Payment.id).desc()).limit(limit)
    ).all()
    return [PaymentRow(p.id, p.amount_cents, p.received_on, p.method, p.reference, p.plan_id)
            for p in rows]


def promises_for_account(session: Session, *, account_id: int) -> list[PromiseRow]:
    """The account's promises to pay, newest date first, with what was paid towards each."""
    paid = _paid_towards_promise()
    rows = session.exec(
        select(PromiseToPay, paid).where(PromiseToPay.account_id == account_id)
        .order_by(col(PromiseToPay.due_on).desc(), col(PromiseToPay.id).desc())
    ).all()
    return [PromiseRow(p.id, p.amount_cents, p.due_on, p.status, int(paid_cents))
            for p, paid_cents in rows]


def frequency_label(value: str) -> str:
    """Plain name of a frequency, e.g. "Every two weeks"."""
    try:
        return Frequency(value).label
    except ValueError:
        return value


__all__ = [
    "AccountOption",
    "IncomeStatement",
    "InstalmentRow",
    "PAYMENT_METHODS",
    "PlanDetail",
    "PlanInputs",
    "PlanRow",
    "PaymentRow",
    "PromiseRow",
    "STATUS_LABELS",
    "SweepResult",
    "account_option",
    "activate_plan",
    "approve_plan",
    "cancel_plan",
    "frequency_label",
    "latest_income_expenditure",
    "office_today",
    "payments_for_account",
    "plan_detail",
    "plan_inputs",
    "plans_awaiting_approval",
    "plans_for_account",
    "promises_for_account",
    "propose_plan",
    "record_payment",
    "reject_plan",
    "reschedule_plan",
    "save_and_activate",
    "save_income_expenditure",
    "save_plan",
    "search_accounts",
    "sweep_missed",
]
