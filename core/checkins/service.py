"""Check-ins: log a contact as structured care, never break a rule (the writes).

Who may do what (decided here, enforced by every service below):
- any active agent, lead or admin may log a check-in for any debtor. Debtors call whoever
  picks up, and the Regulation F call limits only work if *every* contact is recorded, so
  refusing to log a colleague's debtor would hide contacts rather than prevent them. The
  follow-up a check-in creates still goes to the debtor's owner.
- a check-in is never deleted or changed; a correction is a `CheckInAmendment` that keeps
  the original, and is the record from then on. Only the agent who logged the check-in, or
  a lead/admin, may amend it.

`log_checkin` loads its context once (debtor, account, the follow-up it answers, holds,
calls across all the person's accounts, adjustments, office today), lets the pure `decide`
judge the input, then writes and audits. What the debtor asks for applies in the same
check-in: a channel they opt out of is not used for the follow-up it creates; a call-back
they asked for ("call me Thursday at 6 pm", their time) keeps its time and the moment of
their consent, and that call is outside the call-frequency limits (§1006.14(b)(4)).
Cadence: see `core.checkins.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from core.contact_rules import EARLIEST, LATEST
from core.errors import UserError
from core.followups.service import add_followup, can_change, complete_followup
from core.money import format_money
from core.permissions import is_lead, require_role
from core.store import audit, settings
from core.store.db import save_versioned
from core.store.models import (
    Account,
    Channel,
    CheckIn,
    CheckInAmendment,
    Debtor,
    Direction,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Outcome,
    PromiseToPay,
    Role,
    User,
    Vulnerability,
    utcnow,
)
from core.text import MAX_NOTE_CHARS, clean_note

from . import queries
from .rules import ContactContext, verdict
from .views import (
    AMENDABLE_FIELDS,
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
    join_list,
    split_list,
)

FUTURE_GRACE = timedelta(minutes=2)  # clocks on agents' machines drift a little


# ---------------------------------------------------------------- errors and inputs


class FieldErrors(UserError):
    """Bad input on a form: `errors` maps each field name to a plain message for that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


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


def _require_active(actor: User | None) -> None:
    require_role(actor, Role.AGENT, Role.LEAD, Role.ADMIN)


# ---------------------------------------------------------------- load


def load(session: Session, data: CheckInInput, now: datetime) -> Loaded:
    """Everything `decide` needs, read once."""
    debtor = queries.get_debtor(session, data.debtor_id)
    account = session.get(Account, data.account_id) if data.account_id is not None else None
    account_ok = data.account_id is None or (account is not None
                                             and account.debtor_id == debtor.id)
    answered = session.get(FollowUp, data.followup_id) if data.followup_id is not None else None
    answered_ok = data.followup_id is None or (answered is not None
                                               and answered.debtor_id == debtor.id)
    at = data.at if data.at is not None and data.at.tzinfo is not None else now
    zone = settings.office_zone(session)
    today = now.astimezone(zone).date()
    needs_rules = data.direction == Direction.OUTBOUND or data.create_followup
    return Loaded(
        debtor=debtor, account=account if account_ok else None, account_ok=account_ok,
        answered=answered if answered_ok else None, answered_ok=answered_ok,
        ctx=queries.context(session, debtor=debtor,
                            account_id=data.account_id if account_ok else None,
                            at=at) if needs_rules else None,
        zone=zone, today=today,
        plan_first_due=queries.open_plan_first_due(
            session, account_id=data.account_id if account_ok else None, today=today))


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


# ---------------------------------------------------------------- write


def _write_checkin(session: Session, actor: User, data: CheckInInput, loaded: Loaded,
                   d: Decision, now: datetime) -> CheckIn:
    checkin = CheckIn(
        debtor_id=loaded.debtor.id, account_id=data.account_id, at=d.at,
        channel=data.channel, direction=data.direction, outcome=data.outcome,
        right_party=bool(data.right_party), wellbeing=data.wellbeing,
        life_changes=join_list(data.life_changes), signposting=join_list(data.signposting),
        needs=d.text["needs"], next_step=d.text["next_step"], notes=d.text["notes"],
        agent_id=actor.id,
        rule_override_reason=d.text["rule_override_reason"] if d.override else "",
        created_at=now, reading_grade=data.reading_grade, jargon=join_list(data.jargon),
        plain_language_reason=d.text["plain_language_reason"],
        call_consented_at=d.consented_at,
    )
    session.add(checkin)
    session.flush()
    after = audit.snapshot(checkin)
    if d.override:
        after["rules_broken"] = list(d.verdict.reasons)
    audit.record(session, actor_id=actor.id, action="checkin.create", entity="checkin",
                 entity_id=checkin.id, after=after, flagged=d.override)
    return checkin


