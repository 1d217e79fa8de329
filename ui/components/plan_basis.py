"""What the plan designer plans for: an account (or a typed balance) and the debtor's means,
and the two small conversions its widgets need (pounds to pence, a date as people write it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from core.payment_plans import service as pp
from core.store import settings
from core.vocabulary import Role
from ui.session import read


@dataclass(frozen=True, slots=True)
class Basis:
    """What the designer plans for: an account (or a typed balance) and the debtor's means."""

    account_id: int | None
    balance_cents: int
    today: date
    discount_limit: Decimal
    currency: str = "GBP"
    debtor_name: str = ""
    income_cents: int | None = None
    expenses_cents: int | None = None
    other_commitments_cents: int = 0
    may_save: bool = True


def pence(pounds: float | None) -> int:
    """A pounds figure from a number box as whole pence."""
    if pounds is None:
        return 0
    return int((Decimal(str(pounds)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def when(day: date) -> str:
    """A date as people write it: 5 Dec 2026."""
    return f"{day.day} {day:%b %Y}"


def basis_for(account: pp.AccountOption, *, actor, today: date) -> Basis:
    """The designer's basis for a debtor's account, with their latest income and spending."""
    statement = read(pp.latest_income_expenditure, debtor_id=account.debtor_id)
    return Basis(
        account_id=account.account_id, balance_cents=account.balance_cents, today=today,
        discount_limit=_limit(actor), currency=account.currency,
        debtor_name=account.debtor_name,
        income_cents=statement.income_cents if statement else None,
        expenses_cents=statement.expenses_cents if statement else None,
        other_commitments_cents=read(pp.other_commitments_cents, debtor_id=account.debtor_id,
                                     exclude_account_id=account.account_id) if statement else 0,
    )


def quick_basis(balance_cents: int, *, actor, today: date) -> Basis:
    """A typed balance: nothing is saved."""
    return Basis(account_id=None, balance_cents=balance_cents, today=today,
                 discount_limit=_limit(actor), may_save=False)


def _limit(actor) -> Decimal:
    return read(settings.discount_limit, role=str(Role(actor.role).value))


def prefix_of(key: str, basis: Basis) -> str:
    """The widget-key prefix of this account's designer (or of the quick model)."""
    return f"{key}_{basis.account_id if basis.account_id is not None else 'quick'}"
