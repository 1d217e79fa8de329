"""Payments and reversals: money is never counted twice, a reversal undoes exactly one payment,
and payments to one account queue instead of failing. SQLite and PostgreSQL (`engine`)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import SQLModel, select

from core.errors import UserError
from core.payment_plans import payments as pay
from core.payment_plans import service
from core.store import db
from core.store.models import (
    Account,
    FollowUp,
    Payment,
    PaymentPlan,
    PaymentReversal,
    PlanInstalment,
    PromiseToPay,
    User,
)
from tests.factories import make_account, make_active_plan, make_debtor, make_promise, make_user

SKIP_TABLES = {"data_version", "audit_event", "payment", "payment_reversal"}
SKIP_COLUMNS = {"version", "last_activity_at"}  # lock counters and activity stamps move on


def _world(engine: Engine, balance: int = 60_000) -> dict:
    with db.write_session(engine) as s:
        agent, lead = make_user(s, "agent"), make_user(s, "lead")
        account = make_account(s, make_debtor(s, agent), balance)
        plan = make_active_plan(s, agent, account, today=date(2027, 2, 1))
        return {"agent": agent, "lead": lead, "account_id": account.id, "plan_id": plan.id}


def _everything(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table but the audit trail and the payment records."""
    with db.read_session(engine) as s:
        state = {}
        for table in SQLModel.metadata.sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in SKIP_COLUMNS]
            rows = s.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            state[table.name] = [tuple(r) for r in rows]
        return state


def _pay(engine, w, amount, on=date(2027, 3, 1)) -> int:
    with db.write_session(engine) as s:
        return service.record_payment(s, actor=w["agent"], account_id=w["account_id"],
                                      amount_cents=amount, received_on=on, today=on).id


def _reverse(engine, w, payment_id, actor="lead", reason="Direct debit bounced"):
    with db.write_session(engine) as s:
        return service.reverse_payment(s, actor=w[actor], payment_id=payment_id, reason=reason,
                                       today=date(2027, 3, 1))


def test_a_payment_then_its_reversal_leaves_every_row_as_before(engine):
    # Given a plan with a £50 promise open, and the state of every table
    w = _world(engine)
    with db.write_session(engine) as s:
        make_promise(s, s.get(Account, w["account_id"]), 5_000, date(2027, 3, 5))
    before = _everything(engine)
    # When £80 is paid (March paid, April part paid, the promise kept) and then reversed
    payment_id = _pay(engine, w, 8_000)
    with db.read_session(engine) as s:
        assert s.exec(select(PromiseToPay)).one().status == "kept"
    _reverse(engine, w, payment_id)
    # Then every row is as it was before the payment
    assert _everything(engine) == before
    # And the payment is on file, marked reversed, with the reason
    with db.read_session(engine) as s:
        assert s.get(Payment, payment_id).reversed_at is not None
        assert s.exec(select(PaymentReversal)).one().reason == "Direct debit bounced"


def test_reversing_the_payment_that_completed_a_plan_reopens_it(engine):
    # Given the whole £600 paid at once: the plan completes, the account is paid,
    # the plan's review follow-up closes
    w = _world(engine)
    before = _everything(engine)
    payment_id = _pay(engine, w, 60_000)
    with db.read_session(engine) as s:
        assert s.get(Account, w["account_id"]).status == "paid"
        assert s.exec(select(FollowUp)).one().status == "done"
    # When the payment is reversed (a chargeback)
    _reverse(engine, w, payment_id)
    # Then the plan is active again, the account owes £600 on arrangement, the review is open
    assert _everything(engine) == before


@pytest.mark.parametrize(("payment", "actor", "reason", "message"), [
    (999, "lead", "Bounced", "no such payment"),
    ("first", "agent", "Bounced", "lead"),
    ("first", "lead", "  ", "Say why"),
    ("reversed", "lead", "Bounced", "already been reversed"),
])
def test_a_bad_reversal_is_refused_and_nothing_changes(engine, payment, actor, reason, message):
    w = _world(engine)
    first = _pay(engine, w, 5_000)
    second = _pay(engine, w, 3_000)
    _reverse(engine, w, second)
    before = _everything(engine)
    payment_id = {"first": first, "reversed": second}.get(payment, payment)
    with pytest.raises((UserError, PermissionError), match=message):
        _reverse(engine, w, payment_id, actor=actor, reason=reason)
    assert _everything(engine) == before
    with db.read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(PaymentReversal)).one() == 1


