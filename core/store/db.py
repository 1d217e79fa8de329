"""Engines, sessions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    cast,
    create_engine,
    event,
    func,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InternalError, OperationalError, ProgrammingError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel

from core.errors import UserError
from core.store import guards, models, versions  # noqa: F401  (models registers every table)
from core.store.config import ROOT, ConfigError, database_url, migration_database_url

log = logging.getLogger(__name__)

MIGRATIONS = ROOT / "migrations"
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


class StaleRecordError(UserError):
    """Somebody else saved this record since it was read."""

    def __init__(self, entity: str = "record") -> None:
        super().__init__(f"This {entity} was changed by someone else — reload to see their change.")


SQLITE_MMAP_BYTES = 256 * 1024 * 1024


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Python's sqlite3 must not open transactions itself; the "begin" hook below does.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Read pages straight from the file's memory map instead of copying each one through a
    # read() call into a 2 MB per-connection cache: about half the time of the stand-up's and
    # the insight's index probes at 1,000,000 check-ins (docs/benchmarks.md). The map is the
    # operating system's page cache, shared by every connection, not memory of our own.
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cur.close()


BUSY_ATTEMPTS = 4  # tries at the write lock (each waits up to the busy timeout) before giving up
BUSY_SENTENCE = ("The database is busy with other saves just now, so nothing was saved. "
                 "Please try again in a moment.")


class DatabaseBusyError(UserError):
    """SQLite's write lock stayed taken through every retry; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(BUSY_SENTENCE)


