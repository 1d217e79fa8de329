"""Affordability: income and expenditure against a plan's instalment (pure, no database).

Categories follow the UK Standard Financial Statement. All amounts are monthly int pence.
"""

from dataclasses import dataclass

from core.money import whole
from core.plans import (
    PERIODS_PER_YEAR,
    Frequency,
    PlanError,
    monthly_equivalent_cents,
    parse_frequency,
)

INCOME_CATEGORIES: tuple[str, ...] = ("earnings", "benefits", "pensions", "other_income")
FIXED_COST_CATEGORIES: tuple[str, ...] = (
    "housing",
    "council_tax",
    "utilities",
    "water",
    "care_health",
    "transport",
    "school",
    "insurance",
    "other_essential",
)
FLEXIBLE_COST_CATEGORIES: tuple[str, ...] = (
    "communications_leisure",
    "food_housekeeping",
    "personal",
)
CATEGORY_LABELS: dict[str, str] = {
    "earnings": "Earnings",
    "benefits": "Benefits",
    "pensions": "Pensions",
    "other_income": "Other income",
    "housing": "Housing",
    "council_tax": "Council tax",
    "utilities": "Utilities",
    "water": "Water",
    "care_health": "Care and health",
    "transport": "Transport",
    "school": "School costs",
    "insurance": "Insurance",
    "other_essential": "Other essential costs",
    "communications_leisure": "Communications and leisure",
    "food_housekeeping": "Food and housekeeping",
    "personal": "Personal costs",
}


@dataclass(frozen=True, slots=True)
class Affordability:
    """Whether an instalment fits what is left of the monthly income."""

    disposable_cents: int
    monthly_equivalent_cents: int
    headroom_cents: int
    affordable: bool


def assess(
    monthly_income_cents: int,
    monthly_expenses_cents: int,
    instalment_cents: int,
    frequency: Frequency | str,
    *,
    other_commitments_cents: int = 0,
) -> Affordability:
    """Compare an instalment's monthly equivalent with disposable income.

    `other_commitments_cents` is what the debtor already pays each month on their other
    active plans (the sum of their monthly equivalents), so one income is never spent twice:
    disposable = income - expenses - other commitments.
    """
    other = _whole_pence(other_commitments_cents)
    if other < 0:
        raise ValueError("Other commitments cannot be negative.")
    disposable = monthly_income_cents - monthly_expenses_cents - other
    monthly = monthly_equivalent_cents(instalment_cents, frequency)
    headroom = disposable - monthly
    return Affordability(
        disposable_cents=disposable,
        monthly_equivalent_cents=monthly,
        headroom_cents=headroom,
        affordable=headroom >= 0 and disposable > 0,
    )


def _whole_pence(value: object) -> int:
    # operator.index takes ints (and numpy ints) but refuses floats, strings and None.
    return whole(value, "Other commitments must be a whole number of pence a month.")


def largest_affordable_instalment_cents(
    disposable_cents: int, frequency: Frequency | str, step_cents: int = 1
) -> int:
    """Largest multiple of step_cents whose monthly equivalent fits disposable; 0 if none."""
    if step_cents < 1:
        raise PlanError("The rounding step must be at least one penny.")
    if disposable_cents <= 0:
        return 0
    ppy = PERIODS_PER_YEAR[parse_frequency(frequency)]
    # round_half_up(a * ppy / 12) <= d  <=>  a * ppy / 12 < d + 1/2  <=>  2 * ppy * a <= 24d + 11
    largest = (24 * disposable_cents + 11) // (2 * ppy)
    return largest // step_cents * step_cents
