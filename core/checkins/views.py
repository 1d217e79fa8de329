"""What the check-in job shows: its vocabulary with labels and the frozen data it returns.

Everything here is plain data, safe to cache and to hand to a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from core.money import format_money
from core.vocabulary import (
    AdjustmentKind,
    Channel,
    Direction,
    FollowUpReason,
    HoldKind,
    Outcome,
    VulnerabilityDriver,
    labels,
)

# ---------------------------------------------------------------- vocabulary with labels

CHANNELS: dict[str, str] = labels(Channel)
DIRECTIONS: dict[str, str] = labels(Direction)
OUTCOMES: dict[str, str] = labels(Outcome)
HOLD_KINDS: dict[str, str] = labels(HoldKind)
ADJUSTMENT_KINDS: dict[str, str] = labels(AdjustmentKind)
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


def channel_in_sentence(channel: str) -> str:
    """A channel's label inside a sentence ("by phone", "by text message (SMS)")."""
    label = CHANNELS.get(channel, channel)
    return label[:1].lower() + label[1:]


# ---------------------------------------------------------------- small formatting helpers


def split_list(value: str | None) -> list[str]:
    """A comma-separated column as a list ("sms,email" → ["sms", "email"])."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def join_list(values: Iterable[str]) -> str:
    """A list as a comma-separated column, de-duplicated, in a stable order."""
    return ",".join(sorted({v.strip() for v in values if v and v.strip()}))


def label_list(keys: Iterable[str], vocabulary: dict[str, str]) -> str:
    """Human labels of stored keys, joined with commas."""
    return ", ".join(vocabulary.get(k, k) for k in keys)


def format_when(at: datetime, zone: ZoneInfo) -> str:
    """A timestamp as the office reads it, e.g. "3 Dec 2026 14:05"."""
    local = at.astimezone(zone)
    return f"{local.day} {local:%b %Y %H:%M}"


def format_day(day: date) -> str:
    """A date for people, e.g. "Thu 3 Dec 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


# ---------------------------------------------------------------- read models


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
class ContactNow:
    """Can we contact this person now on the channel of their work, and if not why and when."""

    debtor_id: int
    channel: str
    allowed: bool
    reasons: tuple[str, ...]
    local_time: datetime
    later_today: datetime | None  # the first allowed moment later today (aware UTC), if any
    on_hold: bool
    opted_out: tuple[str, ...]

    @property
    def reason(self) -> str:
        """One sentence: allowed, or every reason it is not."""
        return "Can contact now." if self.allowed else " ".join(self.reasons)


@dataclass(frozen=True)
class CheckInLine:
    """A check-in in one line, for lists."""

    id: int
    at: datetime
    text: str


@dataclass(frozen=True)
class HoldView:
    """A hold on one of the debtor's accounts, with what may be done with it."""

    id: int
    account_id: int
    reference: str
    kind: str
    label: str
    reason: str
    starts_on: date
    ends_on: date | None
    review_on: date | None
    representative: str
    active: bool

    @property
    def text(self) -> str:
        """The hold in a few words."""
        parts = [self.label]
        if self.ends_on:
            parts.append(f"until {format_day(self.ends_on)}")
        if self.review_on:
            parts.append(f"review by {format_day(self.review_on)}")
        if self.representative:
            parts.append(f"contact {self.representative}")
        return " · ".join(parts)


@dataclass(frozen=True)
class AdjustmentView:
    """One thing we agreed to do differently for a person."""

    id: int
    kind: str
    label: str
    text: str
    reason: str
    consent_at: datetime
    review_on: date
    overdue_review: bool


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
    adjustments: tuple[AdjustmentView, ...] = ()


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
    due_at: datetime | None = None
    call_consented_at: datetime | None = None


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
