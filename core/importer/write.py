"""Writing an import: rows in chunks inside savepoints, each row whole or not at all; audited."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from core.importer.cells import _chunks, _shown
from core.importer.check import (
    _ACCOUNT_FIELDS,
    _DEBTOR_FIELDS,
    _debtor_changed,
    _DebtorPlan,
    _DebtorRow,
    _model_defaults,
    _name_key,
    _PaymentRow,
    _plan_debtors,
    _plan_payments,
)
from core.importer.read import (
    COLUMNS,
    ImportPreview,
    ImportResult,
    Problem,
    _check_kind,
    _read,
    _Table,
)
from core.payment_plans.service import record_payment
from core.permissions import require_lead
from core.store import audit, settings
from core.store.db import (
    StaleRecordError,
    reset_sequences,
)
from core.store.models import (
    Account,
    AccountStatus,
    AuditEvent,
    Debtor,
    User,
    utcnow,
)

CHUNK_ROWS = 2000

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
