"""Test data for payment plans: promises to pay, and plans saved through the service."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core.payment_plans import service as pp
from core.store.models import Account, PaymentPlan, PromiseToPay, User


def make_promise(session: Session, account: Account, amount_cents: int, due_on: date,
                 **fields) -> PromiseToPay:
    """An open promise to pay on `account`."""
    promise = PromiseToPay(debtor_id=account.debtor_id, account_id=account.id,
                           amount_cents=amount_cents, due_on=due_on, **fields)
    session.add(promise)
    session.flush()
    return promise


def plan_inputs_for(account: Account | None, *, start_on: date = date(2027, 3, 1),
                    frequency: str = "monthly", **fields) -> pp.PlanInputs:
    """Plan inputs for `account` (£50 a month from 1 March 2027 unless told otherwise)."""
    if "count" not in fields and "instalment_cents" not in fields:
        fields["instalment_cents"] = 5_000
    return pp.PlanInputs(account_id=account.id if account else None, frequency=frequency,
                         start_on=start_on, **fields)


def make_active_plan(session: Session, actor: User, account: Account, *,
                     today: date = date(2027, 2, 1), **fields) -> PaymentPlan:
    """A plan saved and started through the service (so it has instalments and a review)."""
    plan = pp.save_plan(session, actor=actor, inputs=plan_inputs_for(account, **fields),
                        status="proposed")
    return pp.activate_plan(session, actor=actor, plan_id=plan.id,
                            expected_version=plan.version, today=today)
