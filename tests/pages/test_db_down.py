"""PostgreSQL stopped and started under a signed-in session: a sentence, "Try again", no loss."""

import subprocess

import pytest
from sqlalchemy import text

from core.store import db
from tests.conftest import need, open_app
from tests.factories import make_user
from tests.pg import TempPostgres, pg_bin
from ui.session import DB_DOWN_SENTENCE


@pytest.fixture
def own_postgres(monkeypatch):
    """A PostgreSQL server of this test's own, so it can be stopped and started again."""
    need(pg_bin() is not None, "PostgreSQL (initdb/pg_ctl)")
    server = TempPostgres()
    url = server.start()
    monkeypatch.setenv("DATABASE_URL", url)
    yield server, url
    db.dispose_engines()
    server.stop()


def _pg_ctl(server, *args):
    cmd = [str(server.bin / "pg_ctl"), "-D", str(server.data), *args]
    if server.as_root:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True)


def test_a_lost_database_shows_one_sentence_and_the_session_carries_on(own_postgres):
    server, url = own_postgres
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.write_session(engine) as s:
        agent = make_user(s, "agent")
    engine.dispose()
    # Given an agent signed in on My day
    at = open_app(user=agent)
    assert not at.exception and at.title[0].value == "My day"
    token = at.session_state["auth_token"]
    # When PostgreSQL stops and the page reruns
    _pg_ctl(server, "-m", "fast", "-w", "stop")
    at.run()
    # Then one plain sentence and a "Try again", no traceback, and the session is kept
    assert not at.exception
    assert [e.value for e in at.error] == [DB_DOWN_SENTENCE]
    assert [b.label for b in at.button] == ["Try again"]
    assert at.session_state["auth_token"] == token
    # And when it is back, "Try again" carries on where they were, still signed in
    _pg_ctl(server, "-w", "-l", str(server.dir / "log"), "-o",
            f"-p {server.port} -k {server.dir} -c listen_addresses=127.0.0.1", "start")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "My day"
    assert at.session_state["user_id"] == agent.id
    with db.get_engine(url).connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
