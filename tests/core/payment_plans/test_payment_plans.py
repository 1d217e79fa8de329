"""core.payment_plans: the plan lifecycle, payments, the daily sweep and income & expenditure.

Runs on SQLite and PostgreSQL (the `engine` fixture). Dates are fixed; `today` is passed in.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from core.payment_plans import approvals
from core.payment_plans import service as pp
from core.store import db, settings
from core.store.models import (
    Account,
    AuditEvent,
    FollowUp,
    IncomeExpenditure,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PromiseToPay,
    User,
)
from tests.factories import (
    make_account,
    make_active_plan,
    make_debtor,
    make_hold,
    make_promise,
    make_user,
    plan_inputs_for,
)

MARCH_1 = date(2027, 3, 1)
TODAY = date(2027, 2, 1)


@dataclass
class World:
    agent: User
    lead: User
    admin: User
    account_id: int
    debtor_id: int


@pytest.fixture
def world(engine: Engine) -> World:
    """An agent's debtor with one £600 account, plus a lead and an admin."""
    with db.write_session(engine) as s:
        agent = make_user(s, "agent")
        lead = make_user(s, "lead")
        admin = make_user(s, "admin")
        debtor = make_debtor(s, agent, name="Ann Example")
        account = make_account(s, debtor, 60_000)
        return World(agent, lead, admin, account.id, debtor.id)


def _account(engine: Engine, account_id: int) -> Account:
    with db.read_session(engine) as s:
        return s.get(Account, account_id)


def _plan(engine: Engine, plan_id: int) -> PaymentPlan:
    with db.read_session(engine) as s:
        return s.get(PaymentPlan, plan_id)


def _instalments(engine: Engine, plan_id: int) -> list[tuple[int, date, int, int, str]]:
    with db.read_session(engine) as s:
        rows = s.exec(select(PlanInstalment).where(PlanInstalment.plan_id == plan_id)
                      .order_by(PlanInstalment.seq)).all()
        return [(r.seq, r.due_on, r.amount_cents, r.paid_cents, r.status) for r in rows]


def _followups(engine: Engine, reason: str) -> list[FollowUp]:
    with db.read_session(engine) as s:
        return list(s.exec(select(FollowUp).where(FollowUp.reason == reason)
                           .order_by(FollowUp.id)).all())


def _count(engine: Engine, model) -> int:
    with db.read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _activate(engine: Engine, w: World, **fields) -> int:
    with db.write_session(engine) as s:
        account = s.get(Account, w.account_id)
        return make_active_plan(s, w.agent, account, today=TODAY, **fields).id


def _pay(engine: Engine, w: World, amount: int, on: date, today: date | None = None) -> None:
    with db.write_session(engine) as s:
        pp.record_payment(s, actor=w.agent, account_id=w.account_id, amount_cents=amount,
                          received_on=on, method="bank_transfer", today=today or on)


# ---------------------------------------------------------------- saving and approval


def test_saving_a_draft_stores_the_terms_totals_and_an_audit_event(engine, world):
    # Given £600 owed and £50 a month from 1 March
    inputs = plan_inputs_for(_account(engine, world.account_id), discount_pct=5)
    # When the agent saves it as a draft
    with db.write_session(engine) as s:
        plan_id = pp.save_plan(s, actor=world.agent, inputs=inputs).id
    # Then it is a draft with the schedule's totals, and the change is audited
    plan = _plan(engine, plan_id)
    assert (plan.status, plan.payable_cents, plan.forgiven_cents) == ("draft", 57_000, 3_000)
    assert (plan.discount_pct, plan.balance_at_start_cents, plan.created_by) == (
        "5", 60_000, world.agent.id)
    with db.read_session(engine) as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.entity_id == plan_id,
                                                         AuditEvent.entity == "payment_plan"))
        assert list(actions) == ["plan.create"]


def test_a_quick_model_cannot_be_saved(engine, world):
    with db.write_session(engine) as s, pytest.raises(ValueError, match="quick model"):
        pp.save_plan(s, actor=world.agent, inputs=plan_inputs_for(None))


