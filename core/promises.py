"""Promises to pay: which are kept, broken or still open, given the money received.

Pure domain logic (no database, no streamlit). Money is int minor units (pence) and is never
counted twice: each payment goes to the earliest-due promise whose window holds it, and what
that promise does not need goes to the next one, or to none.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.cadence import long_date
from core.money import whole

OPEN = "open"
KEPT = "kept"
BROKEN = "broken"
STATUSES: tuple[str, ...] = (OPEN, KEPT, BROKEN)


@dataclass(frozen=True, slots=True)
class Promise:
    """A promise to pay: made on a day, of an amount, by a day."""

    made_on: date
    due_on: date
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Received:
    """Money received on an account."""

    received_on: date
    amount_cents: int


@dataclass(frozen=True, slots=True)
class PromiseOutcome:
    """What became of one promise: its status and what counted towards it."""

    status: str  # "open", "kept" or "broken"
    paid_cents: int  # never more than the promise's amount


def settle_promises(
    promises: Sequence[Promise],
    payments: Sequence[Received],
    *,
    today: date,
    grace_days: int = 0,
) -> list[PromiseOutcome]:
    """Return one outcome per promise, in the order given.

    Payments are taken in order of `received_on` (ties in the order given). A payment counts
    towards a promise only when `made_on <= received_on <= due_on + grace_days`; it goes to
    the promises whose window holds it and that still lack money, earliest `due_on` first
    (ties: earliest `made_on`, then the order given), each taking at most what it lacks.
    What is left counts towards no promise. A promise is kept when fully paid; otherwise
    broken once `today` is past `due_on + grace_days`; otherwise open.
    """
    promises = list(promises)
    payments = list(payments)
    grace = _grace(grace_days)
    for number, promise in enumerate(promises, start=1):
        _check_promise(promise, number)
    for number, payment in enumerate(payments, start=1):
        _check_amount(payment.amount_cents, f"Payment {number}")

    deadlines = [_last_day(promise.due_on, grace) for promise in promises]
    lacking = [promise.amount_cents for promise in promises]
    # Earliest due first; ties: earliest made, then the order given (the sort is stable).
    by_due = sorted(range(len(promises)), key=lambda i: (promises[i].due_on, promises[i].made_on))
    for payment in sorted(payments, key=operator.attrgetter("received_on")):
        left = payment.amount_cents
        for i in by_due:
            if left == 0:
                break
            if lacking[i] == 0:
                continue
            if promises[i].made_on <= payment.received_on <= deadlines[i]:
                part = min(left, lacking[i])
                lacking[i] -= part
                left -= part

    outcomes: list[PromiseOutcome] = []
    for promise, deadline, short in zip(promises, deadlines, lacking, strict=True):
        paid = promise.amount_cents - short
        if short == 0:
            status = KEPT
        elif today > deadline:
            status = BROKEN
        else:
            status = OPEN
        outcomes.append(PromiseOutcome(status=status, paid_cents=paid))
    return outcomes


def _grace(value: object) -> int:
    grace = whole(value, "Grace days must be a whole number of days.")
    if grace < 0:
        raise ValueError("Grace days cannot be negative.")
    return grace


def _check_amount(value: object, what: str) -> None:
    amount = whole(value, f"{what}: the amount must be a whole number of pence.")
    if amount <= 0:
        raise ValueError(f"{what}: the amount must be more than zero.")


def _check_promise(promise: Promise, number: int) -> None:
    _check_amount(promise.amount_cents, f"Promise {number}")
    if promise.due_on < promise.made_on:
        raise ValueError(
            f"Promise {number} is due on {long_date(promise.due_on)}, before it was made "
            f"on {long_date(promise.made_on)}."
        )


def _last_day(due_on: date, grace: int) -> date:
    """The last day a payment counts: due_on + grace, or the calendar's last day."""
    try:
        return due_on + timedelta(days=grace)
    except OverflowError:
        return date.max

