"""What the refresher pages show (frozen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class RefresherView:
    """One refresher as people read it."""

    id: int
    rule: str
    topic: str
    body: str
    source: str
    version: int
    review_by: date | None


@dataclass(frozen=True)
class DueRefresher:
    """A refresher due for one agent, and why."""

    refresher: RefresherView
    why: str


@dataclass(frozen=True)
class CaseOfTheWeek:
    """One real case from last week, with the debtor's name hidden, and the refresher that fits."""

    kind: str  # "override" or "broken_plan"
    when: datetime
    story: str
    refresher: RefresherView | None
