"""Which accounts a hold covers today: one rule for the contact card, My day, the follow-up
counts, the daily rules and the milestones.

A hold covers its own account; a breathing space, a cease-communication request or a
representative is about the person, so it covers every account of theirs (a dispute is about
one account only). See `HoldKind.about_the_person`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_
from sqlmodel import col, select

from core.store.models import Account, Hold
from core.vocabulary import PERSON_WIDE_HOLDS


def in_force(today: date) -> tuple:
    """A hold placed, started and neither ended nor released on `today`."""
    return (col(Hold.released_at).is_(None), Hold.starts_on <= today,
            or_(col(Hold.ends_on).is_(None), col(Hold.ends_on) >= today))


def held_accounts(today: date) -> Select:
    """The ids of the accounts a hold covers today (a subquery for `IN`/`NOT IN`)."""
    person_held = (select(Account.debtor_id).join(Hold, Hold.account_id == Account.id)
                   .where(*in_force(today), col(Hold.kind).in_(sorted(PERSON_WIDE_HOLDS))))
    return select(Account.id).where(or_(
        col(Account.id).in_(select(Hold.account_id).where(*in_force(today))),
        col(Account.debtor_id).in_(person_held)))


def covers(hold: Hold, account_id: int | None) -> bool:
    """Does this hold (on one of the person's accounts) cover a contact about `account_id`?
    A contact about no account in particular respects every hold of theirs."""
    return (account_id is None or hold.account_id == account_id
            or hold.kind in PERSON_WIDE_HOLDS)
