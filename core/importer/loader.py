"""Import debtors with their accounts, and payments, from CSV: first a preview, then the import.

Two kinds of file (columns in DEBTOR_COLUMNS and PAYMENT_COLUMNS, shown on the import page):

* **debtors**: one row per account. An account is matched by its `reference`, so importing the
  same file twice changes nothing the second time. A row whose reference exists updates that
  account and its debtor; a new reference creates the account, for the debtor with the same
  `debtor_name` and `email` (ignoring case and extra spaces) in the file or already in the
  database, or for a new debtor. Blank optional cells keep what is stored (or take the default
  for something new); when one debtor has several rows, the first non-blank value wins.
* **payments**: one row per payment received, matched to its account by `reference`. A payment
  already recorded with the same reference, date, amount and payment_reference is "unchanged",
  so re-importing a payments file never pays twice.

Every refused row is listed with its row number (as a spreadsheet shows it: the header is row
1), its column and the problem in plain words. Rows are all-or-nothing: debtors are written in
chunks inside savepoints, and a chunk that fails is retried row by row, each in its own
savepoint, so the database never holds half a row. Only leads and admins may import.

Command line: ``python -m core.importer FILE [--kind debtors|payments] [--preview]
[--as USERNAME] [--database-url URL]`` exits 0 when every row was fine, 1 when rows were refused
(the problems go to FILE-problems.csv), 2 when the file or the set-up is wrong.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import io
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from babel.numbers import is_currency
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, SQLModel

from core.cli import say
from core.contact_rules import is_valid_timezone
from core.errors import UserError
from core.export import to_csv
from core.payment_plans.service import PAYMENT_METHODS as PLAN_PAYMENT_METHODS
from core.payment_plans.service import record_payment
from core.permissions import require_lead
from core.store import audit, settings
from core.store.config import ConfigError, normalise_url
from core.store.db import (
    StaleRecordError,
    check_connection,
    make_engine,
    migrate,
    read_session,
    reset_sequences,
    sum_cents,
    write_session,
)
from core.store.models import (
    Account,
    AccountStatus,
    AuditEvent,
    Channel,
    Debtor,
    DebtorKind,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    Role,
    User,
    utcnow,
)

KINDS = ("debtors", "payments")
CHUNK_ROWS = 2000
IN_CHUNK = 900  # values per IN (...) list: well under SQLite's bound-parameter limit
MAX_CENTS = 100_000_000_000  # £1bn: well inside the 64-bit money columns; larger is a typo
PAYMENT_METHODS = tuple(PLAN_PAYMENT_METHODS)
NOT_UTF8 = "The file isn't UTF-8 text; save it as 'CSV UTF-8' and try again."
FILE = "file"  # the `column` of a problem with the whole file


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an import file, as the import page and README describe it."""

    name: str
    required: bool
    meaning: str
    example: str


DEBTOR_COLUMNS: tuple[Column, ...] = (
    Column("reference", True, "The account's reference, unique across all accounts "
           "(up to 40 characters). Rows are matched to accounts by it.", "NW-100234"),
    Column("creditor", True, "Who the debt is owed to.", "Northwind Energy"),
    Column("debtor_name", True, "The person's or business's full name.", "Alex Morgan"),
    Column("balance", True, "What is owed now, in pounds: digits with up to 2 decimals.",
           "1234.50"),
    Column("original_balance", False, "What was first owed; at least the balance. "
           "Default: the balance.", "1500.00"),
    Column("kind", False, "person or business. Default: person.", "person"),
    Column("preferred_name", False, "What they like to be called.", "Alex"),
    Column("email", False, "Email address; with debtor_name it identifies the debtor.",
           "alex@example.org"),
    Column("phone", False, "Phone number.", "07700 900123"),
    Column("preferred_channel", False, "phone, sms, email, video or letter. Default: phone.",
           "sms"),
    Column("language", False, "Language code. Default: en.", "en"),
    Column("timezone", False, "IANA timezone name. Default: Europe/London.", "Europe/London"),
    Column("currency", False, "Three-letter currency code. Default: GBP.", "GBP"),
    Column("opened_on", False, "When the account was opened: YYYY-MM-DD (or DD/MM/YYYY).",
           "2024-03-31"),
    Column("owner_username", False, "Username of the agent who owns the debtor. "
           "Default: nobody yet.", "priya"),
)
PAYMENT_COLUMNS: tuple[Column, ...] = (
    Column("reference", True, "The account's reference.", "NW-100234"),
    Column("amount", True, "The amount received, in pounds: more than zero.", "50.00"),
    Column("received_on", True, "The day it was received: YYYY-MM-DD (or DD/MM/YYYY), "
           "not in the future.", "2026-11-02"),
    Column("method", False, f"One of {', '.join(PAYMENT_METHODS)}. Default: bank_transfer.",
           "direct_debit"),
    Column("payment_reference", False, "The bank's or card provider's reference "
           "(up to 60 characters).", "DD-884120"),
)
COLUMNS: dict[str, tuple[Column, ...]] = {"debtors": DEBTOR_COLUMNS, "payments": PAYMENT_COLUMNS}
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "samples"

