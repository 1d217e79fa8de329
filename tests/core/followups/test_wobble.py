"""Wobble watch: each signal on its own, the 30-day limit, and the stand-up's list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from core.followups import standup, wobble
from core.followups.wobble import PlanFacts, signals
from core.store.models import FollowUp, Payment, PlanInstalment
from tests.factories import (
    at_utc,
    make_checkin_at,
    make_debtor,
    make_office,
    make_plan_on_new_account,
)

TODAY = date(2026, 7, 14)
STARTED = at_utc(2026, 3, 1, 10)


def _facts(**fields) -> PlanFacts:
    return PlanFacts(plan_id=1, activated_at=STARTED, **fields)


def _kinds(facts: PlanFacts) -> list[str]:
    return [s.kind for s in signals(facts)]


def test_a_steady_plan_is_not_wobbling():
    assert _kinds(_facts(last_wellbeing=4, last_wellbeing_at=at_utc(2026, 7, 1),
                         usual_wellbeing=4.0, lateness_days=(0, 1, 0, 1))) == []


@pytest.mark.parametrize("wellbeing,usual,kinds", [
    (2, None, ["low_wellbeing"]),
    (1, 4.0, ["low_wellbeing"]),  # low says it already; not "falling" as well
    (3, 5.0, ["falling_wellbeing"]),
    (3, 4.5, []),  # fell by 1.5: not yet
    (4, 5.0, []),
])
def test_wellbeing_low_or_falling_by_two(wellbeing, usual, kinds):
    facts = _facts(last_wellbeing=wellbeing, last_wellbeing_at=at_utc(2026, 7, 1),
                   usual_wellbeing=usual)
    assert _kinds(facts) == kinds


def test_wellbeing_from_before_the_plan_does_not_count():
    facts = _facts(last_wellbeing=1, last_wellbeing_at=STARTED - timedelta(days=3))
    assert _kinds(facts) == []


def test_a_part_paid_instalment():
    assert _kinds(_facts(part_paid=True)) == ["part_paid"]


@pytest.mark.parametrize("lateness,wobbles", [
    ((0, 0, 2, 5), True),
    ((0, 3, 2, 5), False),  # the one before was later
    ((0, 0, 0, 4), False),  # only the last one
    ((2, 5), False),  # too few to compare
    ((-2, -1, 1, 1), True),
])
def test_the_last_two_payments_later_than_before(lateness, wobbles):
    assert (_kinds(_facts(lateness_days=lateness)) == ["paying_later"]) is wobbles


def test_a_new_life_change():
    found = signals(_facts(life_change_on=date(2026, 7, 10)))
    assert [s.kind for s in found] == ["life_change"]
    assert "10 Jul" in found[0].text


# ---------------------------------------------------------------- from the database


@pytest.fixture
def wobbling(session):
    """Ann's active plan: an instalment part-paid, and wellbeing 2 at a check-in last week."""
    o = make_office(session)
    debtor = make_debtor(session, o.ann, name="Wobbly")
    plan = make_plan_on_new_account(session, debtor, activated_at=STARTED)
    session.add(PlanInstalment(plan_id=plan.id, seq=1, due_on=date(2026, 4, 1),
                               amount_cents=10_000, paid_cents=4_000, status="part_paid"))
    make_checkin_at(session, debtor, o.ann, at_utc(2026, 7, 7, 10), wellbeing=2, outcome="spoke")
    steady = make_debtor(session, o.bob, name="Steady")
    make_plan_on_new_account(session, steady, activated_at=STARTED)
    make_checkin_at(session, steady, o.bob, at_utc(2026, 7, 7, 10), wellbeing=4, outcome="spoke")
    session.commit()
    o.plan, o.debtor = plan, debtor
    return o


def _wobble_followups(session) -> list[FollowUp]:
    session.expire_all()
    return list(session.exec(select(FollowUp).where(FollowUp.reason == "wobble_check")).all())


def test_one_supportive_follow_up_per_plan_in_thirty_days(session, wobbling):
    # When the daily rule runs
    assert wobble.create_wobble_followups(session, today=TODAY) == 1
    session.commit()
    (made,) = _wobble_followups(session)
    # Then Ann has one supportive check-in about that plan, due the next working day
    assert (made.plan_id, made.owner_id, made.due_on) == (wobbling.plan.id, wobbling.ann.id,
                                                          date(2026, 7, 15))
    assert "part-paid" in made.note and "Wellbeing 2 of 5" in made.note
    assert "income and spending" in made.note
    # When it runs again the next day and 29 days later, Then nothing new
    for later in (TODAY + timedelta(days=1), TODAY + timedelta(days=29)):
        assert wobble.create_wobble_followups(session, today=later) == 0
    # And after 30 days, if it still wobbles, one more
    made.created_at = datetime.combine(TODAY, datetime.min.time(), UTC)
    session.commit()
    assert wobble.create_wobble_followups(session, today=TODAY + timedelta(days=30)) == 1


def test_paying_later_is_read_from_payments(session):
    # Given three paid instalments: on time, on time, then 3 and 6 days late
    o = make_office(session)
    debtor = make_debtor(session, o.ann)
    plan = make_plan_on_new_account(session, debtor, activated_at=STARTED)
    for seq, late in enumerate((0, 0, 3, 6), start=1):
        due = date(2026, 3, 1) + timedelta(days=30 * seq)
        session.add(PlanInstalment(plan_id=plan.id, seq=seq, due_on=due, amount_cents=5_000,
                                   paid_cents=5_000, status="paid"))
        session.add(Payment(account_id=plan.account_id, plan_id=plan.id, amount_cents=5_000,
                            received_on=due + timedelta(days=late)))
    session.commit()
    _, facts = wobble.gather(session, today=TODAY)
    assert facts[plan.id].lateness_days == (0, 0, 3, 6)
    assert [s.kind for s in signals(facts[plan.id])] == ["paying_later"]


def test_the_stand_up_lists_wobbling_plans_not_under_blockers(session, wobbling):
    wobble.create_wobble_followups(session, today=TODAY)
    session.commit()
    report = standup.standup_report(session, today=TODAY, team_id=wobbling.north.id)
    assert report.wobbling_count == 1
    (row,) = standup.wobbling_records(report.wobbling)
    assert row["Debtor"] == "Wobbly" and "part-paid" in row["Signs"]
    assert "Supportive" not in row["Signs"]
    assert report.wobble_outcome.contacted + report.wobble_outcome.not_contacted == 0


def test_the_daily_rules_create_them(session, wobbling):
    from core import daily

    counts = daily.apply_rules(session, today=TODAY)
    assert counts["wobble_followups"] == 1


def test_no_wobble_follow_up_during_a_hold(session, wobbling):
    from core.store.models import Hold

    session.add(Hold(account_id=wobbling.plan.account_id, kind="breathing_space",
                     starts_on=TODAY - timedelta(days=2), ends_on=TODAY + timedelta(days=40)))
    session.commit()
    assert wobble.create_wobble_followups(session, today=TODAY) == 0