def _sqlite_begin(conn) -> None:
    # Writers take the write lock up front so two agents saving at once queue (busy_timeout)
    # instead of failing with "database is locked" when a read transaction tries to upgrade.
    # On a loaded machine the wait can still run out: nothing has been done yet at BEGIN, so
    # it is retried a few times, then refused with one plain sentence.
    if not conn.get_execution_options().get("write"):
        conn.exec_driver_sql("BEGIN")
        return
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
                raise
            if attempt == BUSY_ATTEMPTS:
                raise DatabaseBusyError() from exc
            log.info("The database was busy; trying again (%d of %d)", attempt, BUSY_ATTEMPTS)
            time.sleep(random.uniform(0.05, 0.25) * attempt)


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600) before SQLite opens it; its
    -wal and -shm files take the same mode. An existing file keeps the mode it has."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default: the configured DATABASE_URL)."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=20,
            connect_args={"connect_timeout": 5},
        )
    return versions.track(engine)


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url`, made once."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    """Close every cached engine (tests and CLIs)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; nothing it does is committed."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls everything back on any error."""
    with Session(engine.execution_options(write=True), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def check_connection(engine: Engine) -> None:
    """Raise ConfigError with one plain sentence if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise ConfigError(
            f"Cannot reach the database at {where}; check DATABASE_URL and that the server "
            "is running."
        ) from exc


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`; running it again changes nothing.

    At head it also checks, at every start, that the database's own guards are in place
    (core.store.guards: the append-only triggers) and puts back any that are missing. On
    PostgreSQL, when MIGRATION_DATABASE_URL names the same database as the owner, migrations
    and guards run as the owner and the app's role (this engine's user) is given only the
    rights it needs.
    """
    check_connection(engine)
    owner = _owner_engine(engine)
    try:
        if not (revision == "head" and current_revision(owner) == head_revision()):
            cfg = _alembic_config(owner)
            with owner.begin() as conn:
                conn.execution_options(versions=False)
                _migration_lock(conn)
                cfg.attributes["connection"] = conn
                command_upgrade(cfg, revision)
        if revision == "head":
            _keep_guards(owner, app_role=engine.url.username)
    finally:
        if owner is not engine:
            owner.dispose()


def command_upgrade(cfg, revision: str) -> None:
    from alembic import command

    command.upgrade(cfg, revision)


def _migration_lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # One app instance migrates at a time.
        conn.execute(text("SELECT pg_advisory_xact_lock(715517)"))


def _owner_engine(engine: Engine) -> Engine:
    """The engine migrations run on: MIGRATION_DATABASE_URL's when it is the same PostgreSQL
    database as `engine` (a different user), else `engine` itself."""
    owner_url = migration_database_url()
    if not owner_url or engine.dialect.name != "postgresql":
        return engine
    owner, app = make_url(owner_url), engine.url
    same = (owner.host, owner.port, owner.database) == (app.host, app.port, app.database)
    if not same or owner.username == app.username:
        return engine
    owner_engine = make_engine(owner_url)
    check_connection(owner_engine)
    return owner_engine


def _keep_guards(owner: Engine, *, app_role: str | None) -> None:
    """Put back missing append-only guards; give a separate app role its rights."""
    split = owner.dialect.name == "postgresql" and app_role and app_role != owner.url.username
    with owner.connect() as conn:
        if not guards.missing(conn) and not split:
            return
    try:
        with owner.begin() as conn:
            _migration_lock(conn)
            restored = guards.ensure(conn)
            if split:
                guards.grant_app_rights(conn, app_role)
    except (ProgrammingError, InternalError) as exc:
        raise ConfigError(
            "The database's append-only guards are missing and this database user may not "
            "put them back; start the app once with MIGRATION_DATABASE_URL set to the "
            "owner's URL.") from exc
    if restored:
        log.warning("Put back the database guards that were missing: %s",
                    ", ".join(sorted(restored)))


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None when it has none."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision the code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()



def serial_tables() -> list[str]:
    """The tables whose primary key is a generated integer `id` (a sequence on PostgreSQL)."""
    names = []
    for table in SQLModel.metadata.sorted_tables:
        column = table.c.get("id")
        if column is not None and column.primary_key and column.autoincrement in (True, "auto") \
                and len(table.primary_key.columns) == 1:
            names.append(table.name)
    return names


def reset_sequences(conn: Connection | Session) -> dict[str, int]:
    """Move every PostgreSQL id sequence past its table's largest id; {table: value set}.

    A bulk load that writes explicit ids (the demo, a restore, an import that chose its own
    ids) leaves the sequences where they were, so the next ordinary insert would collide
    with a loaded row. Run after every such load; on SQLite (which takes max(id) + 1) it
    does nothing. Safe to run at any time: a sequence is never moved backwards.
    """
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    if bind.dialect.name != "postgresql":
        return {}
    moved: dict[str, int] = {}
    for name in serial_tables():
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                {"t": name}).scalar()
        if sequence is None:
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        # setval(seq, v, true): the next id is v + 1; v is the larger of the table's largest id
        # and the last id the sequence gave, so it never goes back. An empty table that never
        # used its sequence keeps starting at 1. `sequence` is quoted by PostgreSQL itself.
        value = conn.execute(text(
            f"SELECT setval(CAST(:seq AS regclass), GREATEST(v, 1), v >= 1) FROM (SELECT "
            f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {quoted}), (SELECT CASE WHEN "
            f"is_called THEN last_value ELSE 0 END FROM {sequence})) AS v) AS wanted"),
            {"seq": sequence}).scalar()
        moved[name] = int(value)
    return moved


def save_versioned(session: Session, obj: SQLModel, changes: dict, *, expected_version: int,
                   entity: str) -> None:
    """Apply `changes` to `obj` only if nobody saved it since `expected_version` was read."""
    table = type(obj).__table__
    values = dict(changes, version=expected_version + 1)
    result = session.execute(
        update(table)
        .where(table.c.id == obj.id, table.c.version == expected_version)
        .values(**values)
    )
    if result.rowcount != 1:
        raise StaleRecordError(entity)
    for key, value in values.items():
        set_committed_value(obj, key, value)



def sum_cents(expression) -> ColumnElement:
    """SUM of pence as a whole number on every database (PostgreSQL sums bigint as numeric)."""
    return cast(func.coalesce(func.sum(expression), 0), BigInteger)
