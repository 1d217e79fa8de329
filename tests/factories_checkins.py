"""Builders for check-in test data: check-ins, holds, plans, payments, promises."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from core.store.models import (
    Account,
    CheckIn,
    Debtor,
    Hold,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PromiseToPay,
    User,
    Vulnerability,
    utcnow,
)


def make_checkin(session: Session, debtor: Debtor, agent: User, *,
                 account: Account | None = None, at: datetime | None = None,
                 **fields) -> CheckIn:
    """A check-in (an outbound phone call we had a conversation on, unless told otherwise)."""
    values = {"debtor_id": debtor.id, "account_id": account.id if account else None,
              "agent_id": agent.id, "at": at or utcnow(), "channel": "phone",
              "direction": "outbound", "outcome": "spoke", "right_party": True}
    values.update(fields)
    checkin = CheckIn(**values)
    session.add(checkin)
    session.flush()
    return checkin


def make_hold(session: Session, account: Account, kind: str = "dispute", *,
              starts_on: date | None = None, ends_on: date | None = None,
              reason: str = "") -> Hold:
    """An active hold on `account`."""
    hold = Hold(account_id=account.id, kind=kind, reason=reason,
                starts_on=starts_on or date(2020, 1, 1), ends_on=ends_on)
    session.add(hold)
    session.flush()
    return hold


def make_plan(session: Session, account: Account, *, first_due: date, count: int = 3,
              amount_cents: int = 10_000, status: str = "active",
              frequency: str = "monthly") -> PaymentPlan:
    """A plan with `count` instalments, 30 days apart, starting `first_due`."""
    plan = PaymentPlan(account_id=account.id, frequency=frequency, start_on=first_due,
                       instalment_cents=amount_cents, status=status,
                       payable_cents=amount_cents * count)
    session.add(plan)
    session.flush()
    for seq in range(1, count + 1):
        session.add(PlanInstalment(plan_id=plan.id, seq=seq,
                                   due_on=first_due + timedelta(days=30 * (seq - 1)),
                                   amount_cents=amount_cents))
    session.flush()
    return plan


def make_payment(session: Session, account: Account, amount_cents: int,
                 received_on: date) -> Payment:
    """A payment received on `account`."""
    payment = Payment(account_id=account.id, amount_cents=amount_cents, received_on=received_on)
    session.add(payment)
    session.flush()
    return payment


def make_promise(session: Session, account: Account, amount_cents: int,
                 due_on: date) -> PromiseToPay:
    """An open promise to pay."""
    promise = PromiseToPay(debtor_id=account.debtor_id, account_id=account.id,
                           amount_cents=amount_cents, due_on=due_on)
    session.add(promise)
    session.flush()
    return promise


def make_vulnerability(session: Session, debtor: Debtor, driver: str = "health",
                       **fields) -> Vulnerability:
    """A consented vulnerability driver with IDEA notes."""
    values = {"debtor_id": debtor.id, "driver": driver, "impact": "Finds calls hard"}
    values.update(fields)
    vulnerability = Vulnerability(**values)
    session.add(vulnerability)
    session.flush()
    return vulnerability
