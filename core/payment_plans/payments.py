"""Money in and money taken back: record a payment, reverse one.

* A payment pays the oldest unpaid instalment of the account's active plan first; paying
  everything completes the plan and writes off what it forgave. Then the account's promises
  are settled again (`core.promises.settle_promises`: each payment counts once).
* Payments on one account **queue**: the account row is locked (SELECT … FOR UPDATE on
  PostgreSQL; SQLite's writers already queue on BEGIN IMMEDIATE), so fifty cashiers posting
  to one account at once all succeed instead of being told "changed by someone else".
* What a payment settled is kept with it (`effects_json`), so a **reversal** (a bounced
  direct debit, a chargeback; a lead or admin, with a reason) re-opens exactly those
  instalments, the plan it completed and the follow-ups that completion closed, restores the
  balance and the account's status, and settles the promises again without it.
"""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, col, select

from core.errors import UserError
from core.payment_plans.common import (
    ENTITY,
    PAYMENT_METHODS,
    active_plan,
    close_plan_followups,
    get_account,
    money,
    require_user,
    touch_account,
)
from core.payment_plans.sweep import settle_accounts
from core.permissions import require_lead
from core.plans import allocate_payment
from core.store import audit
from core.store.db import save_versioned
from core.store.models import (
    Account,
    AccountStatus,
    FollowUp,
    FollowUpStatus,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PaymentReversal,
    PlanInstalment,
    PlanStatus,
    User,
    utcnow,
)
from core.store.settings import office_today
from core.text import clean_note


def _check_payment(amount_cents: object, received_on: object, method: str, today: date) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise UserError("The payment must be a whole number of pence.")
    if amount_cents <= 0:
        raise UserError("The payment must be more than zero.")
    if not isinstance(received_on, date):
        raise UserError("Enter the date the payment was received.")
    if received_on > today:
        raise UserError("The payment date cannot be in the future.")
    if method not in PAYMENT_METHODS:
        raise UserError("Choose how the payment was made.")


def settle_balance(balance_cents: int, amount_cents: int, *,
                   forgiven_cents: int = 0) -> tuple[int, int]:
    """(balance after a payment, amount written off): a payment that completes a plan also
    writes off what the plan forgave; interest paid never takes the balance below zero."""
    balance = balance_cents - amount_cents
    written_off = min(max(balance, 0), forgiven_cents)
    return max(balance - written_off, 0), written_off


def effects_record(*, balance_before: int, status_before: str, balance_change: int,
                   instalments: list[list], completed_plan: int | None = None,
                   followups_closed: list[int] | None = None) -> str:
    """What a payment settled, as kept on it (`Payment.effects_json`) for a reversal to undo:
    the account's balance and status before, how much the balance fell, the plan it completed
    and the follow-ups that closed, and [instalment id, pence, status before] per instalment."""
    return json.dumps({
        "balance_before": balance_before, "status_before": status_before,
        "balance_change": balance_change, "completed_plan": completed_plan,
        "followups_closed": followups_closed or [], "instalments": instalments,
    }, sort_keys=True)


def _allocate(rows: list[PlanInstalment], amount_cents: int) -> list[list]:
    """Pay the rows oldest first; [instalment id, pence, status before] for each touched."""
    by_seq = {r.seq: r for r in rows}
    allocations, _ = allocate_payment(
        [(r.seq, r.amount_cents, r.paid_cents) for r in rows], amount_cents)
    touched = []
    for seq, part in allocations:
        row = by_seq[seq]
        touched.append([row.id, part, row.status])
        row.paid_cents += part
        if row.paid_cents >= row.amount_cents:
            row.status = InstalmentStatus.PAID
        elif row.status != InstalmentStatus.MISSED:  # a missed one stays missed till paid
            row.status = InstalmentStatus.PART_PAID
    return touched


