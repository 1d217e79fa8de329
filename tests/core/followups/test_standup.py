"""The stand-up: last working day, office-day windows, results, load, blockers, trend, hints."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import select

from core import workdays
from core.checkins import amendments
from core.followups import commitments, standup
from core.followups.standup import AgentDay, last_working_day, overload_hints, standup_report
from core.store.models import CheckIn
from tests.factories import (
    at_utc,
    make_account,
    make_adjustment,
    make_checkin_at,
    make_debtor,
    make_followup,
    make_hold,
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
    # Vulnerable debtors who still owe: Cat's last contacted 20 days ago, one never contacted,
    # one recently.
    quiet = make_debtor(session, o.cat, name="Quiet", vulnerable=True)
    make_account(session, quiet)
    make_checkin_at(session, quiet, o.cat, at_utc(2026, 6, 24, 10))
    make_account(session, make_debtor(session, o.cat, name="Never", vulnerable=True))
    fine = make_debtor(session, o.ann, name="Fine", vulnerable=True)
    make_account(session, fine)
    make_checkin_at(session, fine, o.ann, at_utc(2026, 7, 10, 10))
    make_account(session, make_debtor(session, o.dan, name="South quiet", vulnerable=True))
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
    # Fourteen working days (Monday to Friday by default), ending on Monday the 13th
    assert len(report.trend) == 14 and report.trend[-1].day == DAY
    assert report.trend[0].day == date(2026, 6, 24)
    assert all(p.day.weekday() < 5 for p in report.trend)
    # Monday has North's four; the 23:50 BST one fell on Sunday, a day off: not a point
    assert trend[DAY] == (4, 3)
    assert DAY - timedelta(days=1) not in trend
    assert trend[date(2026, 7, 10)] == (1, 0)
    # and Cat's check-in with "Quiet" on Wednesday 24 June is the first day's point
    assert trend[date(2026, 6, 24)] == (1, 0)
    assert sum(c for c, _ in trend.values()) == 6


def test_the_hourly_summary_counts_exactly_what_the_check_ins_say(session, scene):
    # Given the scene's check-ins and more on the hour's edges, with wellbeing and the right
    # person reached on a call with no other outcome
    o = scene
    more = make_debtor(session, o.ann, name="Edges")
    for at, fields in ((at_utc(2026, 7, 10, 9, 0), {"wellbeing": 2}),
                       (at_utc(2026, 7, 10, 9, 59, 59), {"right_party": True}),
                       (at_utc(2026, 7, 10, 10, 0), {"outcome": "spoke", "wellbeing": 5})):
        make_checkin_at(session, more, o.ann, at, **fields)
    session.commit()
    from core.followups import trend as trend_job
    from core.store.summaries import CheckinHour

    # Then the hours kept by the database hold every check-in once, as its own row says
    hours = {(r.hour, r.agent_id): r for r in session.exec(select(CheckinHour))}
    nine = hours[(at_utc(2026, 7, 10, 9), o.ann.id)]
    assert (nine.checkins, nine.conversations, nine.wellbeing_sum, nine.wellbeing_count) == (
        2, 1, 2, 1)
    assert sum(r.checkins for r in hours.values()) == session.exec(
        select(func.count()).select_from(CheckIn)).one()
    # And the trend read from them is the trend read from every check-in, for each team
    days = workdays.last_working_days(DAY, 14, workdays.MONDAY_TO_FRIDAY)
    windows = [standup.day_window(day, LONDON) for day in days]
    for team in (None, o.north.id, o.south.id):
        summary = session.execute(trend_job.hourly_trend_statement(windows, team)).all()
        raw = session.execute(trend_job.trend_statement(
            last_day=DAY, zone=LONDON, team_id=team,
            working=workdays.MONDAY_TO_FRIDAY)).all()
        assert [tuple(r) for r in summary] == [tuple(r) for r in raw]


def test_an_office_half_an_hour_off_utc_reads_the_check_ins_themselves(session, scene):
    # Given an office in India (UTC+5:30): its days do not start on a UTC hour
    kolkata = ZoneInfo("Asia/Kolkata")

    def points():
        report = standup_report(session, today=TODAY, team_id=scene.north.id, zone=kolkata)
        return {p.day: p.checkins for p in report.trend}

    before = points()
    # When two check-ins fall either side of its midnight (18:30 UTC), in one UTC hour
    more = make_debtor(session, scene.ann, name="Late")
    make_checkin_at(session, more, scene.ann, at_utc(2026, 7, 9, 18, 10))  # Thursday 23:40
    make_checkin_at(session, more, scene.ann, at_utc(2026, 7, 9, 18, 50))  # Friday 00:20
    session.commit()
    after = points()
    # Then each is counted on its own office day, not both on the hour's
    thursday, friday = date(2026, 7, 9), date(2026, 7, 10)
    assert (after[thursday], after[friday]) == (before[thursday] + 1, before[friday] + 1)


def test_a_team_that_works_weekends_sees_them_in_the_trend(session, scene):
    # Given the team works every day of the week
    from core.store import settings

    settings.set_system(session, "working_days", "Mon,Tue,Wed,Thu,Fri,Sat,Sun")
    session.commit()
    # When the stand-up is read on Monday the 13th, Then it reports Sunday the 12th, and its
    # 23:50 BST check-in is a point of the trend
    report = standup_report(session, today=date(2026, 7, 13), team_id=scene.north.id,
                            zone=LONDON)
    assert report.day == date(2026, 7, 12)
    assert report.trend[0].day == date(2026, 6, 29)
    assert {p.day: p.checkins for p in report.trend}[date(2026, 7, 12)] == 1


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


# ---------------------------------------------------------------- issue 10: who counts


def test_a_vulnerable_person_with_nothing_left_to_pay_is_not_quiet(session):
    # Given three vulnerable people in South nobody has contacted for weeks: one still owes,
    # one has paid everything, one has only a closed account
    o = make_office(session)
    owes = make_debtor(session, o.dan, name="Still owes", vulnerable=True)
    make_account(session, owes, 5_000)
    paid = make_debtor(session, o.dan, name="Paid up", vulnerable=True)
    make_account(session, paid, 0, status="paid")
    closed = make_debtor(session, o.dan, name="Closed", vulnerable=True)
    make_account(session, closed, 2_000, status="closed")
    session.commit()
    # When South's stand-up is read
    report = standup_report(session, today=TODAY, team_id=o.south.id, zone=LONDON)
    # Then only the one who still owes is "not contacted in 14 days"
    assert report.quiet_vulnerable_count == 1
    assert [q.debtor_name for q in report.quiet_vulnerable] == ["Still owes"]


def test_follow_ups_on_an_account_under_a_hold_are_not_overdue_load(session):
    # Given Dan has three overdue follow-ups: one about an account in breathing space, one
    # about an account whose hold ended last week, one about an account with a released hold
    # (two other people's: a breathing space covers every account of the person in it)
    from core.store.models import Debtor, Hold, utcnow

    o = make_office(session)
    debtor = make_debtor(session, o.dan, name="Held")
    held = make_account(session, debtor)
    ended, released = (make_account(session, make_debtor(session, o.dan)) for _ in range(2))
    session.add_all([
        Hold(account_id=held.id, kind="breathing_space", starts_on=TODAY - timedelta(days=5),
             ends_on=TODAY + timedelta(days=50)),
        Hold(account_id=ended.id, kind="dispute", starts_on=TODAY - timedelta(days=40),
             ends_on=TODAY - timedelta(days=7)),
        Hold(account_id=released.id, kind="dispute", starts_on=TODAY - timedelta(days=40),
             released_at=utcnow()),
    ])
    for account in (held, ended, released):
        make_followup(session, session.get(Debtor, account.debtor_id), o.dan,
                      TODAY - timedelta(days=9), account_id=account.id)
    session.commit()
    # When South's stand-up is read
    report = standup_report(session, today=TODAY, team_id=o.south.id, zone=LONDON)
    # Then the follow-up under the hold is not load, and not a blocker; the other two are
    dan = next(a for a in report.agents if a.agent_id == o.dan.id)
    assert (dan.overdue, dan.overdue_7plus, report.overdue_7plus_count) == (2, 2, 2)
    # And a follow-up about the held person's other account waits too
    other = make_account(session, debtor)
    make_followup(session, debtor, o.dan, TODAY - timedelta(days=9), account_id=other.id)
    session.commit()
    report = standup_report(session, today=TODAY, team_id=o.south.id, zone=LONDON)
    assert report.overdue_7plus_count == 2
    assert {r.account_id for r in report.overdue_7plus} == {ended.id, released.id}


def test_the_database_keeps_each_debtors_last_check_in(session):
    # Given a debtor with no check-in
    from core.store.models import Debtor

    o = make_office(session)
    debtor = make_debtor(session, o.ann, vulnerable=True)
    session.commit()
    assert session.get(Debtor, debtor.id).last_checkin_at is None
    # When a check-in is logged, then an older one is imported afterwards
    make_checkin_at(session, debtor, o.ann, at_utc(2026, 7, 10, 9))
    make_checkin_at(session, debtor, o.ann, at_utc(2026, 6, 1, 9))
    session.commit()
    session.expire_all()
    # Then the debtor's last check-in is the latest one, whoever wrote them
    assert session.get(Debtor, debtor.id).last_checkin_at == at_utc(2026, 7, 10, 9)


# ---------------------------------------------------------------- what we owe people


def test_holds_ending_in_the_next_seven_days_are_listed_for_the_team(session):
    # Given Ann's debtors: a breathing space ending in 3 days, a crisis breathing space up
    # for review in 7, a dispute with no end, and a breathing space ending in 8 days;
    # and Dan (the other team) has a hold ending tomorrow
    o = make_office(session)
    ends_soon = make_account(session, make_debtor(session, o.ann, name="Ends soon"))
    review = make_account(session, make_debtor(session, o.ann, name="Review"))
    no_end = make_account(session, make_debtor(session, o.ann, name="No end"))
    later = make_account(session, make_debtor(session, o.ann, name="Later"))
    south = make_account(session, make_debtor(session, o.dan, name="South"))
    start = TODAY - timedelta(days=20)
    make_hold(session, ends_soon, "breathing_space", starts_on=start,
              ends_on=TODAY + timedelta(days=3))
    make_hold(session, review, "crisis_breathing_space", starts_on=start,
              review_on=TODAY + timedelta(days=7))
    make_hold(session, no_end, "dispute", starts_on=start)
    make_hold(session, later, "breathing_space", starts_on=start,
              ends_on=TODAY + timedelta(days=8))
    make_hold(session, south, "dispute", starts_on=start, ends_on=TODAY + timedelta(days=1))
    session.commit()
    # When North's stand-up is read
    owed = standup_report(session, today=TODAY, team_id=o.north.id).commitments
    # Then the two within 7 days are listed, soonest first, with the person and the agent
    assert [(h.debtor_name, h.owner_name, h.ends_on, h.review_on) for h in owed.holds_ending] \
        == [("Ends soon", o.ann.display_name, TODAY + timedelta(days=3), None),
            ("Review", o.ann.display_name, None, TODAY + timedelta(days=7))]
    records = commitments.hold_records(owed.holds_ending)
    assert [r["What happens"] for r in records] == ["Ends", "Review (a lead renews it)"]
    # And everyone's stand-up has Dan's too
    assert len(standup_report(session, today=TODAY).commitments.holds_ending) == 3


def test_adjustments_past_their_review_date_are_listed(session):
    # Given an adjustment whose review was due yesterday, one due today, one ended, and one
    # of the other team's
    o = make_office(session)
    overdue = make_debtor(session, o.ann, name="Overdue")
    make_adjustment(session, overdue, "channel_only", channels="letter",
                    review_on=TODAY - timedelta(days=1))
    make_adjustment(session, make_debtor(session, o.ann, name="Today"), review_on=TODAY)
    make_adjustment(session, make_debtor(session, o.ann, name="Ended"),
                    review_on=TODAY - timedelta(days=30), ended_at=at_utc(2026, 7, 1, 9))
    make_adjustment(session, make_debtor(session, o.dan, name="South"),
                    review_on=TODAY - timedelta(days=3))
    session.commit()
    # When North's stand-up is read
    owed = standup_report(session, today=TODAY, team_id=o.north.id).commitments
    # Then only the one past its review is listed, in words
    assert commitments.review_records(owed.adjustments_to_review) == [{
        "Debtor": "Overdue", "Agent": o.ann.display_name, "What we agreed": "Only by letter",
        "Review was due": TODAY - timedelta(days=1)}]
    assert owed.adjustments_to_review_count == 1
    everyone = standup_report(session, today=TODAY).commitments
    assert (len(everyone.adjustments_to_review), everyone.adjustments_to_review_count) == (2, 2)


def test_the_stand_up_lists_the_oldest_lines_to_review_and_counts_them_all(session):
    # Given 23 people whose adjustment is past review, one of them with two windows
    o = make_office(session)
    people = [make_debtor(session, o.ann, name=f"Person {n:02}") for n in range(23)]
    for n, person in enumerate(people):
        make_adjustment(session, person, review_on=TODAY - timedelta(days=30 - n))
    make_adjustment(session, people[0], review_on=TODAY - timedelta(days=30))
    session.commit()
    # When the stand-up is read
    owed = standup_report(session, today=TODAY).commitments
    # Then all 23 lines are counted, the 20 longest past review are listed (both of the
    # first person's adjustments in one line), and the three most recent are left out
    assert owed.adjustments_to_review_count == 23
    lines = commitments.review_records(owed.adjustments_to_review)
    assert [r["Debtor"] for r in lines] == [f"Person {n:02}" for n in range(20)]
    assert len(owed.adjustments_to_review) == 21


def test_our_promises_kept_counts_call_backs_made_within_15_minutes(session):
    # Given three call-backs people asked for on Monday (results day), at 10:00, 14:00 and
    # 18:00 UTC, and one on Tuesday
    o = make_office(session)
    on_time, late, never = (make_debtor(session, o.ann, name=n) for n in ("On", "Late", "No"))
    asked = at_utc(2026, 7, 10, 12)
    for debtor, hour in ((on_time, 10), (late, 14), (never, 18)):
        make_followup(session, debtor, o.ann, DAY, due_at=at_utc(2026, 7, 13, hour),
                      call_consented_at=asked)
    make_followup(session, on_time, o.ann, TODAY, due_at=at_utc(2026, 7, 14, 10),
                  call_consented_at=asked)
    # And a call-back that was cancelled, and a plain follow-up with no consent
    make_followup(session, never, o.ann, DAY, due_at=at_utc(2026, 7, 13, 11),
                  call_consented_at=asked, status="cancelled")
    make_followup(session, late, o.ann, DAY)
    # When Ann called the first at 10:12, the second at 14:16 (a minute too late), and
    # texted the third at 18:00
    make_checkin_at(session, on_time, o.ann, at_utc(2026, 7, 13, 10, 12), direction="outbound")
    make_checkin_at(session, late, o.ann, at_utc(2026, 7, 13, 14, 16), direction="outbound")
    make_checkin_at(session, never, o.ann, at_utc(2026, 7, 13, 18), channel="sms",
                    direction="outbound")
    session.commit()
    # Then Tuesday's stand-up says one of three promises kept
    callbacks = standup_report(session, today=TODAY, zone=LONDON).commitments.callbacks
    assert (callbacks.kept, callbacks.due) == (1, 3)
    assert callbacks.sentence == ("Our promises kept: 1 of 3 call-backs they asked for, made "
                                  "within 15 minutes of the time.")
    # And the South team had none
    south = standup_report(session, today=TODAY, team_id=o.south.id, zone=LONDON)
    assert (south.commitments.callbacks.kept, south.commitments.callbacks.due) == (0, 0)


def test_seven_windows_of_one_person_are_one_line_to_review(session):
    # Given someone who works nights: "no calls before 2 pm" is seven windows, all past review
    o = make_office(session)
    nights = make_debtor(session, o.ann, name="Nights")
    for day in range(7):
        make_adjustment(session, nights, "unavailable", start_day=day, start_time=time(0),
                        end_day=day, end_time=time(14), review_on=TODAY - timedelta(days=2))
    session.commit()
    # When the stand-up lists what to review
    owed = standup_report(session, today=TODAY).commitments
    # Then there are seven adjustments but one line for the person, naming the first two
    assert (len(owed.adjustments_to_review), owed.adjustments_to_review_count) == (7, 1)
    [line] = commitments.review_records(owed.adjustments_to_review)
    assert line["Debtor"] == "Nights"
    assert line["What we agreed"] == (
        "Not available Monday 00:00 to 14:00 (their time); Not available Tuesday 00:00 to "
        "14:00 (their time); and 5 more")


def test_stand_up_figures_read_check_ins_as_amended(session):
    # Given Ann's two check-ins on Monday: "no answer" (later corrected to "spoke", how they
    # were: 2) and a conversation logged with wellbeing 4 (later corrected to "not asked")
    o = make_office(session)
    debtor = make_debtor(session, o.ann, name="Amended")
    first = make_checkin_at(session, debtor, o.ann, at_utc(2026, 7, 13, 9), outcome="no_answer")
    second = make_checkin_at(session, debtor, o.ann, at_utc(2026, 7, 13, 15), outcome="spoke",
                             wellbeing=4)
    before = standup_report(session, today=TODAY, zone=LONDON)
    ann = next(a for a in before.agents if a.agent_id == o.ann.id)
    assert (ann.conversations, ann.wellbeing_avg) == (1, 4.0)
    # When both are amended
    for checkin, field, value in ((first, "outcome", "spoke"), (first, "wellbeing", "2"),
                                  (second, "wellbeing", "")):
        amendments.amend_checkin(session, actor=o.ann, checkin_id=checkin.id,
                                 field=field, new_value=value, reason="Misheard")
    session.commit()
    # Then the stand-up counts two conversations and an average wellbeing of 2
    after = standup_report(session, today=TODAY, zone=LONDON)
    ann = next(a for a in after.agents if a.agent_id == o.ann.id)
    assert (ann.checkins, ann.conversations, ann.wellbeing_avg) == (2, 2, 2.0)
    assert (after.total.conversations, after.total.wellbeing_avg) == (2, 2.0)
    # And so does Monday's point of the trend, and the South team sees none of it
    assert next(p for p in after.trend if p.day == DAY).conversations == 2
    south = standup_report(session, today=TODAY, team_id=o.south.id, zone=LONDON)
    assert next(p for p in south.trend if p.day == DAY).conversations == 0


def test_read_in_parallel_the_report_is_the_same_and_its_tables_are_all_noted(engine, scene):
    # Given the scene, committed, and an adjustment past review (read only by the lists)
    from core.store import db, versions

    with db.write_session(engine) as s:
        make_adjustment(s, make_debtor(s, scene.ann, name="Review me"),
                        review_on=TODAY - timedelta(days=2))
    # When the report is read at once and with its lists on a second connection
    with db.read_session(engine) as s:
        serial = standup_report(s, today=TODAY, team_id=scene.north.id, zone=LONDON)
    with versions.reading() as tables, db.read_session(engine) as s:
        parallel = standup_report(s, today=TODAY, team_id=scene.north.id, zone=LONDON,
                                  parallel=True)
    # Then both say the same, and the cache knows every table either connection read
    assert parallel == serial
    assert parallel.commitments.adjustments_to_review_count == 1
    assert {"adjustment", "hold", "checkin_hour", "followup", "payment_plan"} <= tables
