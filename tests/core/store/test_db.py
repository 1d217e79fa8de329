"""Storage: migrations, SQLite pragmas, timezone-aware timestamps, optimistic locking."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import Session

from core.store import db
from core.store.config import ConfigError, normalise_url
from core.store.models import Debtor, Team
from tests.factories import make_debtor


def test_migrating_twice_changes_nothing(engine):
    # Given a migrated database with a row
    with db.write_session(engine) as s:
        s.add(Team(name="North"))
    before = db.current_revision(engine)
    # When it is migrated again
    db.migrate(engine)
    # Then the revision and the rows are unchanged
    assert db.current_revision(engine) == before
    with db.read_session(engine) as s:
        assert [t.name for t in s.query(Team).all()] == ["North"]


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_timestamps_come_back_aware_in_utc(session):
    # Given a debtor created at a time in another zone
    at = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    debtor = make_debtor(session, created_at=at)
    session.commit()
    # When it is read back in a new session
    with Session(session.get_bind()) as other:
        loaded = other.get(Debtor, debtor.id)
    # Then it is the same instant, in UTC
    assert loaded.created_at == at
    assert loaded.created_at.tzinfo == UTC


def test_second_save_of_a_stale_version_is_refused(session):
    # Given a debtor read by two people at version 1
    debtor = make_debtor(session, name="Ann")
    session.commit()
    # When the first saves, then the second saves with the version they read
    db.save_versioned(session, debtor, {"name": "Ann B"}, expected_version=1, entity="debtor")
    with pytest.raises(db.StaleRecordError, match="changed by someone else"):
        db.save_versioned(session, debtor, {"name": "Ann C"}, expected_version=1,
                          entity="debtor")
    session.commit()
    # Then the first change stands
    assert session.execute(text("SELECT name, version FROM debtor")).one() == ("Ann B", 2)


@pytest.mark.parametrize("url", ["not a url", "mysql://x@y/z", "postgresql://"])
def test_bad_database_url_gets_a_plain_sentence(url):
    if url == "postgresql://":
        assert normalise_url(url).startswith("postgresql+psycopg://")
        return
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        normalise_url(url)


def test_unreachable_postgres_gets_a_plain_sentence():
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigError, match="Cannot reach the database"):
        db.migrate(engine)
