"""What can be done now: each due follow-up sorted into "Can contact now", "Later today — from
HH:MM their time" or "Not today, and why" (hold, opt-out, window, adjustment, rule).

The verdict is the contact contract's (`core.contact_rules.check_contact`) plus the hours the
debtor asked for, at one moment, on the follow-up's channel. Calls and conversations count per
person (any of their accounts). Loading is batched: one query per kind of fact for all rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core.contact_rules import LATEST, check_contact
from core.followups.backlog import active_hold_accounts
from core.followups.views import (
    LATER_TODAY,
    NOT_TODAY,
    NOW,
    BacklogRow,
    Doable,
    Grouped,
)
from core.store.models import Account, CheckIn, Debtor, Direction, Hold, Outcome
from core.vocabulary import Channel, HoldKind, label_of

STEP = timedelta(minutes=15)
HISTORY = timedelta(days=9)


@dataclass(frozen=True)
class Person:
    """What the contact rules need to know about one debtor."""

    timezone: str
    opted_out: tuple[str, ...]
    window_start: time
    window_end: time
    calls: tuple[datetime, ...] = ()
    talks: tuple[datetime, ...] = ()


# ---------------------------------------------------------------- pure: decide one row


def kind_of(reason: str) -> str:
    """Which of hold, opt-out, window, adjustment or rule a reason of the contract is."""
    text = reason.lower()
    if "on hold" in text:
        return "hold"
    if "asked us not to use" in text:
        return "opt-out"
    if "inconvenient" in text:
        return "adjustment"
    if "contact is allowed from" in text or "hours they asked for" in text:
        return "window"
    return "rule"


def reasons_at(row: BacklogRow, person: Person, holds: Sequence[str], at: datetime) -> list[str]:
    """Why contacting about `row` at `at` is not allowed (empty: allowed)."""
    check = check_contact(channel=row.channel, at=at, debtor_timezone=person.timezone,
                          previous_calls=person.calls, conversations=person.talks,
                          opted_out=person.opted_out, holds=holds)
    reasons = list(check.reasons)
    if row.channel != Channel.LETTER:
        local = at.astimezone(ZoneInfo(person.timezone)).time()
        if not person.window_start <= local < person.window_end:
            reasons.append(f"Outside the hours they asked for ({person.window_start:%H:%M}–"
                           f"{person.window_end:%H:%M} their time).")
    return reasons


def _later_today(row: BacklogRow, person: Person, holds: Sequence[str], at: datetime
                 ) -> datetime | None:
    """The first quarter-hour later today (their day) when the contact would be allowed."""
    zone = ZoneInfo(person.timezone)
    local = at.astimezone(zone)
    moment = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
    end = datetime.combine(local.date(), LATEST, zone)
    while (moment := moment + STEP) < end:
        if not reasons_at(row, person, holds, moment):
            return moment
    return None


def decide(row: BacklogRow, person: Person, holds: Sequence[str], at: datetime, *,
           today: date, hold_text: str = "") -> Doable:
    """The group of one follow-up at `at`, with the reason a person reads."""
    opted = ", ".join(label_of(Channel, c, c) for c in person.opted_out)
    common = {"row": row, "holds": hold_text, "opted_out": opted}
    if row.due_on > today:
        return Doable(group=NOT_TODAY, why=f"Due {row.due_on:%a %d %b}.", kind="due",
                      from_local="", **common)
    reasons = reasons_at(row, person, holds, at)
    if not reasons:
        return Doable(group=NOW, why="", kind="", from_local="", **common)
    kinds = [kind_of(r) for r in reasons]
    if not {"hold", "opt-out"} & set(kinds):
        later = _later_today(row, person, holds, at)
        if later is not None:
            return Doable(group=LATER_TODAY, why=reasons[0], kind=kinds[0],
                          from_local=f"{later:%H:%M}", **common)
    return Doable(group=NOT_TODAY, why=" ".join(reasons), kind=kinds[0], from_local="",
                  **common)


def group(doables: Iterable[Doable]) -> Grouped:
    """Split into the three groups, keeping the order given (priority, then lateness)."""
    doables = list(doables)
    return Grouped(now=[d for d in doables if d.group == NOW],
                   later_today=sorted((d for d in doables if d.group == LATER_TODAY),
                                      key=lambda d: d.from_local),
                   not_today=[d for d in doables if d.group == NOT_TODAY])


# ---------------------------------------------------------------- loading, batched


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(",") if p.strip())


def load_people(session: Session, debtor_ids: Sequence[int], at: datetime) -> dict[int, Person]:
    """Timezone, opt-outs, hours and the last 9 days of phone history of each debtor."""
    ids = sorted(set(debtor_ids))
    if not ids:
        return {}
    calls: dict[int, list[datetime]] = {i: [] for i in ids}
    talks: dict[int, list[datetime]] = {i: [] for i in ids}
    history = select(CheckIn.debtor_id, CheckIn.at, CheckIn.direction, CheckIn.outcome).where(
        CheckIn.debtor_id.in_(ids), CheckIn.channel == Channel.PHONE,
        CheckIn.at >= at - HISTORY, CheckIn.at <= at)
    for debtor_id, when, direction, outcome in session.execute(history):
        if direction == Direction.OUTBOUND:
            calls[debtor_id].append(when)
        if outcome == Outcome.SPOKE:
            talks[debtor_id].append(when)
    rows = session.execute(select(Debtor.id, Debtor.timezone, Debtor.opted_out,
                                  Debtor.contact_window_start, Debtor.contact_window_end)
                           .where(Debtor.id.in_(ids)))
    return {r.id: Person(timezone=r.timezone, opted_out=_split(r.opted_out),
                         window_start=r.contact_window_start, window_end=r.contact_window_end,
                         calls=tuple(calls[r.id]), talks=tuple(talks[r.id])) for r in rows}


def load_holds(session: Session, *, account_ids: Sequence[int], debtor_ids: Sequence[int],
               today: date) -> tuple[dict[int, list[tuple[str, date | None]]],
                                     dict[int, list[tuple[str, date | None]]]]:
    """Active holds by account, and by debtor (a follow-up about no account respects all)."""
    by_account: dict[int, list[tuple[str, date | None]]] = {}
    by_debtor: dict[int, list[tuple[str, date | None]]] = {}
    if not debtor_ids:
        return by_account, by_debtor
    query = (select(Hold.account_id, Account.debtor_id, Hold.kind, Hold.ends_on)
             .join(Account, Account.id == Hold.account_id)
             .where(Account.debtor_id.in_(sorted(set(debtor_ids))),
                    Hold.account_id.in_(active_hold_accounts(today))))
    for account_id, debtor_id, kind, ends_on in session.execute(query):
        by_account.setdefault(account_id, []).append((kind, ends_on))
        by_debtor.setdefault(debtor_id, []).append((kind, ends_on))
    return by_account, by_debtor


def describe_holds(holds: Sequence[tuple[str, date | None]]) -> str:
    """"Breathing space until 12 Jan" and the like, for the row."""
    return "; ".join(label_of(HoldKind, kind, kind.replace("_", " ").capitalize())
                     + (f" until {ends:%d %b}" if ends else "") for kind, ends in holds)


def verdicts(session: Session, rows: Sequence[BacklogRow], *, at: datetime,
             today: date) -> list[Doable]:
    """Each row's verdict at `at`, in the rows' order."""
    people = load_people(session, [r.debtor_id for r in rows], at)
    by_account, by_debtor = load_holds(
        session, account_ids=[r.account_id for r in rows if r.account_id],
        debtor_ids=[r.debtor_id for r in rows], today=today)
    out = []
    for row in rows:
        held = (by_account.get(row.account_id, []) if row.account_id is not None
                else by_debtor.get(row.debtor_id, []))
        out.append(decide(row, people[row.debtor_id], [k for k, _ in held], at, today=today,
                          hold_text=describe_holds(held)))
    return out
