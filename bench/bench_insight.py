"""Insight's three questions at scale: `python bench/bench_insight.py [--database-url URL]`.

Times `core.insight.queries.insight` (both GROUP BY statements and the intervals) for a
90-day, a 180-day and a 365-day period, all teams and one team, on a database loaded with
`python -m core.demo --debtors 100000 --checkins 1000000 …` (the same file bench_backlog.py
uses by default). Prints min / median / p95 of N runs and the load average; the verdict is the
p95 against 1 s, the figure docs/benchmarks.md quotes. A database with few plans says so and
times what there is.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere

from sqlalchemy import func, select  # noqa: E402

from core.insight import queries as insight  # noqa: E402
from core.store import db, settings  # noqa: E402
from core.store.config import normalise_url  # noqa: E402
from core.store.models import PaymentPlan, Role, User  # noqa: E402

TARGET_MS = 1000.0


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main(argv: list[str] | None = None) -> int:
    """Time the insight for a few periods and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url) if args.database_url else \
        f"sqlite:///{Path(tempfile.gettempdir()) / 'recovery-bench' / 'backlog.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.read_session(engine) as s:
        today = settings.office_today(s)
        plans = s.execute(select(func.count()).select_from(PaymentPlan)).scalar_one()
        team = s.execute(select(User.team_id).where(User.role == Role.LEAD)
                         .order_by(User.id).limit(1)).scalar()
    if plans < 1000:
        print(f"Only {plans:,} plans in this database: the figures below are not the "
              "1,000,000-check-in scale (load it with python -m core.demo --debtors 100000 "
              "--checkins 1000000).")
    rows, worst = [], 0.0
    for days in (90, 180, 365):
        for team_id in (None, team):
            start, end = today - timedelta(days=days), today - timedelta(days=1)
            times = []
            for _ in range(args.runs + 1):
                with db.read_session(engine) as s:
                    began = time.perf_counter()
                    result = insight.insight(s, start=start, end=end, team_id=team_id,
                                             today=today)
                    times.append((time.perf_counter() - began) * 1000)
            times = times[1:]  # the first run warms the page cache
            counted = sum(g.result.n for g in result.first_instalment) + \
                sum(g.result.n for g in result.still_running[:4])
            worst = max(worst, p95(times))
            rows.append((days, "all teams" if team_id is None else f"team {team_id}", counted,
                         min(times), statistics.median(times), p95(times)))
    print(f"\n## Insight · {engine.dialect.name} · {plans:,} plans · today {today}")
    print("Load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"\n| period | who | plans counted | min ms | median ms | p95 ms ({args.runs} runs) |")
    print("|---|---|---:|---:|---:|---:|")
    for days, who, counted, low, med, high in rows:
        print(f"| last {days} days | {who} | {counted:,} | {low:.0f} | {med:.0f} | {high:.0f} |")
    verdict = worst <= TARGET_MS
    print(f"\nVerdict: {'PASS' if verdict else 'FAIL'} — worst p95 {worst:.0f} ms "
          f"(target ≤ {TARGET_MS:.0f} ms).")
    engine.dispose()
    return 0 if verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