def _write_debtor(session: Session, actor: User, loaded: Loaded, d: Decision,
                  now: datetime) -> None:
    """What the debtor asked for applies at once: opt-outs, preferred channel, what they need."""
    debtor = loaded.debtor
    changes: dict = {}
    if join_list(d.opted_out) != join_list(split_list(debtor.opted_out)):
        changes["opted_out"] = join_list(d.opted_out)
    if d.preferred != debtor.preferred_channel:
        changes["preferred_channel"] = d.preferred
    if d.text["needs"] and d.text["needs"] != debtor.needs:
        changes["needs"] = d.text["needs"]
    if d.drivers and not debtor.vulnerable:
        changes["vulnerable"] = True
    if not changes:
        return
    before = audit.snapshot(debtor, list(changes))
    save_versioned(session, debtor, {**changes, "updated_at": now},
                   expected_version=debtor.version, entity="debtor")
    audit.record(session, actor_id=actor.id, action="debtor.update_from_checkin",
                 entity="debtor", entity_id=debtor.id, before=before,
                 after=audit.snapshot(debtor, list(changes)))


def _write_care(session: Session, actor: User, data: CheckInInput, checkin: CheckIn,
                d: Decision) -> None:
    for driver in d.drivers:
        vulnerability = Vulnerability(debtor_id=checkin.debtor_id, checkin_id=checkin.id,
                                      driver=driver, consent_at=d.at, recorded_by=actor.id,
                                      **d.idea)
        session.add(vulnerability)
        session.flush()
        # The audit says what was recorded, not the sensitive details themselves.
        audit.record(session, actor_id=actor.id, action="vulnerability.create",
                     entity="vulnerability", entity_id=vulnerability.id,
                     after={"debtor_id": checkin.debtor_id, "driver": driver,
                            "checkin_id": checkin.id, "consent": True})


def _write_promise(session: Session, actor: User, data: CheckInInput, loaded: Loaded,
                   checkin: CheckIn, now: datetime) -> None:
    if data.promise_amount_cents is None or loaded.account is None:
        return
    promise = PromiseToPay(debtor_id=checkin.debtor_id, account_id=loaded.account.id,
                           amount_cents=data.promise_amount_cents, due_on=data.promise_due_on,
                           checkin_id=checkin.id, created_by=actor.id, created_at=now)
    session.add(promise)
    session.flush()
    audit.record(session, actor_id=actor.id, action="promise.create", entity="promise_to_pay",
                 entity_id=promise.id, after=audit.snapshot(promise))


def _write_followup(session: Session, actor: User, data: CheckInInput, loaded: Loaded,
                    checkin: CheckIn, d: Decision, now: datetime) -> None:
    if d.callback_at is not None:  # the call they asked for: its time and their consent
        local_day = d.callback_at.astimezone(ZoneInfo(loaded.debtor.timezone)).date()
        add_followup(
            session, actor_id=actor.id, debtor_id=checkin.debtor_id,
            account_id=data.account_id, owner_id=loaded.debtor.owner_id or actor.id,
            due_on=local_day, due_at=d.callback_at, call_consented_at=d.at,
            channel=Channel.PHONE, reason=FollowUpReason.CALL_BACK, priority=1,
            note=d.text["followup_note"] or "They asked us to call at this time.",
            checkin_id=checkin.id, created_at=now)
        return
    if not data.create_followup or d.suggestion is None:
        return
    due_on = max(data.followup_on or d.suggestion.due_on, loaded.today)
    add_followup(
        session, actor_id=actor.id, debtor_id=checkin.debtor_id, account_id=data.account_id,
        owner_id=loaded.debtor.owner_id or actor.id, due_on=due_on,
        channel=data.followup_channel or d.suggestion.channel,
        reason=data.followup_reason or d.suggestion.reason,
        note=d.text["followup_note"] or d.text["next_step"], checkin_id=checkin.id,
        created_at=now)


def log_checkin(session: Session, *, actor: User, data: CheckInInput,
                now: datetime | None = None) -> CheckIn:
    """Validate and save a check-in with its promise, follow-up, vulnerabilities and opt-outs."""
    _require_active(actor)
    now = now or utcnow()
    loaded = load(session, data, now)
    decision = decide(data, loaded, now)
    if decision.errors:
        raise CheckInValidationError(decision.errors)
    checkin = _write_checkin(session, actor, data, loaded, decision, now)
    _write_debtor(session, actor, loaded, decision, now)
    _write_care(session, actor, data, checkin, decision)
    _write_promise(session, actor, data, loaded, checkin, now)
    answered = loaded.answered
    if answered is not None and answered.status == FollowUpStatus.OPEN \
            and can_change(session, actor, answered):
        # A colleague covering a call may log it, but a follow-up they may not change stays
        # open for its owner rather than blocking the record of the contact.
        complete_followup(session, actor=actor, followup_id=answered.id, checkin_id=checkin.id)
    _write_followup(session, actor, data, loaded, checkin, decision, now)
    if loaded.account is not None:
        # Records are kept 3 years after the last activity (§1006.100).
        loaded.account.last_activity_at = max(loaded.account.last_activity_at, now)
        session.add(loaded.account)
    session.flush()
    return checkin


# ---------------------------------------------------------------- amendments


