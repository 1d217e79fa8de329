"""Payment plans: instalment schedules, payment allocation and plain-language summaries.

Pure domain logic (no database, no streamlit). Money is int minor units (pence); percentages
and rates are converted with ``Decimal(str(x))`` and rounded ROUND_HALF_UP to the penny.
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from itertools import repeat

from core.cadence import long_date, monthly_dues, months_after
from core.money import DEFAULT_CURRENCY, format_money, whole

MAX_INSTALMENTS = 520


class Frequency(StrEnum):
    """How often a regular instalment falls due."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"

    @property
    def label(self) -> str:
        """Plain-English name for a select box, e.g. "Every four weeks"."""
        return _LABELS[self]


_LABELS: dict[Frequency, str] = {
    Frequency.WEEKLY: "Weekly",
    Frequency.FORTNIGHTLY: "Every two weeks",
    Frequency.FOUR_WEEKLY: "Every four weeks",
    Frequency.MONTHLY: "Monthly",
}

PERIODS_PER_YEAR: dict[Frequency, int] = {
    Frequency.WEEKLY: 52,
    Frequency.FORTNIGHTLY: 26,
    Frequency.FOUR_WEEKLY: 13,
    Frequency.MONTHLY: 12,
}

_PERIOD_DAYS: dict[Frequency, int] = {
    Frequency.WEEKLY: 7,
    Frequency.FORTNIGHTLY: 14,
    Frequency.FOUR_WEEKLY: 28,
}


class PlanError(ValueError):
    """A plan that cannot be built; the message is plain English, fit to show an agent."""


@dataclass(frozen=True, slots=True)
class Instalment:
    """One scheduled payment of a plan."""

    seq: int
    due: date
    amount_cents: int
    interest_cents: int
    balance_after_cents: int


@dataclass(frozen=True, slots=True)
class Schedule:
    """The instalments of a plan and its totals."""

    instalments: tuple[Instalment, ...]
    payable_cents: int
    forgiven_cents: int
    interest_cents: int
    count: int
    final_due: date
    upfront_cents: int = 0

    @property
    def settled_cents(self) -> int:
        """What the debtor pays before interest: balance minus the settlement discount."""
        return self.payable_cents - self.interest_cents

    @property
    def regular_instalments(self) -> tuple[Instalment, ...]:
        """The instalments after any money up front."""
        return self.instalments[1:] if self.upfront_cents > 0 else self.instalments

    @property
    def regular_count(self) -> int:
        """How many regular instalments there are (the up-front payment not counted)."""
        return self.count - 1 if self.upfront_cents > 0 else self.count

    @property
    def regular_instalment_cents(self) -> int:
        """The usual instalment amount: the first regular instalment."""
        return self.regular_instalments[0].amount_cents

    @property
    def first_instalment(self) -> Instalment:
        """The first instalment (the up-front payment when there is one)."""
        return self.instalments[0]

    @property
    def last_instalment(self) -> Instalment:
        """The last instalment, usually the remainder."""
        return self.instalments[-1]


def parse_frequency(value: Frequency | str) -> Frequency:
    """Return the Frequency for an enum member or its string value, or raise PlanError."""
    try:
        return Frequency(value)
    except ValueError:
        raise PlanError(
            "Choose how often to pay: weekly, fortnightly, four-weekly or monthly."
        ) from None


def add_periods(start: date, frequency: Frequency | str, k: int) -> date:
    """Return the date k periods after start; monthly keeps start's day, clamped to month end."""
    freq = parse_frequency(frequency)
    if freq is Frequency.MONTHLY:
        return months_after(start, k)
    return start + timedelta(days=_PERIOD_DAYS[freq] * k)


def monthly_equivalent_cents(amount_cents: int, frequency: Frequency | str) -> int:
    """Return round(amount × periods_per_year / 12), half up."""
    amount = _whole(amount_cents, "The instalment must be a whole number of pence.")
    return _div_half_up(amount * PERIODS_PER_YEAR[parse_frequency(frequency)], 12)


