"""What we owe people, at stand-up: holds ending in the next 7 days, adjustments past their
review date, and "our promises kept: X of Y" — the call-backs people asked for on the results
day, and how many we made within 15 minutes of their time (issue 13).

The holds and adjustments come from the check-in job's own reads (`holds.holds_ending`,
`adjustments.past_review`); this module only adds who the person is and whose caseload.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core.checkins import adjustments, holds
from core.followups.views import (
    AdjustmentToReview,
    CallbackPromises,
    Commitments,
    HoldEnding,
)
from core.store.models import CheckIn, Debtor, FollowUp, FollowUpStatus, User
from core.vocabulary import Channel, Direction

HOLDS_AHEAD_DAYS = 7
REVIEW_LINES = 20  # the oldest lines shown at stand-up; the heading says how many in all
ON_TIME = timedelta(minutes=15)  # a call-back made later than this is a promise we broke


def _people(session: Session, debtor_ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """{debtor id: (name, owner's name)} in one query."""
    if not debtor_ids:
        return {}
    rows = session.execute(
        select(Debtor.id, Debtor.name, func.coalesce(User.display_name, "Nobody"))
        .outerjoin(User, User.id == Debtor.owner_id)
        .where(Debtor.id.in_(sorted(set(debtor_ids))))).all()
    return {i: (name, owner) for i, name, owner in rows}


def callback_promises(session: Session, *, start: datetime, end: datetime,
                      team_id: int | None = None) -> CallbackPromises:
    """Call-backs they asked for (with their consent) timed in [start, end), and how many we
    attempted by phone within 15 minutes either side of that time."""
    query = select(FollowUp.debtor_id, FollowUp.due_at).where(
        FollowUp.call_consented_at.is_not(None), FollowUp.due_at >= start,
        FollowUp.due_at < end, FollowUp.status != FollowUpStatus.CANCELLED)
    if team_id is not None:
        query = query.where(FollowUp.owner_id.in_(select(User.id).where(User.team_id == team_id)))
    asked = session.execute(query).all()
    if not asked:
        return CallbackPromises()
    calls: dict[int, list[datetime]] = {}
    for debtor_id, at in session.execute(
        select(CheckIn.debtor_id, CheckIn.at).where(
            CheckIn.debtor_id.in_(sorted({d for d, _ in asked})),
            CheckIn.channel == Channel.PHONE, CheckIn.direction == Direction.OUTBOUND,
            CheckIn.at >= start - ON_TIME, CheckIn.at <= end + ON_TIME)):
        calls.setdefault(debtor_id, []).append(at)
    kept = sum(any(abs(at - due_at) <= ON_TIME for at in calls.get(debtor_id, []))
               for debtor_id, due_at in asked)
    return CallbackPromises(kept=kept, due=len(asked))


def commitments(session: Session, *, today: date, start: datetime, end: datetime,
                team_id: int | None = None) -> Commitments:
    """The stand-up's commitments for `today`; call-backs timed in the results day
    [start, end)."""
    ending = holds.holds_ending(session, today=today, days=HOLDS_AHEAD_DAYS,
                                team_id=team_id)
    review, review_count = adjustments.past_review(session, today=today, team_id=team_id,
                                                   lines=REVIEW_LINES)
    people = _people(session, [d for d, _ in ending] + [d for d, _ in review])
    return Commitments(
        holds_ending=[HoldEnding(debtor_id=d, debtor_name=people[d][0],
                                 owner_name=people[d][1], account_reference=h.reference,
                                 kind_label=h.label, ends_on=h.ends_on, review_on=h.review_on)
                      for d, h in ending],
        adjustments_to_review=[AdjustmentToReview(debtor_id=d, debtor_name=people[d][0],
                                                  owner_name=people[d][1], adjustment=a.text,
                                                  review_on=a.review_on)
                               for d, a in review],
        adjustments_to_review_count=review_count,
        callbacks=callback_promises(session, start=start, end=end, team_id=team_id),
    )


def hold_records(rows: list[HoldEnding]) -> list[dict]:
    """Holds ending soon, for the stand-up table."""
    return [{"Debtor": r.debtor_name, "Agent": r.owner_name, "Account": r.account_reference,
             "Hold": r.kind_label,
             "Ends or review": r.ends_on or r.review_on,
             "What happens": "Ends" if r.ends_on else "Review (a lead renews it)"} for r in rows]


def review_records(rows: list[AdjustmentToReview]) -> list[dict]:
    """Adjustments past their review date, one row per person and review date, for the
    stand-up table ("no calls before 2 pm" is seven windows: one line, not seven)."""
    grouped: dict[tuple[int, object], list[AdjustmentToReview]] = {}
    for r in rows:
        grouped.setdefault((r.debtor_id, r.review_on), []).append(r)
    records = []
    for same in grouped.values():
        texts = [r.adjustment for r in same]
        agreed = "; ".join(texts[:2]) + (f"; and {len(texts) - 2} more" if len(texts) > 2
                                         else "")
        records.append({"Debtor": same[0].debtor_name, "Agent": same[0].owner_name,
                        "What we agreed": agreed, "Review was due": same[0].review_on})
    return records
