"""Money helpers: amounts are int minor units (pence, cents) and are formatted only at the edge."""

import operator
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision, is_currency

from core.errors import UserError

# The largest amount a money column holds is 2^63 - 1 pence; a person never means more than
# a billion pounds, so anything above is refused long before the database would crash.
MAX_PENCE = 100_000_000_000  # £1,000,000,000.00

DEFAULT_CURRENCY = "GBP"
DEFAULT_LOCALE = "en_GB"


def format_money(
    cents: int,
    currency: str = DEFAULT_CURRENCY,
    *,
    drop_zero_cents: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> str:
    """Format minor units as money, e.g. 123450 -> "£1,234.50" (or "£50" for 5000, trimmed)."""
    if isinstance(cents, bool):
        raise TypeError("Money must be a whole number of minor units, not a bool.")
    cents = operator.index(cents)
    if not is_currency(currency):
        raise UserError(f"Unknown currency code: {currency!r}.")
    digits = get_currency_precision(currency)
    amount = Decimal(cents).scaleb(-digits)
    if drop_zero_cents and cents % 10**digits == 0:
        # A pattern without decimals; currency_digits=False stops babel forcing them back.
        return format_currency(
            amount, currency, format="¤#,##0", locale=locale, currency_digits=False
        )
    return format_currency(amount, currency, locale=locale)


def whole(value: object, message: str, *, error: type[ValueError] = ValueError) -> int:
    """`value` as an int — ints and numpy ints, never a bool, float, string or None — else
    `error(message)`."""
    if isinstance(value, bool):
        raise error(message)
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise error(message) from None


def check_pence(value: object, *, label: str, maximum: int = MAX_PENCE) -> int:
    """`value` as whole, non-negative pence up to `maximum`, or UserError naming `label`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(f"{label} must be a whole number of pence.")
    if value < 0:
        raise UserError(f"{label} cannot be negative.")
    if value > maximum:
        raise UserError(f"{label} is more than the largest amount the dashboard can hold "
                        f"({maximum // 100:,} pounds); check the figure.")
    return value
