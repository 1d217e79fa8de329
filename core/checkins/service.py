"""Check-ins: know the person before the contact, log it as structured care, never break a rule.

Who may do what (decided here, enforced by every service below):
- any active agent, lead or admin may log a check-in for any debtor. Debtors call whoever
  picks up, and the Regulation F call limits only work if *every* contact is recorded, so
  refusing to log a colleague's debtor would hide contacts rather than prevent them. The
  follow-up a check-in creates still goes to the debtor's owner.
- a check-in is never deleted or changed; a correction is a `CheckInAmendment` that keeps
  the original. Only the agent who logged the check-in, or a lead/admin, may amend it.

Cadence (the next follow-up date suggested after a contact, `suggest_next_followup`):
- a promise to pay → the day after its date (did it arrive?);
- hardship disclosed (a life change or a vulnerability) → in 3 days, well inside the 7 the
  issue asks for: soon enough to see whether the signposted help was reached;
- no answer / left a message → the next day a call is allowed by the contact rules;
- a plan just agreed (its first instalment still ahead) → 2 days before that instalment;
- a wrong number → tomorrow (find a working number); a message sent → in 7 days;
  otherwise → a friendly check-in in 14 days.
When several apply the earliest wins, and never earlier than tomorrow. The channel is the
debtor's preferred one if the rules allow it on that day, otherwise the first that they do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, select

from core.contact_rules import check_contact, next_allowed_call
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
    Hold,
    InstalmentStatus,
    Outcome,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
    Role,
    User,
    Vulnerability,
    VulnerabilityDriver,
    utcnow,
)
from core.text import MAX_NOTE_CHARS, clean_note
from core.vocabulary import labels

# ---------------------------------------------------------------- vocabulary with labels

CHANNELS: dict[str, str] = labels(Channel)
DIRECTIONS: dict[str, str] = labels(Direction)
OUTCOMES: dict[str, str] = labels(Outcome)
LIFE_CHANGES: dict[str, str] = {
    "job_loss": "Job loss",
    "reduced_income": "Reduced income",
    "illness": "Illness",
    "bereavement": "Bereavement",
    "caring": "Caring for someone",
    "relationship_breakdown": "Relationship breakdown",
    "new_baby": "New baby",
    "business_downturn": "Business downturn",
    "other": "Other",
}
SIGNPOSTING: dict[str, str] = {
    "debt_advice": "Free debt advice",
    "mental_health": "Mental-health support",
    "benefits_check": "Benefits check",
    "other": "Other",
}
VULNERABILITY_DRIVERS: dict[str, str] = labels(VulnerabilityDriver)
VULNERABILITY_HINTS: dict[str, str] = {
    VulnerabilityDriver.HEALTH: "physical or mental health conditions that affect daily life",
    VulnerabilityDriver.LIFE_EVENTS: "bereavement, job loss, relationship breakdown, a new baby",
    VulnerabilityDriver.RESILIENCE: "little ability to absorb a financial or emotional shock",
    VulnerabilityDriver.CAPABILITY: "low knowledge of money matters, low confidence with them",
}
TEXAS_STEPS: tuple[tuple[str, str, str], ...] = (
    ("T", "Thank them", "Thank them for telling you; it is not easy to share."),
    ("E", "Explain", "Explain how we will use what they told us, and who will see it."),
    ("X", "eXplicit consent", "Ask if we may record it. Only tick consent if they said yes."),
    ("A", "Ask", "Ask about the impact: how it affects them day to day and paying (IDEA)."),
    ("S", "Signpost", "Point them to help: free debt advice, mental-health support."),
)
IDEA_PROMPTS: dict[str, str] = {
    "impact": "Impact: how does it affect them day to day, and their ability to pay?",
    "duration": "Duration: how long has it lasted, and how long might it last?",
    "episodes": "Episodes: does it come and go? How often, and what happens then?",
    "assistance": "Assistance: what help do they need from us (format, timing, a helper)?",
}
FOLLOWUP_REASONS: dict[str, str] = labels(FollowUpReason)
WELLBEING: dict[int, str] = {
    1: "1 · struggling",
    2: "2 · finding it hard",
    3: "3 · getting by",
    4: "4 · doing fine",
    5: "5 · doing well",
}
# Fields a correction may change, with labels; the check-in row itself never changes.
AMENDABLE_FIELDS: dict[str, str] = {
    "notes": "Notes",
    "needs": "What they need",
    "next_step": "Agreed next step",
    "wellbeing": "How they were doing (1–5, empty for not asked)",
    "outcome": "Outcome",
    "right_party": "Right-party contact (yes/no)",
}

NO_ANSWER_OUTCOMES = frozenset({Outcome.NO_ANSWER, Outcome.LEFT_MESSAGE})
HARDSHIP_FOLLOWUP_DAYS = 3
PROMISE_FOLLOWUP_DAYS = 1
PLAN_FOLLOWUP_DAYS_BEFORE = 2
MESSAGE_FOLLOWUP_DAYS = 7
DEFAULT_FOLLOWUP_DAYS = 14
NO_CALL_FALLBACK_DAYS = 7
FUTURE_GRACE = timedelta(minutes=2)  # clocks on agents' machines drift a little
OPEN_PLAN_STATUSES = (PlanStatus.ACTIVE, PlanStatus.AWAITING_APPROVAL, PlanStatus.PROPOSED)


# ---------------------------------------------------------------- errors and inputs


class FieldErrors(ValueError):
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


class FollowUpSuggestion(NamedTuple):
    """The proposed next follow-up and why."""

    due_on: date
    reason: str
    channel: str
    why: str


class WellbeingPoint(NamedTuple):
    """How the debtor was doing at one check-in."""

    at: datetime
    wellbeing: int


@dataclass(frozen=True)
class ChannelVerdict:
    """What the contact rules say about one channel right now."""

    channel: str
    label: str
    allowed: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CheckInLine:
    """A check-in in one line, for lists."""

    id: int
    at: datetime
    text: str


@dataclass(frozen=True)
class ContactCard:
    """Everything an agent should know before contacting a debtor (plain data, cacheable)."""

    debtor_id: int
    account_id: int | None
    name: str
    address_as: str
    kind: str
    preferred_channel: str
    language: str
    timezone: str
    local_time: datetime
    contact_window: str
    in_window: bool
    opted_out: tuple[str, ...]
    communication_notes: str
    cultural_notes: str
    circumstances: str
    needs: str
    recent_life_changes: tuple[str, ...]
    vulnerabilities: tuple[str, ...]
    holds: tuple[str, ...]
    account: str
    plan: str
    promises: tuple[str, ...]
    next_followup: str
    verdicts: tuple[ChannelVerdict, ...]
    last_checkins: tuple[str, ...]
    wellbeing: tuple[WellbeingPoint, ...]


@dataclass(frozen=True)
class FollowUpBrief:
    """The follow-up a check-in is answering, for prefilling the form."""

    id: int
    debtor_id: int
    account_id: int | None
    due_on: date
    channel: str
    reason: str
    note: str
    status: str


# ---------------------------------------------------------------- small helpers


def split_list(value: str | None) -> list[str]:
    """A comma-separated column as a list ("sms,email" → ["sms", "email"])."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def join_list(values: Iterable[str]) -> str:
    """A list as a comma-separated column, de-duplicated, in a stable order."""
    return ",".join(sorted({v.strip() for v in values if v and v.strip()}))


