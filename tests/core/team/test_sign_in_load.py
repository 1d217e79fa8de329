"""Sign-in under a crowd and under attack: the lock-out holds, nobody else is held up."""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import func, select

from core.checkins.service import CheckInInput, log_checkin
from core.store import db
from core.store.models import CheckIn, LoginAttempt, User
from core.team import service as users
from tests.factories import make_account, make_debtor, make_user


def _count(engine, **where):
    with db.read_session(engine) as s:
        query = select(func.count()).select_from(LoginAttempt)
        for key, value in where.items():
            query = query.where(getattr(LoginAttempt, key) == value)
        return s.exec(query).one()


def test_thirty_parallel_guesses_get_exactly_five_checks(engine):
    # Given one account
    with db.write_session(engine) as s:
        make_user(s, username="target")
    # When 30 wrong guesses arrive at the same moment
    barrier = threading.Barrier(30)

    def guess(n):
        barrier.wait()
        return users.sign_in(engine, username="target", password=f"guess {n}")

    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(guess, range(30)))
    # Then exactly five passwords were checked; the other 25 met the lock
    assert _count(engine, username="target", outcome="wrong") == 5
    assert _count(engine, username="target", outcome="locked") == 25
    assert sorted({r.refusal for r in results}) == sorted({users.SIGN_IN_FAILED, users.LOCKED})


def test_twenty_people_signing_in_at_once_all_get_in(sqlite_engine):
    # Given twenty agents on SQLite
    with db.write_session(sqlite_engine) as s:
        names = [make_user(s, username=f"crowd{n}").username for n in range(20)]
    barrier = threading.Barrier(20)

    def arrive(name):
        barrier.wait()
        return users.sign_in(sqlite_engine, username=name, password="secret-pass")

    # When they all sign in at the same moment
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(arrive, names))
    # Then every one of them is in (nobody sees "database is locked")
    assert [r.refusal for r in results] == [None] * 20
    assert all(r.token for r in results)


def test_a_sign_in_flood_does_not_stop_an_agent_saving(sqlite_engine):
    # Given an agent with a debtor, and 16 threads guessing random usernames
    with db.write_session(sqlite_engine) as s:
        agent = make_user(s)
        debtor = make_debtor(s, agent)
        account = make_account(s, debtor)
    stop = threading.Event()

    def flood():
        while not stop.is_set():
            users.sign_in(sqlite_engine, username=secrets.token_hex(6), password="x",
                          client=f"10.9.{secrets.randbelow(250)}.{secrets.randbelow(250)}")

    threads = [threading.Thread(target=flood) for _ in range(16)]
    for thread in threads:
        thread.start()
    # When the agent saves ten check-ins during the flood
    try:
        for n in range(10):
            with db.write_session(sqlite_engine) as s:
                log_checkin(s, actor=s.get(User, agent.id), data=CheckInInput(
                    debtor_id=debtor.id, account_id=account.id, channel="email",
                    direction="inbound", outcome="spoke", right_party=True, wellbeing=3,
                    notes=f"during the flood {n}", create_followup=False))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    # Then all ten were saved, and the flood's tries were recorded too
    with db.read_session(sqlite_engine) as s:
        assert s.exec(select(func.count()).select_from(CheckIn)).one() == 10
    assert _count(sqlite_engine, outcome="wrong") > 0
