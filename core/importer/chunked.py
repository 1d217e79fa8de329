"""Large imports: checked and written a chunk at a time, each chunk in its own short write.

The file is streamed (never held as rows): one pass checks its shape and finds repeated
references, then rows are read `CHUNK_READ` at a time. Each chunk is checked against the
database in a read transaction and written in its own write transaction, so SQLite's write
lock is held for a moment per chunk and agents' saves go in between. Each row is still whole
or not at all; a chunk the database refuses is retried row by row (write.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine

from core.importer.check import _plan_debtors, _plan_payments
from core.importer.read import (
    CHUNK_READ,
    FILE,
    ImportPreview,
    ImportResult,
    Problem,
    _check_kind,
    _chunks_of,
    _scan,
)
from core.importer.write import _apply_debtors, _apply_payments, _column_order
from core.permissions import require_lead
from core.store import audit, settings
from core.store.db import read_session, reset_sequences, write_session
from core.store.models import User

MAX_PROBLEMS = 2_000  # problems listed; the rest are counted (the CSV of problems has these)
Progress = Callable[[int, int], None]  # (rows done, rows in the file)


def _actor(session, actor_id: int) -> User:
    """The importing user, read again in this transaction: still active, still a lead."""
    user = session.get(User, actor_id)
    if user is None or not user.active:
        raise PermissionError("You are signed out or no longer active, so nothing was imported.")
    require_lead(user)
    return user


class _Tally:
    def __init__(self, cls: type[ImportPreview], kind: str, rows: int, ignored: list[str]):
        self.result = cls(kind=kind, rows=rows, ignored_columns=ignored)
        self.refused_rows: set[int] = set()

    def add(self, outcomes, problems: list[Problem]) -> None:
        for outcome in outcomes:
            setattr(self.result, outcome, getattr(self.result, outcome) + 1)
        for problem in problems:
            self.refused_rows.add(problem.row_number)
            if len(self.result.problems) < MAX_PROBLEMS:
                self.result.problems.append(problem)

    def done(self) -> ImportPreview:
        self.result.refused = len(self.refused_rows)
        kind = self.result.kind
        self.result.problems.sort(key=lambda p: (p.row_number or 0,
                                                 _column_order(kind, p.column)))
        return self.result


def _refused(cls, kind: str, message: str, rows: int) -> ImportPreview:
    return cls(kind=kind, rows=rows, refused=rows, problems=[Problem(None, FILE, message)])


def preview_file(engine: Engine, *, actor_id: int, kind: str, data, today: date | None = None,
                 progress: Progress | None = None) -> ImportPreview:
    """What importing `data` (bytes or a binary file) would do, a chunk at a time; writes
    nothing and holds no more than a chunk of rows."""
    _check_kind(kind)
    with read_session(engine) as session:
        _actor(session, actor_id)
        today = today or settings.office_today(session)
    scan = _scan(kind, data)
    if scan.problem:
        return _refused(ImportPreview, kind, scan.problem, scan.rows)
    tally = _Tally(ImportPreview, kind, scan.rows, scan.ignored)
    done = 0
    for table in _chunks_of(kind, data, scan):
        with read_session(engine) as session:
            if kind == "debtors":
                plan = _plan_debtors(session, table, today, scan.duplicates)
                tally.add((r.outcome for r in plan.rows), plan.problems)
            else:
                payments, problems = _plan_payments(session, table, today)
                tally.add((r.outcome for r in payments), problems)
        done += len(table.rows)
        if progress:
            progress(done, scan.rows)
    return tally.done()


def import_file(engine: Engine, *, actor_id: int, kind: str, data, today: date | None = None,
                progress: Progress | None = None, chunk_rows: int = CHUNK_READ
                ) -> ImportResult:
    """Import `data` a chunk at a time, each chunk committed on its own (each row whole or
    not at all); refused rows are listed. Audited once at the end."""
    _check_kind(kind)
    with read_session(engine) as session:
        _actor(session, actor_id)
        today = today or settings.office_today(session)
    scan = _scan(kind, data)
    if scan.problem:
        return _refused(ImportResult, kind, scan.problem, scan.rows)
    tally = _Tally(ImportResult, kind, scan.rows, scan.ignored)
    done = 0
    for table in _chunks_of(kind, data, scan, chunk_rows):
        _import_chunk(engine, actor_id, kind, table, today, scan.duplicates, tally)
        done += len(table.rows)
        if progress:
            progress(done, scan.rows)
    result = tally.done()
    with write_session(engine) as session:
        if kind == "debtors":
            reset_sequences(session)
        if result.created or result.updated:
            audit.record(session, actor_id=actor_id, action=f"import.{kind}", entity="import",
                         entity_id=None, after={"kind": kind, "rows": result.rows,
                                                "created": result.created,
                                                "updated": result.updated,
                                                "unchanged": result.unchanged,
                                                "refused": result.refused})
    assert isinstance(result, ImportResult)
    return result


def _import_chunk(engine: Engine, actor_id: int, kind: str, table, today: date,
                  duplicates: dict[str, list[int]], tally: _Tally) -> None:
    """Check the chunk while reading (no write lock), then write it in one short transaction;
    a row changed by someone in between is refused ("changed by someone else")."""
    with read_session(engine) as session:
        if kind == "debtors":
            plan = _plan_debtors(session, table, today, duplicates)
        else:
            payments, problems = _plan_payments(session, table, today)
    with write_session(engine) as session:
        actor = _actor(session, actor_id)
        if kind == "debtors":
            written, failed = _apply_debtors(session, plan, actor)
            outcomes = [r.outcome for r in written]
            outcomes += [r.outcome for r in plan.rows if r.outcome == "unchanged"]
            problems = plan.problems + failed
        else:
            paid, failed = _apply_payments(session, payments, actor, today)
            outcomes = [r.outcome for r in paid]
            outcomes += [r.outcome for r in payments if r.outcome == "unchanged"]
            problems = problems + failed
    tally.add(outcomes, problems)
