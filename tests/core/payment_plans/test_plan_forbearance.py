"""Rescheduling with forbearance, settlement authority and expiry, affordability per debtor.

Runs on SQLite and PostgreSQL (the `engine` fixture). Dates are fixed; `today` is passed in.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from core.affordability import assess
from core.errors import UserError
from core.lifecycle import PlanAction, allowed_actions, refusal
from core.payment_plans import affordable, queries, service
from core.payment_plans.forbearance import Forbearance, preview_plan
from core.store import db, settings
from core.store.models import Account, AuditEvent, Debtor, PaymentPlan, PlanInstalment, User
from tests.factories import make_account, make_active_plan, make_debtor, make_user, plan_inputs_for


def _rows(engine: Engine, plan_id: int) -> list[tuple[int, date, int, int, str]]:
    with db.read_session(engine) as s:
        rows = s.exec(select(PlanInstalment).where(PlanInstalment.plan_id == plan_id)
                      .order_by(PlanInstalment.seq)).all()
        return [(r.seq, r.due_on, r.amount_cents, r.paid_cents, r.status) for r in rows]


def _plan(engine: Engine, plan_id: int) -> PaymentPlan:
    with db.read_session(engine) as s:
        return s.get(PaymentPlan, plan_id)


@pytest.fixture
def people(engine: Engine) -> dict:
    with db.write_session(engine) as s:
        agent, lead, admin = make_user(s, "agent"), make_user(s, "lead"), make_user(s, "admin")
        debtor = make_debtor(s, agent)
        account = make_account(s, debtor, 60_000)
        return {"agent": agent, "lead": lead, "admin": admin, "account_id": account.id,
                "debtor_id": debtor.id}


def _activate(engine: Engine, people: dict, **fields) -> int:
    with db.write_session(engine) as s:
        account = s.get(Account, people["account_id"])
        return make_active_plan(s, people["agent"], account, **fields).id


def _reschedule(engine, people, plan_id, today, forbearance=None):
    with db.write_session(engine) as s:
        service.reschedule_plan(s, actor=people["agent"], plan_id=plan_id,
                                expected_version=_plan(engine, plan_id).version, today=today,
                                forbearance=forbearance)


# ---------------------------------------------------------------- the lifecycle table


def test_the_lifecycle_table_gives_the_buttons_and_the_refusals():
    assert allowed_actions("draft") == (PlanAction.PROPOSE, PlanAction.ACTIVATE,
                                        PlanAction.CANCEL)
    assert allowed_actions("broken") == (PlanAction.RESCHEDULE,)
    assert allowed_actions("completed") == ()
    assert refusal("active", "activate") == ("Only a draft or proposed plan can be started; "
                                             "this plan is active.")
    assert "approval" in refusal("awaiting_approval", "activate")
    assert refusal("proposed", "activate") is None


def test_a_service_refuses_what_the_table_does_not_allow(engine, people):
    plan_id = _activate(engine, people)
    with pytest.raises(UserError, match="Only a draft can be proposed; this plan is active"):
        with db.write_session(engine) as s:
            service.propose_plan(s, actor=people["agent"], plan_id=plan_id,
                                 expected_version=_plan(engine, plan_id).version)


# ---------------------------------------------------------------- the agreed day


def test_a_plan_on_the_31st_rescheduled_after_february_stays_on_the_31st(engine, people):
    # Given £50 a month on the 31st from 31 January, January paid, February missed
    plan_id = _activate(engine, people, start_on=date(2027, 1, 31), today=date(2027, 1, 20))
    with db.write_session(engine) as s:
        service.record_payment(s, actor=people["agent"], account_id=people["account_id"],
                               amount_cents=5_000, received_on=date(2027, 1, 31),
                               today=date(2027, 1, 31))
    with db.write_session(engine) as s:
        service.sweep_missed(s, today=date(2027, 3, 5))
    # When it is rescheduled on 5 March
    _reschedule(engine, people, plan_id, date(2027, 3, 5))
    # Then the instalments fall on the last day of each month again, not on the 28th
    dues = [r[1] for r in _rows(engine, plan_id) if r[4] == "due"]
    assert dues[:4] == [date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31),
                        date(2027, 6, 30)]


# ---------------------------------------------------------------- forbearance


def _detail(engine, plan_id):
    with db.read_session(engine) as s:
        return queries.plan_detail(s, plan_id=plan_id)


def test_a_payment_holiday_is_previewed_then_saved_exactly_and_audited(engine, people):
    plan_id = _activate(engine, people, today=date(2027, 2, 1))  # £50 a month from 1 March
    today = date(2027, 2, 20)
    # Given a two-month payment holiday previewed with the sliders
    shown = preview_plan(_detail(engine, plan_id), Forbearance("holiday", periods=2),
                         today=today)
    assert shown.instalments[0].due == date(2027, 5, 1)
    assert sum(i.amount_cents for i in shown.instalments) == 60_000
    # When it is saved
    _reschedule(engine, people, plan_id, today, Forbearance("holiday", periods=2))
    # Then the stored instalments are exactly the preview, and the audit names the holiday
    saved = [(r[1], r[2]) for r in _rows(engine, plan_id)]
    assert saved == [(i.due, i.amount_cents) for i in shown.instalments]
    with db.read_session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "plan.reschedule")).one()
    assert "Payment holiday of 2 period(s)" in event.after_json


def test_token_payments_then_the_usual_instalment(engine, people):
    plan_id = _activate(engine, people, today=date(2027, 2, 1))
    _reschedule(engine, people, plan_id, date(2027, 2, 20),
                Forbearance("token", token_cents=1_000, periods=3))
    amounts = [r[2] for r in _rows(engine, plan_id)]
    # £10 for three months, then £50 until the £600 is paid (£570 = 11 × £50 + £20)
    assert amounts == [1_000] * 3 + [5_000] * 11 + [2_000]
    assert _rows(engine, plan_id)[3][1] == date(2027, 6, 1)


def test_a_lower_instalment_makes_a_longer_plan(engine, people):
    plan_id = _activate(engine, people, today=date(2027, 2, 1))
    _reschedule(engine, people, plan_id, date(2027, 2, 20),
                Forbearance("lower", instalment_cents=2_500))
    rows = _rows(engine, plan_id)
    assert len(rows) == 24 and {r[2] for r in rows} == {2_500}


@pytest.mark.parametrize(("forbearance", "message"), [
    (Forbearance("holiday", periods=4), "1, 2 or 3 payment periods"),
    (Forbearance("holiday", periods=0), "1, 2 or 3 payment periods"),
    (Forbearance("token", token_cents=0, periods=2), "more than zero"),
    (Forbearance("token", token_cents=-5, periods=2), "more than zero"),
    (Forbearance("token", token_cents=5_001, periods=2), "cannot be more than the usual"),
    (Forbearance("lower", instalment_cents=6_000), "less than the usual"),
    (Forbearance("sideways"), "Choose how to reschedule"),
])
def test_bad_forbearance_is_refused_and_nothing_changes(engine, people, forbearance, message):
    plan_id = _activate(engine, people, today=date(2027, 2, 1))
    before = (_rows(engine, plan_id), _plan(engine, plan_id).version)
    with pytest.raises(UserError, match=message):
        preview_plan(_detail(engine, plan_id), forbearance, today=date(2027, 2, 20))
    with pytest.raises(UserError, match=message):
        _reschedule(engine, people, plan_id, date(2027, 2, 20), forbearance)
    assert (_rows(engine, plan_id), _plan(engine, plan_id).version) == before


# ---------------------------------------------------------------- settlement authority


def _save(engine, actor: User, account_id: int, discount, instalment_cents: int = 5_000,
          **kw) -> PaymentPlan:
    with db.write_session(engine) as s:
        account = s.get(Account, account_id)
        return service.save_plan(s, actor=actor, inputs=plan_inputs_for(
            account, discount_pct=discount, instalment_cents=instalment_cents),
            status="proposed", today=date(2027, 2, 1), **kw)


def test_an_agent_forgiving_more_than_1000_pounds_needs_approval_whatever_the_percentage(
        engine, people):
    # Given a £200,000 debt
    with db.write_session(engine) as s:
        big = make_account(s, _debtor(s, people["debtor_id"]), 20_000_000)
    # When an agent saves a 10 % settlement (£20,000 forgiven): within 10 %, above £1,000
    plan = _save(engine, people["agent"], big.id, 10, instalment_cents=500_000)
    # Then it waits for approval
    assert plan.status == "awaiting_approval"
    # And a lead (30 % but at most £10,000) cannot approve it; an admin can
    with pytest.raises(PermissionError, match="an admin must approve"):
        with db.write_session(engine) as s:
            service.approve_plan(s, actor=people["lead"], plan_id=plan.id)
    with db.write_session(engine) as s:
        assert service.approve_plan(s, actor=people["admin"], plan_id=plan.id).status \
            == "proposed"
    # While a small settlement within both limits needs nobody
    assert _save(engine, people["agent"], people["account_id"], 10).status == "proposed"


def test_the_amount_limits_are_settings(engine, people):
    with db.write_session(engine) as s:
        settings.set_value(s, actor=people["admin"], key="forgive_limit_agent", value="50")
    # £600 at 10 % forgives £60: above a £50 limit
    assert _save(engine, people["agent"], people["account_id"], 10).status \
        == "awaiting_approval"
    with pytest.raises(UserError, match="whole number of pounds"):
        settings.validate("forgive_limit_agent", "ten")


def test_an_expired_settlement_offer_cannot_start(engine, people):
    plan = _save(engine, people["agent"], people["account_id"], 5,
                 offer_expires_on=date(2027, 2, 10))
    with pytest.raises(UserError, match="expired on 10 February 2027"):
        with db.write_session(engine) as s:
            service.activate_plan(s, actor=people["agent"], plan_id=plan.id,
                                  expected_version=plan.version, today=date(2027, 2, 11))
    assert _plan(engine, plan.id).status == "proposed"
    with db.write_session(engine) as s:
        service.activate_plan(s, actor=people["agent"], plan_id=plan.id,
                              expected_version=plan.version, today=date(2027, 2, 10))
    assert _plan(engine, plan.id).status == "active"


def test_an_offer_expiry_in_the_past_or_without_a_discount_is_refused(engine, people):
    with pytest.raises(UserError, match="cannot be in the past"):
        _save(engine, people["agent"], people["account_id"], 5,
              offer_expires_on=date(2027, 1, 31))
    with pytest.raises(UserError, match="Only a settlement"):
        _save(engine, people["agent"], people["account_id"], 0,
              offer_expires_on=date(2027, 3, 1))
    with db.read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(PaymentPlan)).one() == 0


# ---------------------------------------------------------------- affordability per debtor


def test_one_income_is_not_spent_twice(engine, people):
    # Given £200 a month disposable and a £150-a-month plan active on another account
    with db.write_session(engine) as s:
        debtor_id = people["debtor_id"]
        service.save_income_expenditure(s, actor=people["agent"], debtor_id=debtor_id,
                                        items={"earnings": 100_000, "housing": 80_000},
                                        recorded_on=date(2027, 1, 1), today=date(2027, 1, 2))
        other = make_account(s, _debtor(s, debtor_id), 90_000)
        make_active_plan(s, people["agent"], other, instalment_cents=15_000)
    # When a second £150 plan is judged for the first account
    with db.read_session(engine) as s:
        others = queries.other_commitments_cents(s, debtor_id=debtor_id,
                                                 exclude_account_id=people["account_id"])
        verdict = queries.plan_affordability(s, account_id=people["account_id"],
                                             instalment_cents=15_000, frequency="monthly")
    # Then the first plan's £150 counts, and the second is not affordable
    assert others == 15_000
    assert verdict == assess(100_000, 80_000, 15_000, "monthly", other_commitments_cents=15_000)
    assert not verdict.affordable and verdict.headroom_cents == -10_000
    # And the verdict saved with the plan says so
    plan = _save(engine, people["agent"], people["account_id"], 0, instalment_cents=15_000)
    with db.read_session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "plan.create",
                                                AuditEvent.entity_id == plan.id)).one()
    assert '"affordable": false' in event.after_json


def _debtor(s, debtor_id: int) -> Debtor:
    return s.get(Debtor, debtor_id)


def test_many_plans_judged_at_once_match_each_judged_alone(engine, people):
    # Given the debtor with £200 a month to spare and a £150 plan on a second account, a newer
    # statement replacing an older one, and another debtor with no statement at all
    with db.write_session(engine) as s:
        debtor_id = people["debtor_id"]
        for on, earnings in ((date(2026, 12, 1), 50_000), (date(2027, 1, 1), 100_000)):
            service.save_income_expenditure(s, actor=people["agent"], debtor_id=debtor_id,
                                            items={"earnings": earnings, "housing": 80_000},
                                            recorded_on=on, today=date(2027, 1, 2))
        second = make_account(s, _debtor(s, debtor_id), 90_000)
        running = make_active_plan(s, people["agent"], second, instalment_cents=15_000)
        running.instalment_cents = None  # a plan by number of instalments: its next one counts
        stranger = make_account(s, make_debtor(s, people["agent"], name="No statement"))
        second_id, stranger_id = second.id, stranger.id
    asks = [affordable.Ask(people["account_id"], 15_000, "monthly"),
            affordable.Ask(second_id, 5_000, "weekly"),
            affordable.Ask(stranger_id, 1_000, "monthly")]
    # When the approval queue judges all three at once
    with db.read_session(engine) as s:
        together = affordable.affordabilities(s, asks)
        alone = [queries.plan_affordability(s, account_id=a.account_id,
                                            instalment_cents=a.instalment_cents,
                                            frequency=a.frequency) for a in asks]
    # Then each verdict is the one it gets alone: the newest statement, the other account's
    # plan counted against the first (and its own plan not against itself), none without one
    assert together == alone
    assert together[0] == assess(100_000, 80_000, 15_000, "monthly",
                                 other_commitments_cents=15_000)
    assert together[1] == assess(100_000, 80_000, 5_000, "weekly")
    assert together[2] is None
