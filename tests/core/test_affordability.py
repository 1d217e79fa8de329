"""core.affordability: disposable income against a plan's instalment."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.affordability import (
    CATEGORY_LABELS,
    FIXED_COST_CATEGORIES,
    FLEXIBLE_COST_CATEGORIES,
    INCOME_CATEGORIES,
    Affordability,
    assess,
    largest_affordable_instalment_cents,
)
from core.plans import Frequency, PlanError, monthly_equivalent_cents

frequencies = st.sampled_from(list(Frequency))


def test_weekly_instalment_that_fits_leaves_headroom() -> None:
    # Given £2,000 in and £1,500 out a month, and £100 a week asked
    # When assessed
    verdict = assess(200_000, 150_000, 10_000, "weekly")
    # Then £100 a week is £433.33 a month, leaving £66.67 of headroom
    assert verdict == Affordability(
        disposable_cents=50_000,
        monthly_equivalent_cents=43_333,
        headroom_cents=6_667,
        affordable=True,
    )


def test_instalment_using_exactly_all_disposable_income_is_affordable() -> None:
    # Given £43.33 disposable and £10 a week (£43.33 a month) / When assessed
    verdict = assess(100_000, 95_667, 1_000, Frequency.WEEKLY)
    # Then the headroom is zero and it is still affordable
    assert verdict.headroom_cents == 0
    assert verdict.affordable


def test_one_penny_short_is_not_affordable() -> None:
    # Given a penny less disposable income than the monthly equivalent / When assessed
    verdict = assess(100_000, 95_668, 1_000, "weekly")
    # Then it is not affordable
    assert verdict.headroom_cents == -1
    assert not verdict.affordable


@pytest.mark.parametrize(("income", "expenses"), [(100_000, 100_000), (100_000, 120_000)])
def test_no_disposable_income_is_never_affordable(income: int, expenses: int) -> None:
    # Given nothing (or less than nothing) left each month, and no instalment at all
    verdict = assess(income, expenses, 0, "monthly")
    # When assessed / Then it is not affordable even though the instalment is zero
    assert verdict.disposable_cents == income - expenses
    assert verdict.headroom_cents == income - expenses
    assert not verdict.affordable


def test_unknown_frequency_is_a_plan_error() -> None:
    # Given an unknown frequency / When assessed / Then PlanError
    with pytest.raises(PlanError):
        assess(100_000, 50_000, 1_000, "yearly")


@pytest.mark.parametrize(
    ("disposable", "frequency", "step", "expected"),
    [
        (43_333, "weekly", 1, 10_000),  # £100 a week is £433.33 a month
        (43_332, "weekly", 1, 9_999),
        (43_332, "weekly", 100, 9_900),  # whole pounds
        (5_000, "monthly", 1, 5_000),
        (7, "four_weekly", 1, 6),  # 6 × 13 / 12 = 6.5 rounds up to 7
        (0, "weekly", 1, 0),
        (-5_000, "monthly", 1, 0),
    ],
)
def test_largest_affordable_instalment(
    disposable: int, frequency: str, step: int, expected: int
) -> None:
    # Given disposable income / When asking for the largest instalment / Then the expected one
    assert largest_affordable_instalment_cents(disposable, frequency, step) == expected


@given(
    disposable=st.integers(min_value=1, max_value=10_000_000),
    frequency=frequencies,
    step=st.sampled_from([1, 5, 50, 100, 1_000]),
)
def test_largest_affordable_instalment_is_the_boundary(
    disposable: int, frequency: Frequency, step: int
) -> None:
    # Given any positive disposable income and a rounding step
    # When asking for the largest affordable instalment
    largest = largest_affordable_instalment_cents(disposable, frequency, step)
    # Then it is a multiple of the step that fits, and one step more does not
    assert largest >= 0 and largest % step == 0
    assert monthly_equivalent_cents(largest, frequency) <= disposable
    assert monthly_equivalent_cents(largest + step, frequency) > disposable
    # And assess agrees: the largest is affordable, one step more is not
    assert assess(disposable, 0, largest, frequency).affordable
    assert not assess(disposable, 0, largest + step, frequency).affordable


@given(disposable=st.integers(max_value=0), frequency=frequencies)
def test_nothing_is_affordable_without_disposable_income(
    disposable: int, frequency: Frequency
) -> None:
    # Given no disposable income / When asking / Then the largest instalment is 0
    assert largest_affordable_instalment_cents(disposable, frequency) == 0


def test_zero_step_is_refused() -> None:
    # Given a rounding step of zero / When asking / Then PlanError
    with pytest.raises(PlanError, match="rounding step"):
        largest_affordable_instalment_cents(10_000, "monthly", 0)


def test_standard_financial_statement_categories() -> None:
    # Given the SFS categories / When listed / Then they match the statement, with labels
    assert INCOME_CATEGORIES == ("earnings", "benefits", "pensions", "other_income")
    assert FIXED_COST_CATEGORIES == (
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
    assert FLEXIBLE_COST_CATEGORIES == ("communications_leisure", "food_housekeeping", "personal")
    every = INCOME_CATEGORIES + FIXED_COST_CATEGORIES + FLEXIBLE_COST_CATEGORIES
    assert len(set(every)) == len(every) == 16
    assert set(CATEGORY_LABELS) == set(every)
    assert CATEGORY_LABELS["council_tax"] == "Council tax"
    assert all(label and label[0].isupper() for label in CATEGORY_LABELS.values())


# ---------------------------------------------------------------- other commitments


def test_an_income_is_never_spent_twice() -> None:
    # Given £200 a month disposable and a £150-a-month plan already active on another account
    # When a second £150-a-month plan is assessed with that commitment
    verdict = assess(200_000, 180_000, 15_000, "monthly", other_commitments_cents=15_000)
    # Then only £50 is left for it, so it is not affordable
    assert verdict == Affordability(
        disposable_cents=5_000,
        monthly_equivalent_cents=15_000,
        headroom_cents=-10_000,
        affordable=False,
    )
    # And without the other plan it would have been affordable
    assert assess(200_000, 180_000, 15_000, "monthly").affordable


def test_other_commitments_default_to_none() -> None:
    # Given no other commitments / When assessed with and without the keyword
    # Then the verdicts are the same
    assert assess(200_000, 150_000, 10_000, "weekly") == assess(
        200_000, 150_000, 10_000, "weekly", other_commitments_cents=0
    )


def test_commitments_using_all_disposable_income_leave_nothing() -> None:
    # Given other plans taking exactly all £500 disposable / When a £0 instalment is assessed
    verdict = assess(200_000, 150_000, 0, "monthly", other_commitments_cents=50_000)
    # Then nothing is disposable, so it is not affordable
    assert verdict.disposable_cents == 0
    assert verdict.headroom_cents == 0
    assert not verdict.affordable


def test_exactly_fitting_after_other_commitments_is_affordable() -> None:
    # Given £500 disposable, £66.67 already committed, and £100 a week (£433.33 a month)
    verdict = assess(200_000, 150_000, 10_000, "weekly", other_commitments_cents=6_667)
    # When assessed / Then the headroom is zero and it is affordable; a penny more is not
    assert verdict.headroom_cents == 0 and verdict.affordable
    assert not assess(200_000, 150_000, 10_000, "weekly", other_commitments_cents=6_668).affordable


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (-1, "cannot be negative"),
        (-15_000, "cannot be negative"),
        (1.5, "whole number"),
        ("100", "whole number"),
        (None, "whole number"),
        (True, "whole number"),
    ],
)
def test_bad_other_commitments_are_a_value_error(other: object, message: str) -> None:
    # Given negative or non-whole other commitments / When assessed / Then ValueError says why
    with pytest.raises(ValueError, match=message):
        assess(200_000, 150_000, 10_000, "weekly", other_commitments_cents=other)  # type: ignore[arg-type]


def test_other_commitments_are_keyword_only() -> None:
    # Given other commitments passed positionally / When assessed / Then TypeError
    with pytest.raises(TypeError):
        assess(200_000, 150_000, 10_000, "weekly", 5_000)  # type: ignore[misc]


@given(
    income=st.integers(min_value=0, max_value=10_000_000),
    expenses=st.integers(min_value=0, max_value=10_000_000),
    other=st.integers(min_value=0, max_value=10_000_000),
    instalment=st.integers(min_value=0, max_value=1_000_000),
    frequency=frequencies,
)
def test_other_commitments_count_like_expenses(
    income: int, expenses: int, other: int, instalment: int, frequency: Frequency
) -> None:
    # Given any income, expenses, other commitments and instalment
    # When assessed with the commitments
    verdict = assess(income, expenses, instalment, frequency, other_commitments_cents=other)
    # Then it is exactly as if the commitments were extra expenses
    assert verdict == assess(income, expenses + other, instalment, frequency)
    assert verdict.disposable_cents == income - expenses - other
    assert verdict.headroom_cents == verdict.disposable_cents - monthly_equivalent_cents(
        instalment, frequency
    )
    # And committing more never makes a plan affordable that was not
    if verdict.affordable:
        assert assess(income, expenses, instalment, frequency).affordable