_LIMITS = {"reference": 40, "creditor": 120, "debtor_name": 200, "preferred_name": 120,
           "email": 200, "phone": 40, "language": 20, "timezone": 60,
           "owner_username": 40, "payment_reference": 60}
_MONEY = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9+()\-. /]{3,40}$")
_DEBTOR_FIELDS = ("kind", "name", "preferred_name", "email", "phone", "preferred_channel",
                  "language", "timezone", "owner_id")
_ACCOUNT_FIELDS = ("creditor", "original_balance_cents", "balance_cents", "currency",
                   "opened_on")


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row (or, with row_number None, the whole file) was refused."""

    row_number: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row_number is None:
            return self.message
        where = f"Row {self.row_number}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportPreview:
    """What an import would do: rows to create, update, leave unchanged, and refuse."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def file_refused(self) -> bool:
        """True when the whole file was refused (wrong encoding, a missing column …)."""
        return any(p.row_number is None for p in self.problems)

    @property
    def file_problem(self) -> str | None:
        """The sentence saying why the whole file was refused, if it was."""
        return next((p.message for p in self.problems if p.row_number is None), None)

    _VERBS = ("Would create", "Would update")

    def summary(self) -> list[dict[str, object]]:
        """The counts as rows for a table."""
        return [{"What": label, "Rows": value} for label, value in (
            ("Rows in the file", self.rows), (self._VERBS[0], self.created),
            (self._VERBS[1], self.updated), ("Unchanged", self.unchanged),
            ("Refused", self.refused))]


@dataclass
class ImportResult(ImportPreview):
    """What an import did (same counts as the preview, after writing)."""

    _VERBS = ("Created", "Updated")


def problems_csv(problems: Iterable[Problem]) -> bytes:
    """The problems as a CSV file (row, column, problem) for the person to fix their file."""
    rows = [{"row": p.row_number, "column": "" if p.column == FILE else p.column,
             "problem": p.message} for p in problems]
    return to_csv(rows, columns=["row", "column", "problem"])


def column_help(kind: str) -> list[dict[str, str]]:
    """The columns of `kind` as table rows (column, required, meaning, example)."""
    return [{"Column": c.name, "Required": "yes" if c.required else "no",
             "Meaning": c.meaning, "Example": c.example} for c in COLUMNS[_check_kind(kind)]]


def sample_file(kind: str) -> bytes:
    """The shipped sample file for `kind` (data/samples/KIND.csv)."""
    return (SAMPLES_DIR / f"{_check_kind(kind)}.csv").read_bytes()


def file_problem(kind: str, data: bytes) -> str | None:
    """Why the whole file would be refused (encoding, a missing column …), or None."""
    _table, problems, _rows = _read(_check_kind(kind), data)
    return problems[0].message if problems else None


def detect_kind(data: bytes) -> str:
    """'payments' when the header has amount and received_on columns, else 'debtors'."""
    first_line = bytes(data[:4096]).split(b"\n", 1)[0]
    header = {_normalise_header(h) for h in first_line.decode("utf-8-sig", "replace").split(",")}
    return "payments" if {"amount", "received_on"} <= header else "debtors"


# ---------------------------------------------------------------- reading the file


@dataclass(slots=True)
class _Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str]  # by column name, stripped
    extra: bool = False  # more values than the header has columns


@dataclass
class _Table:
    rows: list[_Row]
    ignored: list[str]


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise UserError("The kind of file must be 'debtors' or 'payments'.")
    return kind


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip('"').strip().lower())


def _read(kind: str, data: bytes) -> tuple[_Table | None, list[Problem], int]:
    """Decode and split the file; a problem here refuses the whole file."""
    def refuse(message: str, rows: int = 0) -> tuple[None, list[Problem], int]:
        return None, [Problem(None, FILE, message)], rows

    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        return refuse(NOT_UTF8)
    if "\x00" in text:
        return refuse(NOT_UTF8)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return refuse(f"The file can't be read as CSV ({exc}); save it as 'CSV UTF-8'.")
    if not records or not any(cell.strip() for cell in records[0]):
        return refuse("The file is empty; the first row must name the columns.")
    header = [_normalise_header(h) for h in records[0]]
    body = [(number, cells) for number, cells in enumerate(records[1:], start=2)
            if any(cell.strip() for cell in cells)]
    spec = COLUMNS[kind]
    if len(header) == 1 and ";" in records[0][0]:
        return refuse("The file uses ';' between values; save it as 'CSV UTF-8' (comma "
                      "separated) and try again.", len(body))
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        return refuse(f"The column '{repeated[0]}' appears more than once in the first row; "
                      "keep one.", len(body))
    missing = [c.name for c in spec if c.required and c.name not in header]
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        required = ", ".join(c.name for c in spec if c.required)
        noun = "column" if len(missing) == 1 else "columns"
        return refuse(f"The file has no {names} {noun}, so none of it can be imported; a "
                      f"{kind} file needs the columns {required}.", len(body))
    if not body:
        return refuse("The file has no rows below the header.")
    known = {c.name for c in spec}
    ignored = [h for h in header if h and h not in known]
    width = len(header)
    rows = [_Row(number, {h: cells[i].strip() if i < len(cells) else ""
                          for i, h in enumerate(header) if h in known},
                 extra=len(cells) > width and any(c.strip() for c in cells[width:]))
            for number, cells in body]
    return _Table(rows=rows, ignored=ignored), [], 0


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
    if year < 1900:
        raise _Refuse(f"'{text}' is too long ago to be right; check the year.")
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


