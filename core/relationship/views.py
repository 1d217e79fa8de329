"""The relationship's read models: frozen data, no queries. Labels come from the vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.followups.views import Doable
from core.vocabulary import GoodwillKind, MilestoneKind, MilestoneStatus, label_of


@dataclass(frozen=True)
class CareCheckIn:
    """One after-care follow-up: when, and whether it is open, done or cancelled."""

    followup_id: int
    due_on: date
    status: str


@dataclass(frozen=True)
class AfterCareView:
    """The after-care answer recorded for one paid account."""

    id: int
    consented: bool
    consent_on: date
    recorded_by: str
    withdrawn_at: datetime | None
    version: int
    checkins: tuple[CareCheckIn, ...] = ()

    @property
    def active(self) -> bool:
        """They said yes and have not withdrawn it."""
        return self.consented and self.withdrawn_at is None


@dataclass(frozen=True)
class PaidAccount:
    """An account paid in full (or settled): the draft to send and the after-care offer."""

    account_id: int
    reference: str
    creditor: str
    debt_free_on: date
    draft: str
    grade: float
    grade_ok: bool
    after_care: AfterCareView | None
    standing_note: str = ""  # a small business: "back in good standing" for the creditor


@dataclass(frozen=True)
class GoodwillView:
    """One piece of goodwill on the profile."""

    id: int
    kind: str
    note: str
    happened_on: date
    recorded_by: str

    @property
    def label(self) -> str:
        """The kind in words."""
        return label_of(GoodwillKind, self.kind, self.kind)


@dataclass(frozen=True)
class MilestoneView:
    """A milestone of a plan, with the short draft for the debtor."""

    id: int
    plan_id: int
    debtor_id: int
    debtor_name: str
    account_reference: str
    kind: str
    status: str
    offered_on: date
    line: str
    draft: str
    grade: float
    version: int

    @property
    def label(self) -> str:
        """The milestone in words."""
        return label_of(MilestoneKind, self.kind, self.kind)

    @property
    def status_label(self) -> str:
        """Offered, sent or dismissed, in words."""
        return label_of(MilestoneStatus, self.status, self.status)


@dataclass(frozen=True)
class Relationship:
    """The "Our relationship" section of a debtor's profile."""

    debtor_id: int
    business: bool
    paid: tuple[PaidAccount, ...]
    goodwill: tuple[GoodwillView, ...]
    milestones: tuple[MilestoneView, ...]


@dataclass(frozen=True)
class CareDue:
    """An after-care check-in due, the contact rules' verdict on it, and the message to send."""

    item: Doable
    draft: str