def pounds_to_cents(amount: float | int | str | Decimal | None) -> int | None:
    """An amount typed in pounds as int pence, rounded half up (None stays None)."""
    if amount is None or amount == "":
        return None
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise UserError("Enter the amount as a number of pounds, e.g. 25.50.") from exc
    return int((value * 100).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


def labels(keys: Iterable[str], vocabulary: dict[str, str]) -> str:
    """Human labels of stored keys, joined with commas."""
    return ", ".join(vocabulary.get(k, k) for k in keys)


def format_when(at: datetime, zone: ZoneInfo) -> str:
    """A timestamp as the office reads it, e.g. "3 Dec 2026 14:05"."""
    local = at.astimezone(zone)
    return f"{local.day} {local:%b %Y %H:%M}"


def format_day(day: date) -> str:
    """A date for people, e.g. "Thu 3 Dec 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def checkin_line(checkin: CheckIn, zone: ZoneInfo, agent_name: str = "", *,
                 words: bool = True) -> str:
    """One line about a check-in: when, how, what happened, how they were (and what was said)."""
    parts = [
        format_when(checkin.at, zone),
        CHANNELS.get(checkin.channel, checkin.channel),
        "we contacted them" if checkin.direction == Direction.OUTBOUND else "they contacted us",
        OUTCOMES.get(checkin.outcome, checkin.outcome),
    ]
    if checkin.wellbeing:
        parts.append(f"wellbeing {checkin.wellbeing}/5")
    changes = split_list(checkin.life_changes)
    if changes:
        parts.append(labels(changes, LIFE_CHANGES).lower())
    said = checkin.next_step or checkin.needs or checkin.notes
    if said and words:
        parts.append(said if len(said) <= 80 else said[:77] + "…")
    if agent_name:
        parts.append(f"by {agent_name}")
    return " · ".join(parts)


def active_holds(session: Session, *, debtor_id: int, account_id: int | None,
                 today: date) -> list[Hold]:
    """Holds in force on `today`: on the account, or on any of the debtor's accounts."""
    query = select(Hold).where(
        Hold.released_at.is_(None),
        Hold.starts_on <= today,
        or_(Hold.ends_on.is_(None), Hold.ends_on >= today),
    )
    if account_id is not None:
        query = query.where(Hold.account_id == account_id)
    else:  # a contact about no account in particular respects every account's holds
        query = query.join(Account, Account.id == Hold.account_id).where(
            Account.debtor_id == debtor_id)
    return list(session.exec(query.order_by(Hold.starts_on)).all())


def phone_history(session: Session, *, debtor_id: int, account_id: int | None,
                  until: datetime) -> tuple[list[datetime], list[datetime]]:
    """Earlier call attempts and telephone conversations about this debt (last 9 days)."""
    query = select(CheckIn.at, CheckIn.direction, CheckIn.outcome).where(
        CheckIn.debtor_id == debtor_id,
        CheckIn.channel == Channel.PHONE,
        CheckIn.at >= until - timedelta(days=9),
        CheckIn.at <= until,
    )
    if account_id is not None:  # calls logged against no account count for every account
        query = query.where(or_(CheckIn.account_id == account_id, CheckIn.account_id.is_(None)))
    calls: list[datetime] = []
    conversations: list[datetime] = []
    for at, direction, outcome in session.exec(query).all():
        if direction == Direction.OUTBOUND:
            calls.append(at)
        if outcome == Outcome.SPOKE:
            conversations.append(at)
    return calls, conversations


def _window_reason(debtor: Debtor, channel: str, local: datetime) -> str | None:
    if channel == Channel.LETTER:
        return None
    start, end = debtor.contact_window_start, debtor.contact_window_end
    if start <= local.time() < end:
        return None
    return (f"It is outside the hours they asked for ({start:%H:%M}–{end:%H:%M} their "
            "time).")


def verdict(*, debtor: Debtor, channel: str, at: datetime, previous_calls: Iterable[datetime],
            conversations: Iterable[datetime], holds: Collection[str]) -> ChannelVerdict:
    """`check_contact` for one channel, plus the contact window the debtor asked for."""
    check = check_contact(
        channel=channel, at=at, debtor_timezone=debtor.timezone,
        previous_calls=previous_calls, conversations=conversations,
        opted_out=split_list(debtor.opted_out), holds=holds,
    )
    reasons = list(check.reasons)
    # §1006.6(b)(1): a time the debtor said is inconvenient counts like the quiet hours.
    window = _window_reason(debtor, channel, at.astimezone(ZoneInfo(debtor.timezone)))
    if window:
        reasons.append(window)
    return ChannelVerdict(channel=channel, label=CHANNELS[channel], allowed=not reasons,
                          reasons=tuple(reasons))


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


def contact_verdicts(session: Session, *, debtor: Debtor, account_id: int | None,
                     at: datetime) -> tuple[ChannelVerdict, ...]:
    """The contact rules' verdict for every channel at `at`."""
    calls, talks = phone_history(session, debtor_id=debtor.id, account_id=account_id, until=at)
    holds = [h.kind for h in active_holds(session, debtor_id=debtor.id, account_id=account_id,
                                           today=settings.office_today(session, at))]
    return tuple(
        verdict(debtor=debtor, channel=channel, at=at, previous_calls=calls,
                conversations=talks, holds=holds)
        for channel in CHANNELS
    )


# ---------------------------------------------------------------- cadence (pure)


def _pick_channel(*, preferred: str, due_on: date, debtor_timezone: str,
                  window_start: time, previous_calls: tuple[datetime, ...],
                  conversations: tuple[datetime, ...], opted_out: Collection[str],
                  holds: Collection[str]) -> str:
    zone = ZoneInfo(debtor_timezone)
    at = datetime.combine(due_on, max(window_start, time(8, 0)), zone)
    order = [preferred, *[c for c in (Channel.PHONE, Channel.SMS, Channel.EMAIL,
                                      Channel.LETTER, Channel.VIDEO) if c != preferred]]
    for channel in order:
        check = check_contact(channel=channel, at=at, debtor_timezone=debtor_timezone,
                              previous_calls=previous_calls, conversations=conversations,
                              opted_out=opted_out, holds=holds)
        if check.allowed:
            return channel
    return preferred


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
    channel = _pick_channel(preferred=preferred_channel, due_on=due_on,
                            debtor_timezone=debtor_timezone, window_start=window_start,
                            previous_calls=calls, conversations=talks, opted_out=opted_out,
                            holds=holds)
    return FollowUpSuggestion(due_on=due_on, reason=str(reason), channel=str(channel), why=why)


# ---------------------------------------------------------------- reading


def _require_active(actor: User | None) -> None:
    require_role(actor, Role.AGENT, Role.LEAD, Role.ADMIN)


def _debtor(session: Session, debtor_id: int) -> Debtor:
    debtor = session.get(Debtor, debtor_id)
    if debtor is None:
        raise UserError("That debtor doesn't exist (any more).")
    return debtor


def open_plan_first_due(session: Session, *, account_id: int | None,
                        today: date) -> date | None:
    """The first instalment date of the account's open plan if it is still ahead (just agreed)."""
    if account_id is None:
        return None
    row = session.exec(
        select(PaymentPlan.id, func.min(PlanInstalment.due_on))
        .join(PlanInstalment, PlanInstalment.plan_id == PaymentPlan.id)
        .where(PaymentPlan.account_id == account_id, PaymentPlan.status.in_(OPEN_PLAN_STATUSES))
        .group_by(PaymentPlan.id)
        .order_by(PaymentPlan.id.desc())
        .limit(1)
    ).first()
    if row is None or row[1] is None or row[1] < today:
        return None
    return row[1]


@dataclass(frozen=True)
class PlanLine:
    """An account's open payment plan and its next instalment."""

    plan_id: int
    account_id: int
    status: str
    frequency: str
    payable_cents: int
    currency: str
    next_due: date | None
    next_amount_cents: int | None

    @property
    def text(self) -> str:
        """The plan in one sentence."""
        text = (f"{self.status.replace('_', ' ').capitalize()} "
                f"{self.frequency.replace('_', ' ')} plan, "
                f"{format_money(self.payable_cents, self.currency)} in all.")
        if self.next_due is not None and self.next_amount_cents is not None:
            text += (f" Next instalment {format_money(self.next_amount_cents, self.currency)} "
                     f"on {format_day(self.next_due)}.")
        return text


def open_plans(session: Session, *, account_ids: Collection[int]) -> dict[int, PlanLine]:
    """Each account's newest open plan (active, awaiting approval or proposed) with its next
    unpaid instalment."""
    if not account_ids:
        return {}
    plans = session.exec(
        select(PaymentPlan, Account.currency)
        .join(Account, Account.id == PaymentPlan.account_id)
        .where(PaymentPlan.account_id.in_(list(account_ids)),
               PaymentPlan.status.in_(OPEN_PLAN_STATUSES))
        .order_by(PaymentPlan.id)
    ).all()
    newest = {plan.account_id: (plan, currency) for plan, currency in plans}
    if not newest:
        return {}
    plan_ids = [plan.id for plan, _ in newest.values()]
    first_unpaid = (
        select(PlanInstalment.plan_id, func.min(PlanInstalment.seq).label("seq"))
        .where(PlanInstalment.plan_id.in_(plan_ids),
               PlanInstalment.status.in_([InstalmentStatus.DUE, InstalmentStatus.PART_PAID]))
        .group_by(PlanInstalment.plan_id)
        .subquery()
    )
    nexts = {
        row.plan_id: row
        for row in session.exec(
            select(PlanInstalment).join(
                first_unpaid,
                (first_unpaid.c.plan_id == PlanInstalment.plan_id)
                & (first_unpaid.c.seq == PlanInstalment.seq))
        ).all()
    }
    result = {}
    for account_id, (plan, currency) in newest.items():
        nxt = nexts.get(plan.id)
        result[account_id] = PlanLine(
            plan_id=plan.id, account_id=account_id, status=plan.status,
            frequency=plan.frequency, payable_cents=plan.payable_cents, currency=currency,
            next_due=nxt.due_on if nxt else None,
            next_amount_cents=(nxt.amount_cents - nxt.paid_cents) if nxt else None)
    return result


def suggest_for(session: Session, *, debtor_id: int, account_id: int | None, outcome: str,
                channel: str = Channel.PHONE, direction: str = Direction.OUTBOUND,
                at: datetime | None = None, promise_due: date | None = None,
                hardship: bool = False) -> FollowUpSuggestion:
    """The suggested follow-up for a contact about to be logged, from what the database knows."""
    at = at or utcnow()
    debtor = _debtor(session, debtor_id)
    today = settings.office_today(session, at)
    calls, talks = phone_history(session, debtor_id=debtor_id, account_id=account_id, until=at)
    if channel == Channel.PHONE:  # the contact being logged counts too
        if direction == Direction.OUTBOUND:
            calls.append(at)
        if outcome == Outcome.SPOKE:
            talks.append(at)
    holds = [h.kind for h in active_holds(session, debtor_id=debtor_id, account_id=account_id,
                                           today=today)]
    return suggest_next_followup(
        today=today, outcome=outcome, at=at, debtor_timezone=debtor.timezone,
        promise_due=promise_due, hardship=hardship,
        plan_first_due=open_plan_first_due(session, account_id=account_id, today=today),
        previous_calls=calls, conversations=talks, opted_out=split_list(debtor.opted_out),
        holds=holds, preferred_channel=debtor.preferred_channel,
        window_start=debtor.contact_window_start,
    )


def wellbeing_points(session: Session, *, debtor_id: int, limit: int = 100
                     ) -> list[WellbeingPoint]:
    """The debtor's recorded wellbeing, oldest first (the newest `limit` points)."""
    rows = session.exec(
        select(CheckIn.at, CheckIn.wellbeing)
        .where(CheckIn.debtor_id == debtor_id, CheckIn.wellbeing.is_not(None))
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(limit)
    ).all()
    return [WellbeingPoint(at, wellbeing) for at, wellbeing in reversed(rows)]


def recent_checkins(session: Session, *, debtor_id: int, limit: int = 20) -> list[CheckInLine]:
    """The debtor's latest check-ins, newest first, one line each."""
    zone = settings.office_zone(session)
    rows = session.exec(
        select(CheckIn, User.display_name)
        .join(User, User.id == CheckIn.agent_id)
        .where(CheckIn.debtor_id == debtor_id)
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(limit)
    ).all()
    return [CheckInLine(id=c.id, at=c.at, text=checkin_line(c, zone, name)) for c, name in rows]


def get_followup_brief(session: Session, *, followup_id: int) -> FollowUpBrief | None:
    """The follow-up a check-in will answer (None if it does not exist)."""
    f = session.get(FollowUp, followup_id)
    if f is None:
        return None
    return FollowUpBrief(id=f.id, debtor_id=f.debtor_id, account_id=f.account_id,
                         due_on=f.due_on, channel=f.channel, reason=f.reason, note=f.note,
                         status=f.status)


def before_contact_card(session: Session, *, actor: User, debtor_id: int,
                        account_id: int | None, now: datetime | None = None) -> ContactCard:
    """Who this person is and whether each channel is allowed right now."""
    _require_active(actor)
    now = now or utcnow()
    debtor = _debtor(session, debtor_id)
    zone = settings.office_zone(session)
    today = now.astimezone(zone).date()
    account = session.get(Account, account_id) if account_id is not None else None
    if account is not None and account.debtor_id != debtor_id:
        raise UserError("That account belongs to someone else.")

    local = now.astimezone(ZoneInfo(debtor.timezone))
    start, end = debtor.contact_window_start, debtor.contact_window_end
    holds = active_holds(session, debtor_id=debtor_id, account_id=account_id, today=today)
    hold_lines = tuple(
        f"{h.kind.replace('_', ' ').capitalize()}"
        + (f" until {format_day(h.ends_on)}" if h.ends_on else "")
        + (f": {h.reason}" if h.reason else "")
        for h in holds
    )

    drivers = session.exec(
        select(Vulnerability.driver, func.min(Vulnerability.consent_at))
        .where(Vulnerability.debtor_id == debtor_id, Vulnerability.active.is_(True),
               Vulnerability.consent_at.is_not(None))
        .group_by(Vulnerability.driver)
        .order_by(Vulnerability.driver)
    ).all()
    vulnerabilities = tuple(
        f"{VULNERABILITY_DRIVERS.get(d, d)} (consent {format_day(since.astimezone(zone).date())})"
        for d, since in drivers
    )

    promise_query = select(PromiseToPay).where(PromiseToPay.debtor_id == debtor_id,
                                               PromiseToPay.status == PromiseStatus.OPEN)
    if account_id is not None:
        promise_query = promise_query.where(PromiseToPay.account_id == account_id)
    promises = tuple(
        f"{format_money(p.amount_cents)} by {format_day(p.due_on)}"
        + (" (date passed)" if p.due_on < today else "")
        for p in session.exec(promise_query.order_by(PromiseToPay.due_on)).all()
    )

    plan_text = "No open payment plan."
    account_text = "No particular account."
    if account is not None:
        account_text = (f"{account.reference} · {account.creditor} · "
                        f"{format_money(account.balance_cents, account.currency)} left to pay · "
                        f"{account.status.replace('_', ' ')}")
        plan = open_plans(session, account_ids=[account.id]).get(account.id)
        if plan is not None:
            plan_text = plan.text

    followup = session.exec(
        select(FollowUp).where(FollowUp.debtor_id == debtor_id,
                               FollowUp.status == FollowUpStatus.OPEN)
        .order_by(FollowUp.due_on).limit(1)
    ).first()
    next_followup = "None open."
    if followup is not None:
        next_followup = (f"{FOLLOWUP_REASONS.get(followup.reason, followup.reason)} by "
                         f"{CHANNELS.get(followup.channel, followup.channel).lower()} on "
                         f"{format_day(followup.due_on)}")

    changes = session.exec(
        select(CheckIn.at, CheckIn.life_changes)
        .where(CheckIn.debtor_id == debtor_id, CheckIn.life_changes != "")
        .order_by(CheckIn.at.desc()).limit(3)
    ).all()
    recent_life_changes = tuple(
        f"{labels(split_list(lc), LIFE_CHANGES)} ({format_day(at.astimezone(zone).date())})"
        for at, lc in changes
    )

    return ContactCard(
        debtor_id=debtor.id,
        account_id=account_id,
        name=debtor.name,
        address_as=debtor.preferred_name or debtor.name,
        kind=debtor.kind,
        preferred_channel=debtor.preferred_channel,
        language=debtor.language,
        timezone=debtor.timezone,
        local_time=local,
        contact_window=f"{start:%H:%M}–{end:%H:%M} their time",
        in_window=start <= local.time() < end,
        opted_out=tuple(split_list(debtor.opted_out)),
        communication_notes=debtor.communication_notes,
        cultural_notes=debtor.cultural_notes,
        circumstances=debtor.circumstances,
        needs=debtor.needs,
        recent_life_changes=recent_life_changes,
        vulnerabilities=vulnerabilities,
        holds=hold_lines,
        account=account_text,
        plan=plan_text,
        promises=promises,
        next_followup=next_followup,
        verdicts=contact_verdicts(session, debtor=debtor, account_id=account_id, at=now),
        last_checkins=tuple(line.text for line in recent_checkins(session, debtor_id=debtor_id,
                                                                  limit=3)),
        wellbeing=tuple(wellbeing_points(session, debtor_id=debtor_id, limit=30)),
    )


# ---------------------------------------------------------------- logging a check-in


def _check_keys(values: Iterable[str], vocabulary: dict[str, str], what: str) -> str | None:
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


def _validate(session: Session, data: CheckInInput, debtor: Debtor, now: datetime
              ) -> tuple[dict[str, str], dict]:
    """Every problem with `data`, keyed by field, and the cleaned values."""
    errors: dict[str, str] = {}
    clean: dict = {}
    zone = settings.office_zone(session)
    today = now.astimezone(zone).date()

    account = None
    if data.account_id is not None:
        account = session.get(Account, data.account_id)
        if account is None or account.debtor_id != debtor.id:
            errors["account_id"] = "Choose one of this debtor's accounts."
            account = None
    clean["account"] = account

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
    clean["at"] = at

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

    idea = {k: _note(errors, k, getattr(data, k), IDEA_PROMPTS[k].split(":")[0])
            for k in IDEA_PROMPTS}
    clean["idea"] = idea
    has_details = bool(data.vulnerability_drivers) or any(idea.values())
    if has_details and not data.consent_given:
        errors["vulnerability_drivers"] = (
            "Vulnerability details can only be recorded with the debtor's explicit consent. "
            "Tick 'Explicit consent given' if they agreed, or leave these empty.")
    elif data.consent_given and any(idea.values()) and not data.vulnerability_drivers:
        errors["vulnerability_drivers"] = "Choose which vulnerability driver the notes are about."

    clean["needs"] = _note(errors, "needs", data.needs, "What they need")
    clean["next_step"] = _note(errors, "next_step", data.next_step, "The next step")
    clean["notes"] = _note(errors, "notes", data.notes, "The notes")
    clean["followup_note"] = _note(errors, "followup_note", data.followup_note,
                                   "The follow-up note")
    clean["override"] = _note(errors, "rule_override_reason", data.rule_override_reason,
                              "The reason")

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
        elif data.promise_due_on < today:
            errors["promise_due_on"] = "The promised date can't be in the past."
    elif data.promise_due_on is not None:
        errors["promise_amount_cents"] = ("Enter the amount they promised, or clear the "
                                          "promise date.")

    opted_out = set(split_list(debtor.opted_out)) | set(data.stop_channels)
    clean["opted_out"] = opted_out
    preferred = debtor.preferred_channel
    if data.preferred_channel is not None:
        if data.preferred_channel not in CHANNELS:
            errors["preferred_channel"] = "Choose a preferred channel from the list."
        elif data.preferred_channel in opted_out:
            errors["preferred_channel"] = (
                f"They asked us not to use {CHANNELS[data.preferred_channel].lower()}, so it "
                "can't be their preferred channel.")
        else:
            preferred = data.preferred_channel
    elif preferred in data.stop_channels:
        errors["preferred_channel"] = (
            f"{CHANNELS[preferred]} was their preferred channel and they asked us to stop "
            "using it: choose a new preferred channel.")
    clean["preferred"] = preferred

    if data.create_followup:
        if data.followup_on is not None and data.followup_on < today:
            errors["followup_on"] = "The next follow-up can't be in the past."
        if data.followup_channel is not None:
            if data.followup_channel not in CHANNELS:
                errors["followup_channel"] = "Choose a channel for the follow-up."
            elif data.followup_channel in opted_out:
                errors["followup_channel"] = (
                    f"They asked us not to use {CHANNELS[data.followup_channel].lower()}; "
                    "choose another channel for the follow-up.")
        if data.followup_reason is not None and data.followup_reason not in FOLLOWUP_REASONS:
            errors["followup_reason"] = "Choose a reason for the follow-up."

    if data.followup_id is not None:
        answered = session.get(FollowUp, data.followup_id)
        if answered is None or answered.debtor_id != debtor.id:
            errors["followup_id"] = "That follow-up is not one of this debtor's."

    # The contact rules apply to contacts we make, judged at the time they were made.
    clean["verdict"] = None
    if (data.direction == Direction.OUTBOUND and data.channel in CHANNELS
            and "at" not in errors and "account_id" not in errors):
        calls, talks = phone_history(session, debtor_id=debtor.id, account_id=data.account_id,
                                     until=at)
        holds = [h.kind for h in active_holds(session, debtor_id=debtor.id,
                                               account_id=data.account_id,
                                               today=at.astimezone(zone).date())]
        found = verdict(debtor=debtor, channel=data.channel, at=at, previous_calls=calls,
                        conversations=talks, holds=holds)
        clean["verdict"] = found
        if not found.allowed and not clean["override"]:
            errors["rule_override_reason"] = (
                "This contact was against the contact rules: " + " ".join(found.reasons)
                + " Write down why it was needed; it will be flagged for a lead.")
    return errors, clean


def log_checkin(session: Session, *, actor: User, data: CheckInInput,
                now: datetime | None = None) -> CheckIn:
    """Validate and save a check-in with its promise, follow-up, vulnerabilities and opt-outs."""
    _require_active(actor)
    now = now or utcnow()
    debtor = _debtor(session, data.debtor_id)
    errors, clean = _validate(session, data, debtor, now)
    if errors:
        raise CheckInValidationError(errors)

    at: datetime = clean["at"]
    account: Account | None = clean["account"]
    today = settings.office_today(session, now)
    found: ChannelVerdict | None = clean["verdict"]
    override = bool(found is not None and not found.allowed)

    drivers = sorted(set(data.vulnerability_drivers)) if data.consent_given else []
    suggestion = None
    if data.create_followup:  # worked out before the check-in is added, which it counts itself
        suggestion = suggest_for(
            session, debtor_id=debtor.id, account_id=data.account_id, outcome=data.outcome,
            channel=data.channel, direction=data.direction, at=at,
            promise_due=data.promise_due_on if data.promise_amount_cents else None,
            hardship=bool(data.life_changes) or bool(drivers))

    checkin = CheckIn(
        debtor_id=debtor.id,
        account_id=data.account_id,
        at=at,
        channel=data.channel,
        direction=data.direction,
        outcome=data.outcome,
        right_party=bool(data.right_party),
        wellbeing=data.wellbeing,
        life_changes=join_list(data.life_changes),
        signposting=join_list(data.signposting),
        needs=clean["needs"],
        next_step=clean["next_step"],
        notes=clean["notes"],
        agent_id=actor.id,
        rule_override_reason=clean["override"] if override else "",
        created_at=now,
    )
    session.add(checkin)
    session.flush()
    after = audit.snapshot(checkin)
    if override:
        after["rules_broken"] = list(found.reasons)
    audit.record(session, actor_id=actor.id, action="checkin.create", entity="checkin",
                 entity_id=checkin.id, after=after, flagged=override)

    # What the debtor asked for applies at once: opt-outs, preferred channel, what they need.
    debtor_changes: dict = {}
    if join_list(clean["opted_out"]) != join_list(split_list(debtor.opted_out)):
        debtor_changes["opted_out"] = join_list(clean["opted_out"])
    if clean["preferred"] != debtor.preferred_channel:
        debtor_changes["preferred_channel"] = clean["preferred"]
    if clean["needs"] and clean["needs"] != debtor.needs:
        debtor_changes["needs"] = clean["needs"]
    if drivers and not debtor.vulnerable:
        debtor_changes["vulnerable"] = True
    if debtor_changes:
        before = audit.snapshot(debtor, list(debtor_changes))
        save_versioned(session, debtor, {**debtor_changes, "updated_at": now},
                       expected_version=debtor.version, entity="debtor")
        audit.record(session, actor_id=actor.id, action="debtor.update_from_checkin",
                     entity="debtor", entity_id=debtor.id, before=before,
                     after=audit.snapshot(debtor, list(debtor_changes)))

    for driver in drivers:
        vulnerability = Vulnerability(debtor_id=debtor.id, checkin_id=checkin.id, driver=driver,
                                      consent_at=at, recorded_by=actor.id, **clean["idea"])
        session.add(vulnerability)
        session.flush()
        # The audit says what was recorded, not the sensitive details themselves.
        audit.record(session, actor_id=actor.id, action="vulnerability.create",
                     entity="vulnerability", entity_id=vulnerability.id,
                     after={"debtor_id": debtor.id, "driver": driver,
                            "checkin_id": checkin.id, "consent": True})

    promise = None
    if data.promise_amount_cents is not None and account is not None:
        promise = PromiseToPay(debtor_id=debtor.id, account_id=account.id,
                               amount_cents=data.promise_amount_cents,
                               due_on=data.promise_due_on, checkin_id=checkin.id,
                               created_by=actor.id, created_at=now)
        session.add(promise)
        session.flush()
        audit.record(session, actor_id=actor.id, action="promise.create",
                     entity="promise_to_pay", entity_id=promise.id,
                     after=audit.snapshot(promise))

    if data.followup_id is not None and session.get(FollowUp, data.followup_id).status == \
            FollowUpStatus.OPEN:  # closed meanwhile by someone else: the check-in still saves
        _complete_answered_followup(session, actor=actor, followup_id=data.followup_id,
                                    checkin_id=checkin.id)

    if suggestion is not None:
        due_on = data.followup_on or suggestion.due_on
        if due_on < today:
            due_on = today
        add_followup(
            session,
            actor_id=actor.id,
            debtor_id=debtor.id,
            account_id=data.account_id,
            owner_id=debtor.owner_id or actor.id,
            due_on=due_on,
            channel=data.followup_channel or suggestion.channel,
            reason=data.followup_reason or suggestion.reason,
            note=clean["followup_note"] or clean["next_step"],
            checkin_id=checkin.id,
            created_at=now,
        )

    if account is not None:
        # Records are kept 3 years after the last activity (§1006.100).
        account.last_activity_at = max(account.last_activity_at, now)
        session.add(account)
    session.flush()
    return checkin


def _complete_answered_followup(session: Session, *, actor: User, followup_id: int,
                                checkin_id: int) -> None:
    """Close the follow-up this check-in answers, through the follow-up service.

    A colleague covering a call may log it, but a follow-up they may not change stays open
    for its owner rather than blocking the record of the contact.
    """
    followup = session.get(FollowUp, followup_id)
    if followup is not None and can_change(session, actor, followup):
        complete_followup(session, actor=actor, followup_id=followup_id, checkin_id=checkin_id)


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


def amend_checkin(session: Session, *, actor: User, checkin_id: int, field: str,
                  new_value: str, reason: str) -> CheckInAmendment:
    """Record a correction to one field of a check-in; the original stays as it was."""
    _require_active(actor)
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None:
        raise UserError("That check-in doesn't exist.")
    if checkin.agent_id != actor.id and not is_lead(actor):
        raise PermissionError("Only the agent who logged a check-in, or a lead, can amend it.")
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


def draft_for(session: Session, *, actor: User, debtor_id: int, account_id: int | None,
              template: str, channel: str) -> str:
    """A plain-language draft for this debtor, with the channel's opt-out sentence."""
    from core import plain_language

    _require_active(actor)
    debtor = _debtor(session, debtor_id)
    first_name = (debtor.preferred_name or debtor.name).split(" ")[0]
    if debtor.kind != "person" and not debtor.preferred_name:
        first_name = debtor.name
    amount = due = None
    currency = "GBP"
    if account_id is not None:
        account = session.get(Account, account_id)
        if account is not None:
            currency = account.currency
        today = settings.office_today(session, utcnow())
        if template in ("reminder", "plan_summary"):
            nxt = session.exec(
                select(PlanInstalment)
                .join(PaymentPlan, PaymentPlan.id == PlanInstalment.plan_id)
                .where(PaymentPlan.account_id == account_id,
                       PaymentPlan.status.in_(OPEN_PLAN_STATUSES),
                       PlanInstalment.status.in_([InstalmentStatus.DUE,
                                                  InstalmentStatus.PART_PAID]),
                       PlanInstalment.due_on >= today)
                .order_by(PlanInstalment.due_on).limit(1)
            ).first()
            if nxt is not None:
                amount, due = nxt.amount_cents - nxt.paid_cents, nxt.due_on
        elif template == "thanks":
            from core.store.models import Payment

            paid = session.exec(
                select(Payment).where(Payment.account_id == account_id)
                .order_by(Payment.received_on.desc(), Payment.id.desc()).limit(1)
            ).first()
            if paid is not None:
                amount = paid.amount_cents
    text = plain_language.draft_message(
        template=template, channel=channel, first_name=first_name,
        agent_name=actor.display_name.split(" ")[0], amount_cents=amount, due=due,
        currency=currency)
    return plain_language.finalise_message(text, channel)


def mark_draft_sent(session: Session, *, actor: User, debtor_id: int, account_id: int | None,
                    channel: str, text: str, rule_override_reason: str = "",
                    now: datetime | None = None) -> CheckIn:
    """Log a drafted message as sent (an outbound 'message sent' check-in holding its text)."""
    from core import plain_language

    if channel not in plain_language.MESSAGE_CHANNELS:
        raise UserError("Messages go by text (SMS), email or letter.")
    if not (text or "").strip():
        raise UserError("The message is empty.")
    final = plain_language.finalise_message(text, channel)
    data = CheckInInput(
        debtor_id=debtor_id, account_id=account_id, channel=channel,
        direction=Direction.OUTBOUND, outcome=Outcome.MESSAGE_SENT, notes=final,
        create_followup=False, rule_override_reason=rule_override_reason,
    )
    return log_checkin(session, actor=actor, data=data, now=now)


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A date and wall-clock time in `zone` as an aware UTC datetime."""
    return datetime.combine(day, at, zone).astimezone(UTC)
