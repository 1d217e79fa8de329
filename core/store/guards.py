"""What the database itself refuses: the records that are never changed, and the app's rights.

"Never changed" is kept by triggers, not only by the code, so a stray script, a console session
or a bug cannot rewrite history:

* audit events: no UPDATE, DELETE (or TRUNCATE);
* check-ins: no UPDATE or DELETE (a correction is a new `checkin_amendment` row);
* check-in amendments and consent (vulnerability) records: no UPDATE or DELETE.

`ensure(conn)` puts back any guard that is missing or switched off; `db.migrate` calls it at
every start, so a restored or hand-edited database is guarded again before the app uses it.
On PostgreSQL, `grant_app_rights` gives the app's own role only what it needs (no TRUNCATE;
not the owner, so no ALTER and no DISABLE TRIGGER) when migrations run as the owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Guard:
    """One table's refusal: which operations, and the sentence the database answers with."""

    table: str
    operations: tuple[str, ...]  # of UPDATE, DELETE
    message: str


GUARDS: tuple[Guard, ...] = (
    Guard("audit_event", ("UPDATE", "DELETE"), "audit events are append-only"),
    Guard("checkin", ("DELETE",), "check-ins are never deleted; add an amendment"),
    Guard("checkin", ("UPDATE",), "check-ins are never changed; add an amendment"),
    Guard("checkin_amendment", ("UPDATE", "DELETE"),
          "check-in amendments are append-only; add another amendment"),
    Guard("vulnerability", ("UPDATE", "DELETE"),
          "consent records are append-only; record a new one"),
)
# Tables whose rows are never deleted: on PostgreSQL TRUNCATE is refused on them as well.
NO_TRUNCATE = ("audit_event", "checkin", "checkin_amendment", "vulnerability")


def _sqlite_triggers() -> dict[str, str]:
    """{trigger name: CREATE statement} for SQLite (one trigger per table and operation)."""
    triggers = {}
    for guard in GUARDS:
        for operation in guard.operations:
            name = f"{guard.table}_no_{operation.lower()}"
            triggers[name] = (
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {guard.table} "
                f"BEGIN SELECT RAISE(ABORT, '{guard.message}'); END")
    return triggers


def _postgres_name(guard: Guard) -> str:
    # The names 0005 gave the first guards are kept, so an older database is recognised.
    if guard.table == "audit_event":
        return "audit_event_append_only"
    if guard.operations == ("DELETE",) and guard.table == "checkin":
        return "checkin_no_delete"
    if guard.operations == ("UPDATE",):
        return f"{guard.table}_no_update"
    return f"{guard.table}_append_only"


_PG_FUNCTION = """CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '% on % is not allowed: %', TG_OP, TG_TABLE_NAME, TG_ARGV[0];
       END; $$ LANGUAGE plpgsql"""


def _postgres_triggers() -> dict[str, tuple[str, str]]:
    """{trigger name: (table, CREATE statement)} for PostgreSQL."""
    triggers = {}
    for guard in GUARDS:
        name = _postgres_name(guard)
        triggers[name] = (guard.table, (
            f"CREATE TRIGGER {name} BEFORE {' OR '.join(guard.operations)} ON {guard.table} "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_change('{guard.message}')"))
    for table in NO_TRUNCATE:
        name = f"{table}_no_truncate"
        message = next(g.message for g in GUARDS if g.table == table)
        triggers[name] = (table, (
            f"CREATE TRIGGER {name} BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('{message}')"))
    return triggers


def trigger_names(dialect: str) -> set[str]:
    """The names of every guard trigger on `dialect` ('sqlite' or 'postgresql')."""
    return set(_sqlite_triggers() if dialect == "sqlite" else _postgres_triggers())


def present_sqlite(conn) -> set[str]:
    """The guard triggers a SQLite connection (sqlite3 or SQLAlchemy) has."""
    rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                        if isinstance(conn, Connection) else
                        "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {row[0] for row in rows} & trigger_names("sqlite")


def missing(conn: Connection) -> set[str]:
    """Guard triggers that are absent, or (PostgreSQL) switched off with DISABLE TRIGGER."""
    if conn.dialect.name == "sqlite":
        return trigger_names("sqlite") - present_sqlite(conn)
    enabled = set(conn.execute(text(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND n.nspname = current_schema()"
    )).scalars())
    return trigger_names("postgresql") - enabled


def ensure(conn: Connection) -> set[str]:
    """Create (or switch back on) every missing guard; returns the names it put back.

    Idempotent: with every guard in place it only reads the catalogue.
    """
    absent = missing(conn)
    if not absent:
        return set()
    if conn.dialect.name == "sqlite":
        for name, statement in _sqlite_triggers().items():
            if name in absent:
                conn.execute(text(statement))
        return absent
    conn.execute(text(_PG_FUNCTION))
    for name, (table, statement) in _postgres_triggers().items():
        if name not in absent:
            continue
        exists = conn.execute(text(
            "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname = :name "
            "AND c.relname = :table AND n.nspname = current_schema()"),
            {"name": name, "table": table}).first()
        if exists:
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))
        else:
            conn.execute(text(statement))
    return absent


def grant_app_rights(conn: Connection, role: str) -> None:
    """Give the app's PostgreSQL role what it needs and nothing more (run as the owner).

    Read and write rows; never TRUNCATE; never change or delete the append-only records;
    use the id sequences (setval too, for bulk loads). Not being the owner, the role cannot
    ALTER a table or DISABLE a trigger.
    """
    if conn.dialect.name != "postgresql":
        return
    who = conn.dialect.identifier_preparer.quote(role)
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    where = conn.dialect.identifier_preparer.quote(schema)
    conn.execute(text(f"GRANT USAGE ON SCHEMA {where} TO {who}"))
    conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}"))
    conn.exec_driver_sql(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {who}")
    conn.execute(text(f"REVOKE UPDATE, DELETE ON {', '.join(NO_TRUNCATE)} FROM {who}"))
    conn.exec_driver_sql(
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {where} TO {who}")
