"""What can be done now: follow-ups grouped by the contact rules at one moment (issue 13.6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from core.followups import doable, queries
from core.followups.views import LATER_TODAY, NOT_TODAY, NOW, BacklogRow
from core.store.models import Hold
from tests.factories import make_account, make_debtor, make_followup
from tests.factories_backlog import make_checkin, make_office

MONDAY = date(2026, 11, 23)
TEN_AM = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)
PERSON = doable.Person(timezone="Europe/London", opted_out=(), window_start=time(9),
                       window_end=time(19))


def _row(channel: str = "phone", due_on: date = MONDAY, **fields) -> BacklogRow:
    values = dict(id=1, debtor_id=1, account_id=None, debtor_name="Ada", account_reference="",
                  owner_id=1, owner_name="Ann", team_id=None, due_on=due_on, days_overdue=0,
                  bucket="today", priority=2, reason="call_back", channel=channel,
                  snooze_count=0, snooze_reason="", note="", vulnerable=False, version=1)
    values.update(fields)
    return BacklogRow(**values)


def test_inside_their_hours_with_nothing_against_it_can_be_done_now():
    item = doable.decide(_row(), PERSON, [], TEN_AM, today=MONDAY)
    assert (item.group, item.why, item.kind) == (NOW, "", "")


def test_before_their_hours_is_later_today_from_their_time():
    # Given they asked for calls from 14:00 (works nights), at 10:00 their time
    late_riser = doable.Person(timezone="Europe/London", opted_out=(), window_start=time(14),
                               window_end=time(19))
    item = doable.decide(_row(), late_riser, [], TEN_AM, today=MONDAY)
    # Then later today, from 14:00 their time, because of their hours
    assert (item.group, item.from_local, item.kind) == (LATER_TODAY, "14:00", "window")


def test_their_time_zone_decides():
    # At 10:00 in London it is 05:00 in New York: later today from 09:00 their time
    new_york = doable.Person(timezone="America/New_York", opted_out=(), window_start=time(9),
                             window_end=time(19))
    item = doable.decide(_row(), new_york, [], TEN_AM, today=MONDAY)
    assert (item.group, item.from_local) == (LATER_TODAY, "09:00")


def test_a_hold_an_opt_out_and_the_call_rule_are_not_today_with_the_reason():
    on_hold = doable.decide(_row(), PERSON, ["breathing_space"], TEN_AM, today=MONDAY,
                            hold_text="Breathing space until 20 Jan")
    assert (on_hold.group, on_hold.kind, on_hold.holds) == (NOT_TODAY, "hold",
                                                            "Breathing space until 20 Jan")
    no_sms = doable.Person(timezone="Europe/London", opted_out=("sms",), window_start=time(9),
                           window_end=time(19))
    opted = doable.decide(_row("sms"), no_sms, [], TEN_AM, today=MONDAY)
    assert (opted.group, opted.kind, opted.opted_out) == (NOT_TODAY, "opt-out",
                                                          "Text message (SMS)")
    spoke = doable.Person(timezone="Europe/London", opted_out=(), window_start=time(9),
                          window_end=time(19), talks=(TEN_AM - timedelta(days=2),))
    paused = doable.decide(_row(), spoke, [], TEN_AM, today=MONDAY)
    assert (paused.group, paused.kind) == (NOT_TODAY, "rule")
    assert "7-day rule" in paused.why
    # but an email to the same person is fine now
    assert doable.decide(_row("email"), spoke, [], TEN_AM, today=MONDAY).group == NOW


def test_after_the_quiet_hours_start_it_is_not_today():
    late = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)
    item = doable.decide(_row(), PERSON, [], late, today=MONDAY)
    assert (item.group, item.kind) == (NOT_TODAY, "window")


def test_my_day_groups_from_the_database_with_holds_per_row(session):
    # Given Ann's three due follow-ups: one she can call now, one on an account under a
    # breathing space, one about someone who opted out of SMS, to be texted
    o = make_office(session)
    free = make_debtor(session, o.ann, name="Free")
    held = make_debtor(session, o.ann, name="Held")
    held_account = make_account(session, held)
    session.add(Hold(account_id=held_account.id, kind="breathing_space",
                     starts_on=MONDAY - timedelta(days=3), ends_on=MONDAY + timedelta(days=40)))
    no_sms = make_debtor(session, o.ann, name="No texts", opted_out="sms")
    make_followup(session, free, o.ann, MONDAY)
    make_followup(session, held, o.ann, MONDAY - timedelta(days=2), account_id=held_account.id)
    make_followup(session, no_sms, o.ann, MONDAY, channel="sms")
    # and "Free" was called twice last week (not enough to stop a call)
    make_checkin(session, free, o.ann, TEN_AM - timedelta(days=3))
    session.commit()
    # When My day is read at 10:00
    day, grouped = queries.my_day_now(session, user_id=o.ann.id, today=MONDAY, at=TEN_AM)
    # Then one can be done now and two not today, each saying why
    assert [d.row.debtor_name for d in grouped.now] == ["Free"]
    assert grouped.later_today == []
    why = {d.row.debtor_name: (d.kind, d.holds) for d in grouped.not_today}
    assert why == {"Held": ("hold", "Breathing space until 02 Jan"), "No texts": ("opt-out", "")}
    # And the follow-up under the hold is not counted as overdue load
    assert (day.overdue_count, day.due_today_count, day.on_hold_count) == (0, 2, 1)
