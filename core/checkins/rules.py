"""The check-in job's decisions, pure: may we contact them, and when do we talk next.

Cadence (the next follow-up date suggested after a contact, `suggest_next_followup`):
- a promise to pay → the day after its date (did it arrive?);
- hardship disclosed (a life change or a vulnerability) → in 3 days, well inside the 7 the
  issue asks for: soon enough to see whether the signposted help was reached;
- no answer / left a message → the next day a call is allowed by the contact rules;
- a plan just agreed (its first instalment still ahead) → 2 days before that instalment;
- a wrong number → tomorrow (find a working number); a message sent → in 7 days;
  otherwise → a friendly check-in in 14 days.
When several apply the earliest wins, and never earlier than tomorrow. Then what we agreed
to do differently moves it: "extra time" adds its days, and a day whose contact hours are
all inside times they are unavailable is skipped. The channel is the debtor's preferred one
if the rules (and a "channel only" adjustment) allow it on that day, otherwise the first
that they do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.contact_rules import EARLIEST, LATEST, Unavailable, check_contact, next_allowed_call
from core.vocabulary import AdjustmentKind, Channel, FollowUpReason, Outcome

from .views import CHANNELS, ChannelVerdict, FollowUpSuggestion, channel_in_sentence

NO_ANSWER_OUTCOMES = frozenset({Outcome.NO_ANSWER, Outcome.LEFT_MESSAGE})
HARDSHIP_FOLLOWUP_DAYS = 3
PROMISE_FOLLOWUP_DAYS = 1
PLAN_FOLLOWUP_DAYS_BEFORE = 2
MESSAGE_FOLLOWUP_DAYS = 7
DEFAULT_FOLLOWUP_DAYS = 14
NO_CALL_FALLBACK_DAYS = 7
FREE_DAY_SEARCH_DAYS = 14
SLOT = timedelta(minutes=15)
CALLS = frozenset({Channel.PHONE, Channel.VIDEO})


@dataclass(frozen=True)
class Agreed:
    """An adjustment in force, as the rules need it (no database row)."""

    kind: str
    label: str  # e.g. "Only by letter"
    window: Unavailable | None = None
    channels: tuple[str, ...] = ()
    extra_days: int = 0


@dataclass(frozen=True)
class ContactContext:
    """Everything the contact rules need about one person, loaded once."""

    debtor_id: int
    timezone: str
    window_start: time
    window_end: time
    preferred_channel: str
    opted_out: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()
    calls: tuple[datetime, ...] = ()
    conversations: tuple[datetime, ...] = ()
    agreed: tuple[Agreed, ...] = field(default_factory=tuple)

    @property
    def unavailable(self) -> tuple[Unavailable, ...]:
        """The weekly windows they told us are inconvenient."""
        return tuple(a.window for a in self.agreed if a.window is not None)

    @property
    def only_channels(self) -> tuple[str, ...]:
        """The channels a "channel only" adjustment allows (empty: no such adjustment)."""
        allowed: set[str] = set()
        for a in self.agreed:
            if a.kind == AdjustmentKind.CHANNEL_ONLY:
                allowed |= set(a.channels)
        return tuple(c for c in CHANNELS if c in allowed)

    @property
    def extra_days(self) -> int:
        """The extra days agreed before any next step."""
        return max((a.extra_days for a in self.agreed if a.kind == AdjustmentKind.EXTRA_TIME),
                   default=0)


def window_reason(ctx: ContactContext, channel: str, local: datetime) -> str | None:
    """The hours they asked to be contacted in (letters are not bound by them)."""
    if channel == Channel.LETTER:
        return None
    start, end = ctx.window_start, ctx.window_end
    if start <= local.time() < end:
        return None
    return f"It is outside the hours they asked for ({start:%H:%M}–{end:%H:%M} their time)."


def adjustment_reasons(ctx: ContactContext, channel: str, *,
                       call_consented_at: datetime | None = None) -> list[str]:
    """What an adjustment forbids on `channel`, naming the adjustment."""
    reasons = []
    only = ctx.only_channels
    if only and channel not in only:
        named = " or ".join(channel_in_sentence(c) for c in only)
        reasons.append(f"We agreed to contact them only by {named} (adjustment: channel only).")
    if channel in CALLS and call_consented_at is None and any(
            a.kind == AdjustmentKind.TEXT_FIRST for a in ctx.agreed):
        reasons.append("We agreed to text first to arrange a call (adjustment: text first).")
    return reasons


def verdict(ctx: ContactContext, channel: str, at: datetime, *,
            call_consented_at: datetime | None = None) -> ChannelVerdict:
    """`check_contact` for one channel, plus their contact hours and what we agreed."""
    check = check_contact(
        channel=channel, at=at, debtor_timezone=ctx.timezone,
        previous_calls=ctx.calls, conversations=ctx.conversations,
        opted_out=ctx.opted_out, holds=ctx.holds, unavailable=ctx.unavailable,
        call_consented_at=call_consented_at,
    )
    reasons = list(check.reasons)
    # §1006.6(b)(1): a time the debtor said is inconvenient counts like the quiet hours.
    hours = window_reason(ctx, channel, at.astimezone(ZoneInfo(ctx.timezone)))
    if hours:
        reasons.append(hours)
    reasons.extend(adjustment_reasons(ctx, channel, call_consented_at=call_consented_at))
    return ChannelVerdict(channel=channel, label=CHANNELS[channel], allowed=not reasons,
                          reasons=tuple(reasons))


def all_verdicts(ctx: ContactContext, at: datetime) -> tuple[ChannelVerdict, ...]:
    """The verdict for every channel at `at`."""
    return tuple(verdict(ctx, channel, at) for channel in CHANNELS)


def later_today(ctx: ContactContext, channel: str, at: datetime, *,
                call_consented_at: datetime | None = None) -> datetime | None:
    """The first moment after `at`, on their same local day, when `channel` is allowed."""
    zone = ZoneInfo(ctx.timezone)
    local = at.astimezone(zone)
    day = local.date()
    moment = local.replace(second=0, microsecond=0) + SLOT
    moment = moment.replace(minute=moment.minute // 15 * 15)
    while moment.date() == day:
        if verdict(ctx, channel, moment, call_consented_at=call_consented_at).allowed:
            return moment.astimezone(UTC)
        moment += SLOT
    return None


def shared_reasons(verdicts: Iterable[ChannelVerdict]) -> tuple[str, ...]:
    """The reasons every channel is refused for (a hold, say), to show once, not five times."""
    verdicts = list(verdicts)
    if not verdicts or any(v.allowed for v in verdicts):
        return ()
    first = verdicts[0].reasons
    return tuple(r for r in first if all(r in v.reasons for v in verdicts[1:]))


def grouped_verdicts(verdicts: Iterable[ChannelVerdict]
                     ) -> list[tuple[tuple[str, ...], bool, tuple[str, ...]]]:
    """Channels with the same verdict together, shared reasons left out (see shared_reasons):
    [(labels, allowed, reasons)] in channel order."""
    verdicts = list(verdicts)
    shared = set(shared_reasons(verdicts))
    groups: dict[tuple[bool, tuple[str, ...]], list[str]] = {}
    for v in verdicts:
        own = tuple(r for r in v.reasons if r not in shared)
        groups.setdefault((v.allowed, own), []).append(v.label)
    return [(tuple(names), allowed, own) for (allowed, own), names in groups.items()]


# ---------------------------------------------------------------- cadence


def free_moment(day: date, *, timezone: str, window_start: time, window_end: time,
                unavailable: Sequence[Unavailable]) -> datetime | None:
    """The first quarter-hour of `day` (their clock) inside their hours and 08:00–21:00 and
    outside every unavailable window; None when there is none."""
    zone = ZoneInfo(timezone)
    start = max(window_start, EARLIEST)
    end = min(window_end, LATEST)
    moment = datetime.combine(day, start, zone)
    stop = datetime.combine(day, end, zone)
    while moment < stop:
        local = moment.astimezone(zone)
        if not any(w.contains(local.weekday(), local.time()) for w in unavailable):
            return moment
        moment += SLOT
    return None


def _pick_channel(*, preferred: str, at: datetime, debtor_timezone: str,
                  previous_calls: tuple[datetime, ...], conversations: tuple[datetime, ...],
                  opted_out: Collection[str], holds: Collection[str],
                  only_channels: Collection[str] = ()) -> str:
    order = [preferred, *[c for c in (Channel.PHONE, Channel.SMS, Channel.EMAIL,
                                      Channel.LETTER, Channel.VIDEO) if c != preferred]]
    if only_channels:
        order = [c for c in order if c in only_channels] or order
    for channel in order:
        check = check_contact(channel=channel, at=at, debtor_timezone=debtor_timezone,
                              previous_calls=previous_calls, conversations=conversations,
                              opted_out=opted_out, holds=holds)
        if check.allowed:
            return channel
    return next((c for c in order if c not in opted_out), preferred)


def suggest_next_followup(
    *,
    today: date,
    outcome: str,
    at: datetime | None = None,
    debtor_timezone: str = "Europe/London",
    promise_due: date | None = None,
    hardship: bool = False,
    plan_first_due: date | None = None,
    previous_calls: Iterable[datetime] = (),
    conversations: Iterable[datetime] = (),
    opted_out: Collection[str] = (),
    holds: Collection[str] = (),
    preferred_channel: str = Channel.PHONE,
    window_start: time = time(9, 0),
    window_end: time = time(21, 0),
    unavailable: Sequence[Unavailable] = (),
    only_channels: Collection[str] = (),
    extra_days: int = 0,
) -> FollowUpSuggestion:
    """Propose the next follow-up from what happened (see the module docstring for the rules).

    `previous_calls` and `conversations` include the contact just made; `at` is when it was.
    """
    calls = tuple(previous_calls)
    talks = tuple(conversations)
    candidates: list[tuple[date, str, str]] = []
    if promise_due is not None:
        candidates.append((promise_due + timedelta(days=PROMISE_FOLLOWUP_DAYS),
                           FollowUpReason.PROMISE_CHECK,
                           "the day after the promised payment date"))
    if hardship:
        candidates.append((today + timedelta(days=HARDSHIP_FOLLOWUP_DAYS),
                           FollowUpReason.CHECK_IN,
                           f"they shared a hardship: check in within {HARDSHIP_FOLLOWUP_DAYS} "
                           "days"))
    if plan_first_due is not None:
        candidates.append((plan_first_due - timedelta(days=PLAN_FOLLOWUP_DAYS_BEFORE),
                           FollowUpReason.REVIEW_PLAN,
                           f"{PLAN_FOLLOWUP_DAYS_BEFORE} days before the plan's first "
                           "instalment"))
    if outcome in NO_ANSWER_OUTCOMES:
        after = at or datetime.combine(today, time(12, 0), ZoneInfo(debtor_timezone))
        nxt = next_allowed_call(after=after, debtor_timezone=debtor_timezone,
                                previous_calls=calls, conversations=talks,
                                opted_out=opted_out, holds=holds)
        if nxt is not None:
            candidates.append((nxt.date(), FollowUpReason.CALL_BACK,
                               "the next day a call is allowed by the contact rules"))
        else:
            candidates.append((today + timedelta(days=NO_CALL_FALLBACK_DAYS),
                               FollowUpReason.CALL_BACK,
                               "no call is allowed soon (opted out of calls or on hold)"))
    elif outcome == Outcome.WRONG_NUMBER:
        candidates.append((today + timedelta(days=1), FollowUpReason.CALL_BACK,
                           "find a working number for them"))
    if not candidates:
        days = MESSAGE_FOLLOWUP_DAYS if outcome == Outcome.MESSAGE_SENT else DEFAULT_FOLLOWUP_DAYS
        candidates.append((today + timedelta(days=days), FollowUpReason.CHECK_IN,
                           f"a friendly check-in in {days} days"))
    due_on, reason, why = min(candidates, key=lambda c: c[0])
    tomorrow = today + timedelta(days=1)
    if due_on < tomorrow:
        due_on, why = tomorrow, f"{why} (that is already here, so tomorrow)"
    if extra_days > 0:
        due_on, why = due_on + timedelta(days=extra_days), (
            f"{why}, plus the {extra_days} extra days we agreed")
    moment = free_moment(due_on, timezone=debtor_timezone, window_start=window_start,
                         window_end=window_end, unavailable=unavailable)
    for _ in range(FREE_DAY_SEARCH_DAYS):
        if moment is not None or not unavailable:
            break
        due_on += timedelta(days=1)
        why = why if "unavailable" in why else f"{why}, moved past a time they are unavailable"
        moment = free_moment(due_on, timezone=debtor_timezone, window_start=window_start,
                             window_end=window_end, unavailable=unavailable)
    if moment is None:
        moment = datetime.combine(due_on, max(window_start, EARLIEST), ZoneInfo(debtor_timezone))
    channel = _pick_channel(preferred=preferred_channel, at=moment,
                            debtor_timezone=debtor_timezone, previous_calls=calls,
                            conversations=talks, opted_out=opted_out, holds=holds,
                            only_channels=only_channels)
    return FollowUpSuggestion(due_on=due_on, reason=str(reason), channel=str(channel), why=why)
