"""Milestones: reached at a quarter, half, three quarters and the last instalment, offered once
by the daily rules, never under a hold or with a missed instalment open, sent or dismissed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import daily
from core.errors import UserError
from core.plain_language import TARGET_GRADE, plain_language_report
from core.relationship import queries as rq
from core.relationship import service
from core.relationship.models import Milestone
from core.store.models import Hold, utcnow
from core.vocabulary import MilestoneKind, MilestoneStatus
from tests.factories import (
    make_account,
    make_debtor,
    make_hold,
    make_office,
    make_plan,
    pay_instalments,
)

TODAY = date(2026, 9, 1)


@pytest.mark.parametrize("paid,payable,count,paid_count,kind", [
    (0, 240_000, 4, 0, None),
    (59_999, 240_000, 8, 1, None),
    (60_000, 240_000, 8, 2, MilestoneKind.QUARTER),
    (120_000, 240_000, 8, 4, MilestoneKind.HALF),
    (180_000, 240_000, 8, 6, MilestoneKind.THREE_QUARTERS),
    (210_000, 240_000, 8, 7, MilestoneKind.LAST_INSTALMENT),
    (120_000, 240_000, 2, 1, MilestoneKind.LAST_INSTALMENT),  # halfway is also the last one
    (100_000, 100_000, 1, 1, MilestoneKind.THREE_QUARTERS),  # one instalment: no "last"
])
def test_the_highest_milestone_reached(paid, payable, count, paid_count, kind):
    assert service.reached(paid_cents=paid, payable_cents=payable, instalments=count,
                           paid_instalments=paid_count) == kind


@pytest.fixture
def plan(session):
    """Ann's debtor Sam on an active plan of 8 instalments of £300 (£2,400), from 15 May."""
    o = make_office(session)
    o.debtor = make_debtor(session, o.ann, preferred_name="Sam")
    o.account = make_account(session, o.debtor, 240_000, status="arrangement")
    o.plan = make_plan(session, o.account, first_due=date(2026, 5, 15), count=8,
                       amount_cents=30_000)
    session.commit()
    return o


def _kinds(session, plan_id: int) -> list[str]:
    session.expire_all()
    return list(session.execute(select(Milestone.kind).where(Milestone.plan_id == plan_id)
                                .order_by(Milestone.id)).scalars())


def test_each_milestone_is_offered_once_as_the_plan_passes_it(session, plan):
    steps = [(1, []), (2, ["quarter"]), (3, ["quarter"]), (4, ["quarter", "half"]),
             (6, ["quarter", "half", "three_quarters"]),
             (7, ["quarter", "half", "three_quarters", "last_instalment"])]
    for paid, expected in steps:
        # When instalments are paid and the daily rules run (twice on a day: nothing doubles)
        pay_instalments(session, plan.plan, paid)
        service.offer_milestones(session, today=TODAY)
        service.offer_milestones(session, today=TODAY)
        session.commit()
        # Then each milestone passed is offered once
        assert _kinds(session, plan.plan.id) == expected, paid


def test_a_jump_past_several_offers_only_the_highest(session, plan):
    pay_instalments(session, plan.plan, 6)
    assert service.offer_milestones(session, today=TODAY) == 1
    pay_instalments(session, plan.plan, 6)
    assert service.offer_milestones(session, today=TODAY) == 0
    assert _kinds(session, plan.plan.id) == ["three_quarters"]


def test_no_milestone_while_a_hold_is_open_then_offered_when_it_ends(session, plan):
    # Given the plan is halfway but the account is in breathing space
    pay_instalments(session, plan.plan, 4)
    hold = make_hold(session, plan.account, "breathing_space", starts_on=TODAY)
    session.commit()
    # When the daily rules run: nothing
    assert service.offer_milestones(session, today=TODAY) == 0
    # When the hold is released: the milestone is offered
    hold.released_at = utcnow()
    session.add(hold)
    session.flush()
    assert service.offer_milestones(session, today=TODAY) == 1
    assert _kinds(session, plan.plan.id) == ["half"]


def test_no_milestone_while_a_missed_instalment_is_open(session, plan):
    pay_instalments(session, plan.plan, 4, missed=1)
    assert service.offer_milestones(session, today=TODAY) == 0
    pay_instalments(session, plan.plan, 5)  # the missed one is paid after all
    assert service.offer_milestones(session, today=TODAY) == 1


def test_the_daily_run_offers_them(engine, session, plan):
    pay_instalments(session, plan.plan, 4)
    session.commit()
    report = daily.run(engine, today=TODAY)
    assert report.counts["milestones"] == 1
    assert any("milestones offered" in line for line in report.lines())


def test_my_day_shows_a_short_encouraging_draft_then_mark_sent(session, plan):
    # Given Sam's plan is halfway
    pay_instalments(session, plan.plan, 4)
    service.offer_milestones(session, today=TODAY)
    session.commit()
    # Then Ann's My day has the milestone with a plain draft
    [shown] = rq.my_milestones(session, user_id=plan.ann.id, today=TODAY)
    assert shown.line == "You're halfway — £1,200 of £2,400 paid"
    assert shown.line in shown.draft
    assert shown.draft.startswith(f"Hi Sam, it's {plan.ann.display_name}.")
    assert shown.grade <= TARGET_GRADE and plain_language_report(shown.draft).ok
    assert rq.my_milestones(session, user_id=plan.bob.id, today=TODAY) == []
    # And Bob may not handle it; Ann marks it sent and it leaves her day
    with pytest.raises(PermissionError):
        service.mark_milestone(session, actor=plan.bob, milestone_id=shown.id,
                               expected_version=shown.version, sent=True)
    service.mark_milestone(session, actor=plan.ann, milestone_id=shown.id,
                           expected_version=shown.version, sent=True)
    session.commit()
    assert rq.my_milestones(session, user_id=plan.ann.id, today=TODAY) == []
    [profile] = rq.relationship(session, debtor_id=plan.debtor.id).milestones
    assert profile.status == MilestoneStatus.SENT and profile.status_label == "Sent"
    with pytest.raises(UserError, match="already sent"):
        service.mark_milestone(session, actor=plan.ann, milestone_id=shown.id,
                               expected_version=profile.version, sent=False)


def test_a_milestone_is_hidden_from_my_day_once_a_hold_or_a_miss_opens(session, plan):
    pay_instalments(session, plan.plan, 4)
    service.offer_milestones(session, today=TODAY)
    make_hold(session, plan.account, "dispute", starts_on=TODAY - timedelta(days=1))
    session.commit()
    assert rq.my_milestones(session, user_id=plan.ann.id, today=TODAY) == []
    session.execute(Hold.__table__.update().values(released_at=utcnow()))
    pay_instalments(session, plan.plan, 4, missed=1)
    session.commit()
    assert rq.my_milestones(session, user_id=plan.ann.id, today=TODAY) == []


def test_a_lead_may_dismiss_a_milestone_of_their_team(session, plan):
    pay_instalments(session, plan.plan, 2)
    service.offer_milestones(session, today=TODAY)
    [shown] = rq.my_milestones(session, user_id=plan.ann.id, today=TODAY)
    service.mark_milestone(session, actor=plan.lead, milestone_id=shown.id,
                           expected_version=shown.version, sent=False)
    session.commit()
    assert session.get(Milestone, shown.id).status == MilestoneStatus.DISMISSED
