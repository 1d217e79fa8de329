"""Check-ins: what an agent records (`CheckInInput`) and the pure verdict on it (`decide`).

`decide` judges an input against what `service.load` read once (debtor, account, the
follow-up it answers, the contact rules' context, office today) and returns every problem by
field with the cleaned values; it never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from core.contact_rules import EARLIEST, LATEST
from core.errors import FieldErrors, UserError
from core.money import format_money
from core.store.models import Account, Channel, Debtor, Direction, FollowUp, Outcome
from core.text import MAX_NOTE_CHARS, clean_note

from . import queries
from .rules import ContactContext, verdict
from .views import (
    CHANNELS,
    DIRECTIONS,
    FOLLOWUP_REASONS,
    IDEA_PROMPTS,
    LIFE_CHANGES,
    OUTCOMES,
    SIGNPOSTING,
    VULNERABILITY_DRIVERS,
    ChannelVerdict,
    FollowUpSuggestion,
    channel_in_sentence,
    split_list,
)

FUTURE_GRACE = timedelta(minutes=2)  # clocks on agents' machines drift a little


# ---------------------------------------------------------------- errors and inputs


class CheckInValidationError(FieldErrors):
    """A check-in that cannot be saved; nothing was saved."""


@dataclass(kw_only=True)
class CheckInInput:
    """Everything an agent records about one contact (field names are the error keys)."""

    debtor_id: int
    account_id: int | None = None
    channel: str = Channel.PHONE
    direction: str = Direction.OUTBOUND
    outcome: str = Outcome.SPOKE
    right_party: bool = False
    at: datetime | None = None  # None: now
    wellbeing: int | None = None  # 1 (struggling) .. 5 (doing well), None: not asked
    life_changes: list[str] = field(default_factory=list)
    consent_given: bool = False
    vulnerability_drivers: list[str] = field(default_factory=list)
    impact: str = ""
    duration: str = ""
    episodes: str = ""
    assistance: str = ""
    signposting: list[str] = field(default_factory=list)
    needs: str = ""
    next_step: str = ""
    notes: str = ""
    promise_amount_cents: int | None = None
    promise_due_on: date | None = None
    create_followup: bool = True
    followup_on: date | None = None  # None: the suggested date
    followup_channel: str | None = None  # None: the suggested channel
    followup_reason: str | None = None  # None: the suggested reason
    followup_note: str = ""
    stop_channels: list[str] = field(default_factory=list)  # "please don't text me" → ["sms"]
    preferred_channel: str | None = None  # None: no change
    rule_override_reason: str = ""
    followup_id: int | None = None  # the open follow-up this contact answers
    callback_on: date | None = None  # "call me on …" (their local date)
    callback_time: time | None = None  # "… at …" (their local time)
    reading_grade: float | None = None  # a message sent: its plain-language check
    jargon: list[str] = field(default_factory=list)
    plain_language_reason: str = ""


@dataclass(frozen=True)
class Loaded:
    """What a check-in is decided against, loaded once."""

    debtor: Debtor
    account: Account | None
    account_ok: bool
    answered: FollowUp | None
    answered_ok: bool
    ctx: ContactContext | None  # None when nothing needs the rules (an inbound note, no follow-up)
    zone: ZoneInfo
    today: date
    plan_first_due: date | None


@dataclass
class Decision:
    """The verdict on an input: every problem by field, and the cleaned values."""

    errors: dict[str, str] = field(default_factory=dict)
    at: datetime | None = None
    text: dict[str, str] = field(default_factory=dict)
    idea: dict[str, str] = field(default_factory=dict)
    drivers: list[str] = field(default_factory=list)
    opted_out: set[str] = field(default_factory=set)
    preferred: str = ""
    verdict: ChannelVerdict | None = None
    consented_at: datetime | None = None
    callback_at: datetime | None = None
    suggestion: FollowUpSuggestion | None = None

    @property
    def override(self) -> bool:
        """The contact broke a rule (and a reason was given, or it would not be saved)."""
        return self.verdict is not None and not self.verdict.allowed


# ---------------------------------------------------------------- small helpers


def pounds_to_cents(amount: float | int | str | Decimal | None) -> int | None:
    """An amount typed in pounds as int pence, rounded half up (None stays None)."""
    if amount is None or amount == "":
        return None
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise UserError("Enter the amount as a number of pounds, e.g. 25.50.") from exc
    return int((value * 100).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


def to_utc(day: date, at: time, zone: ZoneInfo | str) -> datetime:
    """A date and wall-clock time in `zone` as an aware UTC datetime."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    return datetime.combine(day, at, zone).astimezone(UTC)


