"""Payment plans, written: save, approve, reject, propose, start, cancel and reschedule.

Each service loads what it needs once, lets the lifecycle table (`core.lifecycle`) and the
pure schedule maths (`core.plans`, `forbearance`) decide, then writes and audits in the
caller's transaction. Payments and reversals live in payments.py, the time-driven rules in
sweep.py (run by `core.daily`), the reads in queries.py and the frozen views in views.py.

Semantics worth knowing:

* A settlement (a discount) above the author's authority waits for a lead's approval. The
  authority is a percentage AND an amount forgiven (settings per role, e.g. agent 10 % and
  at most £1,000; lead 30 % and £10,000; admin any): whichever limit is lower decides.
* A settlement offer may carry an expiry date; after it the offer cannot be started.
* **Reschedule** keeps what was paid, closes partly paid instalments at what they received,
  and rebuilds everything still owed from the next unpaid date still ahead (or one period
  from today). A monthly plan keeps its agreed day of the month. Forbearance (a lower
  instalment, a payment holiday of 1–3 periods, token payments for a while) is chosen with
  `forbearance.Forbearance` and previewed with `forbearance.preview_plan`.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from core.affordability import (
    CATEGORY_LABELS,
    FIXED_COST_CATEGORIES,
    FLEXIBLE_COST_CATEGORIES,
    INCOME_CATEGORIES,
)
from core.checkins.holds import on_hold
from core.errors import UserError
from core.lifecycle import OPEN_PLAN_STATUSES, PlanAction, start_refusal
from core.money import check_pence
from core.payment_plans.common import (
    ENTITY,
    PAYMENT_METHODS,
    active_plan,
    check_action,
    close_plan_followups,
    get_account,
    get_plan,
    money,
    pct_text,
    require_user,
    review_before,
    touch_account,
)
from core.payment_plans.forbearance import Forbearance, preview, remaining
from core.payment_plans.queries import inputs_of, plan_affordability
from core.payment_plans.views import InstalmentRow, PlanInputs
from core.permissions import require_lead
from core.plans import Schedule, parse_frequency
from core.store import audit, settings
from core.store.db import save_versioned
from core.store.models import (
    Account,
    AccountStatus,
    Debtor,
    FollowUpStatus,
    IncomeExpenditure,
    InstalmentStatus,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    User,
    utcnow,
)
from core.store.settings import office_today
from core.text import clean_note

# ---------------------------------------------------------------- settlement authority


def authority_limits(session: Session, role: str) -> tuple[Decimal, int | None]:
    """The discount (%) and the amount forgiven (cents, or no limit) `role` may give alone."""
    return settings.discount_limit(session, role), settings.forgive_limit_cents(session, role)


def authority_refusal(session: Session, *, role: str, discount_pct: str, forgiven_cents: int,
                      currency: str = "GBP", limits: tuple | None = None) -> str | None:
    """None when `role` may give this settlement alone; else why it needs someone above.

    Both limits apply (percentage and amount forgiven): whichever is lower decides.
    """
    pct_limit, amount_limit = limits or authority_limits(session, role)
    if Decimal(discount_pct) > pct_limit:
        return f"A {discount_pct}% discount is above the limit of {pct_limit}%."
    if amount_limit is not None and forgiven_cents > amount_limit:
        return (f"Forgiving {money(forgiven_cents, currency)} is above the limit of "
                f"{money(amount_limit, currency)}.")
    return None


# ---------------------------------------------------------------- saving and approving


def _checked_terms(inputs: PlanInputs, account: Account) -> tuple[Schedule, str, str]:
    schedule = inputs.schedule(account.balance_cents)  # PlanError is a ValueError
    discount = pct_text(inputs.discount_pct, field="The discount", places=2)
    rate = pct_text(inputs.annual_rate_pct, field="The interest rate", places=4)
    if Decimal(rate) > 100:
        raise UserError("The interest rate must be 100% a year or less.")
    return schedule, discount, rate


def _check_dates(start_on: date, offer_expires_on: date | None, discount: str,
                 today: date) -> None:
    if start_on < today:  # a schedule that opens with missed instalments (issue 11)
        raise UserError("The first payment date cannot be in the past: choose today or later.")
    if offer_expires_on is None:
        return
    if not isinstance(offer_expires_on, date):
        raise UserError("Enter the date the settlement offer expires.")
    if Decimal(discount) == 0:
        raise UserError("Only a settlement (a plan with a discount) has an offer expiry date.")
    if offer_expires_on < today:
        raise UserError("The offer's expiry date cannot be in the past.")


def save_plan(
    session: Session, *, actor: User, inputs: PlanInputs, status: str = PlanStatus.DRAFT,
    offer_expires_on: date | None = None, today: date | None = None,
) -> PaymentPlan:
    """Save a plan as a draft or proposed; above the actor's settlement authority (percentage
    or amount forgiven) it awaits approval. A settlement may carry an offer expiry date."""
    actor = require_user(actor)
    if status not in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        raise UserError("A new plan is saved as a draft or as proposed.")
    if inputs.account_id is None:
        raise UserError("Choose a debtor's account to save a plan; a quick model is never saved.")
    account = get_account(session, inputs.account_id)
    if account.status in (AccountStatus.PAID, AccountStatus.CLOSED):
        raise UserError("This account is paid or closed, so there is nothing to plan.")
    schedule, discount, rate = _checked_terms(inputs, account)
    _check_dates(inputs.start_on, offer_expires_on, discount, today or office_today(session))
    needs_approval = authority_refusal(
        session, role=actor.role, discount_pct=discount,
        forgiven_cents=schedule.forgiven_cents, currency=account.currency) is not None
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
        offer_expires_on=offer_expires_on,
    )
    session.add(plan)
    session.flush()
    verdict = plan_affordability(session, account_id=account.id, frequency=plan.frequency,
                                 instalment_cents=schedule.regular_instalment_cents)
    audit.record(session, actor_id=actor.id, action="plan.create", entity="payment_plan",
                 entity_id=plan.id, after=dict(audit.snapshot(plan), affordability=None
                                               if verdict is None else _verdict(verdict)))
    return plan


def _verdict(verdict) -> dict[str, object]:
    return {"affordable": verdict.affordable, "disposable_cents": verdict.disposable_cents,
            "headroom_cents": verdict.headroom_cents}


def save_and_activate(
    session: Session, *, actor: User, inputs: PlanInputs, today: date | None = None,
    offer_expires_on: date | None = None,
) -> PaymentPlan:
    """Save a plan and start it at once, unless it first needs a lead's approval."""
    plan = save_plan(session, actor=actor, inputs=inputs, status=PlanStatus.PROPOSED,
                     offer_expires_on=offer_expires_on, today=today)
    if plan.status == PlanStatus.AWAITING_APPROVAL:
        return plan
    return activate_plan(
        session, actor=actor, plan_id=plan.id, expected_version=plan.version, today=today
    )