def _parse_amendment(field_name: str, value: str) -> str:
    value = (value or "").strip()
    if field_name == "wellbeing":
        if value == "":
            return ""
        if not value.isdigit() or not 1 <= int(value) <= 5:
            raise FieldErrors({"new_value": "Wellbeing must be between 1 and 5 (or empty)."})
        return value
    if field_name == "outcome":
        for key, label in OUTCOMES.items():
            if value.lower() in (key, label.lower()):
                return str(key)
        raise FieldErrors({"new_value": f"Outcome must be one of: {', '.join(OUTCOMES.values())}."})
    if field_name == "right_party":
        if value.lower() in ("yes", "y", "true"):
            return "yes"
        if value.lower() in ("no", "n", "false"):
            return "no"
        raise FieldErrors({"new_value": "Right-party contact is yes or no."})
    try:
        return clean_note(value, field="The new value")
    except ValueError as exc:
        raise FieldErrors({"new_value": str(exc)}) from exc


def _current_value(checkin: CheckIn, field_name: str) -> str:
    value = getattr(checkin, field_name)
    if field_name == "right_party":
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _amend_errors(field: str, new_value: str, reason: str) -> tuple[dict[str, str], str]:
    errors: dict[str, str] = {}
    if field not in AMENDABLE_FIELDS:
        errors["field"] = f"Choose what to correct: {', '.join(AMENDABLE_FIELDS.values())}."
    if not (reason or "").strip():
        errors["reason"] = "Say why the check-in needs correcting."
    elif len(reason.strip()) > MAX_NOTE_CHARS:
        errors["reason"] = f"The reason is too long; please keep it to {MAX_NOTE_CHARS:,}."
    after = ""
    if "field" not in errors:
        try:
            after = _parse_amendment(field, new_value)
        except FieldErrors as exc:
            errors.update(exc.errors)
    return errors, after


def amend_checkin(session: Session, *, actor: User, checkin_id: int, field: str,
                  new_value: str, reason: str) -> CheckInAmendment:
    """Record a correction to one field of a check-in; the original stays as it was, and the
    correction is what the contact rules, the wellbeing chart and exports read from now on."""
    _require_active(actor)
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None:
        raise UserError("That check-in doesn't exist.")
    if checkin.agent_id != actor.id and not is_lead(actor):
        raise PermissionError("Only the agent who logged a check-in, or a lead, can amend it.")
    errors, after = _amend_errors(field, new_value, reason)
    if errors:
        raise FieldErrors(errors)
    latest = session.exec(
        select(CheckInAmendment.after)
        .where(CheckInAmendment.checkin_id == checkin_id, CheckInAmendment.field == field)
        .order_by(CheckInAmendment.amended_at.desc(), CheckInAmendment.id.desc())
        .limit(1)
    ).first()
    before = latest if latest is not None else _current_value(checkin, field)
    if before == after:
        raise FieldErrors({"new_value": "That is what it already says."})
    amendment = CheckInAmendment(checkin_id=checkin_id, field=field, before=before, after=after,
                                 reason=reason.strip(), amended_by=actor.id)
    session.add(amendment)
    session.flush()
    audit.record(session, actor_id=actor.id, action="checkin.amend", entity="checkin",
                 entity_id=checkin_id, before={field: before},
                 after={field: after, "reason": amendment.reason,
                        "amendment_id": amendment.id})
    return amendment


# ---------------------------------------------------------------- messages


def mark_draft_sent(session: Session, *, actor: User, debtor_id: int, account_id: int | None,
                    channel: str, text: str, rule_override_reason: str = "",
                    plain_language_reason: str = "", now: datetime | None = None) -> CheckIn:
    """Log a drafted message as sent (an outbound 'message sent' check-in holding its text).

    The plain-language gate: a message above the target reading grade, or with jargon, is
    logged only with a written reason. Its grade and the jargon found are kept either way.
    """
    from core import plain_language

    if channel not in plain_language.MESSAGE_CHANNELS:
        raise UserError("Messages go by text (SMS), email or letter.")
    if not (text or "").strip():
        raise UserError("The message is empty.")
    final = plain_language.finalise_message(text, channel)
    report = plain_language.plain_language_report(final)
    if not report.ok and not (plain_language_reason or "").strip():
        problems = []
        if report.grade > report.target:
            problems.append(f"its reading grade is {report.grade:.1f} (aim for "
                            f"{report.target:g} or below)")
        if report.jargon:
            problems.append("it uses jargon (" + ", ".join(t for t, _ in report.jargon) + ")")
        raise UserError("This message is not plain yet: " + " and ".join(problems)
                        + ". Make it plainer, or write why it must go as it is.")
    data = CheckInInput(
        debtor_id=debtor_id, account_id=account_id, channel=channel,
        direction=Direction.OUTBOUND, outcome=Outcome.MESSAGE_SENT, notes=final,
        create_followup=False, rule_override_reason=rule_override_reason,
        reading_grade=round(report.grade, 1), jargon=[t for t, _ in report.jargon],
        plain_language_reason=plain_language_reason if not report.ok else "",
    )
    return log_checkin(session, actor=actor, data=data, now=now)
