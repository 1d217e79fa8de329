"""The stand-up: last working day, office-day windows, results, load, blockers, trend, hints."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.followups import standup
from core.followups.standup import AgentDay, last_working_day, overload_hints, standup_report
from tests.factories import (
    at_utc,
    make_checkin_at,
    make_debtor,
    make_followup,
    make_office,
    make_payment_on_new_account,
    make_plan_on_new_account,
    make_resolved_promise,
)

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 7, 14)  # a Tuesday in British Summer Time
DAY = date(2026, 7, 13)  # Monday: 23:00 UTC on the 12th to 23:00 UTC on the 13th


@pytest.mark.parametrize("today,expected", [
    (date(2026, 11, 23), date(2026, 11, 20)),  # Monday -> Friday
    (date(2026, 11, 24), date(2026, 11, 23)),  # Tuesday -> Monday
    (date(2026, 11, 28), date(2026, 11, 27)),  # Saturday -> Friday
    (date(2026, 11, 29), date(2026, 11, 27)),  # Sunday -> Friday
])
def test_last_working_day(today, expected):
    assert last_working_day(today) == expected


@pytest.mark.parametrize("day,hours", [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25),
                                       (date(2026, 7, 13), 24)])
def test_an_office_day_is_the_time_between_local_midnights(day, hours):
    start, end = standup.day_window(day, LONDON)
    assert (end - start) == timedelta(hours=hours)
    assert start.astimezone(LONDON).hour == 0 and end.astimezone(LONDON).date() == day + \
        timedelta(days=1)


@pytest.fixture
def scene(session):
    """North: a lead, Ann, Bob, Cat; South: Dan. Results on Monday 13 July, load on the 14th."""
    o = make_office(session)
    ann_d = make_debtor(session, o.ann, name="Ann's debtor")
    bob_d = make_debtor(session, o.bob, name="Bob's debtor")
    cat_d = make_debtor(session, o.cat, name="Cat's debtor")
    dan_d = make_debtor(session, o.dan, name="Dan's debtor")
    # Check-ins: three of Ann's on Monday (one at 00:30 BST), one each for Bob and Dan ...
    make_checkin_at(session, ann_d, o.ann, at_utc(2026, 7, 12, 23, 30), outcome="spoke",
                    wellbeing=4)
    make_checkin_at(session, ann_d, o.ann, at_utc(2026, 7, 13, 9), outcome="no_answer")
    make_checkin_at(session, ann_d, o.ann, at_utc(2026, 7, 13, 15), outcome="left_message",
                 right_party=True, wellbeing=2)
    make_checkin_at(session, bob_d, o.bob, at_utc(2026, 7, 13, 10), outcome="spoke", wellbeing=3)
    make_checkin_at(session, dan_d, o.dan, at_utc(2026, 7, 13, 10), outcome="spoke", wellbeing=5)
    # ... and two just outside Monday: 23:50 BST on Sunday and 00:10 BST on Tuesday.
    make_checkin_at(session, ann_d, o.ann, at_utc(2026, 7, 12, 22, 50), outcome="spoke")
    make_checkin_at(session, ann_d, o.ann, at_utc(2026, 7, 13, 23, 10), outcome="spoke")
    # Plans: one of Ann's activated on Monday, one the Sunday before.
    make_plan_on_new_account(session, ann_d, payable_cents=120_000,
                             activated_at=at_utc(2026, 7, 13, 9))
    make_plan_on_new_account(session, ann_d, payable_cents=50_000,
                             activated_at=at_utc(2026, 7, 12, 12))
    # Payments received on Monday (Ann 50.00, Bob 70.00) and one on Sunday.
    make_payment_on_new_account(session, ann_d, 5_000, DAY)
    make_payment_on_new_account(session, bob_d, 7_000, DAY)
    make_payment_on_new_account(session, bob_d, 9_900, DAY - timedelta(days=1))
    # Promises: Ann's kept and Bob's broken on Monday, another broken the week before.
    make_resolved_promise(session, ann_d, status="kept", resolved_at=at_utc(2026, 7, 13, 8))
    make_resolved_promise(session, bob_d, status="broken", resolved_at=at_utc(2026, 7, 13, 20))
    make_resolved_promise(session, bob_d, status="broken", resolved_at=at_utc(2026, 7, 6, 20))
    # Load on Tuesday: Ann 1 due today and 12 overdue (10 by more than a week), Bob 2, Cat 3,
    # the lead 4, Dan 1; plus later and done ones that are not load.
    lead_d = make_debtor(session, o.lead)
    make_followup(session, ann_d, o.ann, TODAY)
    for i in range(12):
        make_followup(session, ann_d, o.ann, TODAY - timedelta(days=1 if i < 2 else 8 + i))
    for owner, debtor, n in ((o.bob, bob_d, 2), (o.cat, cat_d, 3), (o.lead, lead_d, 4),
                             (o.dan, dan_d, 1)):
        for _ in range(n):
            make_followup(session, debtor, owner, TODAY - timedelta(days=2))
    make_followup(session, bob_d, o.bob, TODAY + timedelta(days=1))
    make_followup(session, bob_d, o.bob, TODAY - timedelta(days=30), status="done")
    # Broken plans: Bob's broke on Monday, another in June.
    make_plan_on_new_account(session, bob_d, status="broken", ended_at=at_utc(2026, 7, 13, 6))
    make_plan_on_new_account(session, bob_d, status="broken", ended_at=at_utc(2026, 6, 1, 6))
    # Vulnerable debtors: Cat's last contacted 20 days ago, one never contacted, one recently.
    quiet = make_debtor(session, o.cat, name="Quiet", vulnerable=True)
    make_checkin_at(session, quiet, o.cat, at_utc(2026, 6, 24, 10))
    make_debtor(session, o.cat, name="Never", vulnerable=True)
    fine = make_debtor(session, o.ann, name="Fine", vulnerable=True)
    make_checkin_at(session, fine, o.ann, at_utc(2026, 7, 10, 10))
    make_debtor(session, o.dan, name="South quiet", vulnerable=True)
    session.commit()
    return o


def test_results_of_the_last_working_day_per_agent_and_team(session, scene):
    o = scene
    # When North's stand-up is read on Tuesday
    report = standup_report(session, today=TODAY, team_id=o.north.id, zone=LONDON)
    # Then it reports Monday, for North's active caseload owners only
    assert report.day == DAY
    by_id = {a.agent_id: a for a in report.agents}
    assert set(by_id) == {o.lead.id, o.ann.id, o.bob.id, o.cat.id}
    ann, bob = by_id[o.ann.id], by_id[o.bob.id]
    assert (ann.checkins, ann.conversations, ann.wellbeing_avg) == (3, 2, 3.0)
    assert (ann.plans_agreed, ann.plans_value_cents) == (1, 120_000)
    assert (ann.payments, ann.payments_cents, bob.payments, bob.payments_cents) == (1, 5_000,
                                                                                   1, 7_000)
    assert (ann.promises_kept, ann.promises_broken, bob.promises_broken) == (1, 0, 1)
    assert (ann.due_today, ann.overdue, ann.overdue_7plus, ann.load) == (1, 12, 10, 13)
    assert (bob.checkins, bob.conversations, bob.overdue) == (1, 1, 2)
    # And the team row adds them up, with the average wellbeing of all its check-ins
    (north,) = report.teams
    assert (north.checkins, north.conversations, north.payments_cents) == (4, 3, 12_000)
    assert north.wellbeing_avg == pytest.approx((4 + 2 + 3) / 3)
    assert (north.overdue, report.overdue_7plus_count) == (12 + 2 + 3 + 4, 10)


def test_all_teams_and_the_other_team(session, scene):
    everyone = standup_report(session, today=TODAY, zone=LONDON)
    south = standup_report(session, today=TODAY, team_id=scene.south.id, zone=LONDON)
    assert [t.name for t in everyone.teams] == ["North", "South"]
    assert (everyone.total.checkins, south.total.checkins) == (5, 1)
    assert south.total.wellbeing_avg == 5
    assert south.quiet_vulnerable_count == 1 and south.broken_plans_count == 0


def test_blockers(session, scene):
    report = standup_report(session, today=TODAY, team_id=scene.north.id, zone=LONDON)
    # Follow-ups more than a week overdue, oldest first
    assert len(report.overdue_7plus) == 10
    assert report.overdue_7plus[0].days_overdue == 19
    # Plans broken since Monday's start only
    assert report.broken_plans_count == 1
    assert report.broken_plans[0].debtor_name == "Bob's debtor"
    # Vulnerable debtors with no check-in in 14 days: never contacted first
    assert report.quiet_vulnerable_count == 2
    assert [q.debtor_name for q in report.quiet_vulnerable] == ["Never", "Quiet"]
    assert report.quiet_vulnerable[1].last_checkin_at == at_utc(2026, 6, 24, 10)


def test_fourteen_day_trend_uses_office_days(session, scene):
    report = standup_report(session, today=TODAY, team_id=scene.north.id, zone=LONDON)
    trend = {p.day: (p.checkins, p.conversations) for p in report.trend}
    assert len(report.trend) == 14 and report.trend[-1].day == DAY
    assert report.trend[0].day == DAY - timedelta(days=13)
    # Monday has North's four; Sunday has the 23:50 BST one; the Tuesday one is not shown
    assert trend[DAY] == (4, 3)
    assert trend[DAY - timedelta(days=1)] == (1, 1)
    assert trend[date(2026, 7, 10)] == (1, 0)
    assert sum(c for c, _ in trend.values()) == 6


def test_overload_hint_suggests_the_least_loaded_teammate(session, scene):
    report = standup_report(session, today=TODAY, team_id=scene.north.id, zone=LONDON)
    # North's overdue: lead 4, Ann 12, Bob 2, Cat 3 -> median 3.5, and 12 > 7
    (hint,) = report.hints
    assert (hint.agent_id, hint.overdue, hint.team_median) == (scene.ann.id, 12, 3.5)
    assert (hint.to_agent_id, hint.suggested_count) == (scene.bob.id, 5)
    assert "Consider moving 5" in hint.message


def _agent(agent_id: int, overdue: int, team: int = 1) -> AgentDay:
    return AgentDay(agent_id=agent_id, name=f"A{agent_id}", team_id=team, team_name="T",
                    overdue=overdue)


@pytest.mark.parametrize("overdue,hinted", [
    ([10, 5, 5], []),  # exactly twice the median: no hint
    ([11, 5, 5], [1]),  # more than twice
    ([4, 0, 0], []),  # too few to matter
    ([6, 0, 0], [1]),
    ([9], []),  # nobody to share with
])
def test_overload_hint_threshold(overdue, hinted):
    agents = [_agent(i + 1, n) for i, n in enumerate(overdue)]
    assert [h.agent_id for h in overload_hints(agents)] == hinted


def test_empty_team_gives_an_empty_report(session):
    o = make_office(session)
    session.commit()
    report = standup_report(session, today=TODAY, team_id=o.south.id, zone=LONDON)
    assert report.total.checkins == 0 and report.hints == []
    assert [p.checkins for p in report.trend] == [0] * 14
