"""Migrations: an older database upgrades keeping every row; the audit trail is append-only."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.store import db
from core.store.models import AuditEvent, utcnow
from tests.factories import make_account, make_debtor, make_user


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_engine(request, tmp_path):
    """An empty database (no migrations applied)."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    else:
        url = request.getfixturevalue("postgres_url")
        engine = db.make_engine(url)
        with engine.begin() as conn:  # the copied template is migrated: start from nothing
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    yield engine
    engine.dispose()


def test_upgrading_from_the_first_revision_keeps_every_row(blank_engine):
    # Given a database made by the first revision, holding a user, a debtor and an account
    db.migrate(blank_engine, "0001")
    with blank_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO app_user (id, username, display_name, role, active, password_hash, "
            "created_at, version) VALUES (1, 'sam', 'Sam', 'agent', true, 'x', :now, 1)"),
            {"now": utcnow()})
        conn.execute(text(
            "INSERT INTO debtor (id, kind, name, preferred_name, email, phone, preferred_channel,"
            " language, timezone, contact_window_start, contact_window_end, opted_out,"
            " communication_notes, cultural_notes, circumstances, needs, owner_id, vulnerable,"
            " created_at, updated_at, version) VALUES (1, 'person', 'Ann Lee', 'Ann', '', '',"
            " 'phone', 'en', 'Europe/London', '09:00:00', '19:00:00', 'sms', '', '', '', '', 1,"
            " false, :now, :now, 1)"), {"now": utcnow()})
    # When it is upgraded to the newest revision
    db.migrate(blank_engine)
    # Then the rows are all there, unchanged
    with blank_engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM app_user")).scalars().all() == ["sam"]
        assert conn.execute(text("SELECT name, opted_out FROM debtor")).one() == ("Ann Lee",
                                                                                  "sms")
    assert db.current_revision(blank_engine) == db.head_revision()


def test_audit_events_cannot_be_changed_or_deleted(session):
    # Given an audit event
    session.add(AuditEvent(action="test", entity="debtor", entity_id=1))
    session.commit()
    # When someone tries to change or delete it straight in the database
    for statement in ("UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    # Then it is as it was
    assert session.execute(text("SELECT action FROM audit_event")).scalars().all() == ["test"]


def test_checkins_cannot_be_deleted(session):
    agent = make_user(session)
    debtor = make_debtor(session, agent)
    make_account(session, debtor)
    session.execute(text(
        "INSERT INTO checkin (debtor_id, at, channel, direction, outcome, right_party, "
        "life_changes, signposting, needs, next_step, notes, agent_id, rule_override_reason, "
        "created_at) VALUES (:d, :now, 'phone', 'outbound', 'spoke', true, '', '', '', '', '', "
        ":a, '', :now)"), {"d": debtor.id, "a": agent.id, "now": utcnow()})
    session.commit()
    with pytest.raises(DBAPIError, match="never deleted"):
        session.execute(text("DELETE FROM checkin"))
    session.rollback()
    assert session.execute(text("SELECT count(*) FROM checkin")).scalar() == 1
