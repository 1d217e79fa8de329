"""The backlog counted in SQL: bucket edges, agreement with a plain Python count, filters, pages."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.clock import today_in
from core.followups import backlog
from core.followups.backlog import (
    BUCKETS,
    BacklogFilter,
    backlog_page,
    bucket_counts,
)
from core.store import settings
from core.store.models import FollowUp
from tests.factories import make_debtor, make_followup, make_office

LONDON = ZoneInfo("Europe/London")


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- today, at midnight and DST


@pytest.mark.parametrize("now,expected", [
    # Winter (GMT = UTC): the day turns at 00:00 UTC.
    (_at(2026, 1, 15, 23, 59, 59), date(2026, 1, 15)),
    (_at(2026, 1, 16, 0, 0, 0), date(2026, 1, 16)),
    # Summer (BST = UTC+1): the day turns at 23:00 UTC the evening before.
    (_at(2026, 7, 15, 22, 59, 59), date(2026, 7, 15)),
    (_at(2026, 7, 15, 23, 0, 0), date(2026, 7, 16)),
    # Clocks go forward at 01:00 UTC on 29 March 2026: that day starts at 00:00 UTC ...
    (_at(2026, 3, 28, 23, 59, 59), date(2026, 3, 28)),
    (_at(2026, 3, 29, 0, 0, 0), date(2026, 3, 29)),
    (_at(2026, 3, 29, 1, 30, 0), date(2026, 3, 29)),
    # ... and ends at 23:00 UTC (a 23-hour day).
    (_at(2026, 3, 29, 22, 59, 59), date(2026, 3, 29)),
    (_at(2026, 3, 29, 23, 0, 0), date(2026, 3, 30)),
    # Clocks go back at 01:00 UTC on 25 October 2026: the day starts at 23:00 UTC on the 24th
    (_at(2026, 10, 24, 22, 59, 59), date(2026, 10, 24)),
    (_at(2026, 10, 24, 23, 0, 0), date(2026, 10, 25)),
    # ... and lasts 25 hours, to 00:00 UTC on the 26th.
    (_at(2026, 10, 25, 23, 59, 59), date(2026, 10, 25)),
    (_at(2026, 10, 26, 0, 0, 0), date(2026, 10, 26)),
])
def test_today_is_the_office_date_around_midnight_and_dst(now, expected):
    assert today_in(LONDON, now) == expected


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        today_in(LONDON, datetime(2026, 1, 1, 12))


@pytest.mark.parametrize("today,edges", [
    # Wednesday: overdue 7+ before the previous Wednesday, the week ends on Sunday.
    (date(2026, 11, 25), (date(2026, 11, 18), date(2026, 11, 29))),
    # Sunday: later this week is empty, Monday is "later".
    (date(2026, 11, 29), (date(2026, 11, 22), date(2026, 11, 29))),
    # Monday at the turn of a year (ISO week 53 of 2026 ends on Sunday 3 January 2027).
    (date(2026, 12, 28), (date(2026, 12, 21), date(2027, 1, 3))),
])
def test_bucket_edges(today, edges):
    e = backlog.bucket_edges(today)
    assert (e.overdue_7_from, e.week_end) == edges
    assert backlog.bucket_of(today - timedelta(days=8), today) == "overdue_7plus"
    assert backlog.bucket_of(today - timedelta(days=7), today) == "overdue_1_7"
    assert backlog.bucket_of(today - timedelta(days=1), today) == "overdue_1_7"
    assert backlog.bucket_of(today, today) == "today"
    assert backlog.bucket_of(e.week_end + timedelta(days=1), today) == "later"


def _by_bucket(session, now: datetime) -> dict[str, int]:
    today = backlog.office_today(session, now)
    return bucket_counts(session, today=today, by="total")[0].counts()


def test_buckets_move_at_office_midnight_when_the_clocks_go_back(session):
    # Given follow-ups due on Saturday 24, Sunday 25 and Monday 26 October 2026, and one due
    # a week and a day before the Sunday
    office = make_office(session)
    debtor = make_debtor(session, office.ann)
    for due in (date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26), date(2026, 10, 17)):
        make_followup(session, debtor, office.ann, due)
    session.commit()
    # When it is one second before London midnight (22:59:59 UTC, still BST) on Saturday
    before = _by_bucket(session, _at(2026, 10, 24, 22, 59, 59))
    # Then Saturday's is due today, Sunday's later this week, Monday's later, 17th 7 days late
    assert before == {"overdue_7plus": 0, "overdue_1_7": 1, "today": 1, "this_week": 1,
                      "later": 1}
    # When London midnight has passed (23:00 UTC) on the night the clocks go back
    after = _by_bucket(session, _at(2026, 10, 24, 23, 0, 0))
    # Then Saturday's is overdue, Sunday's due today, the 17th more than 7 days late
    assert after == {"overdue_7plus": 1, "overdue_1_7": 1, "today": 1, "this_week": 0,
                     "later": 1}
    # And at 23:59 UTC on Sunday (the 25-hour day, now GMT) it is still Sunday in the office
    assert _by_bucket(session, _at(2026, 10, 25, 23, 59, 59)) == after


def test_buckets_move_at_office_midnight_when_the_clocks_go_forward(session):
    # Given a follow-up due on Monday 30 March 2026, the day after the clocks go forward
    office = make_office(session)
    make_followup(session, make_debtor(session, office.ann), office.ann, date(2026, 3, 30))
    session.commit()
    # When it is 22:59:59 UTC on Sunday 29 March (23:59:59 BST) it is due "later"
    assert _by_bucket(session, _at(2026, 3, 29, 22, 59, 59))["later"] == 1
    # When it is 23:00 UTC (midnight BST) it is due today
    assert _by_bucket(session, _at(2026, 3, 29, 23, 0, 0))["today"] == 1


def test_today_follows_the_office_timezone_setting(session):
    # Given an office in New York (UTC-5 in January)
    settings.set_system(session, "office_timezone", "America/New_York")
    session.commit()
    # When it is 03:00 UTC on 16 January, Then it is still the 15th in the office
    assert backlog.office_today(session, _at(2026, 1, 16, 3, 0)) == date(2026, 1, 15)


# ---------------------------------------------------------------- SQL agrees with Python


def _python_bucket(due: date, today: date) -> str:
    """A deliberately different formulation: days late, and the ISO week of the date."""
    late = (today - due).days
    if late > 7:
        return "overdue_7plus"
    if late >= 1:
        return "overdue_1_7"
    if late == 0:
        return "today"
    if due.isocalendar()[:2] == today.isocalendar()[:2]:
        return "this_week"
    return "later"


def _random_backlog(session, seed: int):
    rng = random.Random(seed)
    office = make_office(session)
    owners = [office.ann, office.bob, office.cat, office.dan, office.lead, office.gone]
    debtors = [make_debtor(session, rng.choice(owners), vulnerable=rng.random() < 0.2)
               for _ in range(40)]
    base = date(2026, 11, 18)
    facts = []
    for _ in range(300):
        debtor, owner = rng.choice(debtors), rng.choice(owners)
        f = make_followup(
            session, debtor, owner, base + timedelta(days=rng.randint(-30, 30)),
            status=rng.choice(["open", "open", "open", "done", "cancelled"]),
            priority=rng.randint(1, 3),
            reason=rng.choice(["call_back", "review_plan", "missed_instalment", "check_in"]),
            channel=rng.choice(["phone", "sms", "email"]))
        facts.append({"id": f.id, "owner": owner.id, "team": owner.team_id, "due": f.due_on,
                      "status": f.status, "priority": f.priority, "reason": f.reason,
                      "channel": f.channel, "vulnerable": debtor.vulnerable})
    session.commit()
    return office, facts


def _python_counts(facts, today, keep=lambda f: True, key=lambda f: f["owner"]):
    counts: dict = {}
    for f in facts:
        if f["status"] == "open" and keep(f):
            counts.setdefault(key(f), Counter())[_python_bucket(f["due"], today)] += 1
    return counts


def _sql_counts(rows, key):
    return {key(r): Counter({b: n for b, n in r.counts().items() if n}) for r in rows}


@pytest.mark.parametrize("seed,today", [(1, date(2026, 11, 18)), (2, date(2026, 11, 22)),
                                        (3, date(2026, 11, 23))])
def test_sql_counts_agree_with_a_python_count(session, seed, today):
    # Given a few hundred random follow-ups across two teams
    office, facts = _random_backlog(session, seed)
    # When the database counts them per agent, per team and in total
    per_agent = bucket_counts(session, today=today, by="agent")
    per_team = bucket_counts(session, today=today, by="team")
    total = bucket_counts(session, today=today, by="total")[0]
    # Then each agrees with a plain count in Python
    assert _sql_counts(per_agent, lambda r: r.agent_id) == _python_counts(facts, today)
    assert _sql_counts(per_team, lambda r: r.team_id) == _python_counts(
        facts, today, key=lambda f: f["team"])
    assert Counter({b: n for b, n in total.counts().items() if n}) == _python_counts(
        facts, today, key=lambda f: "all")["all"]
    assert total.total == sum(1 for f in facts if f["status"] == "open")
    # And the one-statement summary says the same
    summary = backlog.bucket_summary(session, today=today)
    assert (summary.agents, summary.teams, summary.total) == (per_agent, per_team, total)
    # And so do the filtered counts
    cases = [
        (BacklogFilter(team_id=office.north.id), lambda f: f["team"] == office.north.id),
        (BacklogFilter(agent_id=office.bob.id), lambda f: f["owner"] == office.bob.id),
        (BacklogFilter(reason="review_plan"), lambda f: f["reason"] == "review_plan"),
        (BacklogFilter(priority=1), lambda f: f["priority"] == 1),
        (BacklogFilter(channel="sms"), lambda f: f["channel"] == "sms"),
        (BacklogFilter(vulnerable_only=True), lambda f: f["vulnerable"]),
        (BacklogFilter(bucket="overdue_1_7", priority=2),
         lambda f: f["priority"] == 2 and _python_bucket(f["due"], today) == "overdue_1_7"),
        (BacklogFilter(bucket="this_week"),
         lambda f: _python_bucket(f["due"], today) == "this_week"),
    ]
    for filters, keep in cases:
        rows = bucket_counts(session, filters=filters, today=today)
        assert _sql_counts(rows, lambda r: r.agent_id) == _python_counts(facts, today, keep), \
            filters
        page = backlog_page(session, filters=filters, today=today, page_size=1000)
        expected_ids = {f["id"] for f in facts if f["status"] == "open" and keep(f)}
        assert {r.id for r in page.rows} == expected_ids, filters
        assert page.total == len(expected_ids)


# ---------------------------------------------------------------- filters and the list


def test_list_is_ordered_by_priority_then_lateness_with_names(session):
    # Given follow-ups of different priorities and dates
    office = make_office(session)
    debtor = make_debtor(session, office.ann, name="Ada Lovelace")
    today = date(2026, 11, 23)
    low_old = make_followup(session, debtor, office.ann, today - timedelta(days=20), priority=3)
    high_new = make_followup(session, debtor, office.ann, today + timedelta(days=2), priority=1)
    high_old = make_followup(session, debtor, office.ann, today - timedelta(days=3), priority=1,
                             snooze_count=2)
    normal = make_followup(session, debtor, office.ann, today, priority=2)
    session.commit()
    # When the first page is read
    page = backlog_page(session, today=today)
    # Then high priority comes first, most overdue first within it
    assert [r.id for r in page.rows] == [high_old.id, high_new.id, normal.id, low_old.id]
    first = page.rows[0]
    assert (first.debtor_name, first.owner_name, first.snooze_count, first.days_overdue,
            first.bucket) == ("Ada Lovelace", office.ann.display_name, 2, 3, "overdue_1_7")


def test_pages_and_a_page_past_the_end(session):
    # Given seven open follow-ups
    office = make_office(session)
    debtor = make_debtor(session, office.ann)
    today = date(2026, 11, 23)
    made = [make_followup(session, debtor, office.ann, today - timedelta(days=i))
            for i in range(7)]
    session.commit()
    # When read three to a page
    pages = [backlog_page(session, today=today, page=n, page_size=3) for n in (1, 2, 3)]
    # Then there are three pages holding all seven, most overdue first
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [r.id for p in pages for r in p.rows] == [f.id for f in reversed(made)]
    assert pages[2].first_number == 7
    # And page 4 is refused with a plain message
    with pytest.raises(ValueError, match="Page 4 is past the end: there are only 3 pages"):
        backlog_page(session, today=today, page=4, page_size=3)
    with pytest.raises(ValueError, match="whole number"):
        backlog_page(session, today=today, page=0)


def test_a_filter_that_matches_nothing_gives_an_empty_page_that_says_so(session):
    # Given one open follow-up by phone
    office = make_office(session)
    make_followup(session, make_debtor(session, office.ann), office.ann, date(2026, 11, 23))
    session.commit()
    # When filtering on letters
    page = backlog_page(session, filters=BacklogFilter(channel="letter"),
                        today=date(2026, 11, 23))
    # Then the page is empty, says so, and page 1 of 1 exists
    assert (page.rows, page.total, page.pages) == ([], 0, 1)
    assert page.message == "No follow-ups match these filters."
    assert bucket_counts(session, filters=BacklogFilter(channel="letter"),
                         today=date(2026, 11, 23)) == []


def test_done_and_cancelled_follow_ups_are_not_in_the_backlog(session):
    office = make_office(session)
    debtor = make_debtor(session, office.ann)
    make_followup(session, debtor, office.ann, date(2026, 11, 1), status="done")
    make_followup(session, debtor, office.ann, date(2026, 11, 1), status="cancelled")
    session.commit()
    assert bucket_counts(session, today=date(2026, 11, 23), by="total")[0].total == 0


@pytest.mark.parametrize("bad,message", [
    (BacklogFilter(reason="gossip"), "not a follow-up reason"),
    (BacklogFilter(channel="pigeon"), "not a channel"),
    (BacklogFilter(priority=7), "Priority must be"),
    (BacklogFilter(bucket="someday"), "not a backlog bucket"),
])
def test_unknown_filter_values_are_refused_plainly(session, bad, message):
    with pytest.raises(ValueError, match=message):
        bucket_counts(session, filters=bad, today=date(2026, 11, 23))


def test_csv_export_neutralises_formulas(session):
    # Given a debtor whose name looks like a spreadsheet formula
    office = make_office(session)
    debtor = make_debtor(session, office.ann, name="=HYPERLINK(\"http://x\")")
    make_followup(session, debtor, office.ann, date(2026, 11, 23), note="+44 call")
    session.commit()
    page = backlog_page(session, today=date(2026, 11, 23))
    # When exported
    text = backlog.to_csv(page.rows)
    # Then the header is there and no cell starts with a formula character
    header, line = text.splitlines()[:2]
    assert header.startswith("Follow-up,Priority,Due")
    assert "'=HYPERLINK" in line and "'+44 call" in line


def test_every_bucket_is_counted(session):
    # Given one follow-up in each bucket (Wednesday 25 November 2026)
    office = make_office(session)
    debtor = make_debtor(session, office.ann)
    today = date(2026, 11, 25)
    for days in (-10, -2, 0, 3, 9):
        make_followup(session, debtor, office.ann, today + timedelta(days=days))
    session.commit()
    (row,) = bucket_counts(session, today=today)
    assert row.counts() == dict.fromkeys(BUCKETS, 1)
    assert (row.agent_id, row.team_name, row.overdue, row.total) == (
        office.ann.id, "North", 2, 5)


def test_followup_model_has_the_backlog_index():
    names = {ix.name for ix in FollowUp.__table__.indexes}
    assert "ix_followup_backlog" in names


# ---------------------------------------------------------------- charts


def test_backlog_bar_stacks_buckets_per_agent_with_a_pick_selection():
    from core.followups.charts import PICK, backlog_bar

    rows = [backlog.BucketRow(name="Ann", agent_id=1, team_id=1, team_name="North",
                              overdue_7plus=2, overdue_1_7=0, today=1, this_week=0, later=3,
                              total=6)]
    spec = backlog_bar(rows).to_dict()
    assert [p["name"] for p in spec["params"]] == [PICK] == ["pick"]
    assert spec["params"][0]["select"]["fields"] == ["agent_id", "bucket"]
    values = spec["data"]["values"]
    assert [(v["bucket"], v["count"]) for v in values] == [
        ("overdue_7plus", 2), ("overdue_1_7", 0), ("today", 1), ("this_week", 0), ("later", 3)]
    assert spec["encoding"]["x"]["stack"] == "zero"
    assert spec["encoding"]["color"]["scale"]["domain"][0] == "More than 7 days overdue"


def test_trend_chart_has_two_series_per_day():
    from core.followups.charts import trend_chart
    from core.followups.standup import TrendPoint

    points = [TrendPoint(day=date(2026, 11, 19), checkins=5, conversations=2),
              TrendPoint(day=date(2026, 11, 20), checkins=7, conversations=3)]
    values = trend_chart(points).to_dict()["data"]["values"]
    assert values == [
        {"day": "2026-11-19", "label": "Thu 19 Nov", "series": "Check-ins", "count": 5},
        {"day": "2026-11-19", "label": "Thu 19 Nov", "series": "Conversations", "count": 2},
        {"day": "2026-11-20", "label": "Fri 20 Nov", "series": "Check-ins", "count": 7},
        {"day": "2026-11-20", "label": "Fri 20 Nov", "series": "Conversations", "count": 3},
    ]
