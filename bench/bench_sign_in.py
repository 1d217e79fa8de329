"""Sign-in under a crowd and under attack, on fresh databases.

    .venv/bin/python bench/bench_sign_in.py [--postgres]

1. 20 people sign in at the same moment on SQLite: how many got in, and when the last one did
   (target: all, the last within 2 s).
2. 16 threads sign in with random usernames from random addresses while an agent saves 20
   check-ins on SQLite: each save's time (target: every save within 3 s, none refused).
3. With --postgres (a server started from Debian's binaries): 30 parallel wrong guesses at one
   username: how many passwords were checked (target: exactly 5).
Prints a table with the load average beside each row.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import func, select  # noqa: E402

from core.checkins.service import CheckInInput, log_checkin  # noqa: E402
from core.store import db  # noqa: E402
from core.store.models import LoginAttempt, User  # noqa: E402
from core.team import service as team  # noqa: E402
from tests.factories import make_account, make_debtor, make_user  # noqa: E402

ROWS: list[tuple[str, str, str, str]] = []


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def fresh_sqlite():
    path = Path(tempfile.mkdtemp()) / "bench.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    return engine


def crowd(engine) -> None:
    with db.write_session(engine) as s:
        names = [make_user(s, username=f"crowd{n}").username for n in range(20)]
    barrier = threading.Barrier(20)
    start = [0.0]
    done: list[float] = []

    def arrive(name):
        if barrier.wait() == 0:
            start[0] = time.perf_counter()
        result = team.sign_in(engine, username=name, password="secret-pass")
        done.append(time.perf_counter())
        return result.ok

    with ThreadPoolExecutor(max_workers=20) as pool:
        ok = sum(pool.map(arrive, names))
    last = max(done) - start[0]
    ROWS.append(("20 sign-ins at once (SQLite)", f"{ok}/20 in", f"last at {last:.2f} s",
                 "pass" if ok == 20 and last <= 2 else "MISS"))


def flood(engine) -> None:
    with db.write_session(engine) as s:
        agent = make_user(s)
        debtor = make_debtor(s, agent)
        account = make_account(s, debtor)
    stop = threading.Event()
    tries = [0]

    def guess():
        while not stop.is_set():
            team.sign_in(engine, username=secrets.token_hex(6), password="x",
                         client=f"10.9.{secrets.randbelow(250)}.{secrets.randbelow(250)}")
            tries[0] += 1

    threads = [threading.Thread(target=guess) for _ in range(16)]
    for thread in threads:
        thread.start()
    times, failures = [], 0
    try:
        time.sleep(0.5)
        for n in range(20):
            started = time.perf_counter()
            try:
                with db.write_session(engine) as s:
                    log_checkin(s, actor=s.get(User, agent.id), data=CheckInInput(
                        debtor_id=debtor.id, account_id=account.id, channel="email",
                        direction="inbound", outcome="spoke", right_party=True, wellbeing=3,
                        notes=f"flood {n}", create_followup=False))
            except Exception:  # noqa: BLE001  (counted, not hidden)
                failures += 1
            times.append(time.perf_counter() - started)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    ROWS.append(("20 saves during a 16-thread sign-in flood (SQLite)",
                 f"{failures} failed; {tries[0]} guesses",
                 f"p50 {statistics.median(times):.3f} s, max {max(times):.3f} s",
                 "pass" if failures == 0 and max(times) <= 3 else "MISS"))


def guesses_on_postgres() -> None:
    from tests.pg import TempPostgres

    server = TempPostgres()
    url = server.start()
    try:
        engine = db.make_engine(url)
        db.migrate(engine)
        with db.write_session(engine) as s:
            make_user(s, username="target")
        barrier = threading.Barrier(30)

        def guess(n):
            barrier.wait()
            return team.sign_in(engine, username="target", password=f"guess {n}")

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=30) as pool:
            list(pool.map(guess, range(30)))
        took = time.perf_counter() - started
        with db.read_session(engine) as s:
            checked = s.exec(select(func.count()).select_from(LoginAttempt).where(
                LoginAttempt.outcome == "wrong")).one()
        ROWS.append(("30 parallel guesses at one username (PostgreSQL)", f"{checked} checked",
                     f"all answered in {took:.2f} s", "pass" if checked == 5 else "MISS"))
        engine.dispose()
    finally:
        server.stop()


def main() -> None:
    crowd(fresh_sqlite())
    ROWS[-1] += (load(),)
    flood(fresh_sqlite())
    ROWS[-1] += (load(),)
    if "--postgres" in sys.argv:
        guesses_on_postgres()
        ROWS[-1] += (load(),)
    print(f"{'case':52} {'result':28} {'time':32} {'verdict':7} load average")
    for case, result, timing, verdict, load_avg in ROWS:
        print(f"{case:52} {result:28} {timing:32} {verdict:7} {load_avg}")


if __name__ == "__main__":
    main()