# ---------------------------------------------------------------- debtors: the plan


@dataclass(slots=True)
class _DebtorRow:
    number: int
    reference: str
    target: tuple  # ("id", debtor_id) or ("new", key)
    debtor_fields: dict[str, Any]
    account: dict[str, Any]  # the account's values after this row
    account_id: int | None = None
    account_version: int | None = None
    account_before: dict[str, Any] | None = None
    outcome: str = "created"


@dataclass
class _DebtorPlan:
    rows: list[_DebtorRow]
    problems: list[Problem]
    desired: dict[tuple, dict[str, Any]]  # target -> the debtor's values after the import
    stored: dict[int, dict[str, Any]]  # debtor id -> its stored values (and version)


def _name_key(name: str, email: str) -> tuple[str, str]:
    return " ".join(name.split()).casefold(), email.strip().casefold()


def _load_accounts(session: Session, references: Sequence[str]) -> dict[str, dict[str, Any]]:
    table = Account.__table__
    cols = [table.c.id, table.c.reference, table.c.debtor_id, table.c.version,
            table.c.status, *(table.c[f] for f in _ACCOUNT_FIELDS)]
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(references), IN_CHUNK):
        for row in session.execute(select(*cols).where(table.c.reference.in_(chunk))):
            found[row.reference] = dict(row._mapping)
    return found


def _load_debtors(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    table = Debtor.__table__
    cols = [table.c.id, table.c.version, *(table.c[f] for f in _DEBTOR_FIELDS)]
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(ids)), IN_CHUNK):
        for row in session.execute(select(*cols).where(table.c.id.in_(chunk))):
            found[row.id] = dict(row._mapping)
    return found


def _debtor_ids_by_name(session: Session) -> dict[tuple[str, str], int]:
    table = Debtor.__table__
    found: dict[tuple[str, str], int] = {}
    for row in session.execute(select(table.c.id, table.c.name, table.c.email)
                               .order_by(table.c.id)):
        found.setdefault(_name_key(row.name, row.email), row.id)
    return found


def _users(session: Session) -> dict[str, tuple[int, bool]]:
    table = User.__table__
    return {row.username.lower(): (row.id, row.active) for row in
            session.execute(select(table.c.id, table.c.username, table.c.active))}