def _move(session: Session, *, actor: User, plan: PaymentPlan, action: str,
          changes: dict[str, object]) -> PaymentPlan:
    """Save a plan's change of state (unless someone else saved it first) and audit it."""
    before = audit.snapshot(plan)
    save_versioned(session, plan, changes, expected_version=plan.version, entity=ENTITY)
    audit.record(session, actor_id=actor.id, action=f"plan.{action}", entity="payment_plan",
                 entity_id=plan.id, before=before, after=audit.snapshot(plan))
    return plan


def approve_plan(
    session: Session, *, actor: User, plan_id: int, note: str = "",
    expected_version: int | None = None,
) -> PaymentPlan:
    """A lead or admin approves a settlement awaiting approval; it becomes proposed.

    The approver's own authority (percentage and amount) must cover it, else an admin must.
    """
    require_lead(actor)
    plan = get_plan(session, plan_id, expected_version=expected_version)
    check_action(plan, PlanAction.APPROVE)
    account = get_account(session, plan.account_id)
    why = authority_refusal(session, role=actor.role, discount_pct=plan.discount_pct,
                            forgiven_cents=plan.forgiven_cents, currency=account.currency)
    if why:
        raise PermissionError(f"{why.removesuffix('.')} you may approve; "
                              "an admin must approve it.")
    note = clean_note(note, field="The note")
    return _move(session, actor=actor, plan=plan, action="approve", changes={
        "status": PlanStatus.PROPOSED, "approved_by": actor.id, "approval_note": note})


def reject_plan(
    session: Session, *, actor: User, plan_id: int, note: str,
    expected_version: int | None = None,
) -> PaymentPlan:
    """A lead or admin turns down a settlement awaiting approval, saying why; it is cancelled."""
    require_lead(actor)
    plan = get_plan(session, plan_id, expected_version=expected_version)
    check_action(plan, PlanAction.REJECT)
    note = clean_note(note, field="The note")
    if not note:
        raise UserError("Say why the plan is rejected, so the agent can explain it.")
    return _move(session, actor=actor, plan=plan, action="reject", changes={
        "status": PlanStatus.CANCELLED, "approval_note": note, "ended_at": utcnow()})


def propose_plan(
    session: Session, *, actor: User, plan_id: int, expected_version: int
) -> PaymentPlan:
    """Mark a draft as proposed to the debtor."""
    actor = require_user(actor)
    plan = get_plan(session, plan_id, expected_version=expected_version)
    check_action(plan, PlanAction.PROPOSE)
    return _move(session, actor=actor, plan=plan, action="propose",
                 changes={"status": PlanStatus.PROPOSED})


