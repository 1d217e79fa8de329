"""core.store.versions: every committed write bumps its tables' versions, nothing else does."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update
from sqlmodel import Session, select

from core.store import db, versions
from core.store.models import Debtor, User
from tests.factories import make_account, make_checkin, make_debtor, make_user


def _versions(engine) -> dict[str, int]:
    with db.read_session(engine) as session:
        return versions.current(session)


def test_a_committed_write_bumps_the_tables_it_wrote_once(engine):
    # Given a database with an agent and a debtor
    with db.write_session(engine) as session:
        make_debtor(session, make_user(session, "agent"))
    before = _versions(engine)
    assert before["debtor"] >= 1 and before["app_user"] >= 1
    # When one transaction adds an account and changes the debtor twice (ORM and Core)
    with db.write_session(engine) as session:
        debtor = session.exec(select(Debtor)).one()
        make_account(session, debtor)
        session.execute(update(Debtor).where(Debtor.id == debtor.id).values(version=5))
        session.execute(text("UPDATE debtor SET version = 6"))
    after = _versions(engine)
    # Then debtor and account went up by one each, and the user table did not move
    assert after["debtor"] == before["debtor"] + 1
    assert after["account"] == before.get("account", 0) + 1
    assert after["app_user"] == before["app_user"]


def test_a_rolled_back_write_bumps_nothing(engine):
    # Given a debtor
    with db.write_session(engine) as session:
        make_debtor(session, make_user(session, "agent"))
    before = _versions(engine)
    # When a transaction changes it and then fails
    with pytest.raises(RuntimeError), db.write_session(engine) as session:
        session.execute(text("UPDATE debtor SET version = 9"))
        raise RuntimeError("refused")
    # Then no version moved, and the next commit of a read-only session moves none either
    assert _versions(engine) == before
    with Session(engine) as session:
        session.exec(select(Debtor)).all()
        session.commit()
    assert _versions(engine) == before


def test_reading_names_the_tables_a_query_came_from(engine):
    # Given a debtor with an account
    with db.write_session(engine) as session:
        make_account(session, make_debtor(session, make_user(session, "agent")))
    # When a join of debtors and accounts is read inside versions.reading()
    with db.read_session(engine) as session, versions.reading() as seen:
        session.execute(text("SELECT d.id FROM debtor AS d JOIN account a ON a.debtor_id = d.id"))
        session.exec(select(Debtor.id)).all()
    # Then both tables are named, and nothing else
    assert seen == {"debtor", "account"}


def test_a_check_in_bumps_the_debtor_its_trigger_writes(engine):
    # Given a debtor
    with db.write_session(engine) as session:
        debtor = make_debtor(session, agent := make_user(session, "agent"))
        ids = debtor.id, agent.id
    before = _versions(engine)
    # When a check-in is added (the database's trigger then sets debtor.last_checkin_at)
    with db.write_session(engine) as session:
        make_checkin(session, session.get(Debtor, ids[0]), session.get(User, ids[1]))
    # Then the debtor's version moved too, so cached reads of debtors are read again
    after = _versions(engine)
    assert after["checkin"] == before.get("checkin", 0) + 1
    assert after["debtor"] == before["debtor"] + 1
