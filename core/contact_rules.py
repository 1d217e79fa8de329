"""Contact-rule guards: may we contact this debtor on this channel right now?

Follows US Regulation F (12 CFR 1006) as described in PRODUCT.md: quiet hours at the
debtor's local time, the 7-in-7 call limit, the 7-day pause after a telephone
conversation, channel opt-outs, holds (dispute, breathing space, cease communication),
times the debtor told us are inconvenient (§1006.6(b)(1)), and calls made within 7 days of
the debtor's direct consent, which the two call-frequency limits do not cover
(§1006.14(b)(4)).
Days are always the debtor's local calendar days, so daylight-saving changes never stretch
or shrink a "day".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CHANNELS: tuple[str, ...] = ("phone", "sms", "email", "video", "letter")

EARLIEST = time(8, 0)
LATEST = time(21, 0)
CALL_LIMIT = 7
CALL_WINDOW_DAYS = 7
CONVERSATION_PAUSE_DAYS = 7
FRIENDLY_CALL_TIME = time(9, 0)
CONSENT_WINDOW = timedelta(days=7)  # 7 × 24 hours of elapsed time, not calendar days
DAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ContactCheck:
    """Whether a contact is allowed, and every plain-English reason it is not."""

    allowed: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A weekly time the debtor told us is inconvenient, on their local clock.

    The window runs forward through the week from (`start_day`, `start`), included, to
    (`end_day`, `end`), excluded; days are 0 = Monday … 6 = Sunday. When its end is not after
    its start in week order it wraps past Sunday midnight, so Friday 18:00 → Monday 08:00 is
    one window. "No calls before 2 pm" is seven windows, one a day.
    """

    start_day: int
    start: time
    end_day: int
    end: time

    def validate(self) -> None:
        """Raise ValueError when a day is outside 0–6, a time is not a time, or end == start."""
        for what, day in (("start_day", self.start_day), ("end_day", self.end_day)):
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(
                    f"An unavailable time's {what} must be a day from 0 (Monday) to "
                    f"6 (Sunday), not {day!r}."
                )
        for what, moment in (("start", self.start), ("end", self.end)):
            if not isinstance(moment, time):
                raise ValueError(
                    f"An unavailable time's {what} must be a time of day, not "
                    f"{type(moment).__name__}."
                )
        if _week_offset(self.start_day, self.start) == _week_offset(self.end_day, self.end):
            raise ValueError(
                f"An unavailable time cannot end when it starts ({self.describe()}); "
                "for every day, give seven windows, one a day."
            )

    def contains(self, weekday: int, moment: time) -> bool:
        """True when local (`weekday`, `moment`) falls inside this window."""
        self.validate()
        start = _week_offset(self.start_day, self.start)
        end = _week_offset(self.end_day, self.end)
        here = _week_offset(weekday, moment)
        if start < end:
            return start <= here < end
        return here >= start or here < end  # wraps past Sunday midnight

    def describe(self) -> str:
        """Plain English, e.g. "Friday 18:00 to Monday 08:00" or "Monday 00:00 to 14:00"."""
        start = f"{_day_name(self.start_day)} {_clock(self.start)}"
        if self.end_day == self.start_day and _time_offset(self.end) > _time_offset(self.start):
            return f"{start} to {_clock(self.end)}"
        return f"{start} to {_day_name(self.end_day)} {_clock(self.end)}"


def _time_offset(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _week_offset(day: int, moment: time) -> timedelta:
    return timedelta(days=day) + _time_offset(moment)


def _day_name(day: object) -> str:
    return DAY_NAMES[day] if isinstance(day, int) and 0 <= day <= 6 else f"day {day!r}"


def _clock(moment: object) -> str:
    if not isinstance(moment, time):
        return repr(moment)
    if moment.second or moment.microsecond:
        return f"{moment:%H:%M:%S}"
    return f"{moment:%H:%M}"


# Files in the tz database folder that are not zone names: they mean different things on
# different machines, so a debtor's record must never depend on them.
_NOT_ZONE_NAMES = frozenset({"localtime", "posixrules"})


def is_valid_timezone(name: str) -> bool:
    """Return True when `name` is a known IANA timezone such as "Europe/London"."""
    if not isinstance(name, str) or not name or name in _NOT_ZONE_NAMES:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _zone(name: str) -> ZoneInfo:
    if not is_valid_timezone(name):
        raise ValueError(f"Unknown timezone {name!r}: use an IANA name such as 'Europe/London'.")
    return ZoneInfo(name)


def _require_aware(value: datetime, what: str) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{what} must be a datetime, not {type(value).__name__}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what} is a naive datetime ({value.isoformat()}); give it a timezone, e.g. UTC."
        )


def local_now(at: datetime, tz: str) -> datetime:
    """Return `at` as the wall-clock time in timezone `tz`."""
    _require_aware(at, "at")
    return at.astimezone(_zone(tz))


def _local_days(values: Iterable[datetime], zone: ZoneInfo, what: str) -> list[date]:
    days = []
    for value in values:
        _require_aware(value, what)
        days.append(value.astimezone(zone).date())
    return days


