"""core.plans: schedules, payment allocation, rescheduling and plain-language summaries."""

import calendar
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import format_money
from core.plans import (
    MAX_INSTALMENTS,
    PERIODS_PER_YEAR,
    Frequency,
    PlanError,
    Schedule,
    add_periods,
    allocate_payment,
    build_schedule,
    monthly_equivalent_cents,
    parse_frequency,
    plan_summary_text,
    reschedule_remaining,
)

START = date(2027, 3, 1)

frequencies = st.sampled_from(list(Frequency))
starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
rates = st.decimals(min_value="0.01", max_value="30", places=2)


def amounts(schedule: Schedule) -> list[int]:
    return [i.amount_cents for i in schedule.instalments]


def dues(schedule: Schedule) -> list[date]:
    return [i.due for i in schedule.instalments]


def half_up(exact: Fraction) -> int:
    """An independent oracle for rounding a non-negative exact value half up."""
    return int(exact + Fraction(1, 2))


def expected_interest(balance: int, rate: Decimal, frequency: Frequency) -> int:
    return half_up(Fraction(balance) * Fraction(str(rate)) / 100 / PERIODS_PER_YEAR[frequency])


def assert_consistent(schedule: Schedule) -> None:
    """Invariants every schedule keeps: seq, totals, running balance, dates."""
    assert [i.seq for i in schedule.instalments] == list(range(1, schedule.count + 1))
    assert schedule.count == len(schedule.instalments)
    assert sum(amounts(schedule)) == schedule.payable_cents
    assert schedule.payable_cents == schedule.settled_cents + schedule.interest_cents
    assert sum(i.interest_cents for i in schedule.instalments) == schedule.interest_cents
    assert schedule.last_instalment.balance_after_cents == 0
    assert all(i.balance_after_cents > 0 for i in schedule.instalments[:-1])
    assert all(a > 0 for a in amounts(schedule))
    assert all(a < b for a, b in zip(dues(schedule), dues(schedule)[1:], strict=False))
    assert schedule.final_due == schedule.last_instalment.due


# ---------------------------------------------------------------- frequencies and dates


def test_frequency_values_and_periods_per_year() -> None:
    # Given the four frequencies / When read as strings / Then they match the contract
    assert [str(f) for f in Frequency] == ["weekly", "fortnightly", "four_weekly", "monthly"]
    assert [PERIODS_PER_YEAR[f] for f in Frequency] == [52, 26, 13, 12]
    assert parse_frequency("four_weekly") is Frequency.FOUR_WEEKLY
    assert Frequency.FOUR_WEEKLY.label == "Every four weeks"


@pytest.mark.parametrize("bad", ["daily", "Weekly", "", None, 7])
def test_unknown_frequency_is_a_plan_error(bad: object) -> None:
    # Given an unknown frequency / When building / Then PlanError with a helpful message
    with pytest.raises(PlanError, match="how often to pay"):
        build_schedule(10_000, frequency=bad, start=START, count=2)  # type: ignore[arg-type]


def test_monthly_dates_clamp_to_month_end_from_the_start_day_in_a_leap_year() -> None:
    # Given a monthly plan starting on 31 January 2024 (a leap year)
    # When it is built
    schedule = build_schedule(
        50_000, frequency="monthly", start=date(2024, 1, 31), instalment_cents=10_000
    )
    # Then each date keeps day 31 where the month has one, otherwise the last day
    assert dues(schedule) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]


def test_monthly_dates_clamp_to_28_february_in_a_common_year() -> None:
    # Given a monthly plan starting on 31 January 2023 / When built
    schedule = build_schedule(20_000, frequency="monthly", start=date(2023, 1, 31), count=3)
    # Then February's instalment falls on the 28th and March's on the 31st
    assert dues(schedule) == [date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31)]


def test_monthly_plan_from_leap_day_falls_on_28_february_next_year() -> None:
    # Given a 13-month plan starting on 29 February 2024 / When built
    schedule = build_schedule(13_000, frequency="monthly", start=date(2024, 2, 29), count=13)
    # Then the March instalment is on the 29th and the last on 28 February 2025
    assert schedule.instalments[1].due == date(2024, 3, 29)
    assert schedule.final_due == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("frequency", "days"), [("weekly", 7), ("fortnightly", 14), ("four_weekly", 28)]
)
def test_week_based_frequencies_step_whole_days_across_leap_day(frequency: str, days: int) -> None:
    # Given a plan that starts just before 29 February 2024 / When built
    start = date(2024, 2, 26)
    schedule = build_schedule(40_000, frequency=frequency, start=start, count=4)
    # Then every instalment is exactly one period of days after the one before
    assert dues(schedule) == [start + timedelta(days=days * k) for k in range(4)]