def record_payment(
    session: Session, *, actor: User, account_id: int, amount_cents: int, received_on: date,
    method: str = "bank_transfer", reference: str = "", today: date | None = None,
) -> Payment:
    """Record a payment: it pays the oldest unpaid instalment first and may keep promises."""
    actor = require_user(actor)
    today = today or office_today(session)
    _check_payment(amount_cents, received_on, method, today)
    reference = clean_note(reference, field="The reference", limit=60)
    account = get_account(session, account_id, lock=True)  # payments on one account queue
    plan = active_plan(session, account.id, lock=True)
    rows: list[PlanInstalment] = []
    if plan is not None:
        rows = list(session.exec(
            select(PlanInstalment)
            .where(PlanInstalment.plan_id == plan.id,
                   col(PlanInstalment.status) != InstalmentStatus.PAID)
            .order_by(col(PlanInstalment.seq))
        ).all())
    most = max(account.balance_cents, sum(r.amount_cents - r.paid_cents for r in rows))
    if amount_cents > most:
        raise UserError(
            f"The payment of {money(amount_cents, account.currency)} is more than the "
            f"{money(most, account.currency)} left to pay on this account."
        )
    payment = Payment(account_id=account.id, plan_id=plan.id if plan else None,
                      amount_cents=amount_cents, received_on=received_on, method=method,
                      reference=reference, recorded_by=actor.id)
    session.add(payment)
    session.flush()
    touched = _allocate(rows, amount_cents) if rows else []
    completed = bool(rows) and all(r.status == InstalmentStatus.PAID for r in rows)
    effects = _settle_account(session, actor=actor, account=account, plan=plan,
                              amount_cents=amount_cents, completed=completed)
    payment.effects_json = effects_record(**effects, instalments=touched)
    session.flush()
    settle_accounts(session, account_ids=[account.id], today=today, actor_id=actor.id)
    audit.record(
        session, actor_id=actor.id, action="payment.record", entity="payment",
        entity_id=payment.id,
        before={"account": {"balance_cents": effects["balance_before"],
                            "status": effects["status_before"]}},
        after=dict(audit.snapshot(payment, ["id", "account_id", "plan_id", "amount_cents",
                                            "received_on", "method", "reference"]),
                   allocations=[[i, part] for i, part, _ in touched],
                   account=audit.snapshot(account, ["balance_cents", "status"])),
    )
    return payment


def _settle_account(session: Session, *, actor: User, account: Account,
                    plan: PaymentPlan | None, amount_cents: int, completed: bool) -> dict:
    """Lower the balance (and complete the plan when it is paid); what changed, to undo."""
    effects: dict = {"balance_before": account.balance_cents, "status_before": account.status,
                     "completed_plan": None, "followups_closed": []}
    # A paid plan writes off what it forgave; interest paid is not part of the balance.
    balance, written_off = settle_balance(account.balance_cents, amount_cents,
                                          forgiven_cents=plan.forgiven_cents if completed else 0)
    changes: dict[str, object] = {"balance_cents": balance}
    if balance == 0:
        changes["status"] = AccountStatus.PAID
    elif completed and account.status == AccountStatus.ARRANGEMENT:
        changes["status"] = AccountStatus.OPEN
    touch_account(session, account, **changes)
    if completed:
        before_plan = audit.snapshot(plan)
        save_versioned(session, plan, {"status": PlanStatus.COMPLETED, "ended_at": utcnow()},
                       expected_version=plan.version, entity=ENTITY)
        effects["completed_plan"] = plan.id
        effects["followups_closed"] = close_plan_followups(
            session, plan.id, status=FollowUpStatus.DONE, actor_id=actor.id)
        audit.record(session, actor_id=actor.id, action="plan.complete", entity="payment_plan",
                     entity_id=plan.id, before=before_plan,
                     after=dict(audit.snapshot(plan), written_off_cents=written_off))
    effects["balance_change"] = effects["balance_before"] - balance
    return effects


# ---------------------------------------------------------------- reversal


