"""Checking every row against the database and deciding what it does (create, update, leave).

Nothing here writes: the plans it returns are what the preview counts and the import writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from babel.numbers import is_currency
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from core.contact_rules import is_valid_timezone
from core.importer.cells import (
    _EMAIL,
    _LANGUAGE,
    _LIMITS,
    _PHONE,
    IN_CHUNK,
    _Checker,
    _choice,
    _chunks,
    _date,
    _money,
    _pattern,
    _plain,
    _pounds,
    _Refuse,
    _row_problems,
    _shown,
)
from core.importer.read import PAYMENT_METHODS, Problem, _Row, _Table
from core.store.db import (
    sum_cents,
)
from core.store.models import (
    Account,
    Channel,
    Debtor,
    DebtorKind,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    User,
    utcnow,
)

_DEBTOR_FIELDS = ("kind", "name", "preferred_name", "email", "phone", "preferred_channel",
                  "language", "timezone", "owner_id")
_ACCOUNT_FIELDS = ("creditor", "original_balance_cents", "balance_cents", "currency",
                   "opened_on")


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


class _DebtorParsers:
    """The debtor columns' parsers that need the database or today (cached per import)."""

    def __init__(self, session: Session, today: date) -> None:
        self.users = _users(session)
        self.today = today
        self.zones: dict[str, bool] = {}
        self.currencies: dict[str, bool] = {}

    def owner(self, text: str) -> int:
        found = self.users.get(text.lower())
        if found is None:
            raise _Refuse(f"there is no user '{_shown(text)}'; use the username of an agent, "
                          "lead or admin.")
        if not found[1]:
            raise _Refuse(f"'{_shown(text)}' can no longer sign in, so can't own debtors; "
                          "choose an active user.")
        return found[0]

    def timezone(self, text: str) -> str:
        if text not in self.zones:
            self.zones[text] = len(text) <= _LIMITS["timezone"] and is_valid_timezone(text)
        if not self.zones[text]:
            raise _Refuse(f"'{_shown(text)}' isn't a timezone; use a name like Europe/London "
                          "or America/New_York.")
        return text

    def currency(self, text: str) -> str:
        code = text.upper()
        if code not in self.currencies:
            self.currencies[code] = len(code) == 3 and is_currency(code)
        if not self.currencies[code]:
            raise _Refuse(f"'{_shown(text)}' isn't a currency code like GBP or EUR.")
        return code

    def opened(self, text: str) -> date:
        day = _date(text)
        if day > self.today:
            raise _Refuse(f"'{text}' is in the future; an account can't be opened after today.")
        return day

    def fields(self) -> tuple:
        """(value, column, parser, required) for every debtor column but the reference."""
        return (
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
            ("timezone", "timezone", self.timezone, False),
            ("currency", "currency", self.currency, False),
            ("opened_on", "opened_on", self.opened, False),
            ("owner_id", "owner_username", self.owner, False),
        )


def _check_debtor_row(row: _Row, fields: tuple, by_reference: dict[str, list[int]],
                      existing: dict[str, dict[str, Any]]
                      ) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One row's values (None when refused) and its problems."""
    row_problems = _row_problems(row)
    check = _Checker(row.number, row.cells, row_problems)
    reference = check.require("reference", _plain("reference"))
    if reference is not None and len(by_reference[reference]) > 1:
        others = ", ".join(str(n) for n in by_reference[reference] if n != row.number)
        check.refuse("reference", f"'{_shown(reference)}' is also on row {others}; each "
                     "account reference may appear only once in a file.")
    values: dict[str, Any] = {"reference": reference}
    for key, column, parse, required in fields:
        values[key] = (check.require if required else check.take)(column, parse)
    if not check.failed:
        stored = existing.get(reference)
        original = values["original_balance_cents"]
        if original is None:
            original = stored["original_balance_cents"] if stored else values["balance_cents"]
        if values["balance_cents"] > original:
            check.refuse("balance", f"{_pounds(values['balance_cents'])} is more than the "
                         f"original balance {_pounds(original)}; a balance can't be above "
                         "what was first owed.")
        values["original_balance_cents"] = original
    return (None if check.failed else values), row_problems


