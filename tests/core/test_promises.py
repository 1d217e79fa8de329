"""core.promises: promises to pay settled against money received, never counting it twice."""

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.promises import Promise, PromiseOutcome, Received, settle_promises

MARCH = date(2027, 3, 1)


def day(n: int) -> date:
    """Day n of March 2027 (n may run past the month)."""
    return MARCH + timedelta(days=n - 1)


def kept(paid: int) -> PromiseOutcome:
    return PromiseOutcome(status="kept", paid_cents=paid)


def broken(paid: int) -> PromiseOutcome:
    return PromiseOutcome(status="broken", paid_cents=paid)


def still_open(paid: int) -> PromiseOutcome:
    return PromiseOutcome(status="open", paid_cents=paid)


# ---------------------------------------------------------------- money is counted once


def test_one_payment_never_keeps_two_promises() -> None:
    # Given two £50 promises due on the 10th and one £50 payment on the 5th
    promises = [Promise(day(1), day(10), 5_000), Promise(day(2), day(10), 5_000)]
    payments = [Received(day(5), 5_000)]
    # When settled after the due date
    outcomes = settle_promises(promises, payments, today=day(11))
    # Then the earlier-made promise is kept and the other is broken with nothing paid
    assert outcomes == [kept(5_000), broken(0)]


def test_payment_goes_to_the_earliest_due_promise_first() -> None:
    # Given a promise due on the 20th listed before one due on the 10th, and £50 on the 5th
    promises = [Promise(day(1), day(20), 5_000), Promise(day(1), day(10), 5_000)]
    # When settled on the 12th
    outcomes = settle_promises(promises, [Received(day(5), 5_000)], today=day(12))
    # Then the £50 keeps the one due on the 10th; outcomes stay in the order given
    assert outcomes == [still_open(0), kept(5_000)]


def test_ties_on_due_date_go_to_the_earliest_made_then_the_order_given() -> None:
    # Given three promises due the same day: made on the 3rd, the 1st and the 1st
    promises = [
        Promise(day(3), day(10), 5_000),
        Promise(day(1), day(10), 5_000),
        Promise(day(1), day(10), 5_000),
    ]
    # When £50 arrives on the 4th
    outcomes = settle_promises(promises, [Received(day(4), 5_000)], today=day(4))
    # Then it goes to the first of the two made on the 1st
    assert outcomes == [still_open(0), kept(5_000), still_open(0)]


def test_a_payment_is_split_across_promises_and_the_rest_counts_nowhere() -> None:
    # Given £50 due on the 10th and £30 due on the 20th, and one £100 payment on the 5th
    promises = [Promise(day(1), day(10), 5_000), Promise(day(1), day(20), 3_000)]
    # When settled
    outcomes = settle_promises(promises, [Received(day(5), 10_000)], today=day(5))
    # Then each takes only what it lacks; the £20 left counts towards no promise
    assert outcomes == [kept(5_000), kept(3_000)]


def test_part_payments_add_up_and_a_part_paid_promise_breaks() -> None:
    # Given £80 then £30 paid towards two £50 promises due on the 10th and the 20th
    promises = [Promise(day(1), day(10), 5_000), Promise(day(1), day(20), 5_000)]
    payments = [Received(day(4), 8_000), Received(day(15), 1_000)]
    # When settled on the 21st
    outcomes = settle_promises(promises, payments, today=day(21))
    # Then the first is kept and the second got £30 + £10 and is broken
    assert outcomes == [kept(5_000), broken(4_000)]


def test_payments_are_taken_in_date_order_not_in_the_order_given() -> None:
    # Given promise A made on the 8th due on the 20th, and B made on the 1st due on the 10th
    promise_a = Promise(day(8), day(20), 5_000)
    promise_b = Promise(day(1), day(10), 5_000)
    # And a £50 payment on the 9th (inside both) listed before a £50 on the 5th (B only)
    payments = [Received(day(9), 5_000), Received(day(5), 5_000)]
    # When settled
    outcomes = settle_promises([promise_a, promise_b], payments, today=day(21))
    # Then the 5th pays B first, so the 9th is free for A: both are kept
    assert outcomes == [kept(5_000), kept(5_000)]


