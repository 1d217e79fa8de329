"""Time the debtors import: `python bench/bench_import.py [ROWS] [--database-url URL]`.

Generates a ROWS-row debtors CSV (default 100,000), then times, on a fresh migrated database:
the preview, the import, and the preview and import of the same file again (all unchanged).
The target is the import of 100,000 rows in under 60 seconds on SQLite (a smaller file gives no
verdict); each step is printed with the load average.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from sqlalchemy import func, select  # noqa: E402

from core.importer import loader as importer  # noqa: E402
from core.store import db  # noqa: E402
from core.store.models import Account, Debtor, Role, User  # noqa: E402
from core.team.service import hash_password  # noqa: E402

TARGET_SECONDS = 60.0  # for TARGET_ROWS rows: the figure docs/benchmarks.md quotes
TARGET_ROWS = 100_000
OWNERS = ("bench_agent1", "bench_agent2", "bench_agent3", "bench_agent4")
FIRST = ("Alex", "Bethan", "Chidi", "Dorota", "Ellis", "Fatima", "George", "Hannah", "Ibrahim",
         "Jade", "Kwame", "Maria", "Niamh", "Oliver", "Priyanka", "Rhys", "Sam", "Tomasz")
LAST = ("Morgan", "Hughes", "Okafor", "Kowalska", "Finch", "Begum", "Whitfield", "O'Neill",
        "Haddad", "Thompson", "Mensah", "Santos", "Gallagher", "Bennett", "Rao", "Llewellyn")
CREDITORS = ("Northwind Energy", "Lakeside Bank", "Clearwater Telecom", "Harbour Water")


def debtors_csv(rows: int, seed: int = 7) -> bytes:
    """A realistic debtors file: about one debtor in five has a second account."""
    rng = random.Random(seed)
    header = [c.name for c in importer.DEBTOR_COLUMNS]
    lines = [",".join(header)]
    person = 0
    name = ""
    for n in range(rows):
        if n == 0 or rng.random() > 0.2:  # else: this debtor's second (third …) account
            person += 1
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            name = f'"{name}"' if "'" in name else name
        original = rng.randint(5_000, 2_000_000)
        balance = rng.randint(0, original)
        lines.append(",".join([
            f"BN-{n:07d}", rng.choice(CREDITORS), name, f"{balance / 100:.2f}",
            f"{original / 100:.2f}", "person", name.split()[0].strip('"'),
            f"person{person}@example.org", f"07700 {rng.randint(0, 999_999):06d}",
            rng.choice(("phone", "sms", "email")), "en", "Europe/London", "GBP",
            f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            rng.choice(OWNERS),
        ]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def timed(label: str, action, results: list[tuple[str, float, str]]):
    started = time.perf_counter()
    outcome = action()
    seconds = time.perf_counter() - started
    counts = (f"created {outcome.created:,}, updated {outcome.updated:,}, "
              f"unchanged {outcome.unchanged:,}, refused {outcome.refused:,}")
    results.append((label, seconds, f"{counts}; load {os.getloadavg()[0]:.2f}"))
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.write_session(engine) as session:
        password = hash_password("bench-pass")
        for username in ("bench_lead", *OWNERS):
            if session.execute(select(User).where(User.username == username)).first() is None:
                session.add(User(username=username, display_name=username, password_hash=password,
                                 role=Role.LEAD if username == "bench_lead" else Role.AGENT))
    with db.read_session(engine) as session:
        lead = session.execute(select(User).where(User.username == "bench_lead")).scalar_one()

    started = time.perf_counter()
    data = debtors_csv(args.rows)
    generate_seconds = time.perf_counter() - started
    results: list[tuple[str, float, str]] = []

    def preview():
        with db.read_session(engine) as session:
            return importer.preview_import(session, actor=lead, kind="debtors", data=data)

    def run():
        with db.write_session(engine) as session:
            return importer.run_import(session, actor=lead, kind="debtors", data=data)

    timed("preview (empty database)", preview, results)
    first = timed("import", run, results)
    timed("preview again (all unchanged)", preview, results)
    timed("import again (all unchanged)", run, results)
    with db.read_session(engine) as session:
        debtors = session.execute(select(func.count()).select_from(Debtor)).scalar_one()
        accounts = session.execute(select(func.count()).select_from(Account)).scalar_one()
    engine.dispose()

    print(f"Debtors import benchmark: {args.rows:,} rows ({len(data) / 1e6:.1f} MB, generated "
          f"in {generate_seconds:.1f} s) on {engine.dialect.name}")
    print(f"{'step':<32} {'seconds':>8} {'rows/s':>9}  outcome")
    for label, seconds, counts in results:
        print(f"{label:<32} {seconds:>8.2f} {args.rows / seconds:>9,.0f}  {counts}")
    import_seconds = results[1][1]
    print(f"Database now holds {debtors:,} debtors and {accounts:,} accounts.")
    print("Load average (1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    shutil.rmtree(folder, ignore_errors=True)
    if args.rows < TARGET_ROWS:
        print(f"No verdict: the {TARGET_SECONDS:.0f} s target is for {TARGET_ROWS:,} rows, this "
              f"run imported {args.rows:,} ({import_seconds:.1f} s).")
        return 0
    verdict = "PASS" if import_seconds < TARGET_SECONDS and first.refused == 0 else "FAIL"
    print(f"Target: import under {TARGET_SECONDS:.0f} s -> {verdict} ({import_seconds:.1f} s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