def test_a_plan_error_is_refused_with_its_plain_message_and_nothing_saved(engine, world):
    # Given 600 instalments asked of a £600 balance... (1p each is fine, 0p is not)
    inputs = plan_inputs_for(_account(engine, world.account_id), count=60_001 // 100 * 100)
    # When it is saved, then the plan's plain message comes back and nothing is stored
    with pytest.raises(ValueError, match="at most 520 instalments"):
        with db.write_session(engine) as s:
            pp.save_plan(s, actor=world.agent, inputs=inputs)
    assert _count(engine, PaymentPlan) == 0


@pytest.mark.parametrize("role,discount,status", [
    ("agent", 10, "proposed"), ("agent", "10.5", "awaiting_approval"),
    ("lead", 30, "proposed"), ("lead", 31, "awaiting_approval"), ("admin", 90, "proposed"),
])
def test_a_discount_above_the_actors_limit_waits_for_approval(engine, world, role, discount,
                                                              status):
    # Given the default limits (agent 10 %, lead 30 %, admin any)
    actor = {"agent": world.agent, "lead": world.lead, "admin": world.admin}[role]
    inputs = plan_inputs_for(_account(engine, world.account_id), discount_pct=discount)
    # When the actor proposes a plan with this discount
    with db.write_session(engine) as s:
        plan = pp.save_plan(s, actor=actor, inputs=inputs, status="proposed")
    # Then it is proposed within the limit, and awaits approval above it
    assert plan.status == status


def test_the_limit_comes_from_settings(engine, world):
    # Given an admin lowered the agent's limit to 5 %
    with db.write_session(engine) as s:
        settings.set_value(s, actor=world.admin, key="discount_limit_agent", value="5")
    # When an agent saves a 6 % discount, then it awaits approval
    with db.write_session(engine) as s:
        plan = pp.save_plan(s, actor=world.agent, inputs=plan_inputs_for(
            _account(engine, world.account_id), discount_pct=6))
    assert plan.status == "awaiting_approval"


def _awaiting(engine: Engine, w: World, discount=20) -> int:
    with db.write_session(engine) as s:
        return pp.save_plan(s, actor=w.agent, inputs=plan_inputs_for(
            _account(engine, w.account_id), discount_pct=discount)).id


def test_an_agent_cannot_approve_or_reject(engine, world):
    plan_id = _awaiting(engine, world)
    with db.write_session(engine) as s, pytest.raises(PermissionError):
        pp.approve_plan(s, actor=world.agent, plan_id=plan_id, note="fine")
    with db.write_session(engine) as s, pytest.raises(PermissionError):
        pp.reject_plan(s, actor=world.agent, plan_id=plan_id, note="no")
    assert _plan(engine, plan_id).status == "awaiting_approval"


def test_a_lead_approves_with_a_note_and_the_plan_can_start(engine, world):
    # Given a 20 % settlement awaiting approval
    plan_id = _awaiting(engine, world)
    # When the lead approves it with a note
    with db.write_session(engine) as s:
        pp.approve_plan(s, actor=world.lead, plan_id=plan_id, note="Hardship shown in I&E.")
    # Then it is proposed, with who approved and why, and it can start
    plan = _plan(engine, plan_id)
    assert (plan.status, plan.approved_by, plan.approval_note) == (
        "proposed", world.lead.id, "Hardship shown in I&E.")
    with db.write_session(engine) as s:
        pp.activate_plan(s, actor=world.agent, plan_id=plan_id, expected_version=plan.version,
                         today=TODAY)
    assert _plan(engine, plan_id).status == "active"


def test_a_lead_cannot_approve_above_their_own_limit_but_an_admin_can(engine, world):
    plan_id = _awaiting(engine, world, discount=40)
    with db.write_session(engine) as s, pytest.raises(PermissionError, match="admin"):
        pp.approve_plan(s, actor=world.lead, plan_id=plan_id)
    with db.write_session(engine) as s:
        pp.approve_plan(s, actor=world.admin, plan_id=plan_id)
    assert _plan(engine, plan_id).status == "proposed"


def test_a_rejection_needs_a_note_and_cancels_the_plan(engine, world):
    plan_id = _awaiting(engine, world)
    with db.write_session(engine) as s, pytest.raises(ValueError, match="Say why"):
        pp.reject_plan(s, actor=world.lead, plan_id=plan_id, note="  ")
    with db.write_session(engine) as s:
        pp.reject_plan(s, actor=world.lead, plan_id=plan_id, note="Too generous for now.")
    plan = _plan(engine, plan_id)
    assert (plan.status, plan.approval_note) == ("cancelled", "Too generous for now.")


def test_a_plan_awaiting_approval_cannot_start(engine, world):
    plan_id = _awaiting(engine, world)
    with db.write_session(engine) as s, pytest.raises(ValueError, match="approval"):
        pp.activate_plan(s, actor=world.agent, plan_id=plan_id, expected_version=1, today=TODAY)
    assert _instalments(engine, plan_id) == []


# ---------------------------------------------------------------- activation


def test_activating_stores_instalments_sets_the_account_and_adds_a_review(engine, world):
    # Given £600 at £50 a month from 1 March 2027
    plan_id = _activate(engine, world)
    # Then twelve instalments add up to the total, 1 March to 1 February
    rows = _instalments(engine, plan_id)
    assert len(rows) == 12 and sum(r[2] for r in rows) == 60_000
    assert (rows[0][1], rows[-1][1]) == (MARCH_1, date(2028, 2, 1))
    assert {r[4] for r in rows} == {"due"}
    # And the account is on an arrangement
    assert _account(engine, world.account_id).status == "arrangement"
    # And the debtor's owner has a plan review two days before the first instalment
    [review] = _followups(engine, "review_plan")
    assert (review.owner_id, review.due_on, review.plan_id) == (
        world.agent.id, date(2027, 2, 27), plan_id)


def test_a_second_active_plan_on_the_account_is_refused(engine, world):
    _activate(engine, world)
    with db.write_session(engine) as s:
        other = pp.save_plan(s, actor=world.agent, inputs=plan_inputs_for(
            _account(engine, world.account_id), count=3))
    with pytest.raises(ValueError, match="already has an active plan"):
        with db.write_session(engine) as s:
            pp.activate_plan(s, actor=world.agent, plan_id=other.id,
                             expected_version=other.version, today=TODAY)
    assert _plan(engine, other.id).status == "draft"
    assert _instalments(engine, other.id) == []


def test_a_plan_cannot_start_while_the_account_is_on_hold(engine, world):
    # Given a proposed plan on an account put on hold (e.g. breathing space)
    with db.write_session(engine) as s:
        plan = pp.save_plan(s, actor=world.agent, inputs=plan_inputs_for(
            s.get(Account, world.account_id)), status="proposed")
        make_hold(s, s.get(Account, world.account_id), "breathing_space", starts_on=TODAY,
                  ends_on=TODAY + timedelta(days=30))  # the status is derived from it
    # When it is started, then it is refused plainly and nothing is stored
    with pytest.raises(ValueError, match="on hold"):
        with db.write_session(engine) as s:
            pp.activate_plan(s, actor=world.agent, plan_id=plan.id,
                             expected_version=plan.version, today=TODAY)
    assert _plan(engine, plan.id).status == "proposed"
    assert _instalments(engine, plan.id) == []


def test_cancelling_an_active_plan_reopens_the_account_and_closes_its_review(engine, world):
    plan_id = _activate(engine, world)
    version = _plan(engine, plan_id).version
    with db.write_session(engine) as s:
        pp.cancel_plan(s, actor=world.agent, plan_id=plan_id, expected_version=version,
                       note="Debtor asked to stop.")
    assert _plan(engine, plan_id).status == "cancelled"
    assert _account(engine, world.account_id).status == "open"
    assert [f.status for f in _followups(engine, "review_plan")] == ["cancelled"]


def test_two_people_editing_one_plan_the_second_is_told_to_reload(engine, world):
    # Given an active plan that two agents have open at the same version
    plan_id = _activate(engine, world)
    seen = _plan(engine, plan_id).version
    # When the first reschedules it
    with db.write_session(engine) as s:
        pp.reschedule_plan(s, actor=world.agent, plan_id=plan_id, expected_version=seen,
                           today=date(2027, 2, 10))
    after_first = _instalments(engine, plan_id)
    # And the second, in another session, cancels it from what they saw
    with pytest.raises(db.StaleRecordError, match="changed by someone else — reload"):
        with db.write_session(engine) as s:
            pp.cancel_plan(s, actor=world.lead, plan_id=plan_id, expected_version=seen,
                           note="Stop it")
    # Then the first change stands and nothing of the second was stored
    plan = _plan(engine, plan_id)
    assert (plan.status, plan.version, plan.approval_note) == ("active", seen + 1, "")
    assert _instalments(engine, plan_id) == after_first
    assert _account(engine, world.account_id).status == "arrangement"


def test_activating_with_a_stale_version_gets_the_reload_message(engine, world):
    # Given a proposed plan that a lead approved note-free in between (version moved on)
    plan_id = _awaiting(engine, world)
    with db.write_session(engine) as s:
        pp.approve_plan(s, actor=world.lead, plan_id=plan_id)
    # When the agent starts it with the version they read before the approval
    with pytest.raises(db.StaleRecordError, match="changed by someone else — reload"):
        with db.write_session(engine) as s:
            pp.activate_plan(s, actor=world.agent, plan_id=plan_id, expected_version=1,
                             today=TODAY)
    # Then nothing was overwritten or stored
    plan = _plan(engine, plan_id)
    assert (plan.status, plan.version) == ("proposed", 2)
    assert _instalments(engine, plan_id) == []
    assert _account(engine, world.account_id).status == "open"


# ---------------------------------------------------------------- payments


def test_a_payment_pays_the_oldest_first_partial_stays_partial_extra_carries(engine, world):
    plan_id = _activate(engine, world)
    # When £30 then £100 arrive
    _pay(engine, world, 3_000, date(2027, 3, 1))
    assert _instalments(engine, plan_id)[0][3:] == (3_000, "part_paid")
    _pay(engine, world, 10_000, date(2027, 3, 2))
    # Then the first is finished, the second paid, the rest carries into the third
    rows = _instalments(engine, plan_id)
    assert [r[3:] for r in rows[:4]] == [(5_000, "paid"), (5_000, "paid"),
                                         (3_000, "part_paid"), (0, "due")]
    # And the account's balance fell by both payments
    assert _account(engine, world.account_id).balance_cents == 60_000 - 13_000
    with db.read_session(engine) as s:
        assert {p.plan_id for p in s.exec(select(Payment)).all()} == {plan_id}


def test_paying_everything_completes_the_plan_and_writes_off_the_discount(engine, world):
    # Given a 10 % settlement: £540 to pay of £600
    plan_id = _activate(engine, world, discount_pct=10, count=3)
    # When £540 is paid
    _pay(engine, world, 54_000, date(2027, 3, 1))
    # Then the plan is completed and the account is paid with nothing left
    assert _plan(engine, plan_id).status == "completed"
    account = _account(engine, world.account_id)
    assert (account.status, account.balance_cents) == ("paid", 0)
    assert {r[4] for r in _instalments(engine, plan_id)} == {"paid"}
    assert [f.status for f in _followups(engine, "review_plan")] == ["done"]


@pytest.mark.parametrize("amount,on,message", [
    (0, date(2027, 3, 1), "more than zero"),
    (-500, date(2027, 3, 1), "more than zero"),
    (5_000, date(2027, 3, 2), "cannot be in the future"),
    (60_001, date(2027, 3, 1), "more than the"),
])
def test_a_bad_payment_is_refused_and_nothing_is_saved(engine, world, amount, on, message):
    plan_id = _activate(engine, world)
    with pytest.raises(ValueError, match=message):
        with db.write_session(engine) as s:
            pp.record_payment(s, actor=world.agent, account_id=world.account_id,
                              amount_cents=amount, received_on=on, method="card",
                              today=date(2027, 3, 1))
    assert _count(engine, Payment) == 0
    assert _account(engine, world.account_id).balance_cents == 60_000
    assert {r[3] for r in _instalments(engine, plan_id)} == {0}


def test_a_payment_with_no_plan_just_lowers_the_balance(engine, world):
    _pay(engine, world, 60_000, date(2027, 3, 1))
    account = _account(engine, world.account_id)
    assert (account.balance_cents, account.status) == (0, "paid")


# ---------------------------------------------------------------- the sweep


def test_an_instalment_is_missed_only_after_the_grace_days(engine, world):
    plan_id = _activate(engine, world)
    # Given grace of 3 days: on 4 March the 1 March instalment is still in time
    with db.write_session(engine) as s:
        assert pp.sweep_missed(s, today=date(2027, 3, 4)).missed == 0
    assert _instalments(engine, plan_id)[0][4] == "due"
    # When the sweep runs on 5 March
    with db.write_session(engine) as s:
        result = pp.sweep_missed(s, today=date(2027, 3, 5))
    # Then it is missed and the owner has a follow-up to chase it, due today
    assert (result.missed, result.plans_broken) == (1, 0)
    assert _instalments(engine, plan_id)[0][4] == "missed"
    [chase] = _followups(engine, "missed_instalment")
    assert (chase.owner_id, chase.due_on, chase.priority) == (world.agent.id, date(2027, 3, 5), 1)
    assert "£50.00 due 01 Mar 2027" in chase.note
    # And a second sweep changes nothing
    with db.write_session(engine) as s:
        assert pp.sweep_missed(s, today=date(2027, 3, 5)) == pp.SweepResult()
    assert len(_followups(engine, "missed_instalment")) == 1
    assert _plan(engine, plan_id).status == "active"


def test_grace_days_come_from_settings_or_the_argument(engine, world):
    plan_id = _activate(engine, world)
    with db.write_session(engine) as s:
        settings.set_value(s, actor=world.admin, key="grace_days", value="7")
    with db.write_session(engine) as s:
        assert pp.sweep_missed(s, today=date(2027, 3, 8)).missed == 0
    with db.write_session(engine) as s:
        assert pp.sweep_missed(s, today=date(2027, 3, 8), grace_days=2).missed == 1
    assert _instalments(engine, plan_id)[0][4] == "missed"


def test_a_part_paid_instalment_is_missed_too_and_a_paid_one_is_not(engine, world):
    plan_id = _activate(engine, world)
    _pay(engine, world, 2_000, date(2027, 3, 1))
    with db.write_session(engine) as s:
        pp.sweep_missed(s, today=date(2027, 3, 10))
    assert _instalments(engine, plan_id)[0][3:] == (2_000, "missed")
    # When the rest arrives late, the instalment is paid after all
    _pay(engine, world, 3_000, date(2027, 3, 10))
    assert _instalments(engine, plan_id)[0][3:] == (5_000, "paid")


def test_two_missed_instalments_break_the_plan(engine, world):
    plan_id = _activate(engine, world)
    # Given March and April unpaid, swept after April's grace
    with db.write_session(engine) as s:
        pp.sweep_missed(s, today=date(2027, 3, 10))
    with db.write_session(engine) as s:
        result = pp.sweep_missed(s, today=date(2027, 4, 10))
    # Then the plan is broken and the account is open again
    assert (result.missed, result.plans_broken) == (1, 1)
    assert _plan(engine, plan_id).status == "broken"
    assert _account(engine, world.account_id).status == "open"
    notes = [f.note for f in _followups(engine, "missed_instalment")]
    assert len(notes) == 2 and "broken" in notes[-1]
    # And a broken plan is no longer swept
    with db.write_session(engine) as s:
        assert pp.sweep_missed(s, today=date(2027, 6, 10)).missed == 0


# ---------------------------------------------------------------- reschedule


def test_reschedule_moves_the_missed_money_to_the_end(engine, world):
    # Given £50 a month, March paid £20 only and missed, April not yet due
    plan_id = _activate(engine, world)
    _pay(engine, world, 2_000, date(2027, 3, 2))
    with db.write_session(engine) as s:
        pp.sweep_missed(s, today=date(2027, 3, 10))
    version = _plan(engine, plan_id).version
    # When the agent reschedules on 20 March
    with db.write_session(engine) as s:
        pp.reschedule_plan(s, actor=world.agent, plan_id=plan_id, expected_version=version,
                           today=date(2027, 3, 20))
    rows = _instalments(engine, plan_id)
    # Then March keeps the £20 it received and is closed
    assert rows[0][2:] == (2_000, 2_000, "paid")
    # And the £580 left runs £50 a month from 1 April: eleven of £50, then the £30 remainder
    rest = rows[1:]
    assert [r[2] for r in rest] == [5_000] * 11 + [3_000]
    assert rest[0][1] == date(2027, 4, 1) and rest[-1][1] == date(2028, 3, 1)
    assert sum(r[2] for r in rows) == 60_000
    assert all(r[4] == "due" for r in rest)
    assert _plan(engine, plan_id).status == "active"


def test_reschedule_revives_a_broken_plan_and_refuses_a_stale_version(engine, world):
    plan_id = _activate(engine, world)
    with db.write_session(engine) as s:
        pp.sweep_missed(s, today=date(2027, 4, 10))  # March and April missed together
    plan = _plan(engine, plan_id)
    assert plan.status == "broken"
    with pytest.raises(db.StaleRecordError):
        with db.write_session(engine) as s:
            pp.reschedule_plan(s, actor=world.agent, plan_id=plan_id,
                               expected_version=plan.version - 1, today=date(2027, 4, 12))
    assert _plan(engine, plan_id).status == "broken"
    with db.write_session(engine) as s:
        pp.reschedule_plan(s, actor=world.agent, plan_id=plan_id,
                           expected_version=plan.version, today=date(2027, 4, 12))
    rows = _instalments(engine, plan_id)
    assert _plan(engine, plan_id).status == "active"
    assert _account(engine, world.account_id).status == "arrangement"
    assert len(rows) == 12 and rows[0][1] == date(2027, 5, 1)
    assert "missed" not in {r[4] for r in rows}


# ---------------------------------------------------------------- promises to pay


def _promise(engine: Engine, w: World, amount: int, due: date) -> int:
    with db.write_session(engine) as s:
        return make_promise(s, s.get(Account, w.account_id), amount, due,
                            created_by=w.agent.id).id


def _promise_status(engine: Engine, promise_id: int) -> str:
    with db.read_session(engine) as s:
        return s.get(PromiseToPay, promise_id).status


def test_a_promise_is_kept_when_payments_by_its_date_reach_the_amount(engine, world):
    promise_id = _promise(engine, world, 10_000, date(2027, 3, 15))
    _pay(engine, world, 4_000, date(2027, 3, 10))
    assert _promise_status(engine, promise_id) == "open"
    _pay(engine, world, 6_000, date(2027, 3, 15))
    assert _promise_status(engine, promise_id) == "kept"


def test_a_promise_past_its_date_and_grace_with_too_little_paid_is_broken(engine, world):
    # Given a £100 promise by 15 March and grace of 3 days (the instalments' setting)
    promise_id = _promise(engine, world, 10_000, date(2027, 3, 15))
    _pay(engine, world, 4_000, date(2027, 3, 10))
    # When the rules run on the last day of grace, nothing is decided yet
    with db.write_session(engine) as s:
        assert pp.sweep_missed(s, today=date(2027, 3, 18)).promises_broken == 0
    # Then the day after, it is broken and its owner has a "not kept" follow-up
    with db.write_session(engine) as s:
        result = pp.sweep_missed(s, today=date(2027, 3, 19))
    assert (result.promises_broken, result.promises_kept) == (1, 0)
    assert _promise_status(engine, promise_id) == "broken"
    [check] = _followups(engine, "promise_check")
    assert check.owner_id == world.agent.id and "£40.00 received" in check.note
    assert check.promise_id == promise_id
    # And the rest arriving four days late (past the grace) does not keep it
    _pay(engine, world, 6_000, date(2027, 3, 19), today=date(2027, 3, 20))
    assert _promise_status(engine, promise_id) == "broken"


def test_a_payment_inside_the_grace_days_keeps_a_promise(engine, world):
    promise_id = _promise(engine, world, 10_000, date(2027, 3, 15))
    _pay(engine, world, 10_000, date(2027, 3, 18))  # three days late: still in grace
    assert _promise_status(engine, promise_id) == "kept"


def test_one_payment_keeps_only_one_of_two_promises(engine, world):
    # Given two £50 promises by the same day
    first = _promise(engine, world, 5_000, date(2027, 3, 15))
    second = _promise(engine, world, 5_000, date(2027, 3, 15))
    # When one £50 payment arrives
    _pay(engine, world, 5_000, date(2027, 3, 10))
    # Then only the first promise is kept: money is never counted twice
    assert [_promise_status(engine, first), _promise_status(engine, second)] == ["kept", "open"]
    with db.write_session(engine) as s:
        result = pp.sweep_missed(s, today=date(2027, 3, 20))
    assert (result.promises_kept, result.promises_broken) == (0, 1)
    assert _promise_status(engine, second) == "broken"


def test_a_payment_recorded_late_but_received_in_time_keeps_a_broken_promise(engine, world):
    # Given a promise broken by the daily rules, with its "not kept" follow-up open
    promise_id = _promise(engine, world, 10_000, date(2027, 3, 15))
    with db.write_session(engine) as s:
        pp.sweep_missed(s, today=date(2027, 3, 20))
    assert _promise_status(engine, promise_id) == "broken"
    [chase] = _followups(engine, "promise_check")
    assert chase.status == "open"
    # When a payment received on 14 March is recorded on the 20th
    _pay(engine, world, 10_000, date(2027, 3, 14), today=date(2027, 3, 20))
    # Then the promise is kept, the follow-up is closed with a note, and both steps audited
    assert _promise_status(engine, promise_id) == "kept"
    [chase] = _followups(engine, "promise_check")
    assert chase.status == "done" and "kept after all" in chase.note
    with db.read_session(engine) as s:
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.index("promise.broken") < actions.index("promise.kept")
    assert "followup.close_for_promise" in actions


# ---------------------------------------------------------------- income and expenditure


def test_income_and_expenditure_is_saved_dated_and_the_latest_is_read(engine, world):
    with db.write_session(engine) as s:
        pp.save_income_expenditure(s, actor=world.agent, debtor_id=world.debtor_id,
                                   items={"earnings": 150_000}, recorded_on=date(2027, 1, 5),
                                   today=TODAY)
        pp.save_income_expenditure(
            s, actor=world.agent, debtor_id=world.debtor_id,
            items={"earnings": 180_000, "benefits": 20_000, "housing": 90_000,
                   "food_housekeeping": 40_000, "personal": 5_000},
            recorded_on=date(2027, 1, 20), today=TODAY)
    with db.read_session(engine) as s:
        latest = pp.latest_income_expenditure(s, debtor_id=world.debtor_id)
    assert latest.recorded_on == date(2027, 1, 20)
    assert (latest.income_cents, latest.expenses_cents, latest.disposable_cents) == (
        200_000, 135_000, 65_000)
    assert latest.items["housing"] == 90_000 and latest.items["water"] == 0


@pytest.mark.parametrize("items,message", [
    ({"housing": -1}, "Housing cannot be negative"),
    ({"lottery": 100}, "not an income or spending category"),
    ({"earnings": 10.5}, "whole number"),
])
def test_bad_income_and_expenditure_is_refused(engine, world, items, message):
    with pytest.raises(ValueError, match=message):
        with db.write_session(engine) as s:
            pp.save_income_expenditure(s, actor=world.agent, debtor_id=world.debtor_id,
                                       items=items, recorded_on=TODAY, today=TODAY)
    assert _count(engine, IncomeExpenditure) == 0


def test_income_and_expenditure_items_are_stored_as_json(engine, world):
    with db.write_session(engine) as s:
        row = pp.save_income_expenditure(s, actor=world.agent, debtor_id=world.debtor_id,
                                         items={"water": 3_000}, recorded_on=TODAY, today=TODAY)
    assert json.loads(row.items_json)["water"] == 3_000


# ---------------------------------------------------------------- reading


def test_plan_detail_and_the_account_list_show_what_is_paid_and_missed(engine, world):
    plan_id = _activate(engine, world)
    _pay(engine, world, 7_000, date(2027, 3, 1))
    with db.write_session(engine) as s:
        pp.sweep_missed(s, today=date(2027, 4, 5))  # April has £30 of £50: missed
        draft = pp.save_plan(s, actor=world.agent, inputs=plan_inputs_for(
            s.get(Account, world.account_id), count=2))
    with db.read_session(engine) as s:
        detail = pp.plan_detail(s, plan_id=plan_id)
        listed = pp.plans_for_account(s, account_id=world.account_id)
        draft_detail = pp.plan_detail(s, plan_id=draft.id)
    assert (detail.paid_cents, detail.missed, detail.left_to_pay_cents) == (7_000, 1, 53_000)
    assert detail.summary.startswith("You'll pay £50 every month for 12 months")
    assert [(p.plan_id, p.paid_cents, p.missed) for p in listed] == [
        (draft.id, 0, 0), (plan_id, 7_000, 1)]
    # A draft's instalments are the planned ones (built from its balance at saving)
    assert [i.amount_cents for i in draft_detail.instalments] == [26_500, 26_500]
    assert draft_detail.schedule.payable_cents == 53_000


def test_the_approval_queue_lists_plans_awaiting_approval(engine, world):
    plan_id = _awaiting(engine, world)
    with db.read_session(engine) as s:
        queue = pp.plans_awaiting_approval(s)
    assert [(p.plan_id, p.debtor_name, p.discount_pct) for p in queue] == [
        (plan_id, "Ann Example", "20")]


def test_search_finds_accounts_by_debtor_name_or_reference(engine, world):
    with db.write_session(engine) as s:
        other = make_debtor(s, world.agent, name="Bob Other")
        make_account(s, other, 1_000, reference="XYZ-1")
    with db.read_session(engine) as s:
        by_name = pp.search_accounts(s, query="ann ex")
        by_ref = pp.search_accounts(s, query="xyz")
        everyone = pp.search_accounts(s)
    assert [a.debtor_name for a in by_name] == ["Ann Example"]
    assert [a.reference for a in by_ref] == ["XYZ-1"]
    assert len(everyone) == 2


def test_the_approval_queue_shows_the_oldest_few_and_counts_them_all(engine, world):
    # Given three settlements awaiting approval, saved one after the other
    first, second, third = (_awaiting(engine, world, discount=d) for d in (20, 25, 30))
    # When the lead's queue is read with room for two
    with db.read_session(engine) as s:
        shown = approvals.queue(s, actor=world.lead, today=TODAY, limit=2)
        waiting = approvals.queue_size(s)
    # Then the two oldest are shown, with their context, and all three are counted
    assert [i.plan.plan_id for i in shown] == [first, second]
    assert waiting == 3 and third not in {i.plan.plan_id for i in shown}
    assert all(i.refusal is None for i in shown)  # a lead may approve 20 % and 25 %


@pytest.mark.parametrize("text", ["an", "ref-1", "o", "z", "AN", "1"])
@pytest.mark.parametrize("limit", [1, 3, 50])
def test_search_is_exactly_name_or_reference_in_list_order(engine, world, text, limit):
    # Given debtors whose names and references match a text in different ways, some paid
    rng = random.Random(7)
    with db.write_session(engine) as s:
        for i in range(12):
            debtor = make_debtor(s, world.agent, name=rng.choice(
                ["Anna Bee", "Bo Nan", "Cy Dee", "Dan Ox", "Eve Zed", "Oona Ray"]))
            account = make_account(s, debtor, 1_000 + i, reference=f"REF-{i}{rng.choice('AZ')}")
            if i % 4 == 0:
                account.status = "paid"
                s.add(account)
    # When searching with a limit
    with db.read_session(engine) as s:
        everything = pp.search_accounts(s, query="", limit=200)  # the list's own order
        found = pp.search_accounts(s, query=text, limit=limit)
    # Then it is the first `limit` of the whole list that match by name or by reference
    wanted = text.lower()
    expected = [a.account_id for a in everything
                if wanted in a.debtor_name.lower() or wanted in a.reference.lower()][:limit]
    assert [a.account_id for a in found] == expected


def test_every_change_is_audited(engine, world):
    plan_id = _activate(engine, world)
    _pay(engine, world, 5_000, date(2027, 3, 1))
    with db.read_session(engine) as s:
        actions = set(s.exec(select(AuditEvent.action)).all())
    assert {"plan.create", "plan.activate", "payment.record", "followup.create"} <= actions
    assert plan_id


def test_a_plan_starting_tomorrow_gets_its_review_today_not_in_the_past(engine, world):
    with db.write_session(engine) as s:
        plan = make_active_plan(s, world.agent, s.get(Account, world.account_id),
                                today=date(2027, 2, 28))
    [review] = _followups(engine, "review_plan")
    assert review.due_on == date(2027, 2, 28)
    assert plan.start_on - timedelta(days=1) == review.due_on


# ---------------------------------------------------------------- downloads for the debtor


def test_the_schedule_csv_has_a_row_per_instalment_in_pounds():
    from core.payment_plans.export import schedule_csv
    from core.plans import build_schedule

    # Given £600 at £250 a month
    schedule = build_schedule(60_000, frequency="monthly", start=MARCH_1, instalment_cents=25_000)
    # When it is exported
    lines = schedule_csv(schedule).decode("utf-8").splitlines()
    # Then a header and one row per instalment, amounts as plain pounds and pence
    assert lines == [
        "Payment,Date,Amount,Interest,Left to pay after",
        "1,2027-03-01,250.00,0.00,350.00",
        "2,2027-04-01,250.00,0.00,100.00",
        "3,2027-05-01,100.00,0.00,0.00",
    ]


def test_the_summary_pdf_is_a_pdf_with_a_page_per_screenful_of_instalments():
    from core.payment_plans.export import summary_pdf
    from core.plans import build_schedule, plan_summary_text

    short = build_schedule(60_000, frequency="monthly", start=MARCH_1, count=12)
    long = build_schedule(5_200_000, frequency="weekly", start=MARCH_1, count=520)
    text = plan_summary_text(short, frequency="monthly")
    # When the summary is made for a debtor whose name is not plain ASCII
    pdf = summary_pdf(text, short, debtor_name="Zoë Łukasiewicz — Ltd")
    longer = summary_pdf(plan_summary_text(long, frequency="weekly"), long, debtor_name="A")
    # Then it is a PDF; a 520-instalment schedule runs over several pages
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert _pages(pdf) == 1
    assert _pages(longer) > 5


def _pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
