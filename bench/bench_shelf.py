"""Time the shelf's reads at scale: `python bench/bench_shelf.py [debtors] [--shares N]`.

Loads the demo (`debtors` debtors) into a fresh SQLite file — or into `--database-url` —
then adds `--shares` resource shares spread over the last 90 days (half answered, a third of
those "yes"), and times what a page asks for on every render:

1. the check-in form's "Did it help?" list for one debtor (`awaiting_answer`);
2. the profile's list (`shared_with`);
3. the stand-up's "resources that helped this month" (all teams, and one team);
4. the share picker's list of resources on offer, and a draft in the debtor's language.

Prints a table (min / p50 / p95 / max in ms) and the load average. No target is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import times_ms  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from core.demo.loader import load_demo, london_today  # noqa: E402
from core.messages import queries as messages  # noqa: E402
from core.resources import queries  # noqa: E402
from core.resources.models import Resource, ResourceShare  # noqa: E402
from core.store import db  # noqa: E402
from core.store.models import Debtor, Team, User, utcnow  # noqa: E402


def _row(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (f"| {name:<46} | {len(ms):>3} | {ms[0]:>8.1f} | {statistics.median(ms):>8.1f} | "
            f"{p95:>8.1f} | {ms[-1]:>8.1f} |")


def _add_shares(engine, count: int) -> tuple[int, int]:
    """Bulk shares; returns (a debtor with shares, a team id)."""
    rng = Random(15)
    now = utcnow()
    with db.write_session(engine) as s:
        debtors = s.execute(select(Debtor.id)).scalars().all()
        users = s.execute(select(User.id)).scalars().all()
        resources = s.execute(select(Resource.id)).scalars().all()
        team = s.execute(select(Team.id)).scalars().first()
        rows = []
        for _ in range(count):
            shared = now - timedelta(days=rng.uniform(1, 90))
            answered = rng.random() < 0.5
            rows.append({"resource_id": rng.choice(resources), "debtor_id": rng.choice(debtors),
                         "shared_by": rng.choice(users), "shared_at": shared,
                         "answer": rng.choice(["yes", "not_yet", "no"]) if answered else "",
                         "answered_at": shared + timedelta(days=3) if answered else None})
        for start in range(0, len(rows), 5_000):
            s.execute(insert(ResourceShare), rows[start:start + 5_000])
        return rows[0]["debtor_id"], team


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("debtors", nargs="?", type=int, default=2_000)
    parser.add_argument("--shares", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-shelf-')}/bench.db"
    engine = db.make_engine(url)
    load_demo(engine, debtors=args.debtors)
    debtor_id, team_id = _add_shares(engine, args.shares)
    today = london_today()
    with Session(engine) as s:
        agent = s.execute(select(User).where(User.username == "agent")).scalar_one()
        reads = {
            "Did it help? (awaiting_answer, one debtor)":
                lambda: queries.awaiting_answer(s, debtor_id=debtor_id),
            "profile list (shared_with, one debtor)":
                lambda: queries.shared_with(s, debtor_id=debtor_id),
            "stand-up: helped this month, all teams":
                lambda: queries.helped_this_month(s, today=today),
            "stand-up: helped this month, one team":
                lambda: queries.helped_this_month(s, today=today, team_id=team_id),
            "share picker: resources on offer":
                lambda: queries.offered(s, today=today),
            "draft in the debtor's language":
                lambda: messages.draft(s, actor=agent, debtor_id=debtor_id, account_id=None,
                                       template="checkin", channel="sms"),
        }
        print(f"{args.debtors:,} debtors, {args.shares:,} shares, {engine.dialect.name}")
        print("| read                                           |   n |  min ms |  p50 ms |"
              "  p95 ms |  max ms |")
        print("|---|---|---|---|---|---|")
        for name, fn in reads.items():
            fn()  # warm
            print(_row(name, times_ms(fn, args.runs)))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
