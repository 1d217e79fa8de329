"""Loading the demo fast: indexes dropped while loading, rows in big inserts, sequences moved
past the loaded ids, statistics refreshed, then the daily rules swept once."""

from __future__ import annotations

import json
import time as clock
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Connection, Engine, bindparam, func, select, text
from sqlmodel import Session

from core import daily
from core.demo.builder import (
    _Loader,
)
from core.demo.relationship import seed_relationship
from core.demo.shelf import seed_shares
from core.demo.summary import (
    DemoSummary,
)
from core.demo.words import (
    CHECKINS_PER_DEBTOR,
    FOLLOWUPS_PER_DEBTOR,
    LOAD_CACHE_KIB,
    LONDON,
)
from core.errors import UserError
from core.store import db, settings
from core.store.models import (
    AuditEvent,
    User,
)

# ---------------------------------------------------------------- public API


def _drop_indexes(conn: Connection, tables: list[str]) -> list[str]:
    """Drop the plain (non-constraint) indexes of `tables`; return the SQL to recreate them."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN :tables ORDER BY name"
        ).bindparams(bindparam("tables", tables, expanding=True))).all()
    else:
        rows = conn.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN :tables AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint) ORDER BY indexname"
        ).bindparams(bindparam("tables", tables, expanding=True))).all()
    preparer = conn.dialect.identifier_preparer
    for name, _ in rows:
        conn.exec_driver_sql(f"DROP INDEX {preparer.quote(name)}")
    return [definition for _, definition in rows]


def london_today() -> date:
    """Today's date in Europe/London."""
    return datetime.now(LONDON).date()


def has_users(engine: Engine) -> bool:
    """True when the database has at least one user."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(User.__table__)).scalar_one() > 0


def load_demo(engine: Engine, *, debtors: int = 400, checkins: int | None = None,
              followups: int | None = None, agents: int = 8, seed: int = 2026,
              today: date | None = None,
              progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Migrate, then load a deterministic demo team with six months of history."""
    if debtors < 1:
        raise UserError("Load at least one debtor.")
    if agents < 1:
        raise UserError("Load at least one agent.")
    checkins = debtors * CHECKINS_PER_DEBTOR if checkins is None else checkins
    followups = debtors * FOLLOWUPS_PER_DEBTOR if followups is None else followups
    if checkins < 0 or followups < 0:
        raise UserError("The numbers of check-ins and follow-ups can't be negative.")
    today = today or london_today()
    started = clock.perf_counter()
    db.migrate(engine)
    seconds = {"migrate": clock.perf_counter() - started}
    with engine.execution_options(write=True).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A bigger page cache keeps the check-in indexes in memory while they grow.
            conn.exec_driver_sql(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
        try:
            loader = _Loader(conn, seed=seed, today=today, debtors=debtors, checkins=checkins,
                             followups=followups, agents=agents)
            loader.make_users()
            phase = clock.perf_counter()
            indexes = _drop_indexes(conn, list(_Loader.BULK_TABLES))
            loader._time("drop indexes", phase)
            loader.make_debtors(progress)
            phase = clock.perf_counter()
            for definition in indexes:
                conn.exec_driver_sql(definition)
            loader._time("create indexes", phase)
            phase = clock.perf_counter()
            session = Session(bind=conn)
            settings.set_system(session, "demo_data", "true")
            session.add(AuditEvent(action="demo.load", entity="demo", entity_id=None,
                                   after_json=json.dumps(loader.summary.counts(),
                                                         sort_keys=True)))
            session.flush()
            session.close()
            # The rows carry the ids chosen here: move PostgreSQL's sequences past them, or the
            # first check-in, payment or plan saved afterwards would collide with a demo row.
            db.reset_sequences(conn)
            conn.commit()
            loader._time("commit", phase)
            # Fresh statistics let the planner use the new indexes from the first page view.
            phase = clock.perf_counter()
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
            loader._time("analyze", phase)
        finally:
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql("PRAGMA cache_size=-2000")
                conn.commit()
    swept = daily.run(engine, today=today).counts  # the demo leaves a swept database
    summary = loader.summary
    summary.followups += swept.get("followups", 0) + swept.get("wobble_followups", 0)
    summary.open_followups += swept.get("followups", 0) + swept.get("wobble_followups", 0)
    care = seed_relationship(engine, today=today)  # after-care and goodwill, via the services
    seed_shares(engine, today=today)  # free help shared and followed up, via the services
    summary.followups += care
    summary.open_followups += care
    summary.seconds = {**seconds, **loader.seconds, "total": clock.perf_counter() - started}
    return summary
