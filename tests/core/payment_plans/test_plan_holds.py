"""A hold freezes plan interest and pauses the daily rules for the instalments it covers
(issue 13: "freezes plan interest and pauses the daily rules for those instalments"); the
app has no other charge than a plan's interest. SQLite and PostgreSQL (the `session` and
`engine` fixtures)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from core import daily
from core.checkins import holds
from core.checkins.holds import HoldInput
from core.payment_plans import freeze
from core.store import db
from core.store.models import AuditEvent, Debtor, PaymentPlan, PlanInstalment
from tests.factories import make_account, make_active_plan, make_debtor, make_hold, make_user

START = date(2027, 3, 1)  # £50 a month at 12 % a year from 1 March 2027
PLACED = datetime(2027, 4, 20, 10, tzinfo=UTC)  # a breathing space placed on 20 April


def _plan(session, *, rate="12"):
    agent = make_user(session, "agent")
    account = make_account(session, make_debtor(session, agent), 60_000)
    plan = make_active_plan(session, agent, account, start_on=START, today=date(2027, 2, 20),
                            annual_rate_pct=rate)
    return agent, account, plan


def _rows(session, plan_id):
    return session.exec(select(PlanInstalment).where(PlanInstalment.plan_id == plan_id)
                        .order_by(PlanInstalment.seq)).all()


def test_a_breathing_space_freezes_the_interest_of_the_instalments_under_it(session):
    # Given a plan with interest, and the interest of its May and June instalments
    agent, account, plan = _plan(session)
    before = {r.seq: (r.amount_cents, r.interest_cents) for r in _rows(session, plan.id)}
    assert before[3][1] > 0 and before[4][1] > 0
    payable, interest = plan.payable_cents, plan.interest_cents
    # When a breathing space is placed from 20 April to 18 June
    holds.place_hold(session, actor=agent, now=PLACED, data=HoldInput(
        account_id=account.id, kind="breathing_space", ends_on=date(2027, 6, 18)))
    # Then May's and June's instalments carry no interest and are lower by exactly that
    after = {r.seq: (r.amount_cents, r.interest_cents) for r in _rows(session, plan.id)}
    frozen = before[3][1] + before[4][1]
    assert after[3] == (before[3][0] - before[3][1], 0)
    assert after[4] == (before[4][0] - before[4][1], 0)
    # And every other instalment is as it was
    assert {k: v for k, v in after.items() if k not in (3, 4)} == \
        {k: v for k, v in before.items() if k not in (3, 4)}
    # And the plan's interest and total fall by the same, still the sum of its instalments
    session.refresh(plan)
    assert (plan.interest_cents, plan.payable_cents) == (interest - frozen, payable - frozen)
    assert sum(a for a, _ in after.values()) == plan.payable_cents
    # And the trail says so, once
    [event] = session.exec(select(AuditEvent).where(
        AuditEvent.action == "plan.interest_frozen")).all()
    assert event.entity_id == plan.id and f'"interest_frozen_cents": {frozen}' in event.after_json
    # And running the rule again changes nothing
    assert freeze.freeze_interest(session, today=PLACED.date()) == 0


def test_a_dispute_on_another_account_freezes_nothing_but_a_breathing_space_does(session):
    # Given a plan on one account and a dispute on the person's other account
    agent, account, plan = _plan(session)
    other = make_account(session, session.get(Debtor, account.debtor_id), 10_000)
    make_hold(session, other, "dispute", starts_on=date(2027, 3, 15))
    # When the daily freeze runs in May
    # Then a dispute is about that account alone: nothing on the plan is frozen
    assert freeze.freeze_interest(session, today=date(2027, 5, 10)) == 0
    # But a breathing space on the other account is about the person
    make_hold(session, other, "breathing_space", starts_on=date(2027, 4, 25),
              ends_on=date(2027, 5, 20))
    assert freeze.freeze_interest(session, today=date(2027, 5, 10)) == 1  # 1 May
    assert [r.interest_cents for r in _rows(session, plan.id)][2] == 0


def test_a_crisis_breathing_space_freezes_each_instalment_as_its_day_comes(session):
    # Given a crisis breathing space from 20 April, reviewed on 15 May, still in force later
    _, account, plan = _plan(session)
    make_hold(session, account, "crisis_breathing_space", starts_on=date(2027, 4, 20),
              review_on=date(2027, 5, 15))
    # When the rules run on 20 April, May's instalment (before the review) is frozen
    assert freeze.freeze_interest(session, today=date(2027, 4, 20)) == 1
    # And on 1 June, past the review with the hold still in force, June's is too
    assert freeze.freeze_interest(session, today=date(2027, 6, 1)) == 1
    assert [r.interest_cents == 0 for r in _rows(session, plan.id)][:5] == \
        [False, False, True, True, False]


def test_instalments_under_a_hold_are_never_marked_missed_but_later_ones_are(engine):
    # Given a £50-a-month plan from 1 March, nothing paid, and a breathing space from
    # 20 March to 18 May (April's and May's instalments fall under it)
    with db.write_session(engine) as s:
        _, account, plan = _plan(s, rate="0")
        plan_id = plan.id
        make_hold(s, account, "breathing_space", starts_on=date(2027, 3, 20),
                  ends_on=date(2027, 5, 18))
    # When the daily rules run on 25 May, after the hold
    report = daily.run(engine, today=date(2027, 5, 25))
    # Then only March's instalment (due before the hold) is missed; the plan stands
    assert (report.counts["missed"], report.counts["plans_broken"]) == (1, 0)
    # And when June's is not paid either, the rules run on 10 June as usual
    report = daily.run(engine, today=date(2027, 6, 10))
    assert (report.counts["missed"], report.counts["plans_broken"]) == (1, 1)
    with db.read_session(engine) as s:
        status = {r.seq: r.status for r in _rows(s, plan_id)}
        assert [status[n] for n in (1, 2, 3, 4)] == ["missed", "due", "due", "missed"]
        assert s.get(PaymentPlan, plan_id).status == "broken"


def test_the_daily_rules_freeze_interest_under_a_hold_placed_outside_the_app(engine):
    # Given a plan with interest and a dispute on its account from 15 April, no end
    with db.write_session(engine) as s:
        _, account, plan = _plan(s)
        plan_id = plan.id
        make_hold(s, account, "dispute", starts_on=date(2027, 4, 15))
    # When the daily rules run on 2 May
    report = daily.run(engine, today=date(2027, 5, 2))
    # Then May's instalment carries no interest, April's (before the hold) still does
    assert report.counts["interest_frozen"] == 1
    with db.read_session(engine) as s:
        interest = [r.interest_cents for r in _rows(s, plan_id)]
    assert interest[1] > 0 and interest[2] == 0
    assert daily.run(engine, today=date(2027, 5, 3)).counts["interest_frozen"] == 0


def test_after_a_hold_is_released_early_later_instalments_are_not_frozen(session):
    # Given a crisis breathing space a lead released on 10 May
    _, account, plan = _plan(session)
    hold = make_hold(session, account, "crisis_breathing_space", starts_on=date(2027, 4, 20),
                     review_on=date(2027, 7, 15))
    hold.released_at = datetime(2027, 5, 10, 9, tzinfo=UTC)
    # Then it covered May's instalment but none after the release
    assert freeze.covers(hold, date(2027, 5, 1), today=date(2027, 6, 2))
    assert not freeze.covers(hold, date(2027, 6, 1), today=date(2027, 6, 2))
    assert freeze.freeze_interest(session, today=date(2027, 6, 2)) == 0
    assert all(r.interest_cents > 0 for r in _rows(session, plan.id)[:4])