def _debtor_row(number: int, values: dict[str, Any], target: tuple,
                stored: dict[str, Any] | None) -> _DebtorRow:
    account = {f: values[f] for f in _ACCOUNT_FIELDS}
    if stored is not None:
        for f in ("currency", "opened_on"):
            if account[f] is None:
                account[f] = stored[f]
    account["currency"] = account["currency"] or "GBP"
    return _DebtorRow(
        number=number, reference=values["reference"], target=target,
        debtor_fields={f: values[f] for f in _DEBTOR_FIELDS if values[f] is not None},
        account=account,
        account_id=stored["id"] if stored else None,
        account_version=stored["version"] if stored else None,
        account_before={f: stored[f] for f in _ACCOUNT_FIELDS} if stored else None,
    )


def _assign_debtors(session: Session, valid: list[tuple[int, dict[str, Any]]],
                    existing: dict[str, dict[str, Any]]) -> list[_DebtorRow]:
    """Which debtor each row belongs to: an existing account keeps its debtor; a new account
    joins the debtor with the same name and email in this file or in the database."""
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
        plan_rows.append(_debtor_row(number, values, target, stored))
    return plan_rows


def _desired_debtors(plan_rows: list[_DebtorRow], stored: dict[int, dict[str, Any]]
                     ) -> dict[tuple, dict[str, Any]]:
    """Each debtor's values after the import: the first non-blank value in the file wins."""
    desired: dict[tuple, dict[str, Any]] = {}
    claimed: dict[tuple, set[str]] = defaultdict(set)
    new_debtor = _model_defaults(Debtor, utcnow())
    for row in plan_rows:
        if row.target not in desired:
            base = stored[row.target[1]] if row.target[0] == "id" else new_debtor
            desired[row.target] = {f: base.get(f) for f in _DEBTOR_FIELDS}
        for f, value in row.debtor_fields.items():
            if f not in claimed[row.target]:
                claimed[row.target].add(f)
                desired[row.target][f] = value
    return desired


def _set_outcomes(plan_rows: list[_DebtorRow], desired: dict[tuple, dict[str, Any]],
                  stored: dict[int, dict[str, Any]]) -> None:
    """created, updated (the account, or its debtor on the debtor's first row) or unchanged."""
    carried: set[tuple] = set()
    for row in plan_rows:
        debtor_changes = False
        if row.target not in carried:
            carried.add(row.target)
            debtor_changes = row.target[0] == "id" and _debtor_changed(
                desired[row.target], stored[row.target[1]])
        if row.account_id is None:
            row.outcome = "created"
        elif row.account != row.account_before or debtor_changes:
            row.outcome = "updated"
        else:
            row.outcome = "unchanged"


def _plan_debtors(session: Session, table: _Table, today: date,
                  duplicates: dict[str, list[int]] | None = None) -> _DebtorPlan:
    """Check every row and decide what it does, reading the database in bulk.

    `duplicates` (reference -> every row number holding it, from the whole file) lets a
    chunk refuse a reference repeated in another chunk.
    """
    by_reference: dict[str, list[int]] = defaultdict(list)
    for row in table.rows:
        if row.cells.get("reference"):
            by_reference[row.cells["reference"]].append(row.number)
    for reference, numbers in (duplicates or {}).items():
        if reference in by_reference:
            by_reference[reference] = numbers
    existing = _load_accounts(session, [r for r in by_reference if len(r) <= 40])
    fields = _DebtorParsers(session, today).fields()
    problems: list[Problem] = []
    valid: list[tuple[int, dict[str, Any]]] = []
    for row in table.rows:
        values, row_problems = _check_debtor_row(row, fields, by_reference, existing)
        problems.extend(row_problems)
        if values is not None:
            valid.append((row.number, values))
    plan_rows = _assign_debtors(session, valid, existing)
    stored = _load_debtors(session, [r.target[1] for r in plan_rows if r.target[0] == "id"])
    desired = _desired_debtors(plan_rows, stored)
    _set_outcomes(plan_rows, desired, stored)
    return _DebtorPlan(rows=plan_rows, problems=problems, desired=desired, stored=stored)


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


def _debtor_changed(desired: dict[str, Any], stored: dict[str, Any]) -> bool:
    return any(desired[f] != stored[f] for f in _DEBTOR_FIELDS)



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