@given(start=starts, k=st.integers(min_value=0, max_value=600))
def test_add_periods_monthly_keeps_the_start_day_clamped(start: date, k: int) -> None:
    # Given any start and number of months / When k months are added
    due = add_periods(start, Frequency.MONTHLY, k)
    # Then the month moves by k and the day is the start's day clamped to the month end
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == k
    assert due.day == min(start.day, calendar.monthrange(due.year, due.month)[1])


# ---------------------------------------------------------------- given an instalment amount


@st.composite
def balance_and_instalment(draw: st.DrawFn) -> tuple[int, int]:
    balance = draw(st.integers(min_value=1, max_value=5_000_000))
    smallest = -(-balance // MAX_INSTALMENTS)
    instalment = draw(st.integers(min_value=smallest, max_value=balance + 10_000))
    return balance, instalment


@given(plan=balance_and_instalment(), frequency=frequencies, start=starts)
def test_instalment_plan_adds_up_exactly_and_ends_with_the_remainder(
    plan: tuple[int, int], frequency: Frequency, start: date
) -> None:
    # Given a balance and an instalment that clears it within 520 instalments
    balance, instalment = plan
    # When the schedule is built
    schedule = build_schedule(
        balance, frequency=frequency, start=start, instalment_cents=instalment
    )
    # Then every instalment but the last is A, the last is the remainder 0 < last <= A,
    # there are ceil(balance / A) of them, and they add up to the balance exactly
    paid = amounts(schedule)
    assert paid[:-1] == [instalment] * (len(paid) - 1)
    assert 0 < paid[-1] <= instalment
    assert schedule.count == -(-balance // instalment)
    assert sum(paid) == schedule.payable_cents == balance
    assert schedule.forgiven_cents == schedule.interest_cents == 0
    assert dues(schedule) == [add_periods(start, frequency, k) for k in range(schedule.count)]
    assert_consistent(schedule)


def test_schedule_properties_for_a_simple_plan() -> None:
    # Given £600 at £50 a month / When built
    schedule = build_schedule(60_000, frequency="monthly", start=START, instalment_cents=5_000)
    # Then it is twelve equal instalments ending on 1 February 2028
    assert schedule.count == schedule.regular_count == 12
    assert schedule.regular_instalment_cents == 5_000
    assert schedule.last_instalment.amount_cents == 5_000
    assert schedule.final_due == date(2028, 2, 1)
    assert schedule.settled_cents == 60_000


# ---------------------------------------------------------------- given a count


@given(
    balance=st.integers(min_value=1, max_value=5_000_000),
    count=st.integers(min_value=1, max_value=MAX_INSTALMENTS),
    step=st.sampled_from([1, 5, 100, 500]),
    frequency=frequencies,
)
def test_count_plan_has_exactly_count_instalments_or_refuses(
    balance: int, count: int, step: int, frequency: Frequency
) -> None:
    # Given a balance, a number of instalments and a rounding step
    smallest = -(-balance // count)
    instalment = -(-smallest // step) * step
    kwargs = {"frequency": frequency, "start": START, "count": count, "step_cents": step}
    if instalment * (count - 1) >= balance:
        # When the rounded instalment would clear the balance early / Then PlanError
        with pytest.raises(PlanError, match="too many"):
            build_schedule(balance, **kwargs)
        return
    # When it fits / Then there are exactly `count` instalments of the smallest multiple of
    # the step that covers ceil(balance / count), and the last is the remainder
    schedule = build_schedule(balance, **kwargs)
    paid = amounts(schedule)
    assert schedule.count == count
    assert paid[:-1] == [instalment] * (count - 1)
    assert instalment % step == 0 and instalment - step < smallest <= instalment
    assert 0 < paid[-1] <= instalment
    assert sum(paid) == balance
    assert_consistent(schedule)


def test_count_plan_rounds_up_to_whole_pounds() -> None:
    # Given £1,000 over 12 months rounded to whole pounds / When built
    schedule = build_schedule(100_000, frequency="monthly", start=START, count=12, step_cents=100)
    # Then eleven instalments of £84 (8,334p rounded up) and a last of £76
    assert amounts(schedule) == [8_400] * 11 + [7_600]


def test_count_of_one_is_a_single_payment_of_everything() -> None:
    # Given a one-instalment plan / When built / Then one instalment of the whole balance
    schedule = build_schedule(12_345, frequency="weekly", start=START, count=1)
    assert amounts(schedule) == [12_345]
    assert schedule.final_due == START


# ---------------------------------------------------------------- discount and money up front


@pytest.mark.parametrize("pct", [12.5, "12.5", Decimal("12.5")])
def test_discount_accepts_float_str_and_decimal_alike(pct: object) -> None:
    # Given a 12.5% settlement discount in any accepted type / When built
    schedule = build_schedule(100_000, frequency="monthly", start=START, count=7, discount_pct=pct)
    # Then £125 is forgiven and the rest is payable
    assert schedule.forgiven_cents == 12_500
    assert schedule.payable_cents == 87_500 == sum(amounts(schedule))


def test_forgiven_amount_rounds_half_up() -> None:
    # Given 10% off 5p (exactly half a penny) / When built / Then 1p is forgiven, not 0p
    schedule = build_schedule(5, frequency="weekly", start=START, count=1, discount_pct=10)
    assert schedule.forgiven_cents == 1
    assert schedule.payable_cents == 4


def test_money_up_front_is_instalment_one_and_regular_instalments_start_a_period_later() -> None:
    # Given £1,000 with £200 up front and 4 monthly instalments from 31 January 2024
    schedule = build_schedule(
        100_000, frequency="monthly", start=date(2024, 1, 31), count=4, upfront_cents=20_000
    )
    # When built / Then instalment 1 is the £200 on the start date, then 4 × £200 monthly
    assert amounts(schedule) == [20_000, 20_000, 20_000, 20_000, 20_000]
    assert dues(schedule) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]
    assert schedule.instalments[0].balance_after_cents == 80_000
    assert schedule.count == 5 and schedule.regular_count == 4
    assert schedule.upfront_cents == 20_000
    assert schedule.regular_instalment_cents == 20_000
    assert_consistent(schedule)


@given(
    balance=st.integers(min_value=2, max_value=2_000_000),
    data=st.data(),
    frequency=frequencies,
    discount=st.decimals(min_value=0, max_value="99.99", places=2),
)
def test_discount_and_upfront_plans_add_up_to_what_is_settled(
    balance: int, data: st.DataObject, frequency: Frequency, discount: Decimal
) -> None:
    # Given a discount and some money up front, leaving something for the plan
    forgiven = half_up(Fraction(balance) * Fraction(str(discount)) / 100)
    settled = balance - forgiven
    if settled < 2:
        return
    upfront = data.draw(st.integers(min_value=1, max_value=settled - 1), label="upfront")
    # n(n - 1) < what is left guarantees ceil(left / n) × (n - 1) < left: a positive last one
    most = max(n for n in range(1, 13) if n * (n - 1) < settled - upfront)
    count = data.draw(st.integers(min_value=1, max_value=most), label="count")
    # When built
    schedule = build_schedule(
        balance,
        frequency=frequency,
        start=START,
        count=count,
        discount_pct=discount,
        upfront_cents=upfront,
    )
    # Then the first instalment is the upfront, then `count` regular ones, all adding up
    assert schedule.forgiven_cents == forgiven
    assert schedule.instalments[0].amount_cents == upfront
    assert schedule.instalments[0].due == START
    assert schedule.instalments[1].due == add_periods(START, frequency, 1)
    assert schedule.regular_count == count and schedule.count == count + 1
    assert sum(amounts(schedule)) == settled == schedule.payable_cents
    assert_consistent(schedule)


# ---------------------------------------------------------------- interest


def test_interest_is_added_each_period_until_the_remainder() -> None:
    # Given £100 at 12% a year (1% a month) paid at £50 a month / When built
    schedule = build_schedule(
        10_000, frequency="monthly", start=START, instalment_cents=5_000, annual_rate_pct=12
    )
    # Then interest is 100p, 51p, 2p and the last instalment is what is left plus its interest
    assert [i.interest_cents for i in schedule.instalments] == [100, 51, 2]
    assert amounts(schedule) == [5_000, 5_000, 153]
    assert [i.balance_after_cents for i in schedule.instalments] == [5_100, 151, 0]
    assert schedule.interest_cents == 153
    assert schedule.payable_cents == 10_153


def test_interest_rounds_half_up_not_to_even() -> None:
    # Given 250p at 1% a month: the first interest is exactly 2.5p / When built
    schedule = build_schedule(
        250, frequency="monthly", start=START, instalment_cents=200, annual_rate_pct="12"
    )
    # Then it rounds up to 3p (banker's rounding would give 2p)
    assert [i.interest_cents for i in schedule.instalments] == [3, 1]
    assert amounts(schedule) == [200, 54]


def test_count_plan_with_interest_uses_the_annuity_payment() -> None:
    # Given £1,000 over 12 months at 12% a year / When built
    schedule = build_schedule(
        100_000, frequency="monthly", start=START, count=12, annual_rate_pct=12
    )
    # Then the instalment is the annuity 1000 × 0.01 / (1 − 1.01^−12) = £88.85
    assert amounts(schedule)[:11] == [8_885] * 11
    assert schedule.instalments[0].interest_cents == 1_000
    assert schedule.count == 12
    assert_consistent(schedule)


@given(
    balance=st.integers(min_value=100, max_value=5_000_000),
    rate=rates,
    frequency=frequencies,
    extra=st.integers(min_value=0, max_value=100_000),
)
def test_interest_plan_charges_each_period_on_the_balance_and_adds_up(
    balance: int, rate: Decimal, frequency: Frequency, extra: int
) -> None:
    # Given an instalment above the first period's interest, big enough to finish in 520
    first_interest = expected_interest(balance, rate, frequency)
    instalment = first_interest + -(-balance // MAX_INSTALMENTS) + extra
    # When built
    schedule = build_schedule(
        balance,
        frequency=frequency,
        start=START,
        instalment_cents=instalment,
        annual_rate_pct=rate,
    )
    # Then each period's interest is round(balance × rate / 100 / periods) on the balance
    # before it, all but the last instalment are A, and it all adds up to the penny
    before = balance
    for row in schedule.instalments:
        assert row.interest_cents == expected_interest(before, rate, frequency)
        before = row.balance_after_cents
    paid = amounts(schedule)
    assert paid[:-1] == [instalment] * (len(paid) - 1)
    assert 0 < paid[-1] <= instalment
    assert schedule.payable_cents == balance + schedule.interest_cents
    assert schedule.count <= MAX_INSTALMENTS
    assert_consistent(schedule)


@given(
    balance=st.integers(min_value=100, max_value=5_000_000),
    count=st.integers(min_value=1, max_value=MAX_INSTALMENTS),
    rate=rates,
    frequency=frequencies,
)
def test_count_plan_with_interest_has_exactly_count_instalments_or_refuses(
    balance: int, count: int, rate: Decimal, frequency: Frequency
) -> None:
    # Given a count and an interest rate
    kwargs = {"frequency": frequency, "start": START, "count": count, "annual_rate_pct": rate}
    # When built
    try:
        schedule = build_schedule(balance, **kwargs)
    except PlanError:
        # Then a refusal only happens for long plans on small balances
        assert count > 1
        return
    # Then exactly `count` instalments of about the annuity payment, adding up exactly
    r = float(rate) / 100 / PERIODS_PER_YEAR[frequency]
    annuity = balance * r / (1 - (1 + r) ** -count)
    paid = amounts(schedule)
    assert schedule.count == count
    assert paid[:-1] == [paid[0]] * (count - 1)
    assert abs(paid[0] - annuity) <= 1
    assert_consistent(schedule)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("balance", "kwargs", "message"),
    [
        (0, {"count": 3}, "The balance must be more than zero."),
        (-100, {"count": 3}, "The balance must be more than zero."),
        (10.5, {"count": 3}, "whole number of pence"),
        (1_000, {"count": 3, "instalment_cents": 500}, "not both"),
        (1_000, {}, "Choose an instalment amount or a number of instalments."),
        (1_000, {"instalment_cents": 0}, "The instalment must be more than zero."),
        (1_000, {"instalment_cents": -5}, "The instalment must be more than zero."),
        (1_000, {"count": 0}, "at least one instalment"),
        (1_000, {"count": -2}, "at least one instalment"),
        (100_000, {"count": 521}, "at most 520"),
        (521, {"instalment_cents": 1}, "would need 521 instalments"),
        (5, {"count": 6}, "too many"),
        (1_000, {"count": 6, "step_cents": 100}, "too many"),
        (1_000, {"count": 3, "step_cents": 0}, "rounding step"),
        (1_000, {"count": 3, "discount_pct": -1}, "discount must be at least 0%"),
        (1_000, {"count": 3, "discount_pct": 100}, "less than 100%"),
        (1_000, {"count": 3, "discount_pct": 100.0}, "less than 100%"),
        (1_000, {"count": 3, "discount_pct": "ten"}, "discount must be a number"),
        (1_000, {"count": 3, "discount_pct": "nan"}, "discount must be a number"),
        (1, {"count": 1, "discount_pct": "99.9"}, "nothing would be left to pay"),
        (1_000, {"count": 3, "upfront_cents": -1}, "up front cannot be negative"),
        (1_000, {"count": 3, "upfront_cents": 1_000}, "up front must be less"),
        (1_000, {"count": 3, "upfront_cents": 900, "discount_pct": 10}, "up front must be less"),
        (1_000, {"count": 3, "annual_rate_pct": -1}, "cannot be negative"),
        (100_000, {"instalment_cents": 1_000, "annual_rate_pct": 12}, "never go down"),
        (100, {"instalment_cents": 1, "annual_rate_pct": 12}, "never go down"),
        (1_000_000, {"instalment_cents": 10_001, "annual_rate_pct": 12}, "most allowed is 520"),
    ],
)
def test_impossible_plans_raise_plan_error_in_plain_english(
    balance: int, kwargs: dict[str, object], message: str
) -> None:
    # Given an impossible plan / When built / Then PlanError (a ValueError) says why
    with pytest.raises(PlanError, match=message) as caught:
        build_schedule(balance, frequency="monthly", start=START, **kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("balance", "kwargs"),
    [
        (520_000, {"count": 520}),
        (520, {"instalment_cents": 1}),
        (100_000, {"count": 3, "discount_pct": "99.99"}),
        (1_000, {"count": 1, "upfront_cents": 899, "discount_pct": 10}),
        (100, {"instalment_cents": 2, "annual_rate_pct": 12}),
    ],
)
def test_plans_right_at_the_limits_are_allowed(balance: int, kwargs: dict[str, object]) -> None:
    # Given a plan exactly at a limit / When built / Then it is valid and adds up
    schedule = build_schedule(balance, frequency="monthly", start=START, **kwargs)  # type: ignore[arg-type]
    assert_consistent(schedule)


# ---------------------------------------------------------------- monthly equivalent


@pytest.mark.parametrize(
    ("amount", "frequency", "expected"),
    [
        (10_000, "weekly", 43_333),  # 43,333.33
        (100, Frequency.FORTNIGHTLY, 217),  # 216.67
        (3, "fortnightly", 7),  # 6.5 rounds half up
        (6, "four_weekly", 7),  # 6.5 rounds half up
        (5_000, "monthly", 5_000),
        (0, "weekly", 0),
    ],
)
def test_monthly_equivalent(amount: int, frequency: str, expected: int) -> None:
    # Given an instalment and a frequency / When converted / Then round(A × periods / 12)
    assert monthly_equivalent_cents(amount, frequency) == expected


# ---------------------------------------------------------------- allocating payments


def test_payment_goes_to_the_oldest_unpaid_instalment_first() -> None:
    # Given instalment 1 paid, 2 partly paid and 3 unpaid (listed out of order)
    due = [(3, 5_000, 0), (1, 5_000, 5_000), (2, 5_000, 2_000)]
    # When £40 arrives
    allocations, carry = allocate_payment(due, 4_000)
    # Then £30 finishes instalment 2 and £10 goes to instalment 3, which stays partial
    assert allocations == [(2, 3_000), (3, 1_000)]
    assert carry == 0


def test_overpayment_is_carried_forward() -> None:
    # Given one unpaid £50 instalment / When £70 arrives / Then £20 carries forward
    assert allocate_payment([(1, 5_000, 0)], 7_000) == ([(1, 5_000)], 2_000)


def test_zero_payment_allocates_nothing_and_negative_is_refused() -> None:
    # Given unpaid instalments / When nothing or a negative amount arrives
    assert allocate_payment([(1, 5_000, 0)], 0) == ([], 0)
    # Then a negative payment is a PlanError
    with pytest.raises(PlanError, match="cannot be negative"):
        allocate_payment([(1, 5_000, 0)], -1)
    with pytest.raises(PlanError, match="only once"):
        allocate_payment([(1, 5_000, 0), (1, 5_000, 0)], 100)


instalment_rows = st.lists(
    st.tuples(st.integers(0, 20_000), st.integers(0, 20_000)), max_size=30
).map(lambda rows: [(seq, due, min(paid, due)) for seq, (due, paid) in enumerate(rows, 1)])


@given(rows=instalment_rows, amount=st.integers(min_value=0, max_value=500_000))
def test_allocations_plus_carry_equal_the_payment_and_fill_oldest_first(
    rows: list[tuple[int, int, int]], amount: int
) -> None:
    # Given any instalments and a payment / When allocated
    allocations, carry = allocate_payment(rows, amount)
    # Then nothing is lost or invented
    assert sum(cents for _, cents in allocations) + carry == amount
    assert carry >= 0 and all(cents > 0 for _, cents in allocations)
    # And no instalment gets more than it still owes
    owed = {seq: due - paid for seq, due, paid in rows}
    assert all(cents <= owed[seq] for seq, cents in allocations)
    # And every instalment before the last one touched is now paid in full
    for seq, cents in allocations[:-1]:
        assert cents == owed[seq]
    touched = [seq for seq, _ in allocations]
    last = touched[-1] if touched else 0
    assert all(owed[seq] == 0 or seq in touched for seq in owed if seq < last)
    # And money carries forward only once everything owed is paid
    if carry:
        assert sum(cents for _, cents in allocations) == sum(owed.values())


# ---------------------------------------------------------------- rescheduling


def test_missed_instalment_moves_to_the_end() -> None:
    # Given a £50-a-month plan where the 3rd instalment was missed and 9 are still to come
    unpaid = [5_000] + [5_000] * 9
    # When rescheduled from the next due date
    schedule = reschedule_remaining(
        unpaid, instalment_cents=5_000, frequency="monthly", start=date(2027, 6, 1)
    )
    # Then ten £50 instalments follow, so the plan ends one month later than before
    assert amounts(schedule) == [5_000] * 10
    assert schedule.final_due == date(2028, 3, 1)


def test_partly_paid_instalment_is_rebuilt_with_the_remainder_last() -> None:
    # Given £20 left on a part-paid instalment and two full ones to come
    schedule = reschedule_remaining(
        [2_000, 5_000, 5_000], instalment_cents=5_000, frequency="weekly", start=START
    )
    # When rebuilt / Then the same £50 instalment and a £20 remainder at the end
    assert amounts(schedule) == [5_000, 5_000, 2_000]
    assert schedule.forgiven_cents == schedule.interest_cents == 0


@pytest.mark.parametrize(("unpaid", "message"), [([0, 0], "Nothing is left"), ([-1], "negative")])
def test_rescheduling_nothing_or_negative_is_refused(unpaid: list[int], message: str) -> None:
    # Given nothing (or something impossible) left / When rescheduled / Then PlanError
    with pytest.raises(PlanError, match=message):
        reschedule_remaining(unpaid, instalment_cents=5_000, frequency="monthly", start=START)


# ---------------------------------------------------------------- plain-language summary


def test_summary_of_a_discounted_monthly_plan() -> None:
    # Given £735 with 20% off, paid at £50 a month from 1 March 2027
    schedule = build_schedule(
        73_500, frequency="monthly", start=START, instalment_cents=5_000, discount_pct=20
    )
    # When summarised
    text = plan_summary_text(schedule, frequency="monthly")
    # Then it reads plainly, whole pounds without pence
    assert text == (
        "You'll pay £50 every month for 12 months, starting 1 March 2027. "
        "Your last payment is £38 on 1 February 2028. "
        "We have taken £147 off what you owe."
    )


def test_summary_has_no_discount_sentence_when_nothing_is_forgiven() -> None:
    # Given a plan with no discount, in pounds and pence / When summarised
    schedule = build_schedule(20_200, frequency="weekly", start=START, instalment_cents=5_050)
    text = plan_summary_text(schedule, frequency=Frequency.WEEKLY)
    # Then pence are shown and nothing is said about money taken off
    assert text == (
        "You'll pay £50.50 every week for 4 weeks, starting 1 March 2027. "
        "Your last payment is £50.50 on 22 March 2027."
    )


@pytest.mark.parametrize(
    ("frequency", "phrase"),
    [
        ("weekly", "every week for 3 weeks"),
        ("fortnightly", "every two weeks for 6 weeks"),
        ("four_weekly", "every four weeks for 12 weeks"),
        ("monthly", "every month for 3 months"),
    ],
)
def test_summary_wording_for_each_frequency(frequency: str, phrase: str) -> None:
    # Given three instalments / When summarised / Then the period is named in plain words
    schedule = build_schedule(15_000, frequency=frequency, start=START, count=3)
    assert f"£50 {phrase}, starting 1 March 2027." in plan_summary_text(
        schedule, frequency=frequency
    )


def test_summary_with_money_up_front() -> None:
    # Given £100 up front then £50 every two weeks / When summarised
    schedule = build_schedule(
        25_000, frequency="fortnightly", start=START, count=3, upfront_cents=10_000
    )
    text = plan_summary_text(schedule, frequency="fortnightly")
    # Then the up-front payment comes first and the regular ones start a period later
    assert text == (
        "You'll pay £100 up front on 1 March 2027. "
        "Then you'll pay £50 every two weeks for 6 weeks, starting 15 March 2027. "
        "Your last payment is £50 on 12 April 2027."
    )


def test_summary_of_a_single_payment_and_of_interest() -> None:
    # Given a single payment, and a plan with interest / When summarised
    single = build_schedule(8_000, frequency="monthly", start=START, count=1)
    with_interest = build_schedule(
        10_000, frequency="monthly", start=START, instalment_cents=5_000, annual_rate_pct=12
    )
    # Then the single payment is one sentence, and interest is stated in plain words
    assert plan_summary_text(single, frequency="monthly") == "You'll pay £80 on 1 March 2027."
    assert plan_summary_text(with_interest, frequency="monthly").endswith(
        "Your last payment is £1.53 on 1 May 2027. This includes £1.53 of interest."
    )


def test_summary_in_another_currency() -> None:
    # Given a plan in euros / When summarised / Then amounts use the euro sign
    schedule = build_schedule(10_000, frequency="monthly", start=START, count=2)
    assert plan_summary_text(schedule, frequency="monthly", currency="EUR").startswith(
        "You'll pay €50 every month"
    )


# ---------------------------------------------------------------- money formatting


@pytest.mark.parametrize(
    ("cents", "kwargs", "expected"),
    [
        (123_450, {}, "£1,234.50"),
        (5_000, {}, "£50.00"),
        (5_000, {"drop_zero_cents": True}, "£50"),
        (5_050, {"drop_zero_cents": True}, "£50.50"),
        (-1_250, {}, "-£12.50"),
        (999, {"currency": "EUR"}, "€9.99"),
    ],
)
def test_format_money(cents: int, kwargs: dict[str, object], expected: str) -> None:
    # Given minor units / When formatted / Then the British way, pence only when needed
    assert format_money(cents, **kwargs) == expected  # type: ignore[arg-type]


# ---------------------------------------------------------------- the agreed day of the month


def on_day(year: int, month: int, day: int) -> date:
    """`day` of the month clamped to its last day: an oracle independent of core.plans."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def test_rebuilt_from_28_february_the_plan_keeps_the_31st() -> None:
    # Given a plan agreed for the 31st, rebuilt from 28 February 2027 (a common year)
    schedule = build_schedule(
        40_000, frequency="monthly", start=date(2027, 2, 28), count=4, month_day=31
    )
    # When built / Then it falls on 28 Feb, 31 Mar, 30 Apr, 31 May (not the 28th every month)
    assert dues(schedule) == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    assert_consistent(schedule)


def test_rebuilt_from_28_february_in_a_leap_year_the_first_is_29_february() -> None:
    # Given a plan for the 31st rebuilt from 28 February 2028 (a leap year)
    schedule = build_schedule(
        30_000, frequency="monthly", start=date(2028, 2, 28), count=3, month_day=31
    )
    # When built / Then the first such day on or after the start is 29 February
    assert dues(schedule) == [date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]


@pytest.mark.parametrize("upfront", [0, 1_000])
def test_agreed_day_already_past_this_month_starts_next_month(upfront: int) -> None:
    # Given a plan agreed for the 5th, rebuilt from 10 February, with or without money up front
    schedule = build_schedule(
        40_000,
        frequency="monthly",
        start=date(2027, 2, 10),
        count=2,
        month_day=5,
        upfront_cents=upfront,
    )
    # When built / Then the first regular instalment is 5 March either way
    assert [i.due for i in schedule.regular_instalments] == [date(2027, 3, 5), date(2027, 4, 5)]
    if upfront:
        assert schedule.first_instalment.due == date(2027, 2, 10)
        assert schedule.first_instalment.amount_cents == upfront
    assert_consistent(schedule)


def test_upfront_on_31_january_then_the_30th_clamped_in_february() -> None:
    # Given an upfront payment on 31 January and a plan on the 30th
    schedule = build_schedule(
        40_000,
        frequency="monthly",
        start=date(2027, 1, 31),
        count=2,
        month_day=30,
        upfront_cents=10_000,
    )
    # When built / Then 31 Jan (upfront), then 28 Feb, then 30 Mar
    assert dues(schedule) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 30)]
    assert amounts(schedule) == [10_000, 15_000, 15_000]


def test_agreed_day_equal_to_the_start_with_upfront_moves_a_month_on() -> None:
    # Given money up front due on 15 March and a plan agreed for the 15th
    schedule = build_schedule(
        30_000,
        frequency="monthly",
        start=date(2027, 3, 15),
        count=2,
        month_day=15,
        upfront_cents=10_000,
    )
    # When built / Then the first regular instalment is strictly after the start: 15 April
    assert dues(schedule) == [date(2027, 3, 15), date(2027, 4, 15), date(2027, 5, 15)]


def test_agreed_day_later_this_month_is_this_month() -> None:
    # Given a plan agreed for the 20th, rebuilt from 10 February, no money up front
    schedule = build_schedule(
        20_000, frequency="monthly", start=date(2027, 2, 10), instalment_cents=10_000, month_day=20
    )
    # When built / Then the first is 20 February
    assert dues(schedule) == [date(2027, 2, 20), date(2027, 3, 20)]


def test_agreed_day_crosses_the_year_end() -> None:
    # Given a plan for the 3rd rebuilt from 20 December 2027
    schedule = build_schedule(
        30_000, frequency="monthly", start=date(2027, 12, 20), count=3, month_day=3
    )
    # When built / Then it moves into the new year
    assert dues(schedule) == [date(2028, 1, 3), date(2028, 2, 3), date(2028, 3, 3)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"month_day": 0}, "from 1 to 31"),
        ({"month_day": 32}, "from 1 to 31"),
        ({"month_day": -5}, "from 1 to 31"),
        ({"month_day": 5.0}, "whole number"),
        ({"month_day": "5"}, "whole number"),
        ({"month_day": True}, "whole number"),
        ({"month_day": 5, "frequency": "weekly"}, "only be chosen for a monthly plan"),
        ({"month_day": 5, "frequency": Frequency.FORTNIGHTLY}, "monthly plan"),
        ({"month_day": 31, "frequency": "four_weekly"}, "monthly plan"),
    ],
)
def test_bad_month_day_is_a_plan_error_in_plain_english(
    kwargs: dict[str, object], message: str
) -> None:
    # Given a day of the month outside 1-31, or one given for a non-monthly plan
    arguments: dict[str, object] = {"frequency": "monthly", "start": START, "count": 3} | kwargs
    # When built / Then PlanError (a ValueError) says why
    with pytest.raises(PlanError, match=message) as caught:
        build_schedule(30_000, **arguments)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("frequency", ["weekly", "fortnightly", "four_weekly"])
def test_no_month_day_is_fine_for_week_based_plans(frequency: str) -> None:
    # Given a week-based plan with month_day left as None / When built / Then it builds
    schedule = build_schedule(30_000, frequency=frequency, start=START, count=3, month_day=None)
    assert dues(schedule)[0] == START


@pytest.mark.parametrize("day", [1, 31])
def test_month_day_limits_are_allowed(day: int) -> None:
    # Given the first and last allowed days / When built / Then each instalment is on that day
    schedule = build_schedule(
        120_000, frequency="monthly", start=date(2027, 1, 1), count=12, month_day=day
    )
    assert dues(schedule) == [on_day(2027, month, day) for month in range(1, 13)]


@given(
    start=starts,
    upfront=st.sampled_from([0, 500]),
    count=st.integers(min_value=1, max_value=30),
)
def test_month_day_none_is_the_start_day(start: date, upfront: int, count: int) -> None:
    # Given any start, with or without money up front
    kwargs = {"frequency": "monthly", "start": start, "count": count, "upfront_cents": upfront}
    # When built with month_day=None, with month_day=start.day and with no month_day at all
    default = build_schedule(1_000_000, **kwargs)  # type: ignore[arg-type]
    explicit_none = build_schedule(1_000_000, month_day=None, **kwargs)  # type: ignore[arg-type]
    start_day = build_schedule(1_000_000, month_day=start.day, **kwargs)  # type: ignore[arg-type]
    # Then all three are the same schedule, dated as the contract's default
    assert default == explicit_none == start_day
    offset = 1 if upfront else 0
    assert [i.due for i in default.regular_instalments] == [
        add_periods(start, "monthly", k + offset) for k in range(count)
    ]


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    day=st.integers(min_value=1, max_value=31),
    upfront=st.sampled_from([0, 1, 999]),
    plan=st.one_of(
        st.tuples(st.just("count"), st.integers(min_value=1, max_value=40)),
        st.tuples(st.just("instalment_cents"), st.integers(min_value=2_500, max_value=80_000)),
    ),
    rate=st.sampled_from([0, "7.9", 19]),
)
def test_month_day_schedules_fall_on_the_day_and_still_add_up(
    start: date, day: int, upfront: int, plan: tuple[str, int], rate: object
) -> None:
    # Given any start, agreed day, upfront, plan shape and rate
    balance = 100_000
    schedule = build_schedule(
        balance,
        frequency="monthly",
        start=start,
        month_day=day,
        upfront_cents=upfront,
        annual_rate_pct=rate,
        **{plan[0]: plan[1]},  # type: ignore[arg-type]
    )
    # When built / Then it adds up exactly, as every schedule does
    assert_consistent(schedule)
    assert schedule.payable_cents == balance + schedule.interest_cents
    if plan[0] == "count":
        assert schedule.regular_count == plan[1]
    regular = [i.due for i in schedule.regular_instalments]
    # And every regular instalment is on the agreed day, clamped, in consecutive months
    first = regular[0]
    for k, due in enumerate(regular):
        month_index = first.year * 12 + first.month - 1 + k
        assert due == on_day(month_index // 12, month_index % 12 + 1, day)
    # And the first is the earliest such day on or after the start (after it with an upfront)
    if upfront:
        assert schedule.first_instalment.due == start
        assert first > start
    else:
        assert first >= start
    before = first.year * 12 + first.month - 2
    previous = on_day(before // 12, before % 12 + 1, day)
    assert previous < start or (upfront and previous == start)


def test_reschedule_keeps_the_agreed_day_after_february() -> None:
    # Given a plan on the 31st with £150 still owed, rescheduled from 28 February 2027
    schedule = reschedule_remaining(
        [5_000, 5_000, 5_000],
        instalment_cents=5_000,
        frequency="monthly",
        start=date(2027, 2, 28),
        month_day=31,
    )
    # When rebuilt / Then it goes back to the 31st (clamped) after February
    assert dues(schedule) == [date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    # And without month_day it would fall on the 28th every month (the old behaviour)
    drifting = reschedule_remaining(
        [5_000, 5_000, 5_000], instalment_cents=5_000, frequency="monthly", start=date(2027, 2, 28)
    )
    assert dues(drifting) == [date(2027, 2, 28), date(2027, 3, 28), date(2027, 4, 28)]