# ---------------------------------------------------------------- activating and ending


def check_can_start(session: Session, plan: PaymentPlan, account: Account, today: date) -> None:
    """Refuse, in one sentence, a plan that may not start today (status, dates, account)."""
    check_action(plan, PlanAction.ACTIVATE)
    if why := start_refusal(start_on=plan.start_on, offer_expires_on=plan.offer_expires_on,
                            today=today):
        raise UserError(why)
    if account.status in (AccountStatus.PAID, AccountStatus.CLOSED):
        raise UserError("This account is paid or closed, so the plan cannot start.")
    if on_hold(session, account_id=account.id, today=today):  # derived from its holds
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


def _instalment_values(plan_id: int, schedule: Schedule, first_seq: int = 1) -> list[dict]:
    return [
        {"plan_id": plan_id, "seq": first_seq + k, "due_on": i.due,
         "amount_cents": i.amount_cents, "interest_cents": i.interest_cents, "paid_cents": 0,
         "status": InstalmentStatus.DUE}
        for k, i in enumerate(schedule.instalments)
    ]


def activate_plan(
    session: Session, *, actor: User, plan_id: int, expected_version: int,
    today: date | None = None,
) -> PaymentPlan:
    """Start a plan: store its instalments, put the account on arrangement, add a review."""
    actor = require_user(actor)
    plan = get_plan(session, plan_id, expected_version=expected_version)
    today = today or office_today(session)
    account = get_account(session, plan.account_id)
    check_can_start(session, plan, account, today)
    # Built on today's balance: a payment since the plan was saved changes what is owed.
    schedule = inputs_of(plan).schedule(account.balance_cents)
    before = audit.snapshot(plan)
    save_versioned(session, plan, {
        "status": PlanStatus.ACTIVE,
        "activated_at": utcnow(),
        "payable_cents": schedule.payable_cents,
        "forgiven_cents": schedule.forgiven_cents,
        "interest_cents": schedule.interest_cents,
        "balance_at_start_cents": account.balance_cents,
    }, expected_version=expected_version, entity=ENTITY)
    # Locks the account row too: a second plan activated at the same moment gets "stale".
    touch_account(session, account, status=AccountStatus.ARRANGEMENT)
    session.execute(sa_delete(PlanInstalment).where(col(PlanInstalment.plan_id) == plan.id))
    session.execute(insert(PlanInstalment), _instalment_values(plan.id, schedule))
    review_before(session, account=account, plan_id=plan.id, first=schedule.instalments[0],
                  today=today, actor_id=actor.id, why="Check in before the first payment")
    audit.record(session, actor_id=actor.id, action="plan.activate", entity="payment_plan",
                 entity_id=plan.id, before=before,
                 after=dict(audit.snapshot(plan), instalments=schedule.count))
    return plan


def cancel_plan(
    session: Session, *, actor: User, plan_id: int, expected_version: int, note: str = ""
) -> PaymentPlan:
    """Cancel a plan that has not ended; an active one puts the account back to open."""
    actor = require_user(actor)
    plan = get_plan(session, plan_id, expected_version=expected_version)
    check_action(plan, PlanAction.CANCEL)
    note = clean_note(note, field="The note")
    was_active = plan.status == PlanStatus.ACTIVE
    before = audit.snapshot(plan)
    changes: dict[str, object] = {"status": PlanStatus.CANCELLED, "ended_at": utcnow()}
    if note:
        changes["approval_note"] = note if not plan.approval_note else (
            f"{plan.approval_note}\n{note}")
    save_versioned(session, plan, changes, expected_version=expected_version, entity=ENTITY)
    if was_active:
        account = get_account(session, plan.account_id)
        if account.status == AccountStatus.ARRANGEMENT:
            touch_account(session, account, status=AccountStatus.OPEN)
        close_plan_followups(session, plan.id, status=FollowUpStatus.CANCELLED,
                             actor_id=actor.id)
    audit.record(session, actor_id=actor.id, action="plan.cancel", entity="payment_plan",
                 entity_id=plan.id, before=before, after=dict(audit.snapshot(plan), note=note))
    return plan


# ---------------------------------------------------------------- rescheduling