def _plan_debtors(session: Session, table: _Table, today: date) -> _DebtorPlan:
    """Check every row and decide what it does, reading the database in bulk."""
    problems: list[Problem] = []
    by_reference: dict[str, list[int]] = defaultdict(list)
    for row in table.rows:
        if row.cells.get("reference"):
            by_reference[row.cells["reference"]].append(row.number)
    existing = _load_accounts(session, [r for r in by_reference if len(r) <= 40])
    users = _users(session)
    zones: dict[str, bool] = {}
    currencies: dict[str, bool] = {}

    def owner(text: str) -> int:
        found = users.get(text.lower())
        if found is None:
            raise _Refuse(f"there is no user '{_shown(text)}'; use the username of an agent, "
                          "lead or admin.")
        if not found[1]:
            raise _Refuse(f"'{_shown(text)}' can no longer sign in, so can't own debtors; "
                          "choose an active user.")
        return found[0]

    def timezone(text: str) -> str:
        if text not in zones:
            zones[text] = is_valid_timezone(text)
        if not zones[text]:
            raise _Refuse(f"'{_shown(text)}' isn't a timezone; use a name like Europe/London "
                          "or America/New_York.")
        return text

    def currency(text: str) -> str:
        code = text.upper()
        if code not in currencies:
            currencies[code] = len(code) == 3 and is_currency(code)
        if not currencies[code]:
            raise _Refuse(f"'{_shown(text)}' isn't a currency code like GBP or EUR.")
        return code

    def opened(text: str) -> date:
        day = _date(text)
        if day > today:
            raise _Refuse(f"'{text}' is in the future; an account can't be opened after today.")
        return day

    fields = (  # (value, column, parser, required)
        ("creditor", "creditor", _plain("creditor"), True),
        ("name", "debtor_name", _plain("debtor_name"), True),
        ("balance_cents", "balance", lambda t: _money(t, what="a balance"), True),
        ("original_balance_cents", "original_balance",
         lambda t: _money(t, what="an original balance"), False),
        ("kind", "kind", _choice([k.value for k in DebtorKind], "a kind of debtor"), False),
        ("preferred_name", "preferred_name", _plain("preferred_name"), False),
        ("email", "email", _pattern(_EMAIL, "email", "an email address"), False),
        ("phone", "phone", _pattern(_PHONE, "phone", "a phone number"), False),
        ("preferred_channel", "preferred_channel",
         _choice([c.value for c in Channel], "a way we contact people"), False),
        ("language", "language",
         _pattern(_LANGUAGE, "language", "a language code like en, cy or pl"), False),
        ("timezone", "timezone", timezone, False),
        ("currency", "currency", currency, False),
        ("opened_on", "opened_on", opened, False),
        ("owner_id", "owner_username", owner, False),
    )
    valid: list[tuple[int, dict[str, Any]]] = []
    for row in table.rows:
        number = row.number
        row_problems = _row_problems(row)
        check = _Checker(number, row.cells, row_problems)
        reference = check.require("reference", _plain("reference"))
        if reference is not None and len(by_reference[reference]) > 1:
            others = ", ".join(str(n) for n in by_reference[reference] if n != number)
            check.refuse("reference", f"'{_shown(reference)}' is also on row {others}; each "
                         "account reference may appear only once in a file.")
        values: dict[str, Any] = {"reference": reference}
        for key, column, parse, required in fields:
            values[key] = (check.require if required else check.take)(column, parse)
        if not check.failed:
            stored = existing.get(reference)
            original = values["original_balance_cents"]
            if original is None:
                original = stored["original_balance_cents"] if stored else values[
                    "balance_cents"]
            if values["balance_cents"] > original:
                check.refuse("balance", f"{_pounds(values['balance_cents'])} is more than the "
                             f"original balance {_pounds(original)}; a balance can't be above "
                             "what was first owed.")
            values["original_balance_cents"] = original
        problems.extend(row_problems)
        if not check.failed:
            valid.append((number, values))

    # Which debtor each row belongs to: an existing account keeps its debtor; a new account
    # joins the debtor with the same name and email in this file or in the database.
    group_target: dict[tuple[str, str], tuple] = {}
    for _number, values in valid:
        stored = existing.get(values["reference"])
        if stored is not None:
            group_target.setdefault(_name_key(values["name"], values["email"] or ""),
                                    ("id", stored["debtor_id"]))
    need_lookup = any(values["reference"] not in existing for _n, values in valid)
    in_database = _debtor_ids_by_name(session) if need_lookup else {}
    plan_rows: list[_DebtorRow] = []
    for number, values in valid:
        stored = existing.get(values["reference"])
        key = _name_key(values["name"], values["email"] or "")
        if stored is not None:
            target: tuple = ("id", stored["debtor_id"])
        elif key in group_target:
            target = group_target[key]
        elif key in in_database:
            target = group_target[key] = ("id", in_database[key])
        else:
            target = group_target[key] = ("new", key)
        account = {f: values[f] for f in _ACCOUNT_FIELDS}
        if stored is not None:
            for f in ("currency", "opened_on"):
                if account[f] is None:
                    account[f] = stored[f]
        account["currency"] = account["currency"] or "GBP"
        debtor_fields = {f: values[f] for f in _DEBTOR_FIELDS if values[f] is not None}
        plan_rows.append(_DebtorRow(
            number=number, reference=values["reference"], target=target,
            debtor_fields=debtor_fields, account=account,
            account_id=stored["id"] if stored else None,
            account_version=stored["version"] if stored else None,
            account_before={f: stored[f] for f in _ACCOUNT_FIELDS} if stored else None,
        ))

    stored_debtors = _load_debtors(session, [r.target[1] for r in plan_rows
                                             if r.target[0] == "id"])
    desired: dict[tuple, dict[str, Any]] = {}
    claimed: dict[tuple, set[str]] = defaultdict(set)
    new_debtor = _model_defaults(Debtor, utcnow())
    for row in plan_rows:
        if row.target not in desired:
            base = (stored_debtors[row.target[1]] if row.target[0] == "id"
                    else new_debtor)
            desired[row.target] = {f: base.get(f) for f in _DEBTOR_FIELDS}
        for f, value in row.debtor_fields.items():
            if f not in claimed[row.target]:
                claimed[row.target].add(f)
                desired[row.target][f] = value

    carried: set[tuple] = set()
    for row in plan_rows:
        debtor_changes = False
        if row.target not in carried:
            carried.add(row.target)
            debtor_changes = row.target[0] == "id" and _debtor_changed(
                desired[row.target], stored_debtors[row.target[1]])
        if row.account_id is None:
            row.outcome = "created"
        elif row.account != row.account_before or debtor_changes:
            row.outcome = "updated"
        else:
            row.outcome = "unchanged"
    return _DebtorPlan(rows=plan_rows, problems=problems, desired=desired,
                       stored=stored_debtors)


def _debtor_changed(desired: dict[str, Any], stored: dict[str, Any]) -> bool:
    return any(desired[f] != stored[f] for f in _DEBTOR_FIELDS)


# ---------------------------------------------------------------- debtors: writing


class _Stale(Exception):
    """A record changed while the import ran."""


@dataclass
class _WriteState:
    actor_id: int
    now: datetime
    plan: _DebtorPlan
    debtor_ids: dict[tuple, int] = field(default_factory=dict)  # new-debtor target -> id
    debtors_written: set[tuple] = field(default_factory=set)