# ---------------------------------------------------------------- decide (pure)


def _check_keys(values, vocabulary: dict[str, str], what: str) -> str | None:
    unknown = [v for v in values if v not in vocabulary]
    if unknown:
        return (f"Unknown {what}: {', '.join(unknown)}. "
                f"Choose from {', '.join(vocabulary.values())}.")
    return None


def _note(errors: dict[str, str], key: str, text: str, label: str) -> str:
    try:
        return clean_note(text, field=label, limit=MAX_NOTE_CHARS)
    except ValueError as exc:
        errors[key] = str(exc)
        return ""


def _decide_basics(data: CheckInInput, loaded: Loaded, now: datetime, d: Decision) -> None:
    errors = d.errors
    if not loaded.account_ok:
        errors["account_id"] = "Choose one of this debtor's accounts."
    if not loaded.answered_ok:
        errors["followup_id"] = "That follow-up is not one of this debtor's."
    if data.channel not in CHANNELS:
        errors["channel"] = f"Choose a channel: {', '.join(CHANNELS.values())}."
    if data.direction not in DIRECTIONS:
        errors["direction"] = "Choose who made the contact."
    if data.outcome not in OUTCOMES:
        errors["outcome"] = f"Choose an outcome: {', '.join(OUTCOMES.values())}."
    at = data.at or now
    if at.tzinfo is None or at.utcoffset() is None:
        errors["at"] = "The time of the check-in needs a timezone."
        at = now
    elif at > now + FUTURE_GRACE:
        errors["at"] = "The check-in can't be dated in the future."
    d.at = at
    if data.wellbeing is not None and (
            isinstance(data.wellbeing, bool) or not isinstance(data.wellbeing, int)
            or not 1 <= data.wellbeing <= 5):
        errors["wellbeing"] = "Wellbeing must be between 1 and 5 (or left as not asked)."
    for key, vocabulary, what in (("life_changes", LIFE_CHANGES, "life change"),
                                  ("signposting", SIGNPOSTING, "signposting"),
                                  ("vulnerability_drivers", VULNERABILITY_DRIVERS,
                                   "vulnerability driver"),
                                  ("stop_channels", CHANNELS, "channel")):
        problem = _check_keys(getattr(data, key), vocabulary, what)
        if problem:
            errors[key] = problem


def _decide_care(data: CheckInInput, d: Decision) -> None:
    errors = d.errors
    d.idea = {k: _note(errors, k, getattr(data, k), IDEA_PROMPTS[k].split(":")[0])
              for k in IDEA_PROMPTS}
    has_details = bool(data.vulnerability_drivers) or any(d.idea.values())
    if has_details and not data.consent_given:
        errors["vulnerability_drivers"] = (
            "Vulnerability details can only be recorded with the debtor's explicit consent. "
            "Tick 'Explicit consent given' if they agreed, or leave these empty.")
    elif data.consent_given and any(d.idea.values()) and not data.vulnerability_drivers:
        errors["vulnerability_drivers"] = "Choose which vulnerability driver the notes are about."
    d.drivers = sorted(set(data.vulnerability_drivers)) if data.consent_given else []
    for key, label in (("needs", "What they need"), ("next_step", "The next step"),
                       ("notes", "The notes"), ("followup_note", "The follow-up note"),
                       ("rule_override_reason", "The reason"),
                       ("plain_language_reason", "The reason")):
        d.text[key] = _note(errors, key, getattr(data, key), label)


def _decide_promise(data: CheckInInput, loaded: Loaded, d: Decision) -> None:
    errors, account = d.errors, loaded.account
    if data.promise_amount_cents is not None:
        amount = data.promise_amount_cents
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            errors["promise_amount_cents"] = "A promise to pay must be more than £0."
        elif account is None:
            errors["promise_amount_cents"] = "Choose the account the promise is for."
        elif amount > account.balance_cents:
            errors["promise_amount_cents"] = (
                f"The promise is more than what is left to pay "
                f"({format_money(account.balance_cents, account.currency)}).")
        if data.promise_due_on is None:
            errors["promise_due_on"] = "Enter the date they promised to pay by."
        elif data.promise_due_on < loaded.today:
            errors["promise_due_on"] = "The promised date can't be in the past."
    elif data.promise_due_on is not None:
        errors["promise_amount_cents"] = ("Enter the amount they promised, or clear the "
                                          "promise date.")


