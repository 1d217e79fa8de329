"""Time the daily rules and the plans page's reads: `python bench/bench_daily.py [debtors]`.

Loads the demo (`debtors` debtors, ten check-ins each: 100,000 debtors is the 1,000,000
check-in scale) into a fresh SQLite file — or into `--database-url` — and then, for the
next days after the demo's own run:

1. `core.daily.run` for a new day (the work: missed instalments, broken plans, promises,
   holds), then again the same day (the claim found: nothing to do), and the app's cheap
   "already ran today?" check that every first request of a process makes;
2. the plans page's reads: the account search's first page (empty query, and a typed
   name), and the approval queue.

Prints a table (min / p50 / p95 / max in ms, with what each run changed) and the load
average. No target is asserted: a loaded machine changes the figures, the table says how.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import times_ms  # noqa: E402

from core import daily  # noqa: E402
from core.demo.loader import load_demo, london_today  # noqa: E402
from core.payment_plans import queries  # noqa: E402
from core.store import db  # noqa: E402


def _row(name: str, ms: list[float], note: str = "") -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (f"| {name:<44} | {len(ms):>3} | {ms[0]:>9.1f} | {statistics.median(ms):>9.1f} | "
            f"{p95:>9.1f} | {ms[-1]:>9.1f} | {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("debtors", nargs="?", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=5, help="new days to run (5)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-daily-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    engine = db.make_engine(url)
    today = london_today()
    started = time.perf_counter()
    summary = load_demo(engine, debtors=args.debtors, today=today)
    load_s = time.perf_counter() - started
    print(f"Demo: {summary.debtors:,} debtors, {summary.checkins:,} check-ins, "
          f"{summary.plans:,} plans, {summary.instalments:,} instalments, "
          f"{summary.promises:,} promises; loaded in {load_s:.1f} s ({engine.dialect.name})")
    lines = ["| step | n | min ms | p50 ms | p95 ms | max ms | changed",
             "|---|---|---|---|---|---|---|"]
    for k in range(1, args.days + 1):
        day = today + timedelta(days=k)
        started = time.perf_counter()
        report = daily.run(engine, today=day)
        ms = [(time.perf_counter() - started) * 1000]
        counts = {key: v for key, v in report.counts.items() if v}
        lines.append(_row(f"daily.run {day:%a %d %b} (new day)", ms, str(counts or "nothing")))
    last: date = today + timedelta(days=args.days)
    lines.append(_row("daily.run same day again (claim found)",
                      times_ms(lambda: daily.run(engine, today=last), 20)))
    lines.append(_row("already ran today? (each process's check)",
                      times_ms(lambda: daily.already_ran(engine, last), 50)))
    with db.read_session(engine) as session:
        lines.append(_row("search_accounts('') first page (50)",
                          times_ms(lambda: queries.search_accounts(session, query=""), 20)))
        lines.append(_row("search_accounts('smith')",
                          times_ms(lambda: queries.search_accounts(session, query="smith"), 20)))
        lines.append(_row("plans_awaiting_approval",
                          times_ms(lambda: queries.plans_awaiting_approval(session), 20)))
    print("\n".join(lines))
    print(f"Load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
