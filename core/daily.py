"""The time-driven rules, once per office day: `python -m core.daily [--today YYYY-MM-DD]`.

Every rule that changes a record because a day has passed lives here, not in a page view:

* instalments still unpaid after the grace days are **missed**; two missed **break** a plan
  (`core.payment_plans.sweep`);
* promises to pay whose window (date + the same grace days) has closed are **kept** or
  **broken**, each payment counting once (`core.promises.settle_promises`);
* instalments falling due under a hold carry **no interest** (`core.payment_plans.freeze`),
  and are never marked missed;
* holds whose end date has passed **end** (`core.checkins.holds.end_expired_holds`): one
  "welcome back" check-in each, and an account stored as on hold goes back to its plan (or
  to open) once no hold is in force on it;
* plans that passed a quarter, half, three quarters paid or reached their last instalment
  get a **milestone** for their agent to send, once (`core.relationship.service`); after-care
  check-ins of an account that owes again (a payment reversed) are **cancelled**.

Run it from cron, from the app (the first request of each office day in each process, see
`ui/daily.py`) and after the demo load — all at once if they like: the day is claimed once.
The claim is a row in `daily_run` keyed on the day, written in the same transaction as the
changes, under a lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: BEGIN
IMMEDIATE, the database's single writer lock). A second run that day finds the row and
changes nothing, so each instalment is marked once and each follow-up created once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from core.checkins.holds import end_expired_holds
from core.cli import say
from core.errors import UserError
from core.followups.wobble import create_wobble_followups
from core.payment_plans.freeze import freeze_interest
from core.payment_plans.sweep import sweep_missed
from core.payment_plans.views import SweepResult
from core.relationship.service import end_care_for_reopened, offer_milestones
from core.store import db, settings
from core.store.config import ConfigError, normalise_url
from core.store.models import DailyRun

ADVISORY_KEY = 715_518  # pg_advisory_xact_lock key of the daily run (715517 is migrations)
DONE, ALREADY, BUSY = "done", "already", "busy"
_WORDS: dict[str, str] = {
    "missed": "instalments marked missed",
    "plans_broken": "plans broken (two missed)",
    "promises_kept": "promises kept",
    "promises_broken": "promises broken",
    "promises_reopened": "promises open again",
    "followups": "follow-ups created",
    "followups_closed": "follow-ups closed (promise kept after all)",
    "interest_frozen": "instalments falling due under a hold, interest taken off",
    "holds_ended": "holds ended",
    "welcome_backs": "welcome-back check-ins after a hold",
    "wobble_followups": "supportive check-ins for wobbling plans",
    "milestones": "milestones offered to send",
    "care_ended": "after-care check-ins cancelled (the account owes again)",
}


@dataclass(frozen=True, slots=True)
class DailyReport:
    """What one run did: `state` is "done" (it ran now), "already" (it had run that day)
    or "busy" (another process holds the day's run); `counts` are what changed."""

    day: date
    state: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        """How many records this run changed (0 unless it ran now)."""
        return sum(self.counts.values()) if self.state == DONE else 0

    def lines(self) -> list[str]:
        """The report in plain sentences, for the terminal."""
        when = f"{self.day:%A} {self.day.day} {self.day:%B %Y}"
        if self.state == ALREADY:
            return [f"The daily rules already ran for {when}; nothing changed."]
        if self.state == BUSY:
            return [f"Another process is running the daily rules for {when}; nothing changed."]
        lines = [f"Daily rules for {when}:"]
        lines += [f"  {self.counts.get(key, 0):>6,} {words}" for key, words in _WORDS.items()]
        return lines


def parse_day(value: str) -> date:
    """A --today value, or UserError with one plain sentence."""
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise UserError(f"'{value}' is not a date; write it as YYYY-MM-DD, for example "
                        "2027-03-05.") from None


def already_ran(engine: Engine, day: date) -> bool:
    """True when the rules have run for `day` (a read: no lock, no wait)."""
    with db.read_session(engine) as session:
        return session.get(DailyRun, day) is not None


def run(engine: Engine, *, today: date | None = None, wait: bool = True) -> DailyReport:
    """Run every time-driven rule for `today` (default: the office today), once per day.

    With `wait=False` a run that finds another one in progress (PostgreSQL) skips at once
    instead of waiting for it. Every change commits together with the day's claim.
    """
    if today is None:
        with db.read_session(engine) as session:
            today = settings.office_today(session)
    if not isinstance(today, date):
        raise UserError("The day to run the rules for must be a date.")
    if already_ran(engine, today):
        return DailyReport(today, ALREADY)
    try:
        with db.write_session(engine) as session:
            if not _lock(session, wait=wait):
                return DailyReport(today, BUSY)
            if session.get(DailyRun, today) is not None:  # the other process finished first
                return DailyReport(today, ALREADY)
            counts = apply_rules(session, today=today)
            session.add(DailyRun(day=today, summary_json=json.dumps(counts, sort_keys=True)))
            session.flush()
    except IntegrityError:
        return DailyReport(today, ALREADY)  # claimed by another process at the same moment
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            return DailyReport(today, BUSY)  # SQLite: another writer held on past the timeout
        raise
    return DailyReport(today, DONE, counts)


def _lock(session: Session, *, wait: bool) -> bool:
    """Take the day's lock: PostgreSQL's advisory lock; on SQLite the write session's
    BEGIN IMMEDIATE already holds the only writer lock."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(text("SELECT 1"))  # starts BEGIN IMMEDIATE now
        return True
    if wait:
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
        return True
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                                {"k": ADVISORY_KEY}).scalar())


def apply_rules(session: Session, *, today: date) -> dict[str, int]:
    """Every rule, in the caller's transaction; what each changed."""
    sweep: SweepResult = sweep_missed(session, today=today)
    counts = asdict(sweep)
    counts["interest_frozen"] = freeze_interest(session, today=today)
    holds = end_expired_holds(session, today)
    counts["holds_ended"], counts["welcome_backs"] = holds.ended, holds.welcome_backs
    counts["wobble_followups"] = create_wobble_followups(session, today=today)
    counts["milestones"] = offer_milestones(session, today=today)  # after the sweep and holds
    counts["care_ended"] = end_care_for_reopened(session)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: run the day's rules and print what changed."""
    parser = argparse.ArgumentParser(prog="python -m core.daily",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--today", default=None,
                        help="the office day to run for, YYYY-MM-DD (default: today)")
    parser.add_argument("--database-url", default=None,
                        help="database URL (default: DATABASE_URL or data/recovery.db)")
    args = parser.parse_args(argv)
    engine = None
    try:
        today = parse_day(args.today) if args.today is not None else None
        engine = db.make_engine(normalise_url(args.database_url) if args.database_url else None)
        db.migrate(engine)
        report = run(engine, today=today)
    except (UserError, ConfigError) as exc:
        say(str(exc), err=True)
        return 2
    finally:
        if engine is not None:
            engine.dispose()
    for line in report.lines():
        say(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
