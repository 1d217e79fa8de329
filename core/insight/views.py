"""The Insight page's data: each question's groups with counts and intervals (frozen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.insight.stats import Proportion

ASSOCIATION = ("These are associations, not proof: people who get a check-in may differ in other "
               "ways from people who don't. Use them to ask better questions, not to judge.")


@dataclass(frozen=True)
class Group:
    """One group of a question: its name, and the share that had the good outcome."""

    question: str  # "a", "b" or "c"
    measure: str  # what the share is of
    name: str  # the group, in words
    result: Proportion


@dataclass(frozen=True)
class Insight:
    """The three questions for one period and team, or why there is nothing to show."""

    start: date
    end: date
    team_id: int | None
    first_instalment: list[Group]  # (a)
    still_running: list[Group]  # (b)
    parity: list[Group]  # (c)
    empty_reason: str = ""

    @property
    def empty(self) -> bool:
        """True when there is nothing to count (the reason says why)."""
        return bool(self.empty_reason)