def _audit_row(state: _WriteState, action: str, entity: str, entity_id: int,
               before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    return {"at": state.now, "actor_id": state.actor_id, "action": action, "entity": entity,
            "entity_id": entity_id, "flagged": False,
            # The values are plain (str, int, date, None): default=str writes dates as ISO.
            "before_json": json.dumps(before or {}, sort_keys=True, default=str),
            "after_json": json.dumps(after, sort_keys=True, default=str)}


def _check_count(session: Session, result, expected: int) -> None:
    dialect = session.get_bind().dialect
    if expected and dialect.supports_sane_multi_rowcount and result.rowcount != expected:
        raise _Stale


def _model_defaults(model: type[SQLModel], now: datetime) -> dict[str, Any]:
    """Every column's default as the model gives it (timestamps `now`), for Core inserts."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "id" or name not in model.__table__.c:
            continue
        if info.default_factory is utcnow:
            values[name] = now
        elif not info.is_required():
            default = info.get_default(call_default_factory=True)
            values[name] = default.value if isinstance(default, Enum) else default
    return values


def _insert_many(session: Session, table, params: list[dict[str, Any]],
                 key: tuple[str, ...]) -> dict[tuple, int]:
    """Insert `params` in bulk; the new ids by each row's `key` values (unique in `params`)."""
    if session.get_bind().dialect.name == "postgresql":
        # Ids from the sequence up front, then a plain executemany: psycopg pipelines it, and
        # it avoids parsing one huge multi-row INSERT … RETURNING per page.
        ids = session.execute(
            sql("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :n)"), {"table": table.name, "n": len(params)}
        ).scalars().all()
        params = [dict(p, id=id_) for p, id_ in zip(params, ids, strict=True)]
        session.execute(insert(table), params)
        return {tuple(p[k] for k in key): p["id"] for p in params}
    # SQLite: multi-row INSERT … RETURNING in pages; rows come back matched by their key, so
    # no row-by-row ordering is needed.
    returned = session.execute(
        insert(table).returning(table.c.id, *(table.c[k] for k in key)), params)
    return {tuple(row[1:]): row[0] for row in returned}


def _write_debtor_rows(session: Session, rows: Sequence[_DebtorRow], state: _WriteState,
                       ) -> tuple[dict[tuple, int], set[tuple]]:
    """Write `rows` (the caller holds a savepoint); return the debtors it created or wrote."""
    debtor_t, account_t = Debtor.__table__, Account.__table__
    plan = state.plan
    audits: list[dict[str, Any]] = []

    new_targets: list[tuple] = []
    updates: list[tuple] = []
    seen: set[tuple] = set()
    for row in rows:
        target = row.target
        if target in state.debtors_written or target in seen:
            continue
        seen.add(target)
        if target[0] == "new":
            new_targets.append(target)
        elif _debtor_changed(plan.desired[target], plan.stored[target[1]]):
            updates.append(target)

    created_ids: dict[tuple, int] = {}
    if new_targets:
        base = _model_defaults(Debtor, state.now)
        params = [{**base, **plan.desired[t]} for t in new_targets]
        # Each new debtor's (name, email) key is unique in this import: it matches the ids.
        by_key = {("new", _name_key(name, email)): id_ for (name, email), id_ in
                  _insert_many(session, debtor_t, params, ("name", "email")).items()}
        created_ids = {t: by_key[t] for t in new_targets}
        audits += [_audit_row(state, "debtor.create", "debtor", created_ids[t], None,
                              plan.desired[t]) for t in new_targets]
    if updates:
        stmt = (update(debtor_t)
                .where(debtor_t.c.id == bindparam("b_id"),
                       debtor_t.c.version == bindparam("b_version"))
                .values({**{f: bindparam(f"v_{f}") for f in _DEBTOR_FIELDS},
                         "version": bindparam("b_version") + 1,
                         "updated_at": state.now}))
        params = [{"b_id": t[1], "b_version": plan.stored[t[1]]["version"],
                   **{f"v_{f}": plan.desired[t][f] for f in _DEBTOR_FIELDS}} for t in updates]
        _check_count(session, session.execute(stmt, params), len(params))
        for t in updates:
            before = plan.stored[t[1]]
            changed = [f for f in _DEBTOR_FIELDS if plan.desired[t][f] != before[f]]
            audits.append(_audit_row(state, "debtor.update", "debtor", t[1],
                                     {f: before[f] for f in changed},
                                     {f: plan.desired[t][f] for f in changed}))

    def debtor_id(target: tuple) -> int:
        if target[0] == "id":
            return target[1]
        return created_ids.get(target) or state.debtor_ids[target]

    creates = [row for row in rows if row.account_id is None]
    if creates:
        base = _model_defaults(Account, state.now)
        params = [{**base, **row.account, "reference": row.reference,
                   "debtor_id": debtor_id(row.target),
                   "status": (AccountStatus.PAID.value if row.account["balance_cents"] == 0
                              else AccountStatus.OPEN.value)}
                  for row in creates]
        ids = {key[0]: id_ for key, id_ in
               _insert_many(session, account_t, params, ("reference",)).items()}
        audits += [_audit_row(state, "account.create", "account", ids[row.reference], None,
                              {**row.account, "reference": row.reference,
                               "debtor_id": debtor_id(row.target)})
                   for row in creates]
    changes = [row for row in rows
               if row.account_id is not None and row.account != row.account_before]
    if changes:
        stmt = (update(account_t)
                .where(account_t.c.id == bindparam("b_id"),
                       account_t.c.version == bindparam("b_version"))
                .values({**{f: bindparam(f"v_{f}") for f in _ACCOUNT_FIELDS},
                         "version": bindparam("b_version") + 1}))
        params = [{"b_id": row.account_id, "b_version": row.account_version,
                   **{f"v_{f}": row.account[f] for f in _ACCOUNT_FIELDS}} for row in changes]
        _check_count(session, session.execute(stmt, params), len(params))
        for row in changes:
            assert row.account_before is not None
            changed = [f for f in _ACCOUNT_FIELDS if row.account[f] != row.account_before[f]]
            audits.append(_audit_row(state, "account.update", "account", row.account_id,
                                     {f: row.account_before[f] for f in changed},
                                     {f: row.account[f] for f in changed}))
    if audits:
        session.execute(insert(AuditEvent.__table__), audits)
    return created_ids, set(new_targets) | set(updates)


def _row_failure(row: _DebtorRow, exc: Exception) -> Problem:
    if isinstance(exc, _Stale | StaleRecordError):
        return Problem(row.number, "reference", "this account or its debtor was changed by "
                       "someone else while the file was importing; import the file again.")
    text = str(getattr(exc, "orig", exc))
    if isinstance(exc, IntegrityError) and ("unique" in text.lower() or "duplicate" in text):
        return Problem(row.number, "reference", f"'{_shown(row.reference)}' was saved by "
                       "someone else while the file was importing; import the file again.")
    detail = (text.strip().splitlines() or ["no reason given"])[0][:160]
    return Problem(row.number, "", f"the database refused this row ({detail}).")


def _apply_debtors(session: Session, plan: _DebtorPlan, actor: User
                   ) -> tuple[list[_DebtorRow], list[Problem]]:
    """Write the plan's rows: a savepoint per chunk, per row if the chunk fails."""
    state = _WriteState(actor_id=actor.id, now=utcnow(), plan=plan)
    written = [row for row in plan.rows if row.outcome != "unchanged"]
    failed: list[Problem] = []
    done: list[_DebtorRow] = []

    def attempt(rows: Sequence[_DebtorRow]) -> bool:
        try:
            with session.begin_nested():
                created, touched = _write_debtor_rows(session, rows, state)
        except (SQLAlchemyError, _Stale) as exc:
            if len(rows) == 1:
                failed.append(_row_failure(rows[0], exc))
            return False
        state.debtor_ids.update(created)
        state.debtors_written.update(touched)
        done.extend(rows)
        return True

    for chunk in _chunks(written, CHUNK_ROWS):
        if not attempt(chunk) and len(chunk) > 1:
            for row in chunk:
                attempt([row])
    return done, failed


# ---------------------------------------------------------------- payments


@dataclass(slots=True)
class _PaymentRow:
    number: int
    account_id: int
    amount_cents: int
    received_on: date
    method: str
    payment_reference: str
    outcome: str = "created"


def _plan_payments(session: Session, table: _Table, today: date
                   ) -> tuple[list[_PaymentRow], list[Problem]]:
    problems: list[Problem] = []
    references = {row.cells.get("reference", "") for row in table.rows}
    accounts = _load_accounts(session, [r for r in references if r and len(r) <= 40])

    def account(text: str) -> dict[str, Any]:
        found = accounts.get(text)
        if found is None:
            raise _Refuse(f"there is no account '{_shown(text)}'; import it in a debtors file "
                          "first, or check the reference.")
        return found

    def amount(text: str) -> int:
        cents = _money(text, what="a payment")
        if cents == 0:
            raise _Refuse(f"'{_shown(text)}' is zero; a payment must be more than zero.")
        return cents

    def received(text: str) -> date:
        day = _date(text)
        if day > today:
            raise _Refuse(f"'{text}' is in the future; only payments already received can be "
                          "imported.")
        return day

    checked: list[tuple[int, dict[str, Any]]] = []
    for row in table.rows:
        number = row.number
        row_problems = _row_problems(row)
        check = _Checker(number, row.cells, row_problems)
        values = {
            "account": check.require("reference", account),
            "amount_cents": check.require("amount", amount),
            "received_on": check.require("received_on", received),
            "method": check.take("method", _choice(PAYMENT_METHODS, "a payment method"),
                                 default="bank_transfer"),
            "payment_reference": check.take("payment_reference", _plain("payment_reference"),
                                            default=""),
        }
        problems.extend(row_problems)
        if not check.failed:
            checked.append((number, values))

    def same(values: dict[str, Any]) -> tuple:
        return (values["account"]["id"], values["received_on"], values["amount_cents"],
                values["payment_reference"])

    rows_by_key: dict[tuple, list[int]] = defaultdict(list)
    for number, values in checked:
        rows_by_key[same(values)].append(number)
    account_ids = {v["account"]["id"] for _n, v in checked}
    recorded = _recorded_payments(session, account_ids)
    plan_left = _plan_left(session, account_ids)
    # What the plan service accepts: up to the balance, or what the active plan still asks.
    remaining = {v["account"]["id"]: max(v["account"]["balance_cents"],
                                         plan_left.get(v["account"]["id"], 0))
                 for _n, v in checked}
    plan: list[_PaymentRow] = []
    for number, values in checked:
        key = same(values)
        if len(rows_by_key[key]) > 1:
            others = ", ".join(str(n) for n in rows_by_key[key] if n != number)
            problems.append(Problem(number, "payment_reference", f"row {others} has the same "
                                    "reference, date, amount and payment_reference; give each "
                                    "payment its own payment_reference."))
            continue
        row = _PaymentRow(number=number, account_id=key[0], amount_cents=key[2],
                          received_on=key[1], method=values["method"],
                          payment_reference=key[3])
        if key in recorded:
            row.outcome = "unchanged"
        elif row.amount_cents > remaining[row.account_id]:
            problems.append(Problem(number, "amount", f"{_pounds(row.amount_cents)} is more "
                                    f"than the {_pounds(remaining[row.account_id])} still owed "
                                    f"on {values['account']['reference']}."))
            continue
        else:
            remaining[row.account_id] -= row.amount_cents
        plan.append(row)
    return plan, problems


def _recorded_payments(session: Session, account_ids: Iterable[int]) -> set[tuple]:
    table = Payment.__table__
    found: set[tuple] = set()
    for chunk in _chunks(sorted(account_ids), IN_CHUNK):
        query = select(table.c.account_id, table.c.received_on, table.c.amount_cents,
                       table.c.reference).where(table.c.account_id.in_(chunk))
        found.update(tuple(row) for row in session.execute(query))
    return found


def _plan_left(session: Session, account_ids: Iterable[int]) -> dict[int, int]:
    """What each account's active plan still asks for (unpaid instalments), by account."""
    plan, instalment = PaymentPlan.__table__, PlanInstalment.__table__
    left: dict[int, int] = {}
    for chunk in _chunks(sorted(account_ids), IN_CHUNK):
        query = (select(plan.c.account_id,
                        sum_cents(instalment.c.amount_cents - instalment.c.paid_cents))
                 .join(instalment, instalment.c.plan_id == plan.c.id)
                 .where(plan.c.status == PlanStatus.ACTIVE.value,
                        instalment.c.status != InstalmentStatus.PAID.value,
                        plan.c.account_id.in_(chunk))
                 .group_by(plan.c.account_id))
        left.update({account_id: int(total or 0) for account_id, total in
                     session.execute(query)})
    return left


def _apply_payments(session: Session, rows: list[_PaymentRow], actor: User, today: date
                    ) -> tuple[list[_PaymentRow], list[Problem]]:
    done: list[_PaymentRow] = []
    failed: list[Problem] = []
    for row in rows:
        if row.outcome == "unchanged":
            continue
        try:
            with session.begin_nested():
                record_payment(session, actor=actor, account_id=row.account_id,
                               amount_cents=row.amount_cents, received_on=row.received_on,
                               method=row.method, reference=row.payment_reference,
                               today=today)
        except (ValueError, StaleRecordError) as exc:
            failed.append(Problem(row.number, "", str(exc)))
            continue
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:160]
            failed.append(Problem(row.number, "", f"the database refused this payment "
                                  f"({detail})."))
            continue
        done.append(row)
    return done, failed


