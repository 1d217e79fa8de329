"""Checking one cell of an import row: money, dates, choices and lengths, in plain words."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.importer.read import Problem, _Row

MAX_CENTS = 100_000_000_000  # £1bn: well inside the 64-bit money columns; larger is a typo
FIRST_YEAR, LAST_YEAR = 1900, 2100  # dates outside these years are typos
IN_CHUNK = 900  # values per IN (...) list: well under SQLite's bound-parameter limit
_LIMITS = {"reference": 40, "creditor": 120, "debtor_name": 200, "preferred_name": 120,
           "email": 200, "phone": 40, "language": 20, "timezone": 60,
           "owner_username": 40, "payment_reference": 60}
_MONEY = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Control characters, and the bidirectional overrides and isolates that make a name read
# differently from what it holds (core.text refuses those in names everywhere).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_PHONE = re.compile(r"^[0-9+()\-. /]{3,40}$")

# ---------------------------------------------------------------- checking cells


class _Refuse(Exception):
    """A cell is wrong; the message says why."""


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def _money(text: str, *, what: str) -> int:
    """Pounds like 1234.50 (or £1,234.50) to int pence, exactly."""
    value = text.replace(" ", "")
    negative = value.startswith("-")
    value = value.lstrip("-").lstrip("£$€")
    if value.startswith("-"):
        negative, value = True, value[1:]
    match = _MONEY.match(value)
    if not match:
        raise _Refuse(f"'{_shown(text)}' isn't an amount of money; write it like 1234.50.")
    fraction = match.group(2) or ""
    if len(fraction.rstrip("0")) > 2:
        raise _Refuse(f"'{_shown(text)}' has more than 2 decimal places; write pounds and "
                      "pence like 1234.50.")
    try:
        cents = int((Decimal(value.replace(",", "")) * 100).to_integral_exact())
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise _Refuse(f"'{_shown(text)}' isn't an amount of money.") from exc
    if negative and cents:
        raise _Refuse(f"'{_shown(text)}' is negative; {what} can't be below zero.")
    if cents > MAX_CENTS:
        raise _Refuse(f"'{_shown(text)}' is more than the largest amount the dashboard can "
                      "hold (1,000,000,000.00).")
    return cents


def _date(text: str) -> date:
    """YYYY-MM-DD (or the UK's DD/MM/YYYY) to a date, explaining impossible ones."""
    iso = _ISO_DATE.match(text)
    uk = _UK_DATE.match(text)
    if iso:
        year, month, day = (int(x) for x in iso.groups())
    elif uk:
        day, month, year = (int(x) for x in uk.groups())
    else:
        raise _Refuse(f"'{_shown(text)}' isn't a date; write dates as YYYY-MM-DD, "
                      "e.g. 2026-03-31.")
    if not 1 <= month <= 12:
        raise _Refuse(f"'{text}' isn't a real date: there is no month {month}.")
    if year < FIRST_YEAR:
        raise _Refuse(f"'{text}' is too long ago to be right; check the year.")
    if year > LAST_YEAR:
        raise _Refuse(f"'{text}' is too far ahead to be right; check the year.")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise _Refuse(f"'{text}' isn't a real date: {calendar.month_name[month]} {year} has "
                      f"{days} days.")
    return date(year, month, day)


def _text(column: str, text: str) -> str:
    limit = _LIMITS.get(column)
    if limit is not None and len(text) > limit:
        raise _Refuse(f"is {len(text):,} characters long; keep it to {limit}.")
    return text


def _row_problems(row: _Row) -> list[Problem]:
    """Stray extra values and control characters (which no field may hold)."""
    problems = []
    if row.extra:
        problems.append(Problem(row.number, "", "has more values than the header has "
                                "columns; check for a stray comma."))
    if _CONTROL.search("".join(row.cells.values())):
        problems += [Problem(row.number, column, "contains control characters; retype it.")
                     for column, value in row.cells.items() if _CONTROL.search(value)]
    return problems


class _Checker:
    """Collects the problems of one row, column by column."""

    def __init__(self, number: int, row: dict[str, str], problems: list[Problem]) -> None:
        self.number = number
        self.row = row
        self.problems = problems
        self.failed = bool(problems)

    def take(self, column: str, parse, *, default: Any = None) -> Any:
        """The parsed cell (default when blank or absent), or None after noting a problem."""
        text = self.row.get(column, "")
        if text == "":
            return default
        try:
            return parse(text)
        except _Refuse as exc:
            self.problems.append(Problem(self.number, column, str(exc)))
            self.failed = True
            return None

    def require(self, column: str, parse) -> Any:
        """Like take, but a blank cell is a problem."""
        if self.row.get(column, "") == "":
            self.problems.append(Problem(self.number, column, "is empty; it is required."))
            self.failed = True
            return None
        return self.take(column, parse)

    def refuse(self, column: str, message: str) -> None:
        """Note a problem found by comparing cells."""
        self.problems.append(Problem(self.number, column, message))
        self.failed = True


def _choice(options: Sequence[str], what: str):
    def parse(text: str) -> str:
        value = text.strip().lower().replace(" ", "_")
        if value not in options:
            raise _Refuse(f"'{_shown(text)}' isn't {what}; use one of {', '.join(options)}.")
        return value
    return parse


def _pattern(pattern: re.Pattern, column: str, what: str):
    def parse(text: str) -> str:
        _text(column, text)
        if not pattern.match(text):
            raise _Refuse(f"'{_shown(text)}' isn't {what}.")
        return text
    return parse


def _plain(column: str):
    return lambda text: _text(column, text)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _pounds(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):,.2f}"