def _decide_channels(data: CheckInInput, loaded: Loaded, d: Decision) -> None:
    errors, debtor = d.errors, loaded.debtor
    d.opted_out = set(split_list(debtor.opted_out)) | set(data.stop_channels)
    preferred = debtor.preferred_channel
    if data.preferred_channel is not None:
        if data.preferred_channel not in CHANNELS:
            errors["preferred_channel"] = "Choose a preferred channel from the list."
        elif data.preferred_channel in d.opted_out:
            errors["preferred_channel"] = (
                f"They asked us not to use {channel_in_sentence(data.preferred_channel)}, so it "
                "can't be their preferred channel.")
        else:
            preferred = data.preferred_channel
    elif preferred in data.stop_channels:
        errors["preferred_channel"] = (
            f"{CHANNELS[preferred]} was their preferred channel and they asked us to stop "
            "using it: choose a new preferred channel.")
    d.preferred = preferred


def _decide_callback(data: CheckInInput, loaded: Loaded, now: datetime, d: Decision) -> None:
    """"They asked us to call on … at …", in their local time."""
    if data.callback_on is None and data.callback_time is None:
        return
    if data.callback_on is None or data.callback_time is None:
        d.errors["callback_on"] = "Give both the day and the time they asked us to call."
        return
    zone = ZoneInfo(loaded.debtor.timezone)
    when = to_utc(data.callback_on, data.callback_time, zone)
    if when <= now:
        d.errors["callback_on"] = "The call-back they asked for can't be in the past."
    elif not EARLIEST <= data.callback_time < LATEST:
        d.errors["callback_on"] = (
            f"{data.callback_time:%H:%M} their time is inside the quiet hours: calls are "
            f"allowed from {EARLIEST:%H:%M} to {LATEST:%H:%M} their time.")
    elif Channel.PHONE in d.opted_out:
        d.errors["callback_on"] = "They asked us not to phone them, so no call-back can be set."
    else:
        d.callback_at = when


def _decide_followup(data: CheckInInput, loaded: Loaded, d: Decision) -> None:
    errors = d.errors
    if not data.create_followup:
        return
    if data.followup_on is not None and data.followup_on < loaded.today:
        errors["followup_on"] = "The next follow-up can't be in the past."
    if data.followup_channel is not None:
        if data.followup_channel not in CHANNELS:
            errors["followup_channel"] = "Choose a channel for the follow-up."
        elif data.followup_channel in d.opted_out:
            named = channel_in_sentence(data.followup_channel)
            errors["followup_channel"] = f"They asked us not to use {named}; pick another channel."
    if data.followup_reason is not None and data.followup_reason not in FOLLOWUP_REASONS:
        errors["followup_reason"] = "Choose a reason for the follow-up."
    if data.outcome in OUTCOMES and data.channel in CHANNELS and loaded.ctx is not None:
        d.suggestion = queries.suggest_from(
            loaded.ctx, today=loaded.today, outcome=data.outcome, channel=data.channel,
            direction=data.direction, at=d.at,
            promise_due=data.promise_due_on if data.promise_amount_cents else None,
            hardship=bool(data.life_changes) or bool(d.drivers),
            plan_first_due=loaded.plan_first_due, stop_channels=data.stop_channels)


def _decide_rules(data: CheckInInput, loaded: Loaded, d: Decision) -> None:
    """The contact rules apply to contacts we make, judged at the time they were made."""
    if not (data.direction == Direction.OUTBOUND and data.channel in CHANNELS
            and loaded.ctx is not None and "at" not in d.errors and "account_id" not in d.errors):
        return
    answered = loaded.answered
    if answered is not None and answered.call_consented_at is not None \
            and data.channel == Channel.PHONE:
        d.consented_at = answered.call_consented_at
    d.verdict = verdict(loaded.ctx, data.channel, d.at, call_consented_at=d.consented_at)
    if not d.verdict.allowed and not d.text["rule_override_reason"]:
        d.errors["rule_override_reason"] = (
            "This contact was against the contact rules: " + " ".join(d.verdict.reasons)
            + " Write down why it was needed; it will be flagged for a lead.")


def decide(data: CheckInInput, loaded: Loaded, now: datetime) -> Decision:
    """Every problem with `data`, keyed by field, and the cleaned values (pure)."""
    d = Decision()
    _decide_basics(data, loaded, now, d)
    _decide_care(data, d)
    _decide_promise(data, loaded, d)
    _decide_channels(data, loaded, d)
    _decide_callback(data, loaded, now, d)
    _decide_followup(data, loaded, d)
    _decide_rules(data, loaded, d)
    return d
