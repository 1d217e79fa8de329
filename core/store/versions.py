"""A version stamp per table, kept in the database, so cached reads know when to read again.

Every transaction that writes a table bumps that table's row of `data_version` just before it
commits, in the same transaction: a reader that sees the new version also sees the new rows,
on any app instance sharing the database. Nothing in the services has to say what it wrote:

* `track(engine)` watches the SQL the engine sends (ORM flushes, Core statements and text
  alike): the table after `INSERT INTO`, `UPDATE` or `DELETE FROM` is noted on the connection,
  and the connection's `commit` bumps those tables' rows, in name order (so two writers never
  wait on each other's rows in a cycle), each with one upsert;
* `reading()` notes every table a block of reads mentions, so a cached read can keep the
  versions of exactly the tables its answer came from (`ui.session.read`);
* `current(conn)` is the stamp of every table: one small SELECT.

One row per table: on PostgreSQL two transactions that write the same table queue for that
row only for the moment between the bump and their COMMIT. Migrations do not bump (they run
with the execution option `versions=False`; the app restarts after them anyway).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Connection, Engine, event, text
from sqlmodel import Field, Session, SQLModel

from core.store import models as _models  # noqa: F401  (registers every table)
from core.store import summaries as _summaries  # noqa: F401

TABLE = "data_version"
_UNTRACKED = frozenset({TABLE, "alembic_version"})
_WRITTEN = "recovery_written_tables"  # key in Connection.info: tables written this transaction
_READY = "recovery_data_version"  # key in Connection.info: this database has the table
_DML = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
                  re.IGNORECASE)
# Tables the database's own triggers write when another is written: a check-in keeps
# debtor.last_checkin_at (migration 0008) and its hour's checkin_hour row (0020). A new trigger
# that writes a table adds its line here.
TRIGGERED: dict[str, tuple[str, ...]] = {"checkin": ("debtor", "checkin_hour")}
_reads: ContextVar[set[str] | None] = ContextVar("recovery_read_tables", default=None)
_words: tuple[int, re.Pattern[str]] | None = None


class DataVersion(SQLModel, table=True):
    """How many committed transactions have written a table (`name`), counted from 0."""

    __tablename__ = TABLE
    name: str = Field(primary_key=True, max_length=63)
    version: int = 0


def _table_words() -> re.Pattern[str]:
    """A pattern finding the models' table names in SQL (made again when a job's models module
    registers more tables)."""
    global _words
    known = SQLModel.metadata.tables
    if _words is None or _words[0] != len(known):
        names = sorted(set(known) - _UNTRACKED, key=len, reverse=True)
        _words = (len(known), re.compile(
            r'(?<![\w.])"?(' + "|".join(map(re.escape, names)) + r')"?(?![\w(])'))
    return _words[1]


def track(engine: Engine) -> Engine:
    """Make every commit on `engine` bump the versions of the tables it wrote."""
    if not event.contains(engine, "before_cursor_execute", _noticed):
        event.listen(engine, "before_cursor_execute", _noticed)
        event.listen(engine, "commit", _bump)
        event.listen(engine, "rollback", _forget)
    return engine


def _noticed(conn: Connection, _cursor, statement: str, _params, _context, _many) -> None:
    reads = _reads.get()
    if reads is not None:
        reads.update(_table_words().findall(statement))
    written = _DML.match(statement)
    if written is None or not conn.get_execution_options().get("versions", True):
        return
    name = written.group(1)
    if name not in _UNTRACKED:
        conn.info.setdefault(_WRITTEN, set()).update((name, *TRIGGERED.get(name, ())))


def _forget(conn: Connection) -> None:
    conn.info.pop(_WRITTEN, None)


def _bump(conn: Connection) -> None:
    # Straight on the driver's cursor: the transaction is committing, so SQLAlchemy would not
    # start another statement in it; this one still runs inside it, before COMMIT.
    written = conn.info.pop(_WRITTEN, None)
    if not written:
        return
    style = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    sql = (f"INSERT INTO {TABLE} (name, version) VALUES ({style}, 1) ON CONFLICT (name) "
           f"DO UPDATE SET version = {TABLE}.version + 1")
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if not conn.info.get(_READY):
            if not _has_table(cursor, conn.dialect.name):
                return  # a database not yet migrated to 0017 (a test of older revisions)
            conn.info[_READY] = True
        for name in sorted(written):
            cursor.execute(sql, (name,))
    finally:
        cursor.close()


def _has_table(cursor, dialect: str) -> bool:
    if dialect == "postgresql":
        cursor.execute(f"SELECT to_regclass('{TABLE}')")
    else:
        cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{TABLE}'")
    row = cursor.fetchone()
    return row is not None and row[0] is not None


def current(session: Session | Connection) -> dict[str, int]:
    """{table: version} for every table written at least once (one small SELECT)."""
    rows = session.execute(text(f"SELECT name, version FROM {TABLE}")).all()
    return {name: int(version) for name, version in rows}


@contextmanager
def reading() -> Iterator[set[str]]:
    """Collect the names of the tables the SQL sent inside this block mentions."""
    seen: set[str] = set()
    token = _reads.set(seen)
    try:
        yield seen
    finally:
        _reads.reset(token)