def test_same_day_payments_are_taken_in_the_order_given() -> None:
    # Given one £50 promise and two payments on the same day, £30 then £40
    promises = [Promise(day(1), day(10), 5_000)]
    payments = [Received(day(5), 3_000), Received(day(5), 4_000)]
    # When settled / Then it is kept with exactly £50, not £70
    assert settle_promises(promises, payments, today=day(5)) == [kept(5_000)]


# ---------------------------------------------------------------- the window


def test_money_before_the_promise_was_made_does_not_count() -> None:
    # Given a payment on the 4th and a promise made on the 5th
    promises = [Promise(day(5), day(10), 5_000)]
    # When settled after the due date / Then the earlier money does not keep it
    assert settle_promises(promises, [Received(day(4), 5_000)], today=day(11)) == [broken(0)]


def test_money_on_the_day_the_promise_is_made_and_on_the_due_day_counts() -> None:
    # Given a promise made on the 5th due on the 10th, paid on both of those days
    promises = [Promise(day(5), day(10), 5_000)]
    payments = [Received(day(5), 2_000), Received(day(10), 3_000)]
    # When settled / Then both count and it is kept
    assert settle_promises(promises, payments, today=day(30)) == [kept(5_000)]


def test_grace_days_extend_the_window_to_the_last_grace_day_only() -> None:
    # Given a promise due on the 10th, three grace days, and payments on the 13th and 14th
    promises = [Promise(day(1), day(10), 5_000)]
    payments = [Received(day(13), 2_000), Received(day(14), 3_000)]
    # When settled on the 14th
    outcomes = settle_promises(promises, payments, today=day(14), grace_days=3)
    # Then the 13th counts, the 14th does not, and it is broken
    assert outcomes == [broken(2_000)]
    # And with no grace days neither counts
    assert settle_promises(promises, payments, today=day(14)) == [broken(0)]


def test_a_same_day_promise_made_and_due_today() -> None:
    # Given a promise made and due on the 5th, paid on the 5th
    promises = [Promise(day(5), day(5), 1_000)]
    # When settled / Then it is kept
    assert settle_promises(promises, [Received(day(5), 1_000)], today=day(5)) == [kept(1_000)]


# ---------------------------------------------------------------- open, kept, broken


@pytest.mark.parametrize(
    ("today", "grace", "status"),
    [
        (day(1), 0, "open"),
        (day(10), 0, "open"),  # the due day itself
        (day(11), 0, "broken"),
        (day(13), 3, "open"),  # the last grace day
        (day(14), 3, "broken"),
    ],
)
def test_unpaid_promise_is_open_until_due_plus_grace_then_broken(
    today: date, grace: int, status: str
) -> None:
    # Given a £50 promise due on the 10th and £20 paid
    promises = [Promise(day(1), day(10), 5_000)]
    payments = [Received(day(2), 2_000)]
    # When settled on `today` / Then it is open until due + grace, then broken
    outcome = settle_promises(promises, payments, today=today, grace_days=grace)
    assert outcome == [PromiseOutcome(status=status, paid_cents=2_000)]


def test_a_paid_promise_is_kept_before_it_is_due() -> None:
    # Given a promise paid in full early / When settled before its due date / Then kept
    promises = [Promise(day(1), day(20), 5_000)]
    assert settle_promises(promises, [Received(day(3), 5_000)], today=day(3)) == [kept(5_000)]


def test_payments_dated_after_today_still_count() -> None:
    # Given a payment dated after `today` (e.g. a cleared direct debit recorded ahead)
    promises = [Promise(day(1), day(20), 5_000)]
    # When settled on the 5th / Then it counts
    assert settle_promises(promises, [Received(day(18), 5_000)], today=day(5)) == [kept(5_000)]


