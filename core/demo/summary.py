"""What a demo load wrote, and the one error it can refuse with."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


class DemoError(RuntimeError):
    """The demo cannot be loaded here; the message says why in one sentence."""


@dataclass
class DemoSummary:
    """How many rows the demo loader wrote, per kind, and how long each phase took."""

    teams: int = 0
    users: int = 0
    debtors: int = 0
    vulnerable_debtors: int = 0
    accounts: int = 0
    holds: int = 0
    adjustments: int = 0
    checkins: int = 0
    vulnerabilities: int = 0
    plans: int = 0
    instalments: int = 0
    payments: int = 0
    promises: int = 0
    income_expenditures: int = 0
    followups: int = 0
    open_followups: int = 0
    seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def counts(self) -> dict[str, int]:
        """The row counts by name (no timings)."""
        data = asdict(self)
        data.pop("seconds")
        return data

    def describe(self) -> str:
        """One plain line for the command line."""
        return (
            f"{self.debtors:,} debtors ({self.vulnerable_debtors:,} vulnerable), "
            f"{self.accounts:,} accounts, {self.checkins:,} check-ins, {self.plans:,} payment "
            f"plans, {self.payments:,} payments, {self.promises:,} promises to pay, "
            f"{self.followups:,} follow-ups ({self.open_followups:,} open), "
            f"{self.users:,} users in {self.teams} teams"
        )
