"""Payment plans page in AppTest: the preview before starting a plan, settlement offer expiry,
and reversing a payment (a lead or admin, with a reason and a plain confirmation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.payment_plans import service as pp
from core.store import db
from core.store.models import Account, AuditEvent, Payment, PaymentPlan
from tests.conftest import open_app
from tests.factories import make_account, make_debtor, make_payment, make_user
from tests.pages.test_pages_plans import chooser

PAGE = "pages/plans.py"


@pytest.fixture
def world(app_url, app_session):
    """An agent and a lead; the agent's debtor owes £600; the office's today."""
    agent, lead = make_user(app_session, "agent"), make_user(app_session, "lead")
    account = make_account(app_session, make_debtor(app_session, agent, name="Ann Example"),
                           60_000, reference="ACC-ANN")
    app_session.commit()
    with db.read_session(db.make_engine(app_url)) as s:
        today = pp.office_today(s)
    return {"agent": agent, "lead": lead, "account": account, "today": today}


def _save(app_url, w, *, start_on, saved_on=None, discount=0, expires=None) -> int:
    with db.write_session(db.make_engine(app_url)) as s:
        return pp.save_plan(s, actor=w["agent"], status="proposed", today=saved_on or w["today"],
                            offer_expires_on=expires, inputs=pp.PlanInputs(
                                account_id=w["account"].id, frequency="monthly",
                                start_on=start_on, count=6, discount_pct=discount)).id


def _plan(app_url, plan_id) -> PaymentPlan:
    with db.read_session(db.make_engine(app_url)) as s:
        return s.get(PaymentPlan, plan_id)


def _texts(at) -> str:
    return " ".join(x.value for x in [*at.caption, *at.warning, *at.markdown])


def test_a_proposed_plan_shows_what_starting_today_stores_before_it_starts(app_url, world):
    # Given a proposed £600 plan of six monthly payments from next week
    plan_id = _save(app_url, world, start_on=world["today"] + timedelta(days=7))
    # When the agent opens it
    at = open_app(PAGE, user=world["agent"], plans_account_id=world["account"].id)
    # Then the panel says what starting it today would store, on today's balance
    assert "Starting it today: 6 payments from" in _texts(at)
    assert "£600.00 in all, on today's balance of £600.00." in _texts(at)
    # And its tables show money with the pound sign, never a bare 600.0
    plans = next(d.value for d in at.dataframe if "Total payable" in d.value.columns)
    assert list(plans["Total payable"]) == ["£600.00"] and list(plans["Discount"]) == ["0%"]
    rows = next(d.value for d in at.dataframe if {"Payment", "Paid"} <= set(d.value.columns))
    assert set(rows["Amount"]) == {"£100.00"} and set(rows["Paid"]) == {"£0.00"}
    # And starting it stores that plan
    at.button(key=f"plans_plan_activate_{plan_id}").click().run()
    assert not at.exception
    assert _plan(app_url, plan_id).status == "active"


def test_a_plan_whose_first_payment_date_has_passed_offers_no_start(app_url, world):
    # Given a plan proposed a month ago for payments from five days ago
    today = world["today"]
    plan_id = _save(app_url, world, start_on=today - timedelta(days=5),
                    saved_on=today - timedelta(days=30))
    # When the agent opens it
    at = open_app(PAGE, user=world["agent"], plans_account_id=world["account"].id)
    # Then one sentence says why it cannot start, and there is no Start button
    assert any("first payment date" in w.value and "has passed" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key == f"plans_plan_activate_{plan_id}"]
    assert [b.key for b in at.button if b.key == f"plans_plan_cancel_{plan_id}"]
    assert not at.exception


def test_an_expired_offer_says_so_and_offers_no_start(app_url, world):
    # Given a 5 % settlement whose offer stood until yesterday
    today = world["today"]
    plan_id = _save(app_url, world, start_on=today + timedelta(days=3), discount=5,
                    saved_on=today - timedelta(days=10), expires=today - timedelta(days=1))
    at = open_app(PAGE, user=world["agent"], plans_account_id=world["account"].id)
    # Then the panel says it expired and cannot start
    assert any("This settlement offer expired on" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key == f"plans_plan_activate_{plan_id}"]


def test_a_settlement_saved_with_an_offer_date_shows_it(app_url, world):
    # Given the agent shaping a 5 % settlement (within their 10 %)
    account = world["account"]
    at = open_app(PAGE, user=world["agent"], plans_account_id=account.id)
    at.slider(key=f"plans_{account.id}_discount").set_value(5).run()
    # When they say the offer stands for two weeks and save it as proposed
    until = world["today"] + timedelta(days=14)
    at.date_input(key=f"plans_{account.id}_expires").set_value(until)
    at.button(key=f"plans_{account.id}_save_propose").click().run()
    assert not at.exception
    # Then the plan carries the date, and the panel shows it in words
    with db.read_session(db.make_engine(app_url)) as s:
        [plan] = s.exec(select(PaymentPlan)).all()
    assert plan.offer_expires_on == until
    assert f"The settlement offer stands until {until.day} {until:%b %Y}." in _texts(at)


def test_a_lead_cannot_approve_an_expired_offer_and_is_told_why(app_url, world):
    # Given a 20 % settlement waiting for approval, its offer stood until yesterday
    today = world["today"]
    plan_id = _save(app_url, world, start_on=today + timedelta(days=3), discount=20,
                    saved_on=today - timedelta(days=10), expires=today - timedelta(days=1))
    # When the lead opens it in the queue
    at = open_app(PAGE, user=world["lead"])
    chooser(at).set_value(plan_id).run()
    # Then Approve is off, and one sentence says to reject it instead
    assert at.button(key=f"plans_queue_approve_{plan_id}").disabled
    assert any("expired on" in w.value and "reject it" in w.value for w in at.warning)


def _paid(app_url, world, amount=5_000) -> int:
    with db.write_session(db.make_engine(app_url)) as s:
        return pp.record_payment(s, actor=world["agent"], account_id=world["account"].id,
                                 amount_cents=amount, received_on=world["today"]).id


def test_an_agent_cannot_reverse_a_payment(app_url, world):
    _paid(app_url, world)
    at = open_app(PAGE, user=world["agent"], plans_account_id=world["account"].id)
    assert not [e for e in at.expander if e.label.startswith("Reverse a payment")]


def test_a_lead_reverses_a_payment_with_a_reason_after_confirming(app_url, world):
    # Given a £50 payment on the £600 account
    payment_id = _paid(app_url, world)
    pay = f"plans_pay_{world['account'].id}"
    at = open_app(PAGE, user=world["lead"], plans_account_id=world["account"].id)
    at.selectbox(key=f"{pay}_reverse_pick").set_value(payment_id).run()
    at.text_input(key=f"{pay}_reverse_reason_{payment_id}").input("The direct debit bounced")
    # When the lead presses Reverse without ticking the confirmation
    at.button(key=f"{pay}_reverse_go_{payment_id}").click().run()
    # Then they are asked to confirm, and nothing changed
    assert [w.value for w in at.warning] == [
        "Tick the box to confirm that this payment is taken back."]
    engine = db.make_engine(app_url)
    with db.read_session(engine) as s:
        assert s.get(Payment, payment_id).reversed_at is None
    # When they tick it and press again
    at.checkbox(key=f"{pay}_reverse_sure_{payment_id}").check()
    at.button(key=f"{pay}_reverse_go_{payment_id}").click().run()
    # Then the payment is reversed, the balance is back to £600, and it is audited
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Payment of £50.00 reversed: what it paid is owed again."]
    with db.read_session(engine) as s:
        assert s.get(Payment, payment_id).reversed_at is not None
        assert s.get(Account, world["account"].id).balance_cents == 60_000
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "payment.reverse")).one()
    # And the chooser is empty again, with nothing left to reverse
    assert not [b for b in at.selectbox if b.label == "Payment to reverse"]
    engine.dispose()


def test_a_reversal_without_a_reason_is_refused_in_one_sentence(app_url, world):
    payment_id = _paid(app_url, world)
    pay = f"plans_pay_{world['account'].id}"
    at = open_app(PAGE, user=world["lead"], plans_account_id=world["account"].id)
    at.selectbox(key=f"{pay}_reverse_pick").set_value(payment_id).run()
    at.checkbox(key=f"{pay}_reverse_sure_{payment_id}").check()
    at.button(key=f"{pay}_reverse_go_{payment_id}").click().run()
    assert [e.value for e in at.error] == [
        "Say why the payment is reversed (for example, the direct debit bounced)."]
    with db.read_session(db.make_engine(app_url)) as s:
        assert s.get(Payment, payment_id).reversed_at is None


def test_a_payment_loaded_without_its_record_is_not_offered_for_reversal(app_url, app_session,
                                                                         world):
    # Given an imported payment (no record of what it paid) and one recorded in the app
    old = make_payment(app_session, world["account"], 2_000, world["today"])
    app_session.commit()
    new = _paid(app_url, world)
    at = open_app(PAGE, user=world["lead"], plans_account_id=world["account"].id)
    # Then only the recorded one can be chosen, and a sentence says why the other is not
    [box] = [b for b in at.selectbox if b.label == "Payment to reverse"]
    assert len(box.options) == 1 and box.options[0].startswith("£50.00 received on")
    assert any("1 older payment(s) were loaded without a record" in c.value for c in at.caption)
    assert old.id != new


def test_a_forty_percent_settlement_is_said_to_need_an_admin_not_a_lead(app_url, world):
    # Given an agent shaping a 40 % settlement (above a lead's 30 % as well as their own 10 %)
    account = world["account"]
    at = open_app(PAGE, user=world["agent"], plans_account_id=account.id)
    at.slider(key=f"plans_{account.id}_discount").set_value(40).run()
    # Then the save form says an admin must approve it, and asks the reason for the admin
    assert any("An admin must approve this settlement" in c.value for c in at.caption)
    reason = at.text_area(key=f"plans_{account.id}_reason")
    assert reason.label == "Why is this settlement fair? (for an admin)"
    # When they save it with a reason
    reason.input("Terminal illness; family can pay the rest now.")
    at.button(key=f"plans_{account.id}_save_propose").click().run()
    # Then they are told it waits for an admin, and the panel says so too
    assert "waiting for an admin's approval" in at.success[0].value
    assert any(c.value == "Waiting for an admin's approval of the discount." for c in at.caption)