def test_a_broken_promise_that_turns_out_kept_is_kept() -> None:
    # Given a promise due on the 10th, settled on the 12th with nothing received: broken
    promises = [Promise(day(1), day(10), 5_000)]
    assert settle_promises(promises, [], today=day(12)) == [broken(0)]
    # When a payment dated the 10th is recorded late / Then the same promise is kept
    assert settle_promises(promises, [Received(day(10), 5_000)], today=day(12)) == [kept(5_000)]


def test_nothing_to_settle() -> None:
    # Given no promises / When settled / Then no outcomes, whatever was paid
    assert settle_promises([], [Received(day(1), 100)], today=day(1)) == []


def test_accepts_tuples_and_a_promise_near_the_end_of_the_calendar() -> None:
    # Given a promise due on the last day there is, with grace days beyond it
    promises = (Promise(date.max - timedelta(days=1), date.max, 100),)
    # When settled / Then it is open, and money on the last day counts
    assert settle_promises(promises, (), today=date.max, grace_days=5) == [still_open(0)]
    outcome = settle_promises(promises, (Received(date.max, 100),), today=date.max, grace_days=5)
    assert outcome == [kept(100)]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("promises", "payments", "grace", "message"),
    [
        ([Promise(day(1), day(2), 0)], [], 0, "Promise 1: the amount must be more than zero"),
        ([Promise(day(1), day(2), -100)], [], 0, "more than zero"),
        ([Promise(day(1), day(2), 100), Promise(day(1), day(2), 0)], [], 0, "Promise 2"),
        ([Promise(day(1), day(2), 1.5)], [], 0, "whole number of pence"),  # type: ignore[arg-type]
        ([Promise(day(1), day(2), True)], [], 0, "whole number of pence"),
        ([], [Received(day(1), 0)], 0, "Payment 1: the amount must be more than zero"),
        ([], [Received(day(1), -5)], 0, "more than zero"),
        ([Promise(day(5), day(4), 100)], [], 0, "due on 4 March 2027, before it was made"),
        ([], [], -1, "Grace days cannot be negative"),
        ([], [], 1.0, "whole number of days"),
    ],
)
def test_bad_input_is_a_value_error_in_plain_english(
    promises: list[Promise], payments: list[Received], grace: object, message: str
) -> None:
    # Given an impossible promise, payment or grace / When settled / Then ValueError says why
    with pytest.raises(ValueError, match=message):
        settle_promises(promises, payments, today=day(1), grace_days=grace)  # type: ignore[arg-type]


def test_outcomes_and_inputs_are_frozen() -> None:
    # Given the three records / When changed / Then they refuse
    for record, field in (
        (Promise(day(1), day(2), 100), "amount_cents"),
        (Received(day(1), 100), "amount_cents"),
        (PromiseOutcome("open", 0), "status"),
    ):
        with pytest.raises(AttributeError):
            setattr(record, field, 1)


# ---------------------------------------------------------------- properties


@st.composite
def promise_strategy(draw: st.DrawFn) -> Promise:
    made = draw(st.integers(min_value=0, max_value=30))
    length = draw(st.integers(min_value=0, max_value=15))
    amount = draw(st.integers(min_value=1, max_value=20_000))
    return Promise(day(1 + made), day(1 + made + length), amount)


received_strategy = st.builds(
    Received,
    received_on=st.integers(min_value=0, max_value=50).map(lambda n: day(1 + n)),
    amount_cents=st.integers(min_value=1, max_value=20_000),
)
promise_lists = st.lists(promise_strategy(), max_size=8)
payment_lists = st.lists(received_strategy, max_size=10)
todays = st.integers(min_value=0, max_value=60).map(lambda n: day(1 + n))
graces = st.integers(min_value=0, max_value=5)


def in_window(promise: Promise, payment: Received, grace: int) -> bool:
    return promise.made_on <= payment.received_on <= promise.due_on + timedelta(days=grace)


