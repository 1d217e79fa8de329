"""What can be done now: each due follow-up sorted into "Can contact now", "Later today — from
HH:MM their time" or "Not today, and why" (hold, opt-out, window, adjustment, rule).

The verdict is the check-in job's `contact_now` (the contact rules with holds, opt-outs, the
hours they asked for, adjustments and call-backs), at one moment, on the follow-up's channel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from core.checkins.queries import contact_now
from core.checkins.views import ContactNow
from core.followups.backlog import active_hold_accounts
from core.followups.views import (
    LATER_TODAY,
    NOT_TODAY,
    NOW,
    BacklogRow,
    Doable,
    Grouped,
)
from core.store.models import Account, FollowUp, Hold
from core.vocabulary import Channel, HoldKind, label_of

# ---------------------------------------------------------------- pure: one row


def kind_of(reason: str) -> str:
    """Which of hold, opt-out, adjustment, window or rule a reason of the contact rules is."""
    text = reason.lower()
    if "on hold" in text:
        return "hold"
    if "asked us not to use" in text:
        return "opt-out"
    if "adjustment" in text or "inconvenient" in text:
        return "adjustment"
    if "contact is allowed from" in text or "hours they asked for" in text:
        return "window"
    return "rule"


def decide(row: BacklogRow, verdict: ContactNow, *, today: date, hold_text: str = "") -> Doable:
    """The group of one follow-up from the contact rules' verdict on its debtor and channel."""
    opted = ", ".join(label_of(Channel, c, c) for c in verdict.opted_out)
    common = {"row": row, "holds": hold_text, "opted_out": opted}
    if row.due_on > today:
        return Doable(group=NOT_TODAY, why=f"Due {row.due_on:%a %d %b}.", kind="due",
                      from_local="", **common)
    if verdict.allowed:
        return Doable(group=NOW, why="", kind="", from_local="", **common)
    kinds = [kind_of(r) for r in verdict.reasons] or ["rule"]
    why = " ".join(verdict.reasons)
    if verdict.later_today is not None:
        local = verdict.later_today.astimezone(verdict.local_time.tzinfo)
        return Doable(group=LATER_TODAY, why=why, kind=kinds[0], from_local=f"{local:%H:%M}",
                      **common)
    return Doable(group=NOT_TODAY, why=why, kind=kinds[0], from_local="", **common)


def group(doables: Iterable[Doable]) -> Grouped:
    """Split into the three groups, keeping the order given (priority, then lateness)."""
    doables = list(doables)
    return Grouped(now=[d for d in doables if d.group == NOW],
                   later_today=sorted((d for d in doables if d.group == LATER_TODAY),
                                      key=lambda d: d.from_local),
                   not_today=[d for d in doables if d.group == NOT_TODAY])


# ---------------------------------------------------------------- loading, batched


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
    """Each row's verdict at `at`, in the rows' order: the contact rules (`contact_now`, the
    check-in job's query) decide as the contact card opened from the follow-up does — its
    channel, its call-back consent, the holds of its account (any of theirs when it is about
    no account) — in as few batches as that allows."""
    consents = _consents(session, [r.id for r in rows])
    # A batch is one channel and consent, with at most one account per debtor.
    batches: list[tuple[tuple[str, datetime | None], dict[int, int | None]]] = []
    placed: list[int] = []
    for r in rows:
        key = (r.channel, consents.get(r.id))
        n = next((i for i, (k, accounts) in enumerate(batches)
                  if k == key and accounts.get(r.debtor_id, r.account_id) == r.account_id),
                 len(batches))
        if n == len(batches):
            batches.append((key, {}))
        batches[n][1][r.debtor_id] = r.account_id
        placed.append(n)
    judged: list[dict[int, ContactNow]] = [
        contact_now(session, debtor_ids=list(accounts), at=at,
                    channels=dict.fromkeys(accounts, channel),
                    consents=dict.fromkeys(accounts, consent) if consent else None,
                    account_ids=accounts)
        for (channel, consent), accounts in batches]
    _, by_debtor = load_holds(session, account_ids=[], debtor_ids=[r.debtor_id for r in rows],
                              today=today)
    return [decide(row, judged[n][row.debtor_id], today=today,
                   hold_text=describe_holds(by_debtor.get(row.debtor_id, [])))
            for row, n in zip(rows, placed, strict=True)]


def _consents(session: Session, followup_ids: Sequence[int]) -> dict[int, datetime]:
    """When the debtor asked for each call-back (only those that have one)."""
    if not followup_ids:
        return {}
    return {i: at for i, at in session.execute(
        select(FollowUp.id, FollowUp.call_consented_at)
        .where(FollowUp.id.in_(list(followup_ids)), FollowUp.call_consented_at.is_not(None)))}
