"""Debtors' read models: the rows, the profile and the timeline entries (plain, frozen data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.checkins.views import PlanLine, format_day
from core.store.models import DebtorPublic


@dataclass(frozen=True)
class DebtorRow:
    """One search result."""

    id: int
    name: str
    kind: str
    owner_name: str
    references: str
    accounts: int
    total_balance_cents: int


@dataclass(frozen=True)
class HoldLine:
    """An active hold on an account."""

    kind: str
    reason: str
    starts_on: date
    ends_on: date | None

    @property
    def text(self) -> str:
        """The hold in a few words."""
        until = f" until {format_day(self.ends_on)}" if self.ends_on else ""
        return f"{self.kind.replace('_', ' ').capitalize()}{until}"


@dataclass(frozen=True)
class AccountView:
    """One account of the debtor with its holds and open plan."""

    id: int
    reference: str
    creditor: str
    balance_cents: int
    original_balance_cents: int
    currency: str
    status: str
    holds: tuple[HoldLine, ...]
    plan: PlanLine | None


@dataclass(frozen=True)
class PromiseView:
    """An open promise to pay."""

    id: int
    account_id: int
    amount_cents: int
    due_on: date


@dataclass(frozen=True)
class VulnerabilityView:
    """A consented vulnerability driver; the IDEA notes only when they were asked for."""

    id: int
    driver: str
    label: str
    consent_at: datetime
    impact: str | None = None
    duration: str | None = None
    episodes: str | None = None
    assistance: str | None = None


@dataclass(frozen=True)
class IncomeExpenditureView:
    """The latest income & expenditure statement."""

    recorded_on: date
    income_cents: int
    expenses_cents: int
    items: dict[str, int]

    @property
    def disposable_cents(self) -> int:
        """Income less expenses."""
        return self.income_cents - self.expenses_cents


@dataclass(frozen=True)
class DebtorProfile:
    """Everything the profile page shows about one debtor."""

    debtor: DebtorPublic
    owner_name: str
    accounts: tuple[AccountView, ...]
    promises: tuple[PromiseView, ...]
    vulnerabilities: tuple[VulnerabilityView, ...]
    income_expenditure: IncomeExpenditureView | None

    @property
    def total_balance_cents(self) -> int:
        """What is left to pay across every account."""
        return sum(a.balance_cents for a in self.accounts)


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened with a debtor."""

    when: datetime
    when_text: str
    kind: str  # check-in, plan, payment, follow-up, promise
    title: str
    detail: str
    who: str
    entity_id: int
    amendments: tuple[str, ...] = ()