def test_a_reversal_re_evaluates_a_promise_the_payment_kept(engine):
    # Given a £50 promise by 5 March kept by a payment, then the rules ran after its grace
    w = _world(engine)
    with db.write_session(engine) as s:
        promise = make_promise(s, s.get(Account, w["account_id"]), 5_000, date(2027, 3, 5),
                               created_by=w["agent"].id)
    payment_id = _pay(engine, w, 5_000)
    # When the payment bounces on 20 March
    with db.write_session(engine) as s:
        service.reverse_payment(s, actor=w["lead"], payment_id=payment_id, reason="Bounced",
                                today=date(2027, 3, 20))
    # Then the promise is broken after all, and its owner is told
    with db.read_session(engine) as s:
        assert s.get(PromiseToPay, promise.id).status == "broken"
        chase = s.exec(select(FollowUp).where(FollowUp.promise_id == promise.id)).one()
    assert chase.status == "open" and "was not kept" in chase.note


# ---------------------------------------------------------------- money in = money out


@hsettings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["pay", "reverse"]),
                                st.integers(min_value=1, max_value=25_000)),
                      min_size=1, max_size=8))
def test_money_in_is_always_allocated_plus_unallocated(engine, steps):
    w = _world(engine, balance=60_000)
    standing: list[int] = []
    for kind, amount in steps:
        try:
            if kind == "pay":
                standing.append(_pay(engine, w, amount))
            elif standing:
                _reverse(engine, w, standing.pop(amount % len(standing)))
        except UserError:
            pass  # more than is left to pay: refused, nothing saved
    with db.read_session(engine) as s:
        money_in, allocated, unallocated = pay.payment_money_check(s,
                                                                   account_id=w["account_id"])
        paid_on_plan = s.exec(select(func.coalesce(func.sum(PlanInstalment.paid_cents), 0))
                              .where(PlanInstalment.plan_id == w["plan_id"])).one()
        standing_in = s.exec(select(func.coalesce(func.sum(Payment.amount_cents), 0))
                             .where(Payment.account_id == w["account_id"],
                                    Payment.reversed_at.is_(None))).one()
        account = s.get(Account, w["account_id"])
    assert money_in == standing_in == allocated + unallocated
    assert allocated == paid_on_plan and unallocated >= 0
    assert account.balance_cents == 60_000 - money_in


# ---------------------------------------------------------------- payments queue


def test_fifty_payments_to_one_account_at_once_are_all_saved(engine):
    # Given one account owing £600 with an active plan
    w = _world(engine)
    with db.read_session(engine) as s:
        agent_id = w["agent"].id

    def cashier(n: int) -> int:
        with db.write_session(engine) as s:
            actor = s.get(User, agent_id)
            return service.record_payment(s, actor=actor, account_id=w["account_id"],
                                          amount_cents=100, received_on=date(2027, 3, 1),
                                          reference=f"file line {n}",
                                          today=date(2027, 3, 1)).id

    # When fifty cashiers post £1 each at the same moment
    with ThreadPoolExecutor(max_workers=50) as pool:
        ids = list(pool.map(cashier, range(50)))
    # Then all fifty are saved and the balance fell by exactly £50
    assert len(set(ids)) == 50
    with db.read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Payment)).one() == 50
        assert s.get(Account, w["account_id"]).balance_cents == 60_000 - 5_000
        first = s.exec(select(PlanInstalment).where(PlanInstalment.seq == 1)).one()
    assert (first.paid_cents, first.status) == (5_000, "paid")


def test_reversing_a_payment_after_its_plan_ended_leaves_the_account_open(engine):
    # Given £80 paid on a running plan, and then the plan cancelled (the account is open)
    w = _world(engine)
    payment_id = _pay(engine, w, 8_000)
    with db.write_session(engine) as s:
        plan = s.get(PaymentPlan, w["plan_id"])
        service.cancel_plan(s, actor=w["lead"], plan_id=plan.id, expected_version=plan.version)
    # When the payment is reversed
    _reverse(engine, w, payment_id)
    # Then the £80 is owed again, and the account stays open: no plan is running, so it is
    # not put back "on arrangement"
    with db.read_session(engine) as s:
        account = s.get(Account, w["account_id"])
        assert (account.balance_cents, account.status) == (60_000, "open")
