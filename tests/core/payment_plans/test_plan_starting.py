"""Before a plan starts: a first payment date gone by or an expired settlement offer never
starts, and the preview shows what starting today would store. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from core.errors import UserError
from core.lifecycle import offer_expired, start_refusal
from core.payment_plans import approvals
from core.payment_plans import service as pp
from core.payment_plans.starting import preview_start
from core.store import db
from core.store.models import Account, FollowUp, PaymentPlan, PlanInstalment
from tests.factories import make_account, make_debtor, make_user, plan_inputs_for

SAVED_ON = date(2027, 2, 1)
START = date(2027, 3, 1)


def _world(engine: Engine, **plan) -> dict:
    """An agent's £600 account with a plan saved on 1 Feb 2027 (£50 a month from 1 March)."""
    expires = plan.pop("expires", None)
    with db.write_session(engine) as s:
        agent, lead = make_user(s, "agent"), make_user(s, "lead")
        account = make_account(s, make_debtor(s, agent), 60_000)
        saved = pp.save_plan(s, actor=agent, status="proposed", today=SAVED_ON,
                             inputs=plan_inputs_for(account, start_on=START, **plan),
                             offer_expires_on=expires)
        return {"agent": agent, "lead": lead, "account_id": account.id, "plan_id": saved.id,
                "version": saved.version}


def _plan(engine: Engine, plan_id: int) -> PaymentPlan:
    with db.read_session(engine) as s:
        return s.get(PaymentPlan, plan_id)


def _instalments(engine: Engine) -> int:
    with db.read_session(engine) as s:
        return s.exec(select(func.count()).select_from(PlanInstalment)).one()


def test_the_rule_names_an_expired_offer_before_a_start_date_gone_by():
    # Given an offer that stood until 10 March and a first payment on 1 March
    # When it is 11 March, Then the expired offer is the reason given
    why = start_refusal(start_on=START, offer_expires_on=date(2027, 3, 10),
                        today=date(2027, 3, 11))
    assert why == ("This settlement offer expired on 10 March 2027; agree a new one with the "
                   "debtor.")
    # On its last day the offer still stands; the passed start date is then the reason
    assert not offer_expired(date(2027, 3, 10), date(2027, 3, 10))
    assert "first payment date, 1 March 2027, has passed" in start_refusal(
        start_on=START, offer_expires_on=date(2027, 3, 10), today=date(2027, 3, 10))
    assert start_refusal(start_on=START, offer_expires_on=None, today=START) is None


def test_a_first_payment_date_in_2020_is_refused_when_saving(engine):
    with db.write_session(engine) as s:
        agent = make_user(s, "agent")
        account = make_account(s, make_debtor(s, agent), 60_000)
        account_id = account.id
    # When a plan starting in 2020 is saved today
    with pytest.raises(UserError, match="cannot be in the past"), \
            db.write_session(engine) as s:
        pp.save_plan(s, actor=agent, today=SAVED_ON, inputs=plan_inputs_for(
            s.get(Account, account_id), start_on=date(2020, 1, 6)))
    # Then nothing is saved
    with db.read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(PaymentPlan)).one() == 0


def test_a_proposed_plan_whose_first_date_has_passed_does_not_start(engine):
    # Given a plan proposed on 1 Feb for payments from 1 March
    w = _world(engine)
    late = date(2027, 3, 20)
    # When someone opens it on 20 March
    with db.read_session(engine) as s:
        preview = preview_start(s, plan_id=w["plan_id"], today=late)
    # Then the preview says why it cannot start
    assert preview.refusal.startswith("This plan's first payment date, 1 March 2027, has passed")
    # And starting it anyway is refused: no instalment starts out missed
    with pytest.raises(UserError, match="has passed"), db.write_session(engine) as s:
        pp.activate_plan(s, actor=w["agent"], plan_id=w["plan_id"],
                         expected_version=w["version"], today=late)
    assert _plan(engine, w["plan_id"]).status == "proposed"
    assert _instalments(engine) == 0


