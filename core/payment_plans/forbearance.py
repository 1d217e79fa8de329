"""Rescheduling what is left of a plan, with the forbearance FCA CONC 7.3 expects. Pure.

Four ways to rebuild the money still owed (missed, partly paid and not yet due), each
previewed on the page with sliders before it is saved by `service.reschedule_plan`:

* **same** — the usual instalment; missed money lengthens the plan (paid at the end).
* **lower** — a lower instalment, so a longer term.
* **holiday** — nothing to pay for 1–3 periods, then the usual instalment.
* **token** — a reduced "token" amount for a set number of periods, then the usual
  instalment until the balance is cleared.

A monthly plan keeps its agreed day (`month_day`): a plan on the 31st rebuilt after
28 February falls on 31 March, 30 April, 31 May.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import UserError
from core.money import format_money
from core.payment_plans.views import InstalmentRow, PlanDetail
from core.plans import (
    Frequency,
    Instalment,
    PlanError,
    Schedule,
    add_periods,
    build_schedule,
    parse_frequency,
    reschedule_remaining,
)

KINDS: dict[str, str] = {
    "same": "Same instalment, missed money at the end",
    "lower": "Lower instalment, longer term",
    "holiday": "Payment holiday, then the usual instalment",
    "token": "Token payments for a while, then the usual instalment",
}
MAX_HOLIDAY_PERIODS = 3


@dataclass(frozen=True, slots=True)
class Forbearance:
    """How to rebuild what is left. `instalment_cents` is the new usual instalment for
    "lower" (None keeps the plan's); `periods` is the holiday's or the token's length."""

    kind: str = "same"
    instalment_cents: int | None = None
    periods: int = 0
    token_cents: int = 0

    def describe(self, currency: str = "GBP") -> str:
        """One sentence for the audit trail and the confirmation."""
        if self.kind == "holiday":
            return f"Payment holiday of {self.periods} period(s)"
        if self.kind == "token":
            return (f"Token payments of {format_money(self.token_cents, currency)} for "
                    f"{self.periods} period(s)")
        if self.kind == "lower" and self.instalment_cents:
            return f"Lower instalment of {format_money(self.instalment_cents, currency)}"
        return "Rescheduled at the usual instalment"


@dataclass(frozen=True, slots=True)
class Remaining:
    """What a reschedule starts from: the unpaid parts and the plan's usual terms."""

    unpaid_cents: tuple[int, ...]
    instalment_cents: int
    frequency: str
    start: date
    month_day: int | None


def next_start(*, unpaid_dues: Sequence[date], frequency: str, today: date,
               month_day: int | None) -> date:
    """The next unpaid date still ahead, else one period from today (on the agreed day)."""
    ahead = [d for d in unpaid_dues if d >= today]
    if ahead:
        return min(ahead)
    if month_day is not None:
        return today + timedelta(days=1)  # the first agreed day after today
    return add_periods(today, frequency, 1)


def agreed_day(frequency: str, start_on: date) -> int | None:
    """The day of the month a monthly plan was agreed on (None for other frequencies)."""
    return start_on.day if parse_frequency(frequency) is Frequency.MONTHLY else None


def preview(remaining: Remaining, forbearance: Forbearance = Forbearance(),
            currency: str = "GBP") -> Schedule:
    """The rebuilt schedule (raises UserError with a plain sentence for bad choices)."""
    check(remaining, forbearance, currency)
    try:
        return _build(remaining, forbearance)
    except PlanError as exc:
        raise UserError(str(exc)) from None


def check(remaining: Remaining, forbearance: Forbearance, currency: str = "GBP") -> None:
    """Refuse choices forbearance does not allow, in plain words."""
    kind = forbearance.kind
    usual = remaining.instalment_cents
    if kind not in KINDS:
        raise UserError("Choose how to reschedule: the same instalment, a lower one, a payment "
                        "holiday or token payments.")
    if kind == "lower":
        new = forbearance.instalment_cents
        if not isinstance(new, int) or isinstance(new, bool) or new <= 0:
            raise UserError("The lower instalment must be more than zero.")
        if new >= usual:
            raise UserError(f"The lower instalment must be less than the usual "
                            f"{format_money(usual, currency)}.")
    if kind == "holiday" and not 1 <= forbearance.periods <= MAX_HOLIDAY_PERIODS:
        raise UserError("A payment holiday is 1, 2 or 3 payment periods.")
    if kind == "token":
        token = forbearance.token_cents
        if not isinstance(token, int) or isinstance(token, bool) or token <= 0:
            raise UserError("The token amount must be more than zero.")
        if token > usual:
            raise UserError(f"The token amount cannot be more than the usual instalment of "
                            f"{format_money(usual, currency)}.")
        if not 1 <= forbearance.periods <= 520:
            raise UserError("Token payments last at least one payment period.")


def _build(r: Remaining, f: Forbearance) -> Schedule:
    if f.kind == "lower":
        return reschedule_remaining(r.unpaid_cents, instalment_cents=int(f.instalment_cents or 0),
                                    frequency=r.frequency, start=r.start, month_day=r.month_day)
    if f.kind == "holiday":
        start = add_periods(r.start, r.frequency, f.periods)
        return reschedule_remaining(r.unpaid_cents, instalment_cents=r.instalment_cents,
                                    frequency=r.frequency, start=start, month_day=r.month_day)
    if f.kind == "token":
        return _token(r, f)
    return reschedule_remaining(r.unpaid_cents, instalment_cents=r.instalment_cents,
                                frequency=r.frequency, start=r.start, month_day=r.month_day)


def _token(r: Remaining, f: Forbearance) -> Schedule:
    total = sum(r.unpaid_cents)
    if total <= 0:
        raise PlanError("Nothing is left to pay on this plan.")
    tokens_total = f.token_cents * f.periods
    if tokens_total >= total:
        raise PlanError("The token payments alone would clear what is left; lower the token "
                        "amount or the number of periods.")
    tokens = build_schedule(tokens_total, frequency=r.frequency, start=r.start, count=f.periods,
                            month_day=r.month_day)
    last = tokens.instalments[-1].due
    after = (last + timedelta(days=1) if r.month_day is not None
             else add_periods(last, r.frequency, 1))
    rest = build_schedule(total - tokens_total, frequency=r.frequency, start=after,
                          instalment_cents=r.instalment_cents, month_day=r.month_day)
    return join(tokens, rest)


def join(first: Schedule, second: Schedule) -> Schedule:
    """Two schedules one after the other, numbered on, with the balance after each."""
    parts = [*first.instalments, *second.instalments]
    left = sum(i.amount_cents for i in parts)
    joined: list[Instalment] = []
    for seq, part in enumerate(parts, start=1):
        left -= part.amount_cents
        joined.append(Instalment(seq, part.due, part.amount_cents, part.interest_cents, left))
    return Schedule(
        instalments=tuple(joined),
        payable_cents=first.payable_cents + second.payable_cents,
        forgiven_cents=0,
        interest_cents=first.interest_cents + second.interest_cents,
        count=len(joined),
        final_due=joined[-1].due,
    )


def remaining(rows: Sequence[InstalmentRow], *, instalment_cents: int | None, upfront_cents: int,
              frequency: str, start_on: date, today: date) -> Remaining:
    """What is left of a plan's instalments to rebuild from `today` (UserError when none)."""
    unpaid = [r for r in rows if r.status != "paid"]
    if not unpaid:
        raise UserError("Nothing is left to pay on this plan.")
    regular = [r for r in rows if not (upfront_cents and r.seq == 1)] or list(rows)
    day = agreed_day(frequency, start_on)
    dues = [r.due_on for r in unpaid if r.status in ("due", "part_paid")]
    return Remaining(
        unpaid_cents=tuple(r.amount_cents - r.paid_cents for r in unpaid),
        instalment_cents=instalment_cents or regular[0].amount_cents,
        frequency=frequency,
        start=next_start(unpaid_dues=dues, frequency=frequency, today=today, month_day=day),
        month_day=day,
    )


def preview_plan(detail: PlanDetail, forbearance: Forbearance = Forbearance(), *,
                 today: date) -> Schedule:
    """What `service.reschedule_plan` would save for this plan today with `forbearance`: the
    page calls it with the sliders' values (UserError with a plain sentence for bad ones)."""
    left = remaining(detail.instalments, instalment_cents=detail.instalment_cents,
                     upfront_cents=detail.upfront_cents, frequency=detail.frequency,
                     start_on=detail.start_on, today=today)
    return preview(left, forbearance, detail.currency)
