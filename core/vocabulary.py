"""One vocabulary: every enum of the product with the label people see (PRODUCT.md's words).

Services, the demo, the importer and pages all use these values; a page shows `.label`,
never the raw value. `labels(Enum)` gives the {value: label} mapping a select box needs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound="Labelled")


class Labelled(StrEnum):
    """A StrEnum whose members carry a label for people (set in `_LABELS` below the class)."""

    @property
    def label(self) -> str:
        """The word people see for this value."""
        return _LABELS[type(self)][self]


def labels(enum: type[E]) -> dict[str, str]:
    """{value: label} for every member, in declaration order."""
    return {member.value: member.label for member in enum}


def label_of(enum: type[E], value: object, default: str = "") -> str:
    """The label of a raw value, or `default` (a dash by the caller's choice) when unknown."""
    try:
        return enum(value).label
    except ValueError:
        return default


class Role(Labelled):
    AGENT = "agent"
    LEAD = "lead"
    ADMIN = "admin"


class DebtorKind(Labelled):
    PERSON = "person"
    BUSINESS = "business"


class Channel(Labelled):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    VIDEO = "video"
    LETTER = "letter"


class AccountStatus(Labelled):
    OPEN = "open"
    ARRANGEMENT = "arrangement"
    ON_HOLD = "on_hold"
    PAID = "paid"
    CLOSED = "closed"


class HoldKind(Labelled):
    DISPUTE = "dispute"
    BREATHING_SPACE = "breathing_space"
    CEASE_COMMUNICATION = "cease_communication"
    CRISIS_BREATHING_SPACE = "crisis_breathing_space"
    REPRESENTED = "represented"

    @property
    def about_the_person(self) -> bool:
        """A breathing space, cease-communication or representation protects the person, so
        it covers all their accounts; a dispute is about one account."""
        return self is not HoldKind.DISPUTE


class AdjustmentKind(Labelled):
    UNAVAILABLE = "unavailable"
    CHANNEL_ONLY = "channel_only"
    TEXT_FIRST = "text_first"
    HELPER_PRESENT = "helper_present"
    INTERPRETER = "interpreter"
    FORMAT = "format"
    EXTRA_TIME = "extra_time"


class Direction(Labelled):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Outcome(Labelled):
    SPOKE = "spoke"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    WRONG_NUMBER = "wrong_number"
    MESSAGE_SENT = "message_sent"


class FollowUpReason(Labelled):
    CALL_BACK = "call_back"
    REVIEW_PLAN = "review_plan"
    MISSED_INSTALMENT = "missed_instalment"
    PROMISE_CHECK = "promise_check"
    CHECK_IN = "check_in"
    WOBBLE_CHECK = "wobble_check"
    AFTER_CARE = "after_care"


class FollowUpStatus(Labelled):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class PlanStatus(Labelled):
    DRAFT = "draft"
    PROPOSED = "proposed"
    AWAITING_APPROVAL = "awaiting_approval"
    ACTIVE = "active"
    COMPLETED = "completed"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class InstalmentStatus(Labelled):
    DUE = "due"
    PART_PAID = "part_paid"
    PAID = "paid"
    MISSED = "missed"


class PromiseStatus(Labelled):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


class VulnerabilityDriver(Labelled):
    HEALTH = "health"
    LIFE_EVENTS = "life_events"
    RESILIENCE = "resilience"
    CAPABILITY = "capability"


class PaymentMethod(Labelled):
    """How a payment reached us: the methods the payment service accepts."""

    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    DIRECT_DEBIT = "direct_debit"
    STANDING_ORDER = "standing_order"
    CASH = "cash"
    CHEQUE = "cheque"
    OTHER = "other"


PRIORITY_LABELS: dict[int, str] = {1: "High", 2: "Normal", 3: "Low"}

_LABELS: dict[type, dict[object, str]] = {
    Role: {Role.AGENT: "Agent", Role.LEAD: "Team lead", Role.ADMIN: "Admin"},
    DebtorKind: {DebtorKind.PERSON: "Person", DebtorKind.BUSINESS: "Small business"},
    Channel: {
        Channel.PHONE: "Phone",
        Channel.SMS: "Text message (SMS)",
        Channel.EMAIL: "Email",
        Channel.VIDEO: "Video call",
        Channel.LETTER: "Letter",
    },
    AccountStatus: {
        AccountStatus.OPEN: "Open",
        AccountStatus.ARRANGEMENT: "On a plan",
        AccountStatus.ON_HOLD: "On hold",
        AccountStatus.PAID: "Paid",
        AccountStatus.CLOSED: "Closed",
    },
    HoldKind: {
        HoldKind.DISPUTE: "Dispute",
        HoldKind.BREATHING_SPACE: "Breathing space",
        HoldKind.CEASE_COMMUNICATION: "Cease communication",
        HoldKind.CRISIS_BREATHING_SPACE: "Mental-health crisis breathing space",
        HoldKind.REPRESENTED: "Represented by an adviser or solicitor",
    },
    AdjustmentKind: {
        AdjustmentKind.UNAVAILABLE: "Times they are unavailable",
        AdjustmentKind.CHANNEL_ONLY: "Only by a channel they chose",
        AdjustmentKind.TEXT_FIRST: "Text first to arrange a call",
        AdjustmentKind.HELPER_PRESENT: "A helper present",
        AdjustmentKind.INTERPRETER: "Interpreter or language",
        AdjustmentKind.FORMAT: "Format (large print, plain text …)",
        AdjustmentKind.EXTRA_TIME: "Extra time before any next step",
    },
    Direction: {Direction.OUTBOUND: "We contacted them", Direction.INBOUND: "They contacted us"},
    Outcome: {
        Outcome.SPOKE: "Spoke with them",
        Outcome.NO_ANSWER: "No answer",
        Outcome.LEFT_MESSAGE: "Left a message",
        Outcome.WRONG_NUMBER: "Wrong number",
        Outcome.MESSAGE_SENT: "Message sent",
    },
    FollowUpReason: {
        FollowUpReason.CALL_BACK: "Call back",
        FollowUpReason.REVIEW_PLAN: "Review the plan",
        FollowUpReason.MISSED_INSTALMENT: "Missed instalment",
        FollowUpReason.PROMISE_CHECK: "Check the promise to pay",
        FollowUpReason.CHECK_IN: "Friendly check-in",
        FollowUpReason.WOBBLE_CHECK: "Supportive check-in (plan wobbling)",
        FollowUpReason.AFTER_CARE: "After-care: how are you doing?",
    },
    FollowUpStatus: {
        FollowUpStatus.OPEN: "Open",
        FollowUpStatus.DONE: "Done",
        FollowUpStatus.CANCELLED: "Cancelled",
    },
    PlanStatus: {
        PlanStatus.DRAFT: "Draft",
        PlanStatus.PROPOSED: "Proposed",
        PlanStatus.AWAITING_APPROVAL: "Awaiting approval",
        PlanStatus.ACTIVE: "Active",
        PlanStatus.COMPLETED: "Completed",
        PlanStatus.BROKEN: "Broken",
        PlanStatus.CANCELLED: "Cancelled",
    },
    InstalmentStatus: {
        InstalmentStatus.DUE: "Due",
        InstalmentStatus.PART_PAID: "Part paid",
        InstalmentStatus.PAID: "Paid",
        InstalmentStatus.MISSED: "Missed",
    },
    PromiseStatus: {
        PromiseStatus.OPEN: "Open",
        PromiseStatus.KEPT: "Kept",
        PromiseStatus.BROKEN: "Broken",
    },
    VulnerabilityDriver: {
        VulnerabilityDriver.HEALTH: "Health",
        VulnerabilityDriver.LIFE_EVENTS: "Life events",
        VulnerabilityDriver.RESILIENCE: "Resilience",
        VulnerabilityDriver.CAPABILITY: "Capability",
    },
    PaymentMethod: {
        PaymentMethod.BANK_TRANSFER: "Bank transfer",
        PaymentMethod.CARD: "Card",
        PaymentMethod.DIRECT_DEBIT: "Direct debit",
        PaymentMethod.STANDING_ORDER: "Standing order",
        PaymentMethod.CASH: "Cash",
        PaymentMethod.CHEQUE: "Cheque",
        PaymentMethod.OTHER: "Other",
    },
}


# ---------------------------------------------------------------- the relationship (issue 15)

# Follow-ups that are care, not collection: never load, overdue work or backlog figures.
CARE_REASONS: frozenset[str] = frozenset({FollowUpReason.AFTER_CARE})


class GoodwillKind(Labelled):
    """Something good that came back from a debtor, kept on their profile."""

    THANKS = "thanks"
    REFERRAL = "referral"
    TESTIMONIAL = "testimonial"
    RETURNED = "returned"


class MilestoneKind(Labelled):
    """A point of progress in a plan worth telling the debtor, lowest first."""

    QUARTER = "quarter"
    HALF = "half"
    THREE_QUARTERS = "three_quarters"
    LAST_INSTALMENT = "last_instalment"


class MilestoneStatus(Labelled):
    OFFERED = "offered"
    SENT = "sent"
    DISMISSED = "dismissed"


# The share of the plan paid (in per cent) at which each milestone is reached; the last
# instalment is reached when every instalment but the last is paid.
MILESTONE_PERCENT: dict[str, int] = {
    MilestoneKind.QUARTER: 25, MilestoneKind.HALF: 50, MilestoneKind.THREE_QUARTERS: 75,
}

_LABELS.update({
    GoodwillKind: {
        GoodwillKind.THANKS: "Thanks received",
        GoodwillKind.REFERRAL: "Referral",
        GoodwillKind.TESTIMONIAL: "Testimonial",
        GoodwillKind.RETURNED: "Returned as a customer",
    },
    MilestoneKind: {
        MilestoneKind.QUARTER: "A quarter paid",
        MilestoneKind.HALF: "Halfway",
        MilestoneKind.THREE_QUARTERS: "Three quarters paid",
        MilestoneKind.LAST_INSTALMENT: "Last instalment to go",
    },
    MilestoneStatus: {
        MilestoneStatus.OFFERED: "To send",
        MilestoneStatus.SENT: "Sent",
        MilestoneStatus.DISMISSED: "Dismissed",
    },
})


# ---------------------------------------------------------------- the shelf of free help


class ResourceTopic(Labelled):
    """What a free source of help is about (core.resources)."""

    DEBT_ADVICE = "debt_advice"
    BENEFITS = "benefits"
    MENTAL_HEALTH = "mental_health"
    BEREAVEMENT = "bereavement"
    BUDGETING = "budgeting"
    BUSINESS_SUPPORT = "business_support"


class ResourceAnswer(Labelled):
    """Did a shared resource help? Asked at the next follow-up."""

    YES = "yes"
    NOT_YET = "not_yet"
    NO = "no"


class TranslationStatus(Labelled):
    """A message template's translation: only an approved one is used in drafts."""

    DRAFT = "draft"
    APPROVED = "approved"


_LABELS.update({
    ResourceTopic: {
        ResourceTopic.DEBT_ADVICE: "Debt advice",
        ResourceTopic.BENEFITS: "Benefits",
        ResourceTopic.MENTAL_HEALTH: "Mental health",
        ResourceTopic.BEREAVEMENT: "Bereavement",
        ResourceTopic.BUDGETING: "Budgeting",
        ResourceTopic.BUSINESS_SUPPORT: "Business support",
    },
    ResourceAnswer: {
        ResourceAnswer.YES: "Yes",
        ResourceAnswer.NOT_YET: "Not yet",
        ResourceAnswer.NO: "No",
    },
    TranslationStatus: {
        TranslationStatus.DRAFT: "Draft, waiting for approval",
        TranslationStatus.APPROVED: "Approved",
    },
})


# The holds that cover every account of the person (see HoldKind.about_the_person).
PERSON_WIDE_HOLDS: frozenset[str] = frozenset(k.value for k in HoldKind if k.about_the_person)
