"""`python -m core.demo`: load the demo from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from core.cli import say
from core.demo.bulk import (
    has_users,
    load_demo,
)
from core.demo.summary import (
    DemoError,
)
from core.demo.words import (
    CHECKINS_PER_DEBTOR,
    FOLLOWUPS_PER_DEBTOR,
    PASSWORD,
)
from core.store import db
from core.store.config import ConfigError, migration_database_url, normalise_url


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: load the demo, or with --if-empty only into a database with no users."""
    parser = argparse.ArgumentParser(prog="python -m core.demo", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--debtors", type=int, default=400, help="how many debtors (400)")
    parser.add_argument("--checkins", type=int, default=None,
                        help=f"how many check-ins (default {CHECKINS_PER_DEBTOR} per debtor)")
    parser.add_argument("--followups", type=int, default=None,
                        help=f"how many follow-ups (default {FOLLOWUPS_PER_DEBTOR} per debtor)")
    parser.add_argument("--agents", type=int, default=8, help="how many agents (8)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    parser.add_argument("--database-url", default=None,
                        help="database URL (default: DATABASE_URL or data/recovery.db)")
    parser.add_argument("--if-empty", action="store_true",
                        help="load only when the database has no users yet")
    args = parser.parse_args(argv)
    if args.debtors < 1 or args.agents < 1:
        parser.error("--debtors and --agents must be at least 1")
    if min(args.checkins or 0, args.followups or 0) < 0:
        parser.error("--checkins and --followups can't be negative")
    engine = None
    try:
        # A bulk load drops and rebuilds indexes: on PostgreSQL it runs as the owner.
        url = (normalise_url(args.database_url) if args.database_url
               else migration_database_url())
        engine = db.make_engine(url)
        where = engine.url.render_as_string(hide_password=True)
        db.migrate(engine)
        if args.if_empty and has_users(engine):
            say(f"The database at {where} already has users; demo data not loaded.")
            return 0
        say(f"Loading demo data into {where} …")
        summary = load_demo(engine, debtors=args.debtors, checkins=args.checkins,
                            followups=args.followups, agents=args.agents, seed=args.seed,
                            progress=_progress if args.debtors >= 20_000 else None)
    except ConfigError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    except DemoError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    finally:
        if engine is not None:
            engine.dispose()
    say(f"Loaded {summary.describe()} in {summary.seconds['total']:.1f} s.")
    say(f"Sign in as admin, lead or agent with the password '{PASSWORD}'.")
    return 0



def _progress(message: str) -> None:
    say(f"  {message}")


if __name__ == "__main__":
    raise SystemExit(main())
