"""Contact-rule guards: quiet hours, the 7-in-7 call limit, the 7-day conversation pause,
opt-outs and holds, always on the debtor's local calendar days."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.contact_rules import (
    CHANNELS,
    ContactCheck,
    Unavailable,
    check_contact,
    is_valid_timezone,
    local_now,
    next_allowed_call,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def local(tz: str, *args: int) -> datetime:
    """An aware datetime on the wall clock of `tz`."""
    return datetime(*args, tzinfo=ZoneInfo(tz))


def utc(*args: int) -> datetime:
    """An aware datetime in UTC."""
    return datetime(*args, tzinfo=UTC)


# --- quiet hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "allowed"),
    [(7, 59, False), (8, 0, True), (20, 59, True), (21, 0, False)],
)
def test_quiet_hours_boundaries_at_the_debtors_local_time(
    hour: int, minute: int, allowed: bool
) -> None:
    # Given a debtor in London and a text at the boundary of the allowed hours
    at = local(LONDON, 2026, 6, 10, hour, minute)

    # When we check the contact
    check = check_contact(channel="sms", at=at, debtor_timezone=LONDON)

    # Then only 08:00 up to (not including) 21:00 is allowed
    assert check.allowed is allowed
    assert (check.reasons == ()) is allowed


def test_quiet_hours_reason_names_their_local_time_and_zone() -> None:
    # Given a text at 06:12 UTC in summer, which is 07:12 in London (BST)
    at = utc(2026, 6, 10, 6, 12)

    # When we check the contact
    check = check_contact(channel="email", at=at, debtor_timezone=LONDON)

    # Then the reason gives their wall-clock time, not the UTC one
    assert check == ContactCheck(
        allowed=False,
        reasons=(
            "It is 07:12 for them (Europe/London); contact is allowed from 08:00 to 21:00 "
            "their time.",
        ),
    )


@pytest.mark.parametrize(
    ("tz", "at", "allowed"),
    [
        # New Zealand daylight time is UTC+13 in March.
        ("Pacific/Auckland", utc(2026, 3, 10, 18, 59), False),
        ("Pacific/Auckland", utc(2026, 3, 10, 19, 0), True),
        # Pacific standard time is UTC-8 in January.
        ("America/Los_Angeles", utc(2026, 1, 15, 15, 59), False),
        ("America/Los_Angeles", utc(2026, 1, 15, 16, 0), True),
        ("America/Los_Angeles", utc(2026, 1, 16, 4, 59), True),
        ("America/Los_Angeles", utc(2026, 1, 16, 5, 0), False),
        # India is UTC+05:30 all year.
        ("Asia/Kolkata", utc(2026, 6, 1, 2, 29), False),
        ("Asia/Kolkata", utc(2026, 6, 1, 2, 30), True),
        ("Asia/Kolkata", utc(2026, 6, 1, 15, 29), True),
        ("Asia/Kolkata", utc(2026, 6, 1, 15, 30), False),
        # Hawaii is UTC-10 all year.
        ("Pacific/Honolulu", utc(2026, 6, 1, 17, 59), False),
        ("Pacific/Honolulu", utc(2026, 6, 1, 18, 0), True),
        ("Pacific/Honolulu", utc(2026, 6, 2, 6, 59), True),
        ("Pacific/Honolulu", utc(2026, 6, 2, 7, 0), False),
    ],
)
def test_quiet_hours_in_timezones_far_from_the_office(tz: str, at: datetime, allowed: bool) -> None:
    # Given a debtor far from the office and a moment given in UTC
    # When we check a phone call
    check = check_contact(channel="phone", at=at, debtor_timezone=tz)

    # Then the boundaries fall at 08:00 and 21:00 on their clock
    assert check.allowed is allowed


def test_office_lunchtime_is_the_middle_of_the_night_in_auckland() -> None:
    # Given noon in London in March (GMT), which is 01:00 the next day in Auckland (NZDT)
    at = local(LONDON, 2026, 3, 10, 12, 0)

    # When we check a call
    check = check_contact(channel="phone", at=at, debtor_timezone="Pacific/Auckland")

    # Then it is refused with their time in the reason
    assert check.reasons == (
        "It is 01:00 for them (Pacific/Auckland); contact is allowed from 08:00 to 21:00 "
        "their time.",
    )


# --- daylight-saving changes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        # New York moved to EDT (UTC-4) at 02:00 on 8 March 2026.
        (utc(2026, 3, 8, 11, 59), False),  # 07:59 EDT
        (utc(2026, 3, 8, 12, 0), True),  # 08:00 EDT (it would be 07:00 at EST's offset)
        (utc(2026, 3, 7, 12, 30), False),  # 07:30 EST the day before
        (utc(2026, 3, 7, 13, 0), True),  # 08:00 EST the day before
    ],
)
def test_new_york_08_00_boundary_right_after_clocks_go_forward(at: datetime, allowed: bool) -> None:
    # Given moments around the spring-forward change in New York
    # When we check a call
    check = check_contact(channel="phone", at=at, debtor_timezone=NEW_YORK)

    # Then 08:00 is their new wall-clock 08:00
    assert check.allowed is allowed


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        # London went back to GMT (UTC+0) at 02:00 BST on 25 October 2026.
        (utc(2026, 10, 25, 7, 59), False),  # 07:59 GMT
        (utc(2026, 10, 25, 8, 0), True),  # 08:00 GMT (it would be 09:00 at BST's offset)
        (utc(2026, 10, 24, 6, 59), False),  # 07:59 BST the day before
        (utc(2026, 10, 24, 7, 0), True),  # 08:00 BST the day before
    ],
)
def test_london_08_00_boundary_right_after_clocks_go_back(at: datetime, allowed: bool) -> None:
    # Given moments around the autumn change in London
    # When we check a text
    check = check_contact(channel="sms", at=at, debtor_timezone=LONDON)

    # Then 08:00 is their new wall-clock 08:00
    assert check.allowed is allowed


def test_call_seven_local_days_back_is_outside_the_window_across_spring_forward() -> None:
    # Given 7 calls at 09:00 EST on Sunday 1 March, and a call planned for 08:30 EDT on
    # Sunday 8 March: only 6 days 22½ hours have passed, but 1 March is not one of the
    # 7 local days 2-8 March
    calls = [local(NEW_YORK, 2026, 3, 1, 9, minute) for minute in range(7)]
    at = local(NEW_YORK, 2026, 3, 8, 8, 30)
    assert at - calls[0] < timedelta(days=7)

    # When we check the call
    check = check_contact(channel="phone", at=at, debtor_timezone=NEW_YORK, previous_calls=calls)

    # Then it is allowed
    assert check.allowed, check.reasons


def test_call_six_local_days_back_counts_across_spring_forward() -> None:
    # Given 7 calls on Monday 2 March (EST) and a call planned on 8 March (EDT)
    calls = [local(NEW_YORK, 2026, 3, 2, 9, minute) for minute in range(7)]
    at = local(NEW_YORK, 2026, 3, 8, 8, 30)

    # When we check the call
    check = check_contact(channel="phone", at=at, debtor_timezone=NEW_YORK, previous_calls=calls)

    # Then the limit applies
    assert check.reasons == ("7 call attempts already in the last 7 days (limit 7).",)


def test_calls_are_dated_by_local_day_not_utc_day_across_fall_back() -> None:
    # Given 7 calls at 00:30 BST on Monday 19 October, which is still 18 October in UTC,
    # and a call planned at 08:00 GMT on Sunday 25 October
    calls = [local(LONDON, 2026, 10, 19, 0, 30 + minute) for minute in range(7)]
    assert calls[0].astimezone(UTC).date().day == 18
    at = local(LONDON, 2026, 10, 25, 8, 0)

    # When we check the call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, previous_calls=calls)

    # Then 19 October is inside the window 19-25 October and the call is refused
    assert not check.allowed


def test_late_evening_calls_a_week_back_fall_outside_across_fall_back() -> None:
    # Given 7 calls at 23:30 BST on Sunday 18 October: under 7 × 24 hours before
    # 08:00 GMT on Sunday 25 October, but on the 8th local day back
    calls = [local(LONDON, 2026, 10, 18, 23, 30 + minute) for minute in range(7)]
    at = local(LONDON, 2026, 10, 25, 8, 0)
    assert at - calls[-1] < timedelta(days=7)

    # When we check the call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, previous_calls=calls)

    # Then it is allowed
    assert check.allowed, check.reasons


def test_conversation_pause_counts_local_days_across_spring_forward() -> None:
    # Given a conversation at 20:00 EST on Monday 2 March (day 1 of the pause)
    talk = local(NEW_YORK, 2026, 3, 2, 20, 0)

    # When we check calls at 08:00 EDT on 8 March (day 7) and 9 March (day 8)
    day_7 = check_contact(
        channel="phone",
        at=local(NEW_YORK, 2026, 3, 8, 8, 0),
        debtor_timezone=NEW_YORK,
        conversations=[talk],
    )
    day_8 = check_contact(
        channel="phone",
        at=local(NEW_YORK, 2026, 3, 9, 8, 0),
        debtor_timezone=NEW_YORK,
        conversations=[talk],
    )

    # Then day 7 is refused and day 8 (under 7 × 24 hours later) is allowed
    assert day_7.reasons == ("We spoke by phone on 2 March; no calls until 9 March (7-day rule).",)
    assert day_8.allowed


# --- the 7-in-7 call limit ------------------------------------------------------------------


def _daily_calls(at: datetime, days_back: range) -> list[datetime]:
    return [at - timedelta(days=days) for days in days_back]


def test_six_calls_in_the_last_seven_days_allow_a_seventh() -> None:
    # Given one call on each of the 6 days before today
    at = local(LONDON, 2026, 3, 9, 10, 0)
    calls = _daily_calls(at, range(1, 7))

    # When we check another call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, previous_calls=calls)

    # Then it is allowed
    assert check.allowed, check.reasons


def test_seven_calls_in_the_last_seven_days_refuse_an_eighth() -> None:
    # Given one call today and one on each of the 6 days before
    at = local(LONDON, 2026, 3, 9, 10, 0)
    calls = _daily_calls(at, range(0, 7))

    # When we check another call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, previous_calls=calls)

    # Then it is refused with the count and the limit
    assert check == ContactCheck(
        allowed=False, reasons=("7 call attempts already in the last 7 days (limit 7).",)
    )


def test_more_than_seven_calls_are_counted_in_the_reason() -> None:
    # Given 9 calls earlier today
    at = local(LONDON, 2026, 3, 9, 18, 0)
    calls = [local(LONDON, 2026, 3, 9, 9, minute) for minute in range(9)]

    # When we check another call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, previous_calls=calls)

    # Then the reason says how many
    assert check.reasons == ("9 call attempts already in the last 7 days (limit 7).",)


def test_a_call_seven_days_ago_falls_outside_the_window() -> None:
    # Given 6 calls in the last 6 days and the 7th exactly 7 days ago
    at = local(LONDON, 2026, 3, 9, 10, 0)
    calls = _daily_calls(at, range(1, 8))

    # When we check another call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, previous_calls=calls)

    # Then the window (today and the 6 days before) holds only 6 and the call is allowed
    assert check.allowed, check.reasons


def test_call_limit_applies_to_phone_only() -> None:
    # Given 10 calls today
    at = local(LONDON, 2026, 3, 9, 18, 0)
    calls = [local(LONDON, 2026, 3, 9, 9, minute) for minute in range(10)]

    # When we check the other channels
    checks = {
        channel: check_contact(channel=channel, at=at, debtor_timezone=LONDON, previous_calls=calls)
        for channel in CHANNELS
    }

    # Then only the phone is refused
    assert {channel for channel, check in checks.items() if not check.allowed} == {"phone"}


# --- the conversation pause -----------------------------------------------------------------


def test_conversation_six_days_before_refuses_a_call() -> None:
    # Given a phone conversation on 3 March (day 1) and a call planned on 9 March (day 7)
    talk = local(LONDON, 2026, 3, 3, 16, 0)
    at = local(LONDON, 2026, 3, 9, 10, 0)

    # When we check the call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, conversations=[talk])

    # Then it is refused, saying when calls may resume
    assert check == ContactCheck(
        allowed=False,
        reasons=("We spoke by phone on 3 March; no calls until 10 March (7-day rule).",),
    )


def test_conversation_seven_days_before_allows_a_call() -> None:
    # Given a phone conversation late on 3 March and a call early on 10 March (day 8)
    talk = local(LONDON, 2026, 3, 3, 20, 30)
    at = local(LONDON, 2026, 3, 10, 8, 0)

    # When we check the call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, conversations=[talk])

    # Then it is allowed
    assert check.allowed, check.reasons


def test_conversation_earlier_today_refuses_a_call() -> None:
    # Given a conversation this morning
    talk = local(LONDON, 2026, 3, 9, 9, 0)
    at = local(LONDON, 2026, 3, 9, 15, 0)

    # When we check another call this afternoon
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, conversations=[talk])

    # Then it is refused
    assert check.reasons == ("We spoke by phone on 9 March; no calls until 16 March (7-day rule).",)


def test_the_latest_conversation_sets_the_resume_date() -> None:
    # Given two conversations in the last week
    talks = [local(LONDON, 2026, 3, 5, 9, 0), local(LONDON, 2026, 3, 3, 9, 0)]
    at = local(LONDON, 2026, 3, 9, 15, 0)

    # When we check a call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, conversations=talks)

    # Then calls resume 7 days after the latest one
    assert check.reasons == ("We spoke by phone on 5 March; no calls until 12 March (7-day rule).",)


def test_conversation_pause_does_not_stop_a_text() -> None:
    # Given a conversation yesterday
    talk = local(LONDON, 2026, 3, 8, 9, 0)

    # When we check a text today
    check = check_contact(
        channel="sms",
        at=local(LONDON, 2026, 3, 9, 10, 0),
        debtor_timezone=LONDON,
        conversations=[talk],
    )

    # Then it is allowed
    assert check.allowed


# --- letters, opt-outs and holds ------------------------------------------------------------


def test_letter_ignores_quiet_hours() -> None:
    # Given 03:00 their time
    at = local(LONDON, 2026, 3, 9, 3, 0)

    # When we check a letter and a text
    letter = check_contact(channel="letter", at=at, debtor_timezone=LONDON)
    sms = check_contact(channel="sms", at=at, debtor_timezone=LONDON)

    # Then the letter is allowed and the text is not
    assert letter.allowed
    assert not sms.allowed


def test_opted_out_channel_is_refused_and_others_are_not() -> None:
    # Given a debtor who asked us not to text
    at = local(LONDON, 2026, 3, 9, 10, 0)

    # When we check a text and an email
    sms = check_contact(channel="sms", at=at, debtor_timezone=LONDON, opted_out={"sms"})
    email = check_contact(channel="email", at=at, debtor_timezone=LONDON, opted_out={"sms"})

    # Then only the text is refused
    assert sms.reasons == ("They asked us not to use sms.",)
    assert email.allowed


def test_letter_respects_an_opt_out() -> None:
    # Given a debtor who asked for no letters
    # When we check a letter
    check = check_contact(
        channel="letter",
        at=local(LONDON, 2026, 3, 9, 10, 0),
        debtor_timezone=LONDON,
        opted_out=("letter",),
    )

    # Then it is refused
    assert check.reasons == ("They asked us not to use letter.",)


@pytest.mark.parametrize("channel", CHANNELS)
def test_any_hold_refuses_every_channel(channel: str) -> None:
    # Given an account in breathing space
    # When we check any channel at a friendly hour
    check = check_contact(
        channel=channel,
        at=local(LONDON, 2026, 3, 9, 10, 0),
        debtor_timezone=LONDON,
        holds=["breathing_space"],
    )

    # Then it is refused and the hold is named in plain words
    assert check == ContactCheck(
        allowed=False, reasons=("The account is on hold (breathing space).",)
    )


def test_several_holds_are_named_together() -> None:
    # Given a dispute and a cease-communication request
    # When we check a letter
    check = check_contact(
        channel="letter",
        at=local(LONDON, 2026, 3, 9, 10, 0),
        debtor_timezone=LONDON,
        holds={"dispute", "cease communication"},
    )

    # Then both are named, in a stable order
    assert check.reasons == ("The account is on hold (cease communication, dispute).",)


def test_all_applicable_reasons_are_collected() -> None:
    # Given a call at 07:12 their time, on hold, with phone opted out, 7 calls this week
    # and a conversation on 3 March
    at = local(LONDON, 2026, 3, 9, 7, 12)
    calls = _daily_calls(at, range(0, 7))

    # When we check the call
    check = check_contact(
        channel="phone",
        at=at,
        debtor_timezone=LONDON,
        previous_calls=calls,
        conversations=[local(LONDON, 2026, 3, 3, 12, 0)],
        opted_out=["phone"],
        holds=["breathing space"],
    )

    # Then every reason is listed, most serious first
    assert check == ContactCheck(
        allowed=False,
        reasons=(
            "The account is on hold (breathing space).",
            "They asked us not to use phone.",
            "It is 07:12 for them (Europe/London); contact is allowed from 08:00 to 21:00 "
            "their time.",
            "7 call attempts already in the last 7 days (limit 7).",
            "We spoke by phone on 3 March; no calls until 10 March (7-day rule).",
        ),
    )


def test_generators_are_accepted_for_history() -> None:
    # Given call and conversation history as one-shot generators
    at = local(LONDON, 2026, 3, 9, 10, 0)
    calls = (at - timedelta(hours=hours) for hours in range(1, 8))

    # When we check a call
    check = check_contact(channel="phone", at=at, debtor_timezone=LONDON, previous_calls=calls)

    # Then all 7 are counted
    assert not check.allowed


# --- invalid input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"at": datetime(2026, 3, 9, 10, 0)}, "naive"),
        ({"previous_calls": [datetime(2026, 3, 8, 10, 0)]}, "previous_calls"),
        ({"conversations": [datetime(2026, 3, 8, 10, 0)]}, "conversations"),
        ({"debtor_timezone": "Mars/Olympus_Mons"}, "Unknown timezone"),
        ({"debtor_timezone": "localtime"}, "Unknown timezone"),
        ({"debtor_timezone": ""}, "Unknown timezone"),
        ({"debtor_timezone": "America"}, "Unknown timezone"),
        ({"channel": "fax"}, "Unknown channel"),
        ({"channel": "Phone"}, "Unknown channel"),
    ],
)
def test_invalid_input_raises_value_error(kwargs: dict, message: str) -> None:
    # Given an otherwise valid check with one bad argument
    arguments = {
        "channel": "phone",
        "at": local(LONDON, 2026, 3, 9, 10, 0),
        "debtor_timezone": LONDON,
    } | kwargs

    # When / Then it raises a clear ValueError
    with pytest.raises(ValueError, match=message):
        check_contact(**arguments)


def test_is_valid_timezone() -> None:
    # Given IANA names and lookalikes
    # When / Then only real IANA names are valid
    assert is_valid_timezone("Europe/London")
    assert is_valid_timezone("UTC")
    assert not is_valid_timezone("Europe/Londn")
    assert not is_valid_timezone("America")
    assert not is_valid_timezone("../etc/passwd")
    assert not is_valid_timezone("")


def test_local_now_gives_their_wall_clock() -> None:
    # Given noon UTC in July
    # When we ask for the time in Kolkata
    now = local_now(utc(2026, 7, 1, 12, 0), "Asia/Kolkata")

    # Then it is 17:30 there, the same instant
    assert (now.hour, now.minute) == (17, 30)
    assert now == utc(2026, 7, 1, 12, 0)


def test_local_now_rejects_naive_datetimes() -> None:
    # Given a naive datetime
    # When / Then it raises
    with pytest.raises(ValueError, match="naive"):
        local_now(datetime(2026, 7, 1, 12, 0), LONDON)


# --- next_allowed_call ------------------------------------------------------------------------


def test_next_allowed_call_with_no_history_is_9am_tomorrow() -> None:
    # Given no history
    # When we ask for the next allowed call after 15:00 on 9 March
    nxt = next_allowed_call(after=local(LONDON, 2026, 3, 9, 15, 0), debtor_timezone=LONDON)

    # Then it is 09:00 their time the next day
    assert nxt == local(LONDON, 2026, 3, 10, 9, 0)


def test_next_allowed_call_waits_out_the_conversation_pause() -> None:
    # Given a conversation at 14:00 on 3 March
    talk = local(LONDON, 2026, 3, 3, 14, 0)

    # When we ask for the next allowed call
    nxt = next_allowed_call(after=talk, debtor_timezone=LONDON, conversations=[talk])

    # Then it is 09:00 on day 8, 10 March
    assert nxt == local(LONDON, 2026, 3, 10, 9, 0)


def test_next_allowed_call_waits_for_the_call_window_to_clear() -> None:
    # Given 7 call attempts on 9 March
    calls = [local(LONDON, 2026, 3, 9, 10, minute) for minute in range(7)]

    # When we ask for the next allowed call after the last one
    nxt = next_allowed_call(after=calls[-1], debtor_timezone=LONDON, previous_calls=calls)

    # Then it is 16 March, the first day whose 7-day window leaves out 9 March
    assert nxt == local(LONDON, 2026, 3, 16, 9, 0)


def test_next_allowed_call_uses_their_timezone_across_a_clock_change() -> None:
    # Given an afternoon on Saturday 7 March in New York (EST)
    after = local(NEW_YORK, 2026, 3, 7, 15, 0)

    # When we ask for the next allowed call
    nxt = next_allowed_call(after=after, debtor_timezone=NEW_YORK)

    # Then it is 09:00 EDT on Sunday 8 March, i.e. 13:00 UTC
    assert nxt is not None
    assert nxt.astimezone(UTC) == utc(2026, 3, 8, 13, 0)


def test_next_allowed_call_counts_days_from_their_local_day() -> None:
    # Given 12:30 UTC on 10 March, which is already 01:30 on 11 March in Auckland
    after = utc(2026, 3, 10, 12, 30)

    # When we ask for the next allowed call
    nxt = next_allowed_call(after=after, debtor_timezone="Pacific/Auckland")

    # Then it is 09:00 on 12 March their time
    assert nxt == local("Pacific/Auckland", 2026, 3, 12, 9, 0)


@pytest.mark.parametrize(
    "kwargs", [{"opted_out": {"phone"}}, {"holds": {"dispute"}}], ids=["opted-out", "hold"]
)
def test_next_allowed_call_is_none_when_calls_are_barred(kwargs: dict) -> None:
    # Given phone opted out, or a hold
    # When we ask for the next allowed call
    after = local(LONDON, 2026, 3, 9, 15, 0)
    nxt = next_allowed_call(after=after, debtor_timezone=LONDON, **kwargs)

    # Then there is none
    assert nxt is None


def test_next_allowed_call_is_none_beyond_the_horizon() -> None:
    # Given a conversation today, so calls resume in 7 days
    talk = local(LONDON, 2026, 3, 9, 10, 0)

    # When we look only 6 days ahead, and then 7
    short = next_allowed_call(
        after=talk, debtor_timezone=LONDON, conversations=[talk], horizon_days=6
    )
    enough = next_allowed_call(
        after=talk, debtor_timezone=LONDON, conversations=[talk], horizon_days=7
    )

    # Then the short look finds nothing and the longer one finds day 8
    assert short is None
    assert enough == local(LONDON, 2026, 3, 16, 9, 0)


# --- properties -------------------------------------------------------------------------------

# Far enough from year 1 and 9999 that converting between any two zones cannot overflow.
moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()
)
# Every IANA name, including aliases and the "posix/" and "right/" copies.
zone_names = st.timezone_keys().filter(is_valid_timezone)  # not "localtime" and kin


@settings(max_examples=200, deadline=None)
@given(
    channel=st.sampled_from(CHANNELS),
    at=moments,
    tz=zone_names,
    calls=st.lists(moments, max_size=10),
    talks=st.lists(moments, max_size=3),
    opted_out=st.sets(st.sampled_from(CHANNELS)),
    holds=st.sets(st.sampled_from(["dispute", "breathing_space", "cease_communication"])),
)
def test_check_contact_never_raises_for_valid_input(
    channel: str,
    at: datetime,
    tz: str,
    calls: list[datetime],
    talks: list[datetime],
    opted_out: set[str],
    holds: set[str],
) -> None:
    # Given any valid channel, aware moments, IANA zone, opt-outs and holds
    # When we check the contact
    check = check_contact(
        channel=channel,
        at=at,
        debtor_timezone=tz,
        previous_calls=calls,
        conversations=talks,
        opted_out=opted_out,
        holds=holds,
    )

    # Then it answers, and it is allowed exactly when there is no reason against it
    assert check.allowed is (check.reasons == ())
    assert (channel in opted_out or bool(holds)) <= (not check.allowed)


@settings(max_examples=200, deadline=None)
@given(
    at=moments,
    tz=zone_names,
    calls=st.lists(moments, max_size=20),
    talks=st.lists(moments, max_size=5),
)
def test_letter_is_always_allowed_without_holds_or_opt_outs(
    at: datetime, tz: str, calls: list[datetime], talks: list[datetime]
) -> None:
    # Given any moment, zone and call history, no hold and no opt-out
    # When we check a letter
    check = check_contact(
        channel="letter", at=at, debtor_timezone=tz, previous_calls=calls, conversations=talks
    )

    # Then it is allowed
    assert check == ContactCheck(allowed=True, reasons=())


@settings(max_examples=200, deadline=None)
@given(at=moments, tz=zone_names)
def test_text_is_allowed_exactly_inside_local_hours(at: datetime, tz: str) -> None:
    # Given any moment and zone, and nothing else against contact
    # When we check a text
    check = check_contact(channel="sms", at=at, debtor_timezone=tz)

    # Then it is allowed exactly from 08:00 up to 21:00 on their clock
    assert check.allowed is (time(8) <= at.astimezone(ZoneInfo(tz)).time() < time(21))


@settings(max_examples=100, deadline=None)
@given(
    after=moments,
    tz=zone_names,
    calls=st.lists(st.integers(min_value=-10, max_value=0), max_size=15),
    talks=st.lists(st.integers(min_value=-10, max_value=0), max_size=2),
)
def test_next_allowed_call_is_an_allowed_9am_on_a_later_local_day(
    after: datetime, tz: str, calls: list[int], talks: list[int]
) -> None:
    # Given call attempts and conversations on the days around `after`
    history = [after + timedelta(days=days) for days in calls]
    spoken = [after + timedelta(days=days) for days in talks]

    # When we ask for the next allowed call
    nxt = next_allowed_call(
        after=after, debtor_timezone=tz, previous_calls=history, conversations=spoken
    )

    # Then, within 30 days there always is one: 09:00 their time, later than `after`'s
    # local day, and check_contact allows it
    assert nxt is not None
    local_next = nxt.astimezone(ZoneInfo(tz))
    assert local_next.time() == time(9)
    assert local_next.date() > after.astimezone(ZoneInfo(tz)).date()
    assert check_contact(
        channel="phone",
        at=nxt,
        debtor_timezone=tz,
        previous_calls=history,
        conversations=spoken,
    ).allowed


# --- times the debtor told us are inconvenient (§1006.6(b)(1)) -----------------------------

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
# 9 March 2026 is a Monday.
WEEKEND = Unavailable(start_day=FRI, start=time(18, 0), end_day=MON, end=time(8, 0))
NOT_BEFORE_2PM = [Unavailable(d, time(0, 0), d, time(14, 0)) for d in range(7)]


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        (local(LONDON, 2026, 3, 13, 17, 59), True),  # Friday, just before
        (local(LONDON, 2026, 3, 13, 18, 0), False),  # Friday, the start is included
        (local(LONDON, 2026, 3, 14, 10, 0), False),  # Saturday
        (local(LONDON, 2026, 3, 15, 20, 59), False),  # Sunday evening
        (local(LONDON, 2026, 3, 16, 8, 0), True),  # Monday, the end is excluded
        (local(LONDON, 2026, 3, 11, 12, 0), True),  # Wednesday
    ],
)
def test_a_window_wrapping_past_sunday_midnight(at: datetime, allowed: bool) -> None:
    # Given the debtor said Friday 18:00 to Monday 08:00 is inconvenient
    # When we check a text at `at`
    check = check_contact(channel="sms", at=at, debtor_timezone=LONDON, unavailable=[WEEKEND])
    # Then it is refused exactly inside the window
    assert check.allowed is allowed, check.reasons


def test_the_reason_names_their_day_time_and_the_window() -> None:
    # Given the weekend window / When we call on Saturday at 10:00 their time
    check = check_contact(
        channel="phone",
        at=local(LONDON, 2026, 3, 14, 10, 0),
        debtor_timezone=LONDON,
        unavailable=[WEEKEND],
    )
    # Then the reason says so in plain English
    assert check == ContactCheck(
        allowed=False,
        reasons=(
            "It is Saturday 10:00 for them (Europe/London), a time they told us is "
            "inconvenient (Friday 18:00 to Monday 08:00).",
        ),
    )


@pytest.mark.parametrize("channel", ["phone", "sms", "email", "video"])
def test_no_calls_before_2pm_is_seven_windows(channel: str) -> None:
    # Given "no contact before 2 pm" as seven daily windows
    morning = local(LONDON, 2026, 3, 12, 10, 30)  # Thursday
    afternoon = local(LONDON, 2026, 3, 12, 14, 0)
    # When we check the morning and 14:00
    before = check_contact(
        channel=channel, at=morning, debtor_timezone=LONDON, unavailable=NOT_BEFORE_2PM
    )
    after = check_contact(
        channel=channel, at=afternoon, debtor_timezone=LONDON, unavailable=NOT_BEFORE_2PM
    )
    # Then the morning is refused with the day's window named, and 14:00 is allowed
    assert before.reasons == (
        "It is Thursday 10:30 for them (Europe/London), a time they told us is "
        "inconvenient (Thursday 00:00 to 14:00).",
    )
    assert after.allowed


def test_a_letter_ignores_inconvenient_times() -> None:
    # Given the weekend window / When we check a letter on Saturday / Then it is allowed
    check = check_contact(
        channel="letter",
        at=local(LONDON, 2026, 3, 14, 10, 0),
        debtor_timezone=LONDON,
        unavailable=[WEEKEND],
    )
    assert check.allowed


def test_windows_are_read_on_the_debtors_clock_not_utc() -> None:
    # Given a New York debtor unavailable on Mondays 09:00-12:00 their time
    mornings = [Unavailable(MON, time(9), MON, time(12))]
    # When we text at 14:30 UTC on Monday 9 March (10:30 in New York, daylight time)
    inside = check_contact(
        channel="sms", at=utc(2026, 3, 9, 14, 30), debtor_timezone=NEW_YORK, unavailable=mornings
    )
    # And at 10:30 UTC (06:30 in New York: quiet hours, but outside the window)
    outside = check_contact(
        channel="sms", at=utc(2026, 3, 9, 10, 30), debtor_timezone=NEW_YORK, unavailable=mornings
    )
    # Then the first is refused for the window and the second only for the quiet hours
    assert inside.reasons == (
        "It is Monday 10:30 for them (America/New_York), a time they told us is "
        "inconvenient (Monday 09:00 to 12:00).",
    )
    assert len(outside.reasons) == 1 and outside.reasons[0].startswith("It is 06:30")


def test_a_window_from_saturday_to_wednesday_wraps() -> None:
    # Given a window from Saturday 10:00 to Wednesday 10:00 (the end is before the start)
    window = Unavailable(SAT, time(10), WED, time(10))

    def allowed(at: datetime) -> bool:
        return check_contact(
            channel="email", at=at, debtor_timezone=LONDON, unavailable=[window]
        ).allowed

    # When / Then Monday and Tuesday are inside, Wednesday afternoon and Friday are not
    assert not allowed(local(LONDON, 2026, 3, 9, 12, 0))
    assert not allowed(local(LONDON, 2026, 3, 10, 12, 0))
    assert allowed(local(LONDON, 2026, 3, 11, 12, 0))
    assert allowed(local(LONDON, 2026, 3, 13, 12, 0))
    assert not allowed(local(LONDON, 2026, 3, 14, 12, 0))


def test_a_window_of_a_whole_day_between_two_days_at_the_same_time() -> None:
    # Given a window from Monday 09:00 to Tuesday 09:00 (same time, different days)
    window = Unavailable(MON, time(9), TUE, time(9))
    # When / Then it is one valid 24-hour window, named with both days
    check = check_contact(
        channel="sms",
        at=local(LONDON, 2026, 3, 10, 8, 30),
        debtor_timezone=LONDON,
        unavailable=[window],
    )
    assert check.reasons == (
        "It is Tuesday 08:30 for them (Europe/London), a time they told us is "
        "inconvenient (Monday 09:00 to Tuesday 09:00).",
    )


def test_the_window_and_the_quiet_hours_are_both_named() -> None:
    # Given the weekend window, a hold, and a text on Saturday at 07:00 their time
    check = check_contact(
        channel="sms",
        at=local(LONDON, 2026, 3, 14, 7, 0),
        debtor_timezone=LONDON,
        unavailable=[WEEKEND],
        holds=["dispute"],
    )
    # When checked / Then each refusing rule is named
    assert check.reasons == (
        "The account is on hold (dispute).",
        "It is 07:00 for them (Europe/London); contact is allowed from 08:00 to 21:00 their time.",
        "It is Saturday 07:00 for them (Europe/London), a time they told us is "
        "inconvenient (Friday 18:00 to Monday 08:00).",
    )


def test_overlapping_windows_are_named_together() -> None:
    # Given two windows that both hold Saturday 10:00
    windows = [WEEKEND, Unavailable(SAT, time(9), SAT, time(12))]
    # When we check / Then one reason names both windows
    check = check_contact(
        channel="sms",
        at=local(LONDON, 2026, 3, 14, 10, 0),
        debtor_timezone=LONDON,
        unavailable=iter(windows),
    )
    assert check.reasons == (
        "It is Saturday 10:00 for them (Europe/London), a time they told us is "
        "inconvenient (Friday 18:00 to Monday 08:00; Saturday 09:00 to 12:00).",
    )


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (Unavailable(MON, time(9), MON, time(9)), "cannot end when it starts"),
        (Unavailable(SUN, time(0), SUN, time(0)), "seven windows"),
        (Unavailable(7, time(9), MON, time(10)), "start_day must be a day from 0"),
        (Unavailable(MON, time(9), -1, time(10)), "end_day must be a day from 0"),
        (Unavailable(True, time(9), MON, time(10)), "start_day"),
        (Unavailable(MON, "09:00", MON, time(10)), "start must be a time of day"),  # type: ignore[arg-type]
    ],
)
def test_impossible_windows_are_a_value_error(window: Unavailable, message: str) -> None:
    # Given a window that ends when it starts, or names a day outside 0-6
    # When we check a contact with it (any channel, even a letter) / Then ValueError says why
    for channel in ("phone", "letter"):
        with pytest.raises(ValueError, match=message):
            check_contact(
                channel=channel,
                at=local(LONDON, 2026, 3, 9, 10, 0),
                debtor_timezone=LONDON,
                unavailable=[window],
            )
    with pytest.raises(ValueError, match=message):
        window.validate()


def test_something_other_than_a_window_is_a_value_error() -> None:
    # Given a bare tuple instead of an Unavailable / When checked / Then ValueError
    with pytest.raises(ValueError, match="Unavailable"):
        check_contact(
            channel="sms",
            at=local(LONDON, 2026, 3, 9, 10, 0),
            debtor_timezone=LONDON,
            unavailable=[(MON, time(9), MON, time(10))],  # type: ignore[list-item]
        )


# --- calls the debtor asked for (§1006.14(b)(4)) ------------------------------------------


def test_a_call_within_7_days_of_consent_is_outside_the_call_limit() -> None:
    # Given 7 calls this week and the debtor asking for a call back two days ago
    at = local(LONDON, 2026, 3, 9, 10, 0)
    calls = _daily_calls(at, range(0, 7))
    # When we check the call with and without that consent
    consented = check_contact(
        channel="phone",
        at=at,
        debtor_timezone=LONDON,
        previous_calls=calls,
        call_consented_at=at - timedelta(days=2),
    )
    plain = check_contact(channel="phone", at=at, debtor_timezone=LONDON, previous_calls=calls)
    # Then only the consented one is allowed
    assert consented == ContactCheck(allowed=True, reasons=())
    assert not plain.allowed


def test_a_call_back_asked_for_in_a_conversation_is_outside_the_7_day_pause() -> None:
    # Given we spoke yesterday and they asked us to ring back today
    at = local(LONDON, 2026, 3, 9, 10, 0)
    talk = local(LONDON, 2026, 3, 8, 16, 0)
    # When we check the call back
    check = check_contact(
        channel="phone",
        at=at,
        debtor_timezone=LONDON,
        conversations=[talk],
        previous_calls=[talk],
        call_consented_at=talk,
    )
    # Then it is allowed
    assert check.allowed, check.reasons


@pytest.mark.parametrize(
    ("consent_offset", "allowed"),
    [
        (timedelta(0), True),  # consent at the moment of the call
        (timedelta(days=7), True),  # exactly 7 × 24 hours before
        (timedelta(days=7, microseconds=1), False),  # just over
        (-timedelta(minutes=1), False),  # consent after the call
    ],
)
def test_the_consent_window_is_7_times_24_hours(consent_offset: timedelta, allowed: bool) -> None:
    # Given 7 calls this week and a consent `consent_offset` before the call
    at = local(LONDON, 2026, 3, 9, 10, 0)
    calls = _daily_calls(at, range(0, 7))
    # When we check the call
    check = check_contact(
        channel="phone",
        at=at,
        debtor_timezone=LONDON,
        previous_calls=calls,
        call_consented_at=at - consent_offset,
    )
    # Then the limit is lifted only from the consent up to 7 × 24 hours later
    assert check.allowed is allowed


@pytest.mark.parametrize(
    ("call", "allowed"),
    [
        # 168 hours after 12:00 GMT on 25 March is 13:00 BST on 1 April
        (local(LONDON, 2026, 4, 1, 12, 30), True),  # after 7 calendar days, within 168 hours
        (local(LONDON, 2026, 4, 1, 13, 0), True),
        (local(LONDON, 2026, 4, 1, 13, 1), False),
    ],
)
def test_the_consent_window_is_elapsed_time_across_the_clock_change(
    call: datetime, allowed: bool
) -> None:
    # Given consent at 12:00 GMT on 25 March in London, before the clocks go forward on the 29th
    consent = local(LONDON, 2026, 3, 25, 12, 0)
    calls = _daily_calls(call, range(0, 7))
    # When we call on 1 April, with 7 calls already this week
    check = check_contact(
        channel="phone",
        at=call,
        debtor_timezone=LONDON,
        previous_calls=calls,
        call_consented_at=consent,
    )
    # Then the consent counts for 168 hours of elapsed time, not 7 wall-clock days
    assert check.allowed is allowed


def test_consent_does_not_lift_any_other_rule() -> None:
    # Given consent an hour ago, but a hold, a phone opt-out, 07:30 their time on Saturday
    # and the weekend window
    at = local(LONDON, 2026, 3, 14, 7, 30)
    check = check_contact(
        channel="phone",
        at=at,
        debtor_timezone=LONDON,
        previous_calls=_daily_calls(at, range(0, 7)),
        conversations=[at - timedelta(days=1)],
        opted_out=["phone"],
        holds=["breathing_space"],
        unavailable=[WEEKEND],
        call_consented_at=at - timedelta(hours=1),
    )
    # When checked / Then every other rule still refuses, and the call limits are not named
    assert check.reasons == (
        "The account is on hold (breathing space).",
        "They asked us not to use phone.",
        "It is 07:30 for them (Europe/London); contact is allowed from 08:00 to 21:00 their time.",
        "It is Saturday 07:30 for them (Europe/London), a time they told us is "
        "inconvenient (Friday 18:00 to Monday 08:00).",
    )


def test_consent_changes_nothing_for_other_channels() -> None:
    # Given a text at 22:00 their time with consent an hour before
    at = local(LONDON, 2026, 3, 9, 22, 0)
    # When checked / Then the quiet hours still refuse it, exactly as without consent
    with_consent = check_contact(
        channel="sms", at=at, debtor_timezone=LONDON, call_consented_at=at - timedelta(hours=1)
    )
    assert with_consent == check_contact(channel="sms", at=at, debtor_timezone=LONDON)
    assert not with_consent.allowed


@pytest.mark.parametrize("channel", ["phone", "sms", "letter"])
@pytest.mark.parametrize(
    ("consent", "message"),
    [
        (datetime(2026, 3, 9, 9, 0), "call_consented_at is a naive datetime"),
        (datetime(2026, 3, 9, 9, 0).date(), "call_consented_at must be a datetime"),
    ],
)
def test_a_naive_or_missing_consent_time_is_a_value_error(
    channel: str, consent: object, message: str
) -> None:
    # Given a consent time without a timezone (or not a time at all)
    # When checked on any channel / Then ValueError says which argument
    with pytest.raises(ValueError, match=message):
        check_contact(
            channel=channel,
            at=local(LONDON, 2026, 3, 9, 10, 0),
            debtor_timezone=LONDON,
            call_consented_at=consent,  # type: ignore[arg-type]
        )


# --- properties of the new rules -----------------------------------------------------------

days_of_week = st.integers(min_value=0, max_value=6)
clock_times = st.times()
windows = st.builds(Unavailable, days_of_week, clock_times, days_of_week, clock_times).filter(
    lambda w: (w.start_day, w.start) != (w.end_day, w.end)
)
WEEK = timedelta(days=7)


def week_position(day: int, moment: time) -> timedelta:
    return timedelta(
        days=day,
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def inside_oracle(window: Unavailable, day: int, moment: time) -> bool:
    """Inside when the distance forward from the start is less than the window's length."""
    start = week_position(window.start_day, window.start)
    length = (week_position(window.end_day, window.end) - start) % WEEK
    return (week_position(day, moment) - start) % WEEK < length


