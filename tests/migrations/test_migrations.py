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


# ---------------------------------------------------------------- never changed, by the database


def _a_checkin_with_amendment_and_consent(session):
    from tests.factories import make_checkin, make_vulnerability

    agent = make_user(session)
    debtor = make_debtor(session, agent)
    make_account(session, debtor)
    checkin = make_checkin(session, debtor, agent)
    make_vulnerability(session, debtor)
    session.execute(text(
        "INSERT INTO checkin_amendment (checkin_id, field, before, after, reason, amended_by, "
        "amended_at) VALUES (:c, 'notes', 'old', 'new', 'typo', :a, :now)"),
        {"c": checkin.id, "a": agent.id, "now": utcnow()})
    session.commit()
    return checkin


REFUSED = [
    ("UPDATE checkin SET notes = 'rewritten'", "never changed"),
    ("UPDATE checkin_amendment SET after = 'forged'", "append-only"),
    ("DELETE FROM checkin_amendment", "append-only"),
    ("UPDATE vulnerability SET active = false", "append-only"),
    ("DELETE FROM vulnerability", "append-only"),
]


@pytest.mark.parametrize(("statement", "message"), REFUSED, ids=[s for s, _ in REFUSED])
def test_checkins_amendments_and_consent_cannot_be_rewritten(session, statement, message):
    # Given a check-in with an amendment and a consent record
    _a_checkin_with_amendment_and_consent(session)
    before = {t: session.execute(text(f"SELECT * FROM {t} ORDER BY id")).all()
              for t in ("checkin", "checkin_amendment", "vulnerability")}
    # When someone changes or deletes one straight in the database
    with pytest.raises(DBAPIError, match=message):
        session.execute(text(statement))
    session.rollback()
    # Then every row is as it was
    for table, rows in before.items():
        assert session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all() == rows


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite has no TRUNCATE
def test_postgres_refuses_truncating_the_records_that_are_never_deleted(session):
    assert session.get_bind().dialect.name == "postgresql"
    _a_checkin_with_amendment_and_consent(session)
    for table in ("checkin", "checkin_amendment", "vulnerability", "audit_event"):
        with pytest.raises(DBAPIError, match="not allowed"):
            session.execute(text(f"TRUNCATE {table} CASCADE"))
        session.rollback()
    assert session.execute(text("SELECT count(*) FROM checkin")).scalar() == 1


def _drop_or_disable_guards(engine):
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER checkin_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER checkin_no_update ON checkin")
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")


def test_every_start_puts_back_a_dropped_or_disabled_guard(engine):
    from core.store import guards

    # Given a database at the newest revision whose guards someone dropped or switched off
    _drop_or_disable_guards(engine)
    with engine.connect() as conn:
        assert guards.missing(conn)
    # When the app starts (migrate runs; the revision is already the newest)
    db.migrate(engine)
    # Then every guard is back, and an UPDATE of a check-in is refused again
    with engine.connect() as conn:
        assert guards.missing(conn) == set()
    with db.write_session(engine) as s:
        _a_checkin_with_amendment_and_consent(s)
    with pytest.raises(DBAPIError, match="never changed"):
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE checkin SET notes = 'x'")
    # And a second start changes nothing
    with engine.connect() as conn:
        assert guards.ensure(conn) == set()


def test_the_app_role_on_postgres_cannot_truncate_or_alter(postgres_url, monkeypatch):
    """Migrations as the owner (MIGRATION_DATABASE_URL), the app as a role with fewer rights."""
    import uuid

    from sqlalchemy.engine import make_url

    from core.store.models import Debtor

    # Given an app role that is not the owner, and migrations configured to run as the owner
    role = f"recovery_app_{uuid.uuid4().hex[:8]}"
    owner = db.make_engine(postgres_url)
    with owner.begin() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
    app_url = make_url(postgres_url).set(username=role).render_as_string(hide_password=False)
    monkeypatch.setenv("MIGRATION_DATABASE_URL", postgres_url)
    app = db.make_engine(app_url)
    try:
        # When the app starts (migrate) and then works as its own role
        db.migrate(app)
        with db.write_session(app) as s:
            s.add(Debtor(name="Ann Lee", preferred_name="Ann"))
        with db.write_session(app) as s:
            s.execute(text("UPDATE debtor SET preferred_name = 'Annie'"))
            _a_checkin_with_amendment_and_consent(s)
        # Then it may read and write rows, but not TRUNCATE, ALTER or switch off a guard
        for statement in ("TRUNCATE debtor CASCADE", "TRUNCATE audit_event",
                          "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
                          "ALTER TABLE checkin DROP COLUMN notes",
                          "DROP TRIGGER checkin_no_update ON checkin",
                          "DELETE FROM audit_event", "UPDATE vulnerability SET active = false"):
            with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                with app.begin() as conn:
                    conn.exec_driver_sql(statement)
        with app.connect() as conn:
            assert conn.execute(text("SELECT preferred_name FROM debtor")).scalar() == "Annie"
    finally:
        app.dispose()
        with owner.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        owner.dispose()


def test_two_instances_starting_at_once_on_postgres_migrate_once(postgres_url):
    # Given an empty PostgreSQL database
    engine = db.make_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    # When two app processes start on it at the same moment (each migrates at start-up)
    import subprocess
    import sys

    from core.store.config import ROOT

    start = ("import sys; from core.store import db; "
             "db.migrate(db.make_engine(sys.argv[1])); print('migrated')")
    runs = [subprocess.Popen([sys.executable, "-c", start, postgres_url], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    # Then both start (the advisory lock made one wait for the other), the schema is at the
    # newest revision once, and the guards are in place
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all(out.strip() == "migrated" for out, _ in outputs), outputs
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    from core.store import guards

    with engine.connect() as conn:
        assert not guards.missing(conn)
    engine.dispose()
