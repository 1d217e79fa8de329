"""The plans' time-driven rules, run once a day by `core.daily` (never by a page view).

* An instalment is **missed** when it is still not fully paid more than `grace_days` whole
  days after its date (grace 3, due 1 March: a payment on 4 March is still in time; the
  run on 5 March marks it missed). Two missed instalments **break** the plan.
* Nothing is marked or chased on an account with a hold in force (dispute, breathing
  space, cease communication): collection is paused. An instalment that fell due under a
  hold is never marked missed, even after the hold ends (`freeze.paused`): the agent agrees
  with the person what happens to it (a reschedule); later instalments are swept as usual.
* Interest is frozen during a hold: an instalment falling due under one carries none
  (`freeze.freeze_interest`, run by `core.daily` too).
* A **promise to pay** is settled by `core.promises.settle_promises`: each payment counts
  once, towards the earliest-due promise whose window (made … due + the same grace days)
  holds it. A promise past its window without its money is broken and its owner gets a
  "not kept" follow-up; a broken promise that turns out kept (a payment recorded late) has
  that follow-up closed with a note. Each step is audited.

Every rule here only moves a record from one status to the next, so running it twice on the
same day changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.errors import UserError
from core.payment_plans.common import (
    ENTITY,
    MISSED_TO_BREAK,
    add_owner_followup,
    money,
    touch_account,
)
from core.payment_plans.freeze import paused
from core.payment_plans.queries import account_promises, promise_outcomes
from core.payment_plans.views import SweepResult
from core.promises import PromiseOutcome
from core.store import audit, settings
from core.store.db import save_versioned
from core.store.holds import held_accounts
from core.store.models import (
    Account,
    AccountStatus,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    InstalmentStatus,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
    utcnow,
)

_LATE = (InstalmentStatus.DUE, InstalmentStatus.PART_PAID)


def resolve_grace(session: Session, value: int | None = None) -> int:
    """The grace days (a setting shared by instalments and promises), or `value`."""
    grace = settings.get_int(session, "grace_days") if value is None else value
    if grace < 0:
        raise UserError("Grace days cannot be negative.")
    return grace


def sweep_missed(session: Session, *, today: date, grace_days: int | None = None
                 ) -> SweepResult:
    """Mark missed instalments, break plans with two missed, settle promises past their date.

    Idempotent: a second sweep on the same day changes nothing.
    """
    grace = resolve_grace(session, grace_days)
    missed, broken, followups = _mark_missed(session, today=today, grace=grace)
    promises = settle_due_promises(session, today=today, grace=grace)
    return SweepResult(
        missed=missed,
        plans_broken=broken,
        promises_kept=promises.promises_kept,
        promises_broken=promises.promises_broken,
        followups=followups + promises.followups,
        promises_reopened=promises.promises_reopened,
        followups_closed=promises.followups_closed,
    )


def _mark_missed(session: Session, *, today: date, grace: int) -> tuple[int, int, int]:
    cutoff = today - timedelta(days=grace)
    late = select(PlanInstalment.plan_id).where(
        col(PlanInstalment.status).in_(_LATE), PlanInstalment.due_on < cutoff)
    # A sweeper skips plans (and their accounts) that a payment is working on right now:
    # it never waits on a lock, so it can never deadlock with a payment.
    pairs = session.exec(
        select(PaymentPlan, Account)
        .join(Account, Account.id == PaymentPlan.account_id)
        .where(PaymentPlan.status == PlanStatus.ACTIVE, col(PaymentPlan.id).in_(late),
               col(PaymentPlan.account_id).not_in(held_accounts(today)))
        .order_by(col(PaymentPlan.id))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    if not pairs:
        return 0, 0, 0
    by_id = {plan.id: (plan, account) for plan, account in pairs}
    newly = session.exec(
        select(PlanInstalment)
        .where(col(PlanInstalment.plan_id).in_(list(by_id)),
               col(PlanInstalment.status).in_(_LATE), PlanInstalment.due_on < cutoff)
        .order_by(col(PlanInstalment.plan_id), col(PlanInstalment.seq))
    ).all()
    # Instalments that fell due under a hold stay as they are after it ends: the agent agrees
    # with the person what happens to them (a reschedule), the rules never mark them missed.
    held = paused(session, [(r, by_id[r.plan_id][1].id, by_id[r.plan_id][1].debtor_id)
                            for r in newly], today=today)
    newly = [r for r in newly if r.id not in held]
    if not newly:
        return 0, 0, 0
    missed_by_plan: dict[int, list[PlanInstalment]] = {}
    for row in newly:
        row.status = InstalmentStatus.MISSED
        missed_by_plan.setdefault(row.plan_id, []).append(row)
    session.flush()
    counts = dict(session.exec(
        select(PlanInstalment.plan_id, func.count())
        .where(col(PlanInstalment.plan_id).in_(list(by_id)),
               PlanInstalment.status == InstalmentStatus.MISSED)
        .group_by(PlanInstalment.plan_id)
    ).all())
    broken = followups = 0
    for plan_id, rows in missed_by_plan.items():
        plan, account = by_id[plan_id]
        breaks = counts.get(plan_id, 0) >= MISSED_TO_BREAK
        broken += breaks
        followups += _record_missed(session, plan, account, rows, breaks=breaks, today=today)
    return len(newly), broken, followups


def _record_missed(session: Session, plan: PaymentPlan, account: Account,
                   rows: Sequence[PlanInstalment], *, breaks: bool, today: date) -> int:
    before = audit.snapshot(plan)
    if breaks:
        save_versioned(session, plan, {"status": PlanStatus.BROKEN, "ended_at": utcnow()},
                       expected_version=plan.version, entity=ENTITY)
        if account.status == AccountStatus.ARRANGEMENT:
            touch_account(session, account, status=AccountStatus.OPEN)
    else:
        save_versioned(session, plan, {}, expected_version=plan.version, entity=ENTITY)
    audit.record(
        session, actor_id=None,
        action="plan.broken" if breaks else "plan.instalment_missed",
        entity="payment_plan", entity_id=plan.id, before=before,
        after=dict(audit.snapshot(plan), missed=[r.seq for r in rows]),
    )
    described = ", ".join(
        f"{money(r.amount_cents - r.paid_cents, account.currency)} due {r.due_on:%d %b %Y}"
        for r in rows)
    note = f"Missed: {described}."
    if breaks:
        note += (" Two instalments are now missed, so the plan is broken; talk about what "
                 "would work instead.")
    made = add_owner_followup(session, account=account, plan_id=plan.id,
                              reason=FollowUpReason.MISSED_INSTALMENT, due_on=today, note=note,
                              priority=1, actor_id=None, fallback_owner=plan.created_by)
    return 1 if made else 0


# ---------------------------------------------------------------- promises to pay


def settle_due_promises(session: Session, *, today: date, grace: int) -> SweepResult:
    """Settle the accounts that have an open promise whose window has closed."""
    account_ids = list(session.exec(
        select(PromiseToPay.account_id).distinct()
        .where(PromiseToPay.status == PromiseStatus.OPEN,
               PromiseToPay.due_on < today - timedelta(days=grace),
               col(PromiseToPay.account_id).not_in(held_accounts(today)))
        .order_by(PromiseToPay.account_id)
    ).all())
    return settle_accounts(session, account_ids=account_ids, today=today, grace=grace,
                           actor_id=None)


def settle_accounts(session: Session, *, account_ids: Sequence[int], today: date,
                    grace: int | None = None, actor_id: int | None = None) -> SweepResult:
    """Bring every promise on the accounts to the status `settle_promises` gives it, with the
    follow-ups and audit events each change needs. What already agrees is left alone."""
    if not account_ids:
        return SweepResult()
    grace = resolve_grace(session, grace)
    zone = settings.office_zone(session)
    promises, payments = account_promises(session, account_ids)
    totals = dict.fromkeys(("kept", "broken", "open", "followups", "closed"), 0)
    for account_id in account_ids:
        rows = promises[account_id]
        if not rows:
            continue
        outcomes = promise_outcomes(rows, payments[account_id], zone=zone, today=today,
                                    grace_days=grace)
        account = None
        for promise, outcome in zip(rows, outcomes, strict=True):
            if promise.status == outcome.status:
                continue
            account = account or session.get(Account, account_id)
            _move_promise(session, promise, outcome, account=account, today=today,
                          actor_id=actor_id, totals=totals)
    session.flush()
    return SweepResult(promises_kept=totals["kept"], promises_broken=totals["broken"],
                       promises_reopened=totals["open"], followups=totals["followups"],
                       followups_closed=totals["closed"])


def _move_promise(session: Session, promise: PromiseToPay, outcome: PromiseOutcome, *,
                  account: Account, today: date, actor_id: int | None,
                  totals: dict[str, int]) -> None:
    before = audit.snapshot(promise)
    was = promise.status
    promise.status = outcome.status
    promise.resolved_at = None if outcome.status == PromiseStatus.OPEN else utcnow()
    totals[outcome.status] += 1
    audit.record(session, actor_id=actor_id, action=f"promise.{outcome.status}",
                 entity="promise_to_pay", entity_id=promise.id, before=before,
                 after=dict(audit.snapshot(promise), paid_cents=outcome.paid_cents))
    amount = money(promise.amount_cents, account.currency)
    if outcome.status == PromiseStatus.BROKEN:
        note = (f"Promise of {amount} by {promise.due_on:%d %b %Y} was not kept "
                f"({money(outcome.paid_cents, account.currency)} received).")
        if add_owner_followup(session, account=account, plan_id=None,
                              reason=FollowUpReason.PROMISE_CHECK, due_on=today, note=note,
                              priority=1, actor_id=actor_id, fallback_owner=promise.created_by,
                              promise_id=promise.id):
            totals["followups"] += 1
    elif was == PromiseStatus.BROKEN:
        totals["closed"] += _close_not_kept(session, promise, outcome, amount=amount,
                                            actor_id=actor_id)


def _close_not_kept(session: Session, promise: PromiseToPay, outcome: PromiseOutcome, *,
                    amount: str, actor_id: int | None) -> int:
    """Close the promise's open "not kept" follow-ups with a note saying why."""
    chases = session.exec(
        select(FollowUp).where(FollowUp.promise_id == promise.id,
                               FollowUp.status == FollowUpStatus.OPEN)
    ).all()
    why = ("kept after all: the money arrived in time" if outcome.status == PromiseStatus.KEPT
           else "open again: its date has not passed")
    for chase in chases:
        before = audit.snapshot(chase)
        save_versioned(session, chase, {
            "status": FollowUpStatus.DONE, "done_at": utcnow(),
            "note": f"{chase.note}\nClosed: the promise of {amount} is {why}.".strip(),
        }, expected_version=chase.version, entity="follow-up")
        audit.record(session, actor_id=actor_id, action="followup.close_for_promise",
                     entity="followup", entity_id=chase.id, before=before,
                     after=audit.snapshot(chase))
    return len(chases)