@settings(max_examples=300, deadline=None)
@given(window=windows, at=moments, tz=zone_names)
def test_a_window_refuses_exactly_the_moments_inside_it(
    window: Unavailable, at: datetime, tz: str
) -> None:
    # Given any valid window and any moment and zone
    local_at = at.astimezone(ZoneInfo(tz))
    # When we check an email (no other rule but the quiet hours applies)
    check = check_contact(channel="email", at=at, debtor_timezone=tz, unavailable=[window])
    alone = check_contact(channel="email", at=at, debtor_timezone=tz)
    # Then a reason is added exactly when their local weekday and time are inside the window
    added = set(check.reasons) - set(alone.reasons)
    assert bool(added) is inside_oracle(window, local_at.weekday(), local_at.time())
    assert set(alone.reasons) <= set(check.reasons)


@settings(max_examples=200, deadline=None)
@given(
    at=moments,
    tz=zone_names,
    calls=st.lists(moments, max_size=10),
    talks=st.lists(moments, max_size=3),
    since=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=7)),
    opted_out=st.sets(st.sampled_from(CHANNELS)),
    holds=st.sets(st.sampled_from(["dispute", "breathing_space", "cease_communication"])),
    unavailable=st.lists(windows, max_size=3),
)
def test_consent_makes_a_call_exactly_as_if_there_were_no_history(
    at: datetime,
    tz: str,
    calls: list[datetime],
    talks: list[datetime],
    since: timedelta,
    opted_out: set[str],
    holds: set[str],
    unavailable: list[Unavailable],
) -> None:
    # Given any history and other rules, and consent at most 7 × 24 hours before the call
    common = {
        "channel": "phone",
        "at": at,
        "debtor_timezone": tz,
        "opted_out": opted_out,
        "holds": holds,
        "unavailable": unavailable,
    }
    # When checked with the history and the consent
    check = check_contact(
        **common, previous_calls=calls, conversations=talks, call_consented_at=at - since
    )
    # Then it is exactly the verdict without any call history
    assert check == check_contact(**common)
