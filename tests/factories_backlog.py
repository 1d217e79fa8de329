"""Builders for the backlog and stand-up tests: check-ins, plans, payments, promises, teams."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from core.store.models import (
    CheckIn,
    Debtor,
    Payment,
    PaymentPlan,
    PromiseToPay,
    Team,
    User,
)
from tests.factories import make_account, make_debtor, make_team, make_user

_seq = itertools.count(1)


def make_checkin(session: Session, debtor: Debtor, agent: User, at: datetime,
                 **fields) -> CheckIn:
    """A check-in by `agent` with `debtor` at `at` (no answer unless told otherwise)."""
    values = {"channel": "phone", "outcome": "no_answer"}
    values.update(fields)
    checkin = CheckIn(debtor_id=debtor.id, agent_id=agent.id, at=at, **values)
    session.add(checkin)
    session.flush()
    return checkin


def make_plan(session: Session, debtor: Debtor, *, status: str = "active",
              payable_cents: int = 120_000, activated_at: datetime | None = None,
              ended_at: datetime | None = None) -> PaymentPlan:
    """A plan on a new account of `debtor`."""
    account = make_account(session, debtor, payable_cents)
    plan = PaymentPlan(account_id=account.id, frequency="monthly",
                       start_on=date(2026, 1, 1), count=12, status=status,
                       payable_cents=payable_cents, balance_at_start_cents=payable_cents,
                       activated_at=activated_at, ended_at=ended_at)
    session.add(plan)
    session.flush()
    return plan


def make_payment(session: Session, debtor: Debtor, amount_cents: int,
                 received_on: date) -> Payment:
    """A payment on a new account of `debtor`."""
    account = make_account(session, debtor, 500_000)
    payment = Payment(account_id=account.id, amount_cents=amount_cents, received_on=received_on,
                      reference=f"PAY-{next(_seq)}")
    session.add(payment)
    session.flush()
    return payment


def make_promise(session: Session, debtor: Debtor, *, status: str, resolved_at: datetime | None,
                 due_on: date = date(2026, 1, 1)) -> PromiseToPay:
    """A promise to pay, kept or broken at `resolved_at`."""
    account = make_account(session, debtor, 50_000)
    promise = PromiseToPay(debtor_id=debtor.id, account_id=account.id, amount_cents=10_000,
                           due_on=due_on, status=status, resolved_at=resolved_at)
    session.add(promise)
    session.flush()
    return promise


@dataclass
class Office:
    """Two teams with a lead and agents each, and an admin."""

    north: Team
    south: Team
    lead: User
    south_lead: User
    admin: User
    ann: User
    bob: User
    cat: User
    dan: User
    gone: User


def make_office(session: Session) -> Office:
    """North (lead, Ann, Bob, Cat, and inactive Gone) and South (a lead and Dan), an admin."""
    north, south = make_team(session, "North"), make_team(session, "South")
    return Office(
        north=north, south=south,
        lead=make_user(session, "lead", team=north),
        south_lead=make_user(session, "lead", team=south),
        admin=make_user(session, "admin"),
        ann=make_user(session, "agent", team=north),
        bob=make_user(session, "agent", team=north),
        cat=make_user(session, "agent", team=north),
        dan=make_user(session, "agent", team=south),
        gone=make_user(session, "agent", team=north, active=False),
    )


def at_utc(*args: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


__all__ = ["make_account", "make_debtor", "make_checkin", "make_plan", "make_payment",
           "make_promise", "make_office", "Office", "at_utc"]
