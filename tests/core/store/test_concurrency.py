"""Many agents writing at once: nothing lost, no "database is locked", no silent overwrite."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from core.checkins.service import CheckInInput, log_checkin
from core.debtors.service import update_preferences
from core.store import db
from core.store.models import CheckIn, Debtor, DebtorUpdate, User
from tests.factories import make_account, make_debtor, make_user

THREADS = 20
PER_THREAD = 50


@pytest.fixture
def cpu_burner():
    """Every core kept busy by another process while the test runs (a loaded machine)."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(os.cpu_count() or 2)]
    try:
        yield len(burners)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def test_twenty_agents_writing_fifty_checkins_each_lose_nothing(engine, cpu_burner):
    # Given twenty agents, each with a debtor, on a machine whose every core is busy
    with db.write_session(engine) as s:
        pairs = []
        for _ in range(THREADS):
            agent = make_user(s, "agent")
            debtor = make_debtor(s, agent)
            account = make_account(s, debtor)
            pairs.append((agent.id, debtor.id, account.id))

    def agent_works(pair: tuple[int, int, int]) -> int:
        agent_id, debtor_id, account_id = pair
        for n in range(PER_THREAD):
            with db.write_session(engine) as s:
                actor = s.get(User, agent_id)
                log_checkin(s, actor=actor, data=CheckInInput(
                    debtor_id=debtor_id, account_id=account_id, channel="email",
                    direction="inbound", outcome="spoke", right_party=True, wellbeing=3,
                    notes=f"note {n}", create_followup=False))
        return PER_THREAD

    # When they all log check-ins at the same time
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        done = sum(pool.map(agent_works, pairs))

    # Then every one of the 1,000 check-ins is there, and no error was raised
    assert done == THREADS * PER_THREAD
    with db.read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(CheckIn)).one()[0] == 1000
        per_agent = s.exec(select(CheckIn.agent_id, func.count()).group_by(CheckIn.agent_id))
        assert {count for _, count in per_agent.all()} == {PER_THREAD}


def test_second_editor_of_a_debtor_is_told_to_reload(engine):
    # Given a debtor that two agents opened at version 1
    with db.write_session(engine) as s:
        agent = make_user(s, "agent")
        debtor = make_debtor(s, agent, communication_notes="first")
    with Session(engine) as s:
        agent = s.get(User, agent.id)
    # When both save a change, one after the other
    with db.write_session(engine) as s:
        update_preferences(s, actor=agent, debtor_id=debtor.id, expected_version=1,
                           changes=DebtorUpdate(communication_notes="from the first agent"))
    with pytest.raises(db.StaleRecordError, match="changed by someone else"):
        with db.write_session(engine) as s:
            update_preferences(s, actor=agent, debtor_id=debtor.id, expected_version=1,
                               changes=DebtorUpdate(communication_notes="from the second"))
    # Then the first change stands
    with db.read_session(engine) as s:
        assert s.get(Debtor, debtor.id).communication_notes == "from the first agent"


def test_a_write_lock_held_too_long_gets_a_plain_sentence_and_saves_nothing(sqlite_engine,
                                                                              monkeypatch):
    import sqlite3

    from sqlalchemy import text

    # Given another program holding SQLite's write lock, and a short wait for each try
    monkeypatch.setattr(db, "BUSY_ATTEMPTS", 3)
    path = sqlite_engine.url.database
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    engine = db.make_engine(f"sqlite:///{path}")

    @db.event.listens_for(engine, "connect")
    def _short_wait(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=100")

    try:
        # When an agent saves
        with pytest.raises(db.DatabaseBusyError, match="busy with other saves"):
            with db.write_session(engine) as s:
                s.execute(text("INSERT INTO team (name) VALUES ('North')"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Then nothing was saved, and once the lock is free the same save goes through
    with db.write_session(engine) as s:
        assert s.execute(text("SELECT count(*) FROM team")).scalar() == 0
        s.execute(text("INSERT INTO team (name) VALUES ('North')"))
    engine.dispose()
