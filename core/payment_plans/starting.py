"""Before a plan starts: what starting it today would store, and whether it may start at all.

Starting builds the schedule on the account's balance today (a payment since the plan was
saved changes what is owed), so the panel shows this preview beside the "Start" button, and
the same checks as `service.activate_plan` say plainly why a plan cannot start: an expired
settlement offer, a first payment date gone by, a paid account, a hold, another active plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.errors import UserError
from core.lifecycle import offer_expired, start_refusal
from core.payment_plans.common import get_account, get_plan
from core.payment_plans.queries import inputs_of
from core.payment_plans.service import check_can_start
from core.plans import PlanError, Schedule
from core.store.settings import office_today
from core.vocabulary import PlanStatus


@dataclass(frozen=True, slots=True)
class StartPreview:
    """What starting a plan today would store, or why it cannot start."""

    plan_id: int
    status: str  # as stored now (a page may still show an older one)
    balance_cents: int  # the account's balance today: the schedule is built on it
    currency: str
    schedule: Schedule | None
    offer_expires_on: date | None
    expired: bool
    refusal: str | None  # None: it may start today
    saved_payable_cents: int = 0

    @property
    def payable_changed(self) -> bool:
        """True when the balance moved since the plan was saved (so the figures differ)."""
        return (self.schedule is not None
                and self.schedule.payable_cents != self.saved_payable_cents)


def preview_start(session: Session, *, plan_id: int, today: date | None = None) -> StartPreview:
    """The schedule `activate_plan` would store today, and its refusal if it would refuse."""
    today = today or office_today(session)
    plan = get_plan(session, plan_id)
    account = get_account(session, plan.account_id)
    refusal: str | None = None
    schedule: Schedule | None = None
    try:
        schedule = inputs_of(plan).schedule(account.balance_cents)
    except PlanError as exc:
        refusal = str(exc)
    if plan.status == PlanStatus.AWAITING_APPROVAL:  # would it start once approved?
        refusal = start_refusal(start_on=plan.start_on, offer_expires_on=plan.offer_expires_on,
                                today=today) or refusal
    else:
        try:
            check_can_start(session, plan, account, today)
        except UserError as exc:
            refusal = str(exc)
    return StartPreview(
        plan_id=plan.id, status=plan.status, balance_cents=account.balance_cents,
        currency=account.currency,
        schedule=schedule, offer_expires_on=plan.offer_expires_on,
        expired=offer_expired(plan.offer_expires_on, today), refusal=refusal,
        saved_payable_cents=plan.payable_cents,
    )