@given(promises=promise_lists, payments=payment_lists, today=todays, grace=graces)
def test_money_is_never_counted_twice(
    promises: list[Promise], payments: list[Received], today: date, grace: int
) -> None:
    # Given any promises and payments
    # When settled
    outcomes = settle_promises(promises, payments, today=today, grace_days=grace)
    # Then there is one outcome per promise, never paid more than promised
    assert len(outcomes) == len(promises)
    for promise, outcome in zip(promises, outcomes, strict=True):
        assert 0 <= outcome.paid_cents <= promise.amount_cents
        # and never more than the money inside its own window
        assert outcome.paid_cents <= sum(
            p.amount_cents for p in payments if in_window(promise, p, grace)
        )
    # And all promises together never take more than the money that fell in some window
    usable = sum(p.amount_cents for p in payments if any(in_window(q, p, grace) for q in promises))
    assert sum(o.paid_cents for o in outcomes) <= usable <= sum(p.amount_cents for p in payments)


@given(promises=promise_lists, payments=payment_lists, today=todays, grace=graces)
def test_status_follows_paid_and_the_deadline(
    promises: list[Promise], payments: list[Received], today: date, grace: int
) -> None:
    # Given any promises and payments / When settled
    outcomes = settle_promises(promises, payments, today=today, grace_days=grace)
    # Then kept exactly when fully paid, broken exactly when short and past due + grace
    for promise, outcome in zip(promises, outcomes, strict=True):
        past = today > promise.due_on + timedelta(days=grace)
        if outcome.paid_cents == promise.amount_cents:
            assert outcome.status == "kept"
        else:
            assert outcome.status == ("broken" if past else "open")


@given(promise=promise_strategy(), payments=payment_lists, today=todays, grace=graces)
def test_a_single_promise_takes_the_money_in_its_window_up_to_its_amount(
    promise: Promise, payments: list[Received], today: date, grace: int
) -> None:
    # Given one promise / When settled
    [outcome] = settle_promises([promise], payments, today=today, grace_days=grace)
    # Then it is paid what fell in its window, capped at its amount
    in_it = sum(p.amount_cents for p in payments if in_window(promise, p, grace))
    assert outcome.paid_cents == min(promise.amount_cents, in_it)


@given(
    promises=promise_lists,
    payments=payment_lists,
    today=todays,
    grace=graces,
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_order_given_does_not_matter_when_there_are_no_ties(
    promises: list[Promise], payments: list[Received], today: date, grace: int, seed: int
) -> None:
    # Given promises with distinct (due, made) days and payments on distinct days
    promises = list({(p.due_on, p.made_on): p for p in promises}.values())
    payments = list({p.received_on: p for p in payments}.values())
    outcomes = settle_promises(promises, payments, today=today, grace_days=grace)
    # When both lists are shuffled and settled again
    order = list(range(len(promises)))
    random.Random(seed).shuffle(order)
    shuffled_payments = payments[:]
    random.Random(seed + 1).shuffle(shuffled_payments)
    again = settle_promises(
        [promises[i] for i in order], shuffled_payments, today=today, grace_days=grace
    )
    # Then each promise has the same outcome
    assert again == [outcomes[i] for i in order]


@given(payments=payment_lists, today=todays, grace=graces, data=st.data())
def test_promises_with_separate_windows_settle_independently(
    payments: list[Received], today: date, grace: int, data: st.DataObject
) -> None:
    # Given promises whose windows (with grace) do not overlap
    promises: list[Promise] = []
    start = 0
    for _ in range(data.draw(st.integers(min_value=0, max_value=4), label="count")):
        length = data.draw(st.integers(min_value=0, max_value=6), label="length")
        amount = data.draw(st.integers(min_value=1, max_value=20_000), label="amount")
        promises.append(Promise(day(1 + start), day(1 + start + length), amount))
        start += length + grace + 1
    # When settled together / Then each is as if it were alone
    together = settle_promises(promises, payments, today=today, grace_days=grace)
    alone = [settle_promises([p], payments, today=today, grace_days=grace)[0] for p in promises]
    assert together == alone