def reschedule_plan(
    session: Session, *, actor: User, plan_id: int, expected_version: int,
    today: date | None = None, forbearance: Forbearance | None = None,
) -> PaymentPlan:
    """Rebuild what is left of an active or broken plan from today, keeping its agreed day.

    With no `forbearance` the usual instalment carries on and missed money moves to the end;
    otherwise the chosen forbearance (lower instalment, payment holiday, token payments) is
    saved exactly as `forbearance.preview_plan` showed it, and the audit names it.
    """
    actor = require_user(actor)
    forbearance = forbearance or Forbearance()
    plan = get_plan(session, plan_id, expected_version=expected_version)
    check_action(plan, PlanAction.RESCHEDULE)
    today = today or office_today(session)
    account = get_account(session, plan.account_id)
    if plan.status == PlanStatus.BROKEN and active_plan(session, account.id) is not None:
        raise UserError("This account already has an active plan. Cancel it first.")
    rows = list(session.exec(
        select(PlanInstalment).where(PlanInstalment.plan_id == plan.id)
        .order_by(col(PlanInstalment.seq))
    ).all())
    views = [InstalmentRow(r.seq, r.due_on, r.amount_cents, r.interest_cents, r.paid_cents,
                           r.status) for r in rows]
    left = remaining(views, instalment_cents=plan.instalment_cents,
                     upfront_cents=plan.upfront_cents, frequency=plan.frequency,
                     start_on=plan.start_on, today=today)
    schedule = preview(left, forbearance, account.currency)  # decides; nothing written yet
    unpaid = [r for r in rows if r.status != InstalmentStatus.PAID]
    before = dict(audit.snapshot(plan), instalments=[
        audit.snapshot(r, ["seq", "due_on", "amount_cents", "paid_cents", "status"])
        for r in unpaid])
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
    new_rows = _instalment_values(plan.id, schedule, next_seq)
    for row in new_rows:
        row["interest_cents"] = 0
    session.execute(insert(PlanInstalment), new_rows)
    save_versioned(session, plan, {"status": PlanStatus.ACTIVE, "ended_at": None},
                   expected_version=expected_version, entity=ENTITY)
    if account.status != AccountStatus.ARRANGEMENT:
        touch_account(session, account, status=AccountStatus.ARRANGEMENT)
    review_before(session, account=account, plan_id=plan.id, first=schedule.instalments[0],
                  today=today, actor_id=actor.id,
                  why="The plan was rescheduled; check in before the next payment")
    audit.record(
        session, actor_id=actor.id, action="plan.reschedule", entity="payment_plan",
        entity_id=plan.id, before=before,
        after=dict(audit.snapshot(plan), forbearance=forbearance.kind,
                   forbearance_text=forbearance.describe(account.currency),
                   instalments=[{k: (v.isoformat() if isinstance(v, date) else v)
                                 for k, v in r.items()} for r in new_rows]),
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
    actor = require_user(actor)
    unknown = sorted(set(items) - set(CATEGORY_LABELS))
    if unknown:
        raise UserError(f"'{unknown[0]}' is not an income or spending category.")
    for key, value in items.items():
        check_pence(value, label=CATEGORY_LABELS[key])
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


# ---------------------------------------------------------------- the names callers know
# Reads, views, payments and the sweep moved to their own modules; `service.<name>` keeps
# working for the page, the importer and the tests until each caller imports them directly.
from core.payment_plans.payments import record_payment, reverse_payment  # noqa: E402
from core.payment_plans.queries import (  # noqa: E402
    account_option,
    frequency_label,
    latest_income_expenditure,
    other_commitments_cents,
    payments_for_account,
    plan_detail,
    plans_awaiting_approval,
    plans_for_account,
    promises_for_account,
    search_accounts,
)
from core.payment_plans.sweep import sweep_missed  # noqa: E402
from core.payment_plans.views import (  # noqa: E402
    AccountOption,
    IncomeStatement,
    PaymentRow,
    PlanDetail,
    PlanRow,
    PromiseRow,
    SweepResult,
    plan_inputs,
)
from core.vocabulary import labels  # noqa: E402

STATUS_LABELS: dict[str, str] = labels(PlanStatus)

__all__ = [
    "OPEN_PLAN_STATUSES", "PAYMENT_METHODS", "STATUS_LABELS", "AccountOption",
    "Forbearance", "IncomeStatement", "InstalmentRow", "PaymentRow", "PlanDetail",
    "PlanInputs", "PlanRow", "PromiseRow", "SweepResult", "account_option", "activate_plan",
    "approve_plan", "authority_refusal", "cancel_plan", "frequency_label",
    "latest_income_expenditure", "office_today", "other_commitments_cents",
    "payments_for_account", "plan_affordability", "plan_detail", "plan_inputs",
    "plans_awaiting_approval",
    "plans_for_account", "promises_for_account", "propose_plan", "record_payment",
    "reject_plan", "reschedule_plan", "reverse_payment", "save_and_activate",
    "save_income_expenditure", "save_plan", "search_accounts", "sweep_missed",
]