def build_schedule(
    balance_cents: int,
    *,
    frequency: Frequency | str,
    start: date,
    instalment_cents: int | None = None,
    count: int | None = None,
    discount_pct: int | float | str | Decimal = 0,
    upfront_cents: int = 0,
    annual_rate_pct: int | float | str | Decimal = 0,
    step_cents: int = 1,
    month_day: int | None = None,
) -> Schedule:
    """Build the instalment schedule for a plan from an instalment amount or a count.

    `month_day` (monthly plans only, 1-31) keeps the regular instalments on that day of each
    month, clamped to the month's last day: the first is the first such day on or after
    `start`, or strictly after `start` when money up front is due on `start`. None means
    `start.day`.
    """
    freq = parse_frequency(frequency)
    day = _month_day(month_day, freq)
    balance = _whole(balance_cents, "The balance must be a whole number of pence.")
    if balance <= 0:
        raise PlanError("The balance must be more than zero.")
    if instalment_cents is not None and count is not None:
        raise PlanError("Choose either an instalment amount or a number of instalments, not both.")
    if instalment_cents is None and count is None:
        raise PlanError("Choose an instalment amount or a number of instalments.")
    step = _whole(step_cents, "The rounding step must be a whole number of pence.")
    if step < 1:
        raise PlanError("The rounding step must be at least one penny.")
    discount = _decimal(discount_pct, "The discount must be a number.")
    if not 0 <= discount < 100:
        raise PlanError("The discount must be at least 0% and less than 100%.")
    rate = _decimal(annual_rate_pct, "The interest rate must be a number.")
    if rate < 0:
        raise PlanError("The interest rate cannot be negative.")
    upfront = _whole(upfront_cents, "The amount up front must be a whole number of pence.")
    if upfront < 0:
        raise PlanError("The amount up front cannot be negative.")

    disc_num, disc_den = discount.as_integer_ratio()
    forgiven = _div_half_up(balance * disc_num, disc_den * 100)
    settled = balance - forgiven
    if settled <= 0:
        raise PlanError("With this discount nothing would be left to pay. Lower the discount.")
    if upfront >= settled:
        raise PlanError(
            "The amount up front must be less than the amount to pay, "
            "so that something is left for the plan."
        )
    principal = settled - upfront
    ppy = PERIODS_PER_YEAR[freq]
    rate_num, rate_den = rate.as_integer_ratio()

    amounts: list[int]
    interests: list[int] | None = None  # None: no interest, every period's interest is 0
    if count is not None:
        n = _whole(count, "The number of instalments must be a whole number.")
        if n < 1:
            raise PlanError("Choose at least one instalment.")
        if n > MAX_INSTALMENTS:
            raise PlanError(f"A plan can have at most {MAX_INSTALMENTS} instalments.")
        if rate_num == 0:
            amount = _round_up_to(-(-principal // n), step)
            last = principal - amount * (n - 1)
            if last <= 0:
                raise _too_many(n)
            amounts = [amount] * (n - 1) + [last]
        else:
            amount = _round_up_to(_annuity_cents(principal, rate, ppy, n), step)
            amounts, interests = _fixed_count(principal, amount, n, rate_num, rate_den * 100 * ppy)
    else:
        amount = _whole(instalment_cents, "The instalment must be a whole number of pence.")
        if amount <= 0:
            raise PlanError("The instalment must be more than zero.")
        if rate_num == 0:
            n = -(-principal // amount)
            if n > MAX_INSTALMENTS:
                raise _too_long(n)
            amounts = [amount] * (n - 1) + [principal - amount * (n - 1)]
        else:
            amounts, interests = _fixed_amount(principal, amount, rate_num, rate_den * 100 * ppy)

    return _assemble(
        amounts,
        interests,
        freq=freq,
        start=start,
        settled=settled,
        forgiven=forgiven,
        upfront=upfront,
        month_day=day,
    )


def allocate_payment(
    instalments_due: Iterable[tuple[int, int, int]], amount_cents: int
) -> tuple[list[tuple[int, int]], int]:
    """Pay (seq, due, paid) instalments oldest unpaid first; return (seq, cents) and carry."""
    left = _whole(amount_cents, "The payment must be a whole number of pence.")
    if left < 0:
        raise PlanError("A payment cannot be negative.")
    rows = sorted(instalments_due, key=operator.itemgetter(0))
    seqs = [seq for seq, _, _ in rows]
    if len(set(seqs)) != len(seqs):
        raise PlanError("Each instalment can appear only once.")
    allocations: list[tuple[int, int]] = []
    for seq, due, paid in rows:
        if due < 0 or paid < 0:
            raise PlanError("Instalment amounts cannot be negative.")
        if left == 0:
            break
        outstanding = due - paid
        if outstanding <= 0:
            continue
        part = min(left, outstanding)
        allocations.append((seq, part))
        left -= part
    return allocations, left


def reschedule_remaining(
    unpaid_cents: Iterable[int],
    *,
    instalment_cents: int,
    frequency: Frequency | str,
    start: date,
    month_day: int | None = None,
) -> Schedule:
    """Rebuild what is left of a plan from `start`, moving missed money to the end.

    `unpaid_cents` are the unpaid parts of every instalment still owed: missed, partly paid
    and not yet due. Their total is rebuilt as a fresh schedule paying the same instalment
    at the same frequency, the first due on `start`. Because the instalment does not change,
    the missed amount lengthens the plan: it is paid by extra instalments at the end, and
    the last one is the remainder. No discount (it was given when the plan was agreed) and
    no interest (interest is frozen on arrangements). `month_day` keeps a monthly plan on its
    agreed day of the month (see build_schedule): the first instalment is then the first such
    day on or after `start`. Raises PlanError when nothing is left.
    """
    amounts = [_whole(c, "Unpaid amounts must be whole numbers of pence.") for c in unpaid_cents]
    if any(c < 0 for c in amounts):
        raise PlanError("Unpaid amounts cannot be negative.")
    outstanding = sum(amounts)
    if outstanding == 0:
        raise PlanError("Nothing is left to pay on this plan.")
    return build_schedule(
        outstanding,
        frequency=frequency,
        start=start,
        instalment_cents=instalment_cents,
        month_day=month_day,
    )


def plan_summary_text(
    schedule: Schedule, *, frequency: Frequency | str, currency: str = DEFAULT_CURRENCY
) -> str:
    """Describe a schedule in plain language for the debtor."""
    freq = parse_frequency(frequency)

    def money(cents: int) -> str:
        return format_money(cents, currency, drop_zero_cents=True)

    regular = schedule.regular_instalments
    first, last = regular[0], regular[-1]
    sentences: list[str] = []
    lead = "You'll pay"
    if schedule.upfront_cents > 0:
        sentences.append(
            f"You'll pay {money(schedule.upfront_cents)} up front on "
            f"{long_date(schedule.first_instalment.due)}."
        )
        lead = "Then you'll pay"
    if len(regular) == 1:
        sentences.append(f"{lead} {money(first.amount_cents)} on {long_date(first.due)}.")
    else:
        every, weeks_per_period = _EVERY[freq]
        if weeks_per_period:
            span = f"{len(regular) * weeks_per_period} weeks"
        else:
            span = f"{len(regular)} months"
        sentences.append(
            f"{lead} {money(first.amount_cents)} {every} for {span}, "
            f"starting {long_date(first.due)}."
        )
        sentences.append(
            f"Your last payment is {money(last.amount_cents)} on {long_date(last.due)}."
        )
    if schedule.interest_cents > 0:
        sentences.append(f"This includes {money(schedule.interest_cents)} of interest.")
    if schedule.forgiven_cents > 0:
        sentences.append(f"We have taken {money(schedule.forgiven_cents)} off what you owe.")
    return " ".join(sentences)


_EVERY: dict[Frequency, tuple[str, int]] = {
    Frequency.WEEKLY: ("every week", 1),
    Frequency.FORTNIGHTLY: ("every two weeks", 2),
    Frequency.FOUR_WEEKLY: ("every four weeks", 4),
    Frequency.MONTHLY: ("every month", 0),
}


def _whole(value: object, message: str) -> int:
    return whole(value, message, error=PlanError)


def _decimal(value: object, message: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise PlanError(message) from None
    if not result.is_finite():
        raise PlanError(message)
    return result


def _div_half_up(num: int, den: int) -> int:
    """num / den rounded half away from zero (Decimal's ROUND_HALF_UP); den > 0."""
    quotient = (2 * abs(num) + den) // (2 * den)
    return quotient if num >= 0 else -quotient


def _month_day(value: int | None, freq: Frequency) -> int | None:
    """Check `month_day`: None, or a day 1-31 given for a monthly plan."""
    if value is None:
        return None
    day = _whole(value, "The day of the month must be a whole number from 1 to 31.")
    if not 1 <= day <= 31:
        raise PlanError("The day of the month must be from 1 to 31.")
    if freq is not Frequency.MONTHLY:
        raise PlanError(
            "A day of the month can only be chosen for a monthly plan; "
            f"this plan is {freq.label.lower()}."
        )
    return day


def _round_up_to(amount: int, step: int) -> int:
    return -(-amount // step) * step


def _annuity_cents(principal: int, rate: Decimal, ppy: int, n: int) -> int:
    with localcontext() as ctx:
        ctx.prec = 50
        r = rate / 100 / ppy
        payment = principal * r / (1 - (1 + r) ** -n)
        return int(payment.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _too_many(n: int) -> PlanError:
    return PlanError(
        f"{n} instalments is too many for this balance: nothing would be left for the last "
        "one. Choose fewer instalments."
    )


def _too_long(n: int | None = None) -> PlanError:
    need = f"{n} instalments" if n else f"more than {MAX_INSTALMENTS} instalments"
    return PlanError(
        f"This plan would need {need}; the most allowed is {MAX_INSTALMENTS}. "
        "Choose a larger instalment."
    )


_NEVER_FALLS = (
    "The instalment must be more than the interest added each period, "
    "or the balance would never go down."
)


def _fixed_amount(
    principal: int, amount: int, rate_num: int, den: int
) -> tuple[list[int], list[int]]:
    """Pay `amount` each period until balance + interest fits in one instalment."""
    den2 = 2 * den
    if amount <= (2 * principal * rate_num + den) // den2:
        raise PlanError(_NEVER_FALLS)
    amounts: list[int] = []
    interests: list[int] = []
    balance = principal
    while True:
        if len(amounts) == MAX_INSTALMENTS:
            raise _too_long()
        interest = (2 * balance * rate_num + den) // den2
        owed = balance + interest
        interests.append(interest)
        if owed <= amount:
            amounts.append(owed)
            return amounts, interests
        amounts.append(amount)
        balance = owed - amount


def _fixed_count(
    principal: int, amount: int, n: int, rate_num: int, den: int
) -> tuple[list[int], list[int]]:
    """Pay `amount` for n - 1 periods, then whatever is left with its interest."""
    den2 = 2 * den
    if amount <= (2 * principal * rate_num + den) // den2:
        raise PlanError(_NEVER_FALLS)
    interests: list[int] = []
    balance = principal
    for _ in range(n - 1):
        interest = (2 * balance * rate_num + den) // den2
        interests.append(interest)
        balance += interest - amount
        if balance <= 0:
            raise _too_many(n)
    interest = (2 * balance * rate_num + den) // den2
    interests.append(interest)
    return [amount] * (n - 1) + [balance + interest], interests


def _assemble(
    amounts: list[int],
    interests: list[int] | None,
    *,
    freq: Frequency,
    start: date,
    settled: int,
    forgiven: int,
    upfront: int,
    month_day: int | None = None,
) -> Schedule:
    offset = 1 if upfront else 0
    n = len(amounts)
    if freq is Frequency.MONTHLY:
        day = start.day if month_day is None else month_day
        dues = monthly_dues(start, day, n, after_start=bool(upfront))
    else:
        days = _PERIOD_DAYS[freq]
        dues = [start + timedelta(days=days * (k + offset)) for k in range(n)]

    instalments: list[Instalment] = []
    balance = settled
    if upfront:
        balance -= upfront
        instalments.append(Instalment(1, start, upfront, 0, balance))
    seq = len(instalments)
    for due, amount, interest in zip(
        dues, amounts, repeat(0) if interests is None else interests, strict=False
    ):
        seq += 1
        balance += interest - amount
        instalments.append(Instalment(seq, due, amount, interest, balance))

    interest_total = 0 if interests is None else sum(interests)
    return Schedule(
        instalments=tuple(instalments),
        payable_cents=settled + interest_total,
        forgiven_cents=forgiven,
        interest_cents=interest_total,
        count=len(instalments),
        final_due=instalments[-1].due,
        upfront_cents=upfront,
    )
