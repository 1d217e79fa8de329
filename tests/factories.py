"""Builders for test data, one module for the whole suite; each returns a flushed row with an id.

Two families build plans, payments and promises: on an account you pass (`make_plan`,
`make_payment`, `make_promise`), or on a new account of a debtor you pass
(`make_plan_on_new_account`, `make_payment_on_new_account`, `make_resolved_promise`), which the
stand-up tests use to count what happened on a day.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from core.payment_plans import service as pp
from core.store.models import (
    Account,
    Adjustment,
    CheckIn,
    Debtor,
    FollowUp,
    Hold,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PromiseToPay,
    Team,
    User,
    Vulnerability,
    utcnow,
)
from core.team.service import hash_password

_seq = itertools.count(1)
_HASH = hash_password("secret-pass")


def make_team(session: Session, name: str | None = None) -> Team:
    """A team."""
    team = Team(name=name or f"Team {next(_seq)}")
    session.add(team)
    session.flush()
    return team


def make_user(session: Session, role: str = "agent", *, username: str | None = None,
              team: Team | None = None, active: bool = True) -> User:
    """A user whose password is 'secret-pass'."""
    n = next(_seq)
    user = User(username=username or f"{role}{n}", display_name=f"{role.title()} {n}", role=role,
                team_id=team.id if team else None, active=active, password_hash=_HASH)
    session.add(user)
    session.flush()
    return user


def make_debtor(session: Session, owner: User | None = None, **fields) -> Debtor:
    """A debtor (a person in London unless told otherwise)."""
    n = next(_seq)
    values = {"name": f"Debtor {n}", "preferred_name": f"D{n}", "owner_id": owner.id if owner
              else None, "timezone": "Europe/London"}
    values.update(fields)
    debtor = Debtor(**values)
    session.add(debtor)
    session.flush()
    return debtor


def make_account(session: Session, debtor: Debtor, balance_cents: int = 100_000,
                 **fields) -> Account:
    """An open account of `debtor`."""
    n = next(_seq)
    values = {"debtor_id": debtor.id, "reference": f"ACC-{n:06d}", "creditor": "Northwind Energy",
              "original_balance_cents": balance_cents, "balance_cents": balance_cents}
    values.update(fields)
    account = Account(**values)
    session.add(account)
    session.flush()
    return account


def make_followup(session: Session, debtor: Debtor, owner: User, due_on: date,
                  **fields) -> FollowUp:
    """An open follow-up."""
    followup = FollowUp(debtor_id=debtor.id, owner_id=owner.id, due_on=due_on, **fields)
    session.add(followup)
    session.flush()
    return followup


def at_utc(*args: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- check-ins and holds


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


def make_checkin_at(session: Session, debtor: Debtor, agent: User, at: datetime,
                    **fields) -> CheckIn:
    """A phone check-in by `agent` with `debtor` at `at` (no answer unless told otherwise)."""
    values = {"channel": "phone", "outcome": "no_answer"}
    values.update(fields)
    checkin = CheckIn(debtor_id=debtor.id, agent_id=agent.id, at=at, **values)
    session.add(checkin)
    session.flush()
    return checkin


def make_hold(session: Session, account: Account, kind: str = "dispute", *,
              starts_on: date | None = None, ends_on: date | None = None,
              reason: str = "", review_on: date | None = None) -> Hold:
    """An active hold on `account`."""
    hold = Hold(account_id=account.id, kind=kind, reason=reason,
                starts_on=starts_on or date(2020, 1, 1), ends_on=ends_on, review_on=review_on)
    session.add(hold)
    session.flush()
    return hold


def make_adjustment(session: Session, debtor: Debtor, kind: str = "text_first", *,
                    review_on: date = date(2099, 1, 1), reason: str = "They asked",
                    **fields) -> Adjustment:
    """An adjustment in force for `debtor` (consented; e.g. `start_day=4, start_time=…` for
    an unavailable window, `channels="letter"` for channel only)."""
    row = Adjustment(debtor_id=debtor.id, kind=kind, review_on=review_on, reason=reason,
                     **fields)
    session.add(row)
    session.flush()
    return row


def make_vulnerability(session: Session, debtor: Debtor, driver: str = "health",
                       **fields) -> Vulnerability:
    """A consented vulnerability driver with IDEA notes."""
    values = {"debtor_id": debtor.id, "driver": driver, "impact": "Finds calls hard"}
    values.update(fields)
    vulnerability = Vulnerability(**values)
    session.add(vulnerability)
    session.flush()
    return vulnerability


# ---------------------------------------------------------------- plans, payments, promises


def make_plan(session: Session, account: Account, *, first_due: date, count: int = 3,
              amount_cents: int = 10_000, status: str = "active",
              frequency: str = "monthly") -> PaymentPlan:
    """A plan on `account` with `count` instalments, 30 days apart, starting `first_due`."""
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


def make_plan_on_new_account(session: Session, debtor: Debtor, *, status: str = "active",
                             payable_cents: int = 120_000, activated_at: datetime | None = None,
                             ended_at: datetime | None = None) -> PaymentPlan:
    """A 12-month plan (no instalment rows) on a new account of `debtor`."""
    account = make_account(session, debtor, payable_cents)
    plan = PaymentPlan(account_id=account.id, frequency="monthly",
                       start_on=date(2026, 1, 1), count=12, status=status,
                       payable_cents=payable_cents, balance_at_start_cents=payable_cents,
                       activated_at=activated_at, ended_at=ended_at)
    session.add(plan)
    session.flush()
    return plan


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
                        status="proposed", today=today)
    return pp.activate_plan(session, actor=actor, plan_id=plan.id,
                            expected_version=plan.version, today=today)


def make_payment(session: Session, account: Account, amount_cents: int,
                 received_on: date) -> Payment:
    """A payment received on `account`."""
    payment = Payment(account_id=account.id, amount_cents=amount_cents, received_on=received_on)
    session.add(payment)
    session.flush()
    return payment


def make_payment_on_new_account(session: Session, debtor: Debtor, amount_cents: int,
                                received_on: date) -> Payment:
    """A payment (with its own reference) on a new account of `debtor`."""
    account = make_account(session, debtor, 500_000)
    payment = Payment(account_id=account.id, amount_cents=amount_cents, received_on=received_on,
                      reference=f"PAY-{next(_seq)}")
    session.add(payment)
    session.flush()
    return payment


def make_promise(session: Session, account: Account, amount_cents: int, due_on: date,
                 **fields) -> PromiseToPay:
    """An open promise to pay on `account`."""
    promise = PromiseToPay(debtor_id=account.debtor_id, account_id=account.id,
                           amount_cents=amount_cents, due_on=due_on, **fields)
    session.add(promise)
    session.flush()
    return promise


def make_resolved_promise(session: Session, debtor: Debtor, *, status: str,
                          resolved_at: datetime | None,
                          due_on: date = date(2026, 1, 1)) -> PromiseToPay:
    """A £100 promise on a new account of `debtor`, kept or broken at `resolved_at`."""
    account = make_account(session, debtor, 50_000)
    promise = PromiseToPay(debtor_id=debtor.id, account_id=account.id, amount_cents=10_000,
                           due_on=due_on, status=status, resolved_at=resolved_at)
    session.add(promise)
    session.flush()
    return promise


def make_paid_account(session: Session, debtor: Debtor, amount_cents: int = 120_000, *,
                      paid_on: date = date(2026, 5, 1), **fields) -> Account:
    """An account of `debtor` paid in full by one payment received on `paid_on`."""
    values = {"original_balance_cents": amount_cents, "balance_cents": 0, "status": "paid"}
    account = make_account(session, debtor, **values, **fields)
    make_payment(session, account, amount_cents, paid_on)
    return account


def pay_instalments(session: Session, plan: PaymentPlan, paid: int, *,
                    missed: int = 0) -> None:
    """Mark the plan's first `paid` instalments paid, and the next `missed` ones missed."""
    rows = session.exec(select(PlanInstalment).where(PlanInstalment.plan_id == plan.id)
                        .order_by(PlanInstalment.seq)).all()
    for row in rows[:paid]:
        row.paid_cents, row.status = row.amount_cents, "paid"
    for row in rows[paid:paid + missed]:
        row.status = "missed"
    session.flush()


# ---------------------------------------------------------------- an office


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


# ---------------------------------------------------------------- the shelf of free help


def make_resource(session: Session, **fields):
    """A resource on the shelf (debt advice, reviewed today unless told otherwise)."""
    from core.resources.models import Resource

    n = next(_seq)
    values = {"title": f"Free help {n}", "organisation": f"Helpers {n}",
              "link": "https://help.example.org", "phone": "0800 000 0000",
              "topic": "debt_advice", "language": "en",
              "summary": "They give free advice.", "reviewed_on": utcnow().date()}
    values.update(fields)
    resource = Resource(**values)
    session.add(resource)
    session.flush()
    return resource