# ---------------------------------------------------------------- the services


def _count(kind: str, table: _Table, outcomes: Iterable[str], problems: list[Problem],
           cls: type[ImportPreview]) -> ImportPreview:
    problems = sorted(problems, key=lambda p: (p.row_number or 0, _column_order(kind, p.column)))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for outcome in outcomes:
        counts[outcome] += 1
    refused = len({p.row_number for p in problems if p.row_number is not None})
    return cls(kind=kind, rows=len(table.rows), refused=refused, problems=problems,
               ignored_columns=table.ignored, **counts)


def _column_order(kind: str, column: str) -> int:
    names = [c.name for c in COLUMNS[kind]]
    return names.index(column) if column in names else -1


def _prepare(session: Session, actor: User, kind: str, data: bytes, today: date | None):
    require_lead(actor)
    _check_kind(kind)
    table, problems, rows = _read(kind, data)
    return table, problems, rows, today or settings.office_today(session)


def preview_import(session: Session, *, actor: User, kind: str, data: bytes,
                   today: date | None = None) -> ImportPreview:
    """What importing `data` would create, update, leave unchanged and refuse; writes nothing."""
    table, problems, rows, today = _prepare(session, actor, kind, data, today)
    if table is None:
        return ImportPreview(kind=kind, rows=rows, refused=rows, problems=problems)
    if kind == "debtors":
        plan = _plan_debtors(session, table, today)
        return _count(kind, table, (r.outcome for r in plan.rows), plan.problems, ImportPreview)
    payments, problems = _plan_payments(session, table, today)
    return _count(kind, table, (r.outcome for r in payments), problems, ImportPreview)


