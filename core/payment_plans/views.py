"""The payment plans' frozen data: what the sliders set (PlanInputs) and what reads return.

One read model per thing; the page, the exports and the charts use these and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.plans import Schedule, build_schedule


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """What the sliders set: everything `build_schedule` needs except the balance."""

    account_id: int | None
    frequency: str
    start_on: date
    instalment_cents: int | None = None
    count: int | None = None
    discount_pct: Decimal | int | float | str = 0
    upfront_cents: int = 0
    annual_rate_pct: Decimal | int | float | str = 0
    step_cents: int = 1

    def schedule(self, balance_cents: int) -> Schedule:
        """Build the schedule for `balance_cents` (raises PlanError with a plain message)."""
        return build_schedule(
            balance_cents,
            frequency=self.frequency,
            start=self.start_on,
            instalment_cents=self.instalment_cents,
            count=self.count,
            discount_pct=self.discount_pct,
            upfront_cents=self.upfront_cents,
            annual_rate_pct=self.annual_rate_pct,
            step_cents=self.step_cents,
        )


plan_inputs = PlanInputs  # the name the design notes use


@dataclass(frozen=True, slots=True)
class AccountOption:
    """An account as the plans page lists it."""

    account_id: int
    reference: str
    creditor: str
    debtor_id: int
    debtor_name: str
    owner_id: int | None
    balance_cents: int
    currency: str
    status: str
    version: int


@dataclass(frozen=True, slots=True)
class InstalmentRow:
    """One stored (or, before activation, planned) instalment."""

    seq: int
    due_on: date
    amount_cents: int
    interest_cents: int
    paid_cents: int
    status: str


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A plan in a list: its terms, status and how much has been paid."""

    plan_id: int
    account_id: int
    status: str
    frequency: str
    start_on: date
    instalment_cents: int | None
    count: int | None
    discount_pct: str
    payable_cents: int
    forgiven_cents: int
    paid_cents: int
    missed: int
    created_at: datetime
    created_by: int | None
    version: int
    account_reference: str = ""
    debtor_name: str = ""
    created_by_name: str = ""


@dataclass(frozen=True, slots=True)
class PlanDetail:
    """A plan with its instalments, totals and the plain-language summary for the debtor."""

    plan_id: int
    account_id: int
    debtor_id: int
    debtor_name: str
    account_reference: str
    currency: str
    status: str
    frequency: str
    start_on: date
    instalment_cents: int | None
    count: int | None
    discount_pct: str
    upfront_cents: int
    annual_rate_pct: str
    step_cents: int
    payable_cents: int
    forgiven_cents: int
    interest_cents: int
    balance_at_start_cents: int
    approval_note: str
    created_by: int | None
    approved_by: int | None
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    version: int
    instalments: tuple[InstalmentRow, ...]
    paid_cents: int
    missed: int
    schedule: Schedule
    summary: str

    @property
    def left_to_pay_cents(self) -> int:
        """What is still owed on the plan."""
        return sum(i.amount_cents - i.paid_cents for i in self.instalments if i.status != "paid")


@dataclass(frozen=True, slots=True)
class IncomeStatement:
    """A dated income & expenditure statement, monthly pence per SFS category."""

    statement_id: int
    debtor_id: int
    recorded_on: date
    items: dict[str, int]
    income_cents: int
    expenses_cents: int

    @property
    def disposable_cents(self) -> int:
        """Income minus spending."""
        return self.income_cents - self.expenses_cents


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A recorded payment."""

    payment_id: int
    amount_cents: int
    received_on: date
    method: str
    reference: str
    plan_id: int | None
    reversed: bool = False
    reversible: bool = True  # False when loaded without a record of what it paid (imports)


@dataclass(frozen=True, slots=True)
class PromiseRow:
    """A promise to pay and what has been paid towards it."""

    promise_id: int
    amount_cents: int
    due_on: date
    status: str
    paid_cents: int


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What one sweep changed."""

    missed: int = 0
    plans_broken: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    followups: int = 0
    promises_reopened: int = 0  # kept or broken before, open again (a payment reversed)
    followups_closed: int = 0  # "not kept" follow-ups closed because the promise was kept
