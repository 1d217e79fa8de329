"""Cadence: the next follow-up date proposed from what happened in a contact (pure)."""

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core.checkins.rules import suggest_next_followup
from core.checkins.views import OUTCOMES

TODAY = date(2026, 3, 10)  # a Tuesday; London is on GMT
AT = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)


def test_a_promise_is_followed_up_the_day_after_its_date():
    # Given a conversation where they promised to pay on the 20th
    # When the next follow-up is suggested
    s = suggest_next_followup(today=TODAY, outcome="spoke", at=AT,
                              promise_due=date(2026, 3, 20))
    # Then it is the 21st, to check the promise
    assert s.due_on == date(2026, 3, 21)
    assert s.reason == "promise_check"


def test_hardship_is_followed_up_within_seven_days():
    s = suggest_next_followup(today=TODAY, outcome="spoke", at=AT, hardship=True)
    assert TODAY < s.due_on <= TODAY + timedelta(days=7)
    assert s.due_on == TODAY + timedelta(days=3)
    assert s.reason == "check_in"


def test_no_answer_is_followed_up_the_next_day_a_call_is_allowed():
    # Given an unanswered call today and nothing else
    s = suggest_next_followup(today=TODAY, outcome="no_answer", at=AT, previous_calls=[AT])
    # Then tomorrow, by phone
    assert s.due_on == TODAY + timedelta(days=1)
    assert (s.reason, s.channel) == ("call_back", "phone")


def test_no_answer_waits_out_the_seven_day_pause_after_a_conversation():
    # Given we spoke by phone on the 8th (day 1 of the pause) and a call today went unanswered
    spoke = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
    s = suggest_next_followup(today=TODAY, outcome="no_answer", at=AT,
                              previous_calls=[spoke, AT], conversations=[spoke])
    # Then the next allowed call is on day 8, the 15th
    assert s.due_on == date(2026, 3, 15)


def test_no_answer_respects_the_seven_calls_in_seven_days_limit():
    # Given 7 call attempts on the 4th..10th
    calls = [datetime(2026, 3, d, 10, 0, tzinfo=UTC) for d in range(4, 11)]
    s = suggest_next_followup(today=TODAY, outcome="no_answer", at=AT, previous_calls=calls)
    # Then the 11th is allowed: its window (the 5th..11th) holds only 6 of them
    assert s.due_on == date(2026, 3, 11)
    # And with two attempts a day the first allowed day is later
    doubled = calls + [c + timedelta(hours=2) for c in calls]
    later = suggest_next_followup(today=TODAY, outcome="no_answer", at=AT,
                                  previous_calls=doubled)
    assert later.due_on > date(2026, 3, 11)


def test_a_new_plan_is_reviewed_two_days_before_its_first_instalment():
    s = suggest_next_followup(today=TODAY, outcome="spoke", at=AT,
                              plan_first_due=date(2026, 4, 1))
    assert s.due_on == date(2026, 3, 30)
    assert s.reason == "review_plan"


def test_the_earliest_rule_wins():
    # Given a promise in three weeks and a hardship disclosed
    s = suggest_next_followup(today=TODAY, outcome="spoke", at=AT, hardship=True,
                              promise_due=date(2026, 3, 31))
    # Then the hardship check-in comes first
    assert s.due_on == TODAY + timedelta(days=3)


def test_never_earlier_than_tomorrow():
    # Given a plan whose first instalment is tomorrow (2 days before is yesterday)
    s = suggest_next_followup(today=TODAY, outcome="spoke", at=AT,
                              plan_first_due=TODAY + timedelta(days=1))
    assert s.due_on == TODAY + timedelta(days=1)


def test_defaults_for_a_plain_conversation_and_a_message():
    assert suggest_next_followup(today=TODAY, outcome="spoke", at=AT).due_on == \
        TODAY + timedelta(days=14)
    assert suggest_next_followup(today=TODAY, outcome="message_sent", at=AT).due_on == \
        TODAY + timedelta(days=7)
    assert suggest_next_followup(today=TODAY, outcome="wrong_number", at=AT).due_on == \
        TODAY + timedelta(days=1)


def test_a_phone_follow_up_inside_the_conversation_pause_moves_to_another_channel():
    # Given we just spoke by phone and they disclosed a hardship (follow-up in 3 days)
    s = suggest_next_followup(today=TODAY, outcome="spoke", at=AT, hardship=True,
                              conversations=[AT], preferred_channel="phone")
    # Then the follow-up is not a call (the 7-day pause), but the next channel allowed
    assert s.channel == "sms"


def test_an_opted_out_channel_is_never_suggested():
    s = suggest_next_followup(today=TODAY, outcome="spoke", at=AT, hardship=True,
                              conversations=[AT], preferred_channel="sms",
                              opted_out=["sms"])
    assert s.channel == "email"


def test_no_answer_when_calls_are_not_allowed_at_all_falls_back_to_a_week():
    # Given they opted out of calls
    s = suggest_next_followup(today=TODAY, outcome="no_answer", at=AT, opted_out=["phone"],
                              preferred_channel="email")
    assert s.due_on == TODAY + timedelta(days=7)
    assert s.channel == "email"


def test_days_are_the_debtors_local_days():
    # Given a debtor in Auckland (13 hours ahead) called at 11:30 UTC: 00:30 on the 11th there
    at = datetime(2026, 3, 10, 11, 30, tzinfo=UTC)
    s = suggest_next_followup(today=TODAY, outcome="no_answer", at=at,
                              debtor_timezone="Pacific/Auckland", previous_calls=[at])
    # Then the next allowed call is on their 12th
    assert s.due_on == date(2026, 3, 12)


@given(
    outcome=st.sampled_from(sorted(OUTCOMES)),
    hardship=st.booleans(),
    promise_in=st.one_of(st.none(), st.integers(0, 60)),
    plan_in=st.one_of(st.none(), st.integers(0, 60)),
    hour=st.integers(0, 23),
)
def test_every_suggestion_is_after_today_and_hardship_within_a_week(
        outcome, hardship, promise_in, plan_in, hour):
    at = datetime.combine(TODAY, time(hour, 0), UTC)
    s = suggest_next_followup(
        today=TODAY, outcome=outcome, at=at, hardship=hardship,
        promise_due=None if promise_in is None else TODAY + timedelta(days=promise_in),
        plan_first_due=None if plan_in is None else TODAY + timedelta(days=plan_in),
        previous_calls=[at])
    assert s.due_on > TODAY
    if promise_in is None and plan_in is None:
        assert s.due_on <= TODAY + timedelta(days=14)
    if hardship:
        assert s.due_on <= TODAY + timedelta(days=7)
    if promise_in is not None:
        assert s.due_on <= max(TODAY + timedelta(days=promise_in + 1),
                               TODAY + timedelta(days=1))