def _day_month(day: date) -> str:
    return f"{day.day} {day:%B}"


def check_contact(
    *,
    channel: str,
    at: datetime,
    debtor_timezone: str,
    previous_calls: Iterable[datetime] = (),
    conversations: Iterable[datetime] = (),
    opted_out: Collection[str] = (),
    holds: Collection[str] = (),
    unavailable: Iterable[Unavailable] = (),
    call_consented_at: datetime | None = None,
) -> ContactCheck:
    """Check whether contacting the debtor on `channel` at `at` is allowed, and why not.

    `unavailable` are weekly times the debtor told us are inconvenient (every channel but
    letter). `call_consented_at` is when the debtor directly asked for or agreed to this
    call: a phone call from then up to 7 × 24 hours later is outside the two call-frequency
    limits (§1006.14(b)(4)); every other rule still applies.
    """
    if channel not in CHANNELS:
        raise ValueError(f"Unknown channel {channel!r}: use one of {', '.join(CHANNELS)}.")
    _require_aware(at, "at")
    zone = _zone(debtor_timezone)
    local = at.astimezone(zone)
    today = local.date()
    call_days = _local_days(previous_calls, zone, "previous_calls")
    conversation_days = _local_days(conversations, zone, "conversations")
    windows = tuple(unavailable)
    for window in windows:
        if not isinstance(window, Unavailable):
            raise ValueError(
                f"unavailable must hold Unavailable windows, not {type(window).__name__}."
            )
        window.validate()
    consented = False
    if call_consented_at is not None:
        _require_aware(call_consented_at, "call_consented_at")
        consent = call_consented_at.astimezone(UTC)
        moment = at.astimezone(UTC)  # in UTC, so that the 7 days are elapsed time
        consented = consent <= moment <= consent + CONSENT_WINDOW

    reasons: list[str] = []

    hold_names = sorted({hold.replace("_", " ").strip() for hold in holds if hold})
    if hold_names:
        reasons.append(f"The account is on hold ({', '.join(hold_names)}).")

    if channel in opted_out:
        reasons.append(f"They asked us not to use {channel}.")

    if channel != "letter" and not (EARLIEST <= local.time() < LATEST):
        reasons.append(
            f"It is {local:%H:%M} for them ({debtor_timezone}); contact is allowed from "
            f"{EARLIEST:%H:%M} to {LATEST:%H:%M} their time."
        )

    if channel != "letter":
        inside = [window for window in windows if window.contains(local.weekday(), local.time())]
        if inside:
            reasons.append(
                f"It is {DAY_NAMES[local.weekday()]} {local:%H:%M} for them "
                f"({debtor_timezone}), a time they told us is inconvenient "
                f"({'; '.join(window.describe() for window in inside)})."
            )

    if channel == "phone" and not consented:
        # The window is the day of `at` and the 6 local days before it.
        window_start = today - timedelta(days=CALL_WINDOW_DAYS - 1)
        recent_calls = sum(1 for day in call_days if window_start <= day <= today)
        if recent_calls >= CALL_LIMIT:
            reasons.append(
                f"{recent_calls} call attempts already in the last {CALL_WINDOW_DAYS} days "
                f"(limit {CALL_LIMIT})."
            )

        # The conversation day is day 1 of the pause, so calls resume on day 8.
        pause_start = today - timedelta(days=CONVERSATION_PAUSE_DAYS - 1)
        recent_talks = [day for day in conversation_days if pause_start <= day <= today]
        if recent_talks:
            last = max(recent_talks)
            resume = last + timedelta(days=CONVERSATION_PAUSE_DAYS)
            reasons.append(
                f"We spoke by phone on {_day_month(last)}; no calls until "
                f"{_day_month(resume)} ({CONVERSATION_PAUSE_DAYS}-day rule)."
            )

    return ContactCheck(allowed=not reasons, reasons=tuple(reasons))


def next_allowed_call(
    *,
    after: datetime,
    debtor_timezone: str,
    previous_calls: Iterable[datetime] = (),
    conversations: Iterable[datetime] = (),
    opted_out: Collection[str] = (),
    holds: Collection[str] = (),
    horizon_days: int = 30,
) -> datetime | None:
    """Return 09:00 their time on the first local day after `after`'s day when a call is allowed."""
    _require_aware(after, "after")
    zone = _zone(debtor_timezone)
    if "phone" in opted_out or any(holds):
        return None
    calls = tuple(previous_calls)
    talks = tuple(conversations)
    start = after.astimezone(zone).date()
    for offset in range(1, horizon_days + 1):
        candidate = datetime.combine(start + timedelta(days=offset), FRIENDLY_CALL_TIME, zone)
        check = check_contact(
            channel="phone",
            at=candidate,
            debtor_timezone=debtor_timezone,
            previous_calls=calls,
            conversations=talks,
            opted_out=opted_out,
            holds=holds,
        )
        if check.allowed:
            return candidate
    return None