def run_import(session: Session, *, actor: User, kind: str, data: bytes,
               today: date | None = None) -> ImportResult:
    """Import every valid row of `data` (each row all or nothing); refused rows are listed."""
    table, problems, rows, today = _prepare(session, actor, kind, data, today)
    if table is None:
        return ImportResult(kind=kind, rows=rows, refused=rows, problems=problems)
    if kind == "debtors":
        plan = _plan_debtors(session, table, today)
        done, failed = _apply_debtors(session, plan, actor)
        reset_sequences(session)  # a bulk load leaves every sequence past its largest id
        outcomes = [r.outcome for r in done]
        outcomes += [r.outcome for r in plan.rows if r.outcome == "unchanged"]
        problems = plan.problems + failed
    else:
        payments, problems = _plan_payments(session, table, today)
        done_payments, failed = _apply_payments(session, payments, actor, today)
        outcomes = [r.outcome for r in done_payments]
        outcomes += [r.outcome for r in payments if r.outcome == "unchanged"]
        problems = problems + failed
    result = _count(kind, table, outcomes, problems, ImportResult)
    assert isinstance(result, ImportResult)
    if result.created or result.updated:
        audit.record(session, actor_id=actor.id, action=f"import.{kind}", entity="import",
                     entity_id=None, after={"kind": kind, "rows": result.rows,
                                            "created": result.created,
                                            "updated": result.updated,
                                            "unchanged": result.unchanged,
                                            "refused": result.refused})
    return result