def test_the_preview_shows_what_starting_today_stores_on_todays_balance(engine):
    # Given the proposed plan (£600 at £50 a month) and a £100 payment since it was saved
    w = _world(engine)
    with db.read_session(engine) as s:
        before = preview_start(s, plan_id=w["plan_id"], today=SAVED_ON)
    assert before.refusal is None and not before.payable_changed
    assert (before.schedule.count, before.schedule.payable_cents) == (12, 60_000)
    with db.write_session(engine) as s:
        pp.record_payment(s, actor=w["agent"], account_id=w["account_id"], amount_cents=10_000,
                          received_on=SAVED_ON, today=SAVED_ON)
    # When it is previewed again
    with db.read_session(engine) as s:
        after = preview_start(s, plan_id=w["plan_id"], today=SAVED_ON)
    # Then it shows the schedule on the £500 left, and says the figures changed
    assert (after.balance_cents, after.schedule.count, after.schedule.payable_cents) == (
        50_000, 10, 50_000)
    assert after.payable_changed
    # And starting it stores exactly that schedule
    with db.write_session(engine) as s:
        plan = pp.activate_plan(s, actor=w["agent"], plan_id=w["plan_id"],
                                expected_version=w["version"], today=SAVED_ON)
        assert plan.payable_cents == after.schedule.payable_cents
    assert _instalments(engine) == after.schedule.count


def test_an_expired_settlement_offer_cannot_start_or_be_approved_but_can_be_rejected(engine):
    # Given a 20 % settlement (above the agent's 10 %) whose offer stood until 10 Feb
    w = _world(engine, discount_pct=20, expires=date(2027, 2, 10))
    assert _plan(engine, w["plan_id"]).status == "awaiting_approval"
    today = date(2027, 2, 11)
    # When the lead approves it on 11 Feb
    with pytest.raises(UserError, match="expired on 10 February 2027, so it cannot be approved"), \
            db.write_session(engine) as s:
        approvals.decide(s, actor=w["lead"], plan_id=w["plan_id"], approve=True, today=today)
    # Then nothing changed, and the preview says so plainly
    assert _plan(engine, w["plan_id"]).status == "awaiting_approval"
    with db.read_session(engine) as s:
        preview = preview_start(s, plan_id=w["plan_id"], today=today)
    assert preview.expired and "expired on 10 February 2027" in preview.refusal
    # And rejecting it with a note works
    with db.write_session(engine) as s:
        approvals.decide(s, actor=w["lead"], plan_id=w["plan_id"], approve=False,
                         note="The offer has expired.", today=today)
    assert _plan(engine, w["plan_id"]).status == "cancelled"


def test_an_expired_offer_already_approved_cannot_start(engine):
    # Given a 5 % settlement within the agent's authority, its offer standing until 10 Feb
    w = _world(engine, discount_pct=5, expires=date(2027, 2, 10))
    # When the agent starts it on 11 Feb
    with pytest.raises(UserError, match="expired on 10 February 2027"), \
            db.write_session(engine) as s:
        pp.activate_plan(s, actor=w["agent"], plan_id=w["plan_id"],
                         expected_version=w["version"], today=date(2027, 2, 11))
    # Then it is still proposed, with no instalments
    assert _plan(engine, w["plan_id"]).status == "proposed"
    assert _instalments(engine) == 0


def test_approving_a_save_and_start_whose_date_has_passed_approves_without_starting(engine):
    # Given a 20 % settlement the agent asked to start when approved, from 1 March
    w = _world(engine)
    with db.write_session(engine) as s:
        inputs = plan_inputs_for(s.get(Account, w["account_id"]), start_on=START,
                                 discount_pct=20)
        plan = approvals.save(s, actor=w["agent"], start=True, inputs=inputs,
                              reason="Redundancy; family help.", today=SAVED_ON)
        plan_id = plan.id
    # When the lead approves it on 5 March, after its first payment date
    with db.write_session(engine) as s:
        done = approvals.decide(s, actor=w["lead"], plan_id=plan_id, approve=True,
                                today=date(2027, 3, 5))
        assert done.status == "proposed"
    # Then it is approved but not started, and the agent is told why on their My day
    with db.read_session(engine) as s:
        [told] = s.exec(select(FollowUp).where(FollowUp.plan_id == plan_id)).all()
    assert told.owner_id == w["agent"].id
    assert "It has not started: this plan's first payment date, 1 March 2027" in told.note