def _payment_to_reverse(session: Session, payment_id: object) -> tuple[Payment, dict]:
    if isinstance(payment_id, bool) or not isinstance(payment_id, int):
        raise UserError("Choose a payment to reverse.")
    payment = session.exec(
        select(Payment).where(Payment.id == payment_id).with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if payment is None:
        raise UserError("There is no such payment to reverse.")
    if payment.reversed_at is not None:
        raise UserError("This payment has already been reversed.")
    if not payment.effects_json:
        raise UserError("This payment was loaded without a record of what it paid, so it "
                        "cannot be reversed here; correct the account by hand.")
    return payment, json.loads(payment.effects_json)


def _reopen_instalments(session: Session, touched: list[list]) -> list[dict]:
    """Take back each instalment's part; refuse if a reschedule has since rebuilt them."""
    changed = []
    for instalment_id, part, status_before in touched:
        row = session.get(PlanInstalment, instalment_id)
        if row is None or row.paid_cents < part:
            raise UserError("The plan was rescheduled after this payment, so the payment "
                            "cannot be reversed automatically; cancel the reschedule first.")
        changed.append({"id": row.id, "paid_cents": row.paid_cents, "status": row.status})
        row.paid_cents -= part
        if row.paid_cents >= row.amount_cents:
            row.status = InstalmentStatus.PAID
        elif InstalmentStatus.MISSED in (status_before, row.status):
            row.status = InstalmentStatus.MISSED  # missed stays missed till paid
        else:
            row.status = InstalmentStatus.PART_PAID if row.paid_cents else InstalmentStatus.DUE
    return changed


def _reopen_plan(session: Session, effects: dict, *, actor_id: int) -> None:
    plan_id = effects.get("completed_plan")
    if plan_id is None:
        return
    plan = session.get(PaymentPlan, plan_id)
    if plan is None or plan.status != PlanStatus.COMPLETED:
        return
    before = audit.snapshot(plan)
    save_versioned(session, plan, {"status": PlanStatus.ACTIVE, "ended_at": None},
                   expected_version=plan.version, entity=ENTITY)
    for followup_id in effects.get("followups_closed", []):
        followup = session.get(FollowUp, followup_id)
        if followup is not None and followup.status == FollowUpStatus.DONE:
            save_versioned(session, followup, {"status": FollowUpStatus.OPEN, "done_at": None},
                           expected_version=followup.version, entity="follow-up")
    audit.record(session, actor_id=actor_id, action="plan.reopen", entity="payment_plan",
                 entity_id=plan.id, before=before,
                 after=dict(audit.snapshot(plan), followups_reopened=effects["followups_closed"]))


def _status_left(effects: dict) -> str:
    """The account's status just after the payment, as `_settle_account` set it: paid when
    it cleared the balance, open when it completed the plan with something still owed, else
    unchanged."""
    if int(effects["balance_before"]) - int(effects["balance_change"]) <= 0:
        return AccountStatus.PAID
    if effects.get("completed_plan") and effects["status_before"] == AccountStatus.ARRANGEMENT:
        return AccountStatus.OPEN
    return effects["status_before"]


def reverse_payment(
    session: Session, *, actor: User, payment_id: int, reason: str, today: date | None = None,
) -> PaymentReversal:
    """Take a payment back (a lead or admin, with a reason): it re-opens exactly what the
    payment settled, restores the balance and status, and settles the promises again.

    Refused, with nothing changed: an unknown or already reversed payment, no reason, or a
    plan rebuilt since the payment (its instalments are no longer the ones it paid).
    """
    require_lead(actor)
    reason = clean_note(reason, field="The reason")
    if not reason:
        raise UserError("Say why the payment is reversed (for example, the direct debit "
                        "bounced).")
    payment, effects = _payment_to_reverse(session, payment_id)
    account = get_account(session, payment.account_id, lock=True)
    today = today or office_today(session)
    before = {"account": audit.snapshot(account, ["balance_cents", "status"])}
    instalments = _reopen_instalments(session, effects.get("instalments", []))
    _reopen_plan(session, effects, actor_id=actor.id)
    changes: dict[str, object] = {
        "balance_cents": account.balance_cents + int(effects["balance_change"])}
    # Put the status back only if it is still the one the payment left: a plan broken or
    # cancelled since (the account open, no plan running) stays as it is now.
    if account.status == _status_left(effects) != effects["status_before"]:
        changes["status"] = effects["status_before"]
    touch_account(session, account, **changes)
    payment.reversed_at = utcnow()
    reversal = PaymentReversal(payment_id=payment.id, reason=reason, reversed_by=actor.id)
    session.add(reversal)
    session.flush()
    settle_accounts(session, account_ids=[account.id], today=today, actor_id=actor.id)
    audit.record(session, actor_id=actor.id, action="payment.reverse", entity="payment",
                 entity_id=payment.id, before=dict(before, instalments=instalments),
                 after={"reason": reason, "reversal_id": reversal.id,
                        "account": audit.snapshot(account, ["balance_cents", "status"])})
    return reversal


def payment_money_check(session: Session, *, account_id: int) -> tuple[int, int, int]:
    """(money in, money allocated to instalments, money not allocated) over the account's
    payments that stand: in = allocated + unallocated always holds."""
    money_in = allocated = 0
    for payment in session.exec(select(Payment).where(Payment.account_id == account_id,
                                                      col(Payment.reversed_at).is_(None))):
        money_in += payment.amount_cents
        effects = json.loads(payment.effects_json or "{}")
        allocated += sum(part for _, part, _ in effects.get("instalments", []))
    return money_in, allocated, money_in - allocated