# ---------------------------------------------------------------- command line


def _summary_table(result: ImportPreview, name: str, preview: bool) -> str:
    verb = "Preview of importing" if preview else "Imported"
    lines = [f"{verb} {name} ({result.kind})" + (" - nothing was written" if preview else "")]
    width = max(len(r["What"]) for r in result.summary())
    lines += [f"  {r['What']:<{width}}  {r['Rows']:>9,}" for r in result.summary()]
    if result.ignored_columns:
        lines.append(f"  Columns ignored: {', '.join(result.ignored_columns)}")
    return "\n".join(lines)


def _rows(n: int) -> str:
    return "1 row was" if n == 1 else f"{n:,} rows were"


def _actor(session: Session, username: str | None) -> User:
    query = select(User).where(User.active.is_(True))
    if username:
        query = query.where(User.username == username.strip().lower())
    else:
        query = query.where(User.role == Role.ADMIN).order_by(User.id)
    user = session.execute(query.limit(1)).scalars().first()
    if user is None:
        raise ConfigError(f"There is no active user '{username}'." if username else
                          "There is no active admin to import as; pass --as USERNAME.")
    return user



def main(argv: list[str] | None = None) -> int:
    """The command line: preview or import a CSV file; exit 0 ok, 1 rows refused, 2 error."""
    parser = argparse.ArgumentParser(
        prog="python -m core.importer",
        description="Import debtors with their accounts, or payments, from a CSV file.")
    parser.add_argument("file", type=Path, help="the CSV file (UTF-8)")
    parser.add_argument("--kind", choices=KINDS,
                        help="what the file holds (default: worked out from its columns)")
    parser.add_argument("--preview", action="store_true",
                        help="only say what would happen; write nothing")
    parser.add_argument("--as", dest="username",
                        help="the lead or admin importing (default: the first admin)")
    parser.add_argument("--database-url", help="default: DATABASE_URL or data/recovery.db")
    args = parser.parse_args(argv)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        say(f"Can't read {args.file}: {exc.strerror or exc}.", err=True)
        return 2
    kind = args.kind or detect_kind(data)
    refused = file_problem(kind, data)
    if refused:
        say(refused, err=True)
        return 2
    engine = None
    try:
        url = normalise_url(args.database_url) if args.database_url else None
        engine = make_engine(url)
        check_connection(engine)
        migrate(engine)
        opener = read_session if args.preview else write_session
        with opener(engine) as session:
            actor = _actor(session, args.username)
            service = preview_import if args.preview else run_import
            result = service(session, actor=actor, kind=kind, data=data)
    except (ConfigError, PermissionError, ValueError) as exc:
        say(str(exc), err=True)
        return 2
    finally:
        if engine is not None:
            engine.dispose()
    if result.file_refused:
        say(result.file_problem, err=True)
        return 2
    say(_summary_table(result, args.file.name, args.preview))
    if not result.problems:
        return 0
    report = problems_csv(result.problems)
    target = args.file.with_name(f"{args.file.stem}-problems.csv")
    try:
        target.write_bytes(report)
        say(f"{_rows(result.refused)} refused; the reasons are in {target}.")
    except OSError:
        say(f"{_rows(result.refused)} refused:")
        sys.stdout.flush()
        sys.stdout.buffer.write(report)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
