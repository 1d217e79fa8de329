"""What the shelf's screens show (frozen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ResourceView:
    """One resource as the admin and the share picker see it."""

    id: int
    title: str
    organisation: str
    link: str
    phone: str
    topic: str
    language: str
    summary: str
    paragraph: str  # what is added to a message when it is shared
    reading_grade: float | None  # None: not measured (not English)
    reviewed_on: date
    review_due_on: date
    out_of_date: bool
    active: bool
    version: int


@dataclass(frozen=True)
class ShareView:
    """A resource shared with a debtor and how it went."""

    id: int
    resource_id: int
    title: str
    organisation: str
    shared_at: datetime
    shared_by: str
    answer: str  # "" not asked yet, else a ResourceAnswer value
    answered_at: datetime | None
    answered_by: str


@dataclass(frozen=True)
class HelpedCount:
    """How many shares of one resource were answered "yes" in a month."""

    resource_id: int
    title: str
    organisation: str
    helped: int
