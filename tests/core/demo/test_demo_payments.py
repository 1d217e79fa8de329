"""The demo's payments keep what they settled, as the payment service does: a lead can reverse
any of them, and the account, its instalments and its plan come back as they were."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from core.demo import loader as demo
from core.payment_plans import queries
from core.payment_plans import service as plans
from core.payment_plans.payments import payment_money_check
from core.store import db
from core.store.models import (
    Account,
    AccountStatus,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    User,
)

TODAY = date(2026, 3, 4)  # a Wednesday


@pytest.fixture
def loaded(engine: Engine) -> demo.DemoSummary:
    """The small demo (60 debtors) loaded into this test's fresh database."""
    return demo.load_demo(engine, debtors=60, today=TODAY)


def _lead(session: Session) -> User:
    return session.exec(select(User).where(User.username == "lead")).one()


def _reverse(engine: Engine, payment_id: int) -> None:
    with db.write_session(engine) as s:
        plans.reverse_payment(s, actor=_lead(s), payment_id=payment_id,
                              reason="The direct debit bounced.", today=TODAY)


def _plan_payment(session: Session, plan_status: str, *, completing: bool) -> Payment:
    """The latest payment of a plan in `plan_status`: the one that completed it, or any other."""
    found = [p for p in session.exec(
        select(Payment).join(PaymentPlan, PaymentPlan.id == Payment.plan_id)
        .where(PaymentPlan.status == plan_status).order_by(Payment.id.desc())).all()
        if (json.loads(p.effects_json)["completed_plan"] is not None) == completing]
    assert found, f"the demo has no payment on a {plan_status} plan"
    return found[0]


def test_every_demo_payment_is_shown_as_reversible_and_says_what_it_paid(engine, loaded):
    # Given the demo
    with Session(engine) as s:
        payments = s.exec(select(Payment)).all()
        instalments = {i.id: i for i in s.exec(select(PlanInstalment)).all()}
        lines = [line for account_id in {p.account_id for p in payments}
                 for line in queries.payments_for_account(s, account_id=account_id, limit=500)]
    # Then the Payment plans page offers to reverse each of its payments
    assert len(lines) == len(payments) == loaded.payments > 0
    assert all(line.reversible and not line.reversed for line in lines)
    # And what each plan payment says it paid is exactly what its instalments show as paid
    paid: dict[int, int] = {}
    for payment in payments:
        for instalment_id, part, _ in json.loads(payment.effects_json)["instalments"]:
            assert instalments[instalment_id].plan_id == payment.plan_id
            paid[instalment_id] = paid.get(instalment_id, 0) + part
    assert paid == {i.id: i.paid_cents for i in instalments.values() if i.paid_cents}


def test_reversing_a_demo_payment_on_a_running_plan_reopens_its_instalment(engine, loaded):
    # Given a payment of the demo on an active plan
    with Session(engine) as s:
        payment = _plan_payment(s, PlanStatus.ACTIVE, completing=False)
        [[instalment_id, part, _]] = json.loads(payment.effects_json)["instalments"]
        account = s.get(Account, payment.account_id)
        balance, status = account.balance_cents, account.status
        instalment = s.get(PlanInstalment, instalment_id)
        paid_before = instalment.paid_cents
    # When a lead reverses it
    _reverse(engine, payment.id)
    # Then the balance is back up by the payment, the instalment is owed again, the account
    # stays under its arrangement, and what the standing payments paid is what the plan shows
    with Session(engine) as s:
        account = s.get(Account, payment.account_id)
        instalment = s.get(PlanInstalment, instalment_id)
        assert account.balance_cents == balance + payment.amount_cents
        assert account.status == status == AccountStatus.ARRANGEMENT
        assert instalment.paid_cents == paid_before - part == 0
        assert instalment.status in (InstalmentStatus.DUE, InstalmentStatus.MISSED)
        assert s.get(Payment, payment.id).reversed_at is not None
        _, allocated, _ = payment_money_check(s, account_id=account.id)
        assert allocated == sum(s.exec(
            select(PlanInstalment.paid_cents).join(PaymentPlan)
            .where(PaymentPlan.account_id == account.id)).all())


def test_reversing_the_payment_that_completed_a_demo_plan_reopens_the_plan(engine, loaded):
    # Given the last payment of a completed plan in the demo (its account is paid)
    with Session(engine) as s:
        payment = _plan_payment(s, PlanStatus.COMPLETED, completing=True)
        effects = json.loads(payment.effects_json)
        assert s.get(Account, payment.account_id).status == AccountStatus.PAID
    # When a lead reverses it
    _reverse(engine, payment.id)
    # Then the plan runs again, the account owes what it owed before that payment under its
    # arrangement, and that instalment is unpaid
    with Session(engine) as s:
        account = s.get(Account, payment.account_id)
        assert s.get(PaymentPlan, payment.plan_id).status == PlanStatus.ACTIVE
        assert account.balance_cents == effects["balance_before"] > 0
        assert account.status == AccountStatus.ARRANGEMENT
        [[instalment_id, _, _]] = effects["instalments"]
        assert s.get(PlanInstalment, instalment_id).paid_cents == 0


def test_reversing_a_demo_account_paid_in_one_go_opens_it_again(engine, loaded):
    # Given a demo account paid off in one payment outside any plan
    with Session(engine) as s:
        payment = next(p for p in s.exec(select(Payment).where(Payment.plan_id.is_(None))
                                         .order_by(Payment.id)).all()
                       if s.get(Account, p.account_id).status == AccountStatus.PAID)
    # When a lead reverses it
    _reverse(engine, payment.id)
    # Then the account is open again and owes that payment once more
    with Session(engine) as s:
        account = s.get(Account, payment.account_id)
        assert account.status == AccountStatus.OPEN
        assert account.balance_cents == payment.amount_cents
