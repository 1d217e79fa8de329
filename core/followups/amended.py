"""Stand-up figures read each check-in as amended (issue 10: an amendment is the record from
then on; the original stays visible in the timeline).

The figures are counted in SQL from the check-ins as logged (the plan measured at the
1,000,000-check-in scale), then corrected here by the few check-ins of the same period that
were amended: each one's logged contribution is taken off and its amended one added. The
amended values come from the check-in job's own `amended` and `effective`, so the timeline,
the contact rules, the wellbeing chart and the stand-up read the same record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, select

from core.checkins.queries import amended, effective
from core.followups.views import AgentDay, TrendPoint
from core.store.models import CheckIn, CheckInAmendment, User
from core.vocabulary import Outcome

FIELDS = ("outcome", "right_party", "wellbeing")


@dataclass(frozen=True)
class Change:
    """What one amended check-in changes in the figures of its agent and day."""

    agent_id: int
    at: datetime
    conversations: int  # -1, 0 or +1
    wellbeing_sum: int
    wellbeing_count: int  # -1, 0 or +1


def spoke(checkin: CheckIn) -> bool:
    """A conversation, as the stand-up counts it: they spoke, or we reached the right person."""
    return checkin.outcome == Outcome.SPOKE or checkin.right_party is True


def changes(session: Session, *, start: datetime, end: datetime,
            team_id: int | None = None) -> list[Change]:
    """The corrections of check-ins logged in [start, end) (one team's agents, or all)."""
    query = select(CheckIn).where(
        CheckIn.at >= start, CheckIn.at < end,
        CheckIn.id.in_(select(CheckInAmendment.checkin_id)
                       .where(CheckInAmendment.field.in_(FIELDS))))
    if team_id is not None:
        query = query.where(CheckIn.agent_id.in_(select(User.id).where(User.team_id == team_id)))
    logged = session.exec(query).all()
    fixes = amended(session, [c.id for c in logged], FIELDS)
    found = []
    for was in logged:
        now = effective(was, fixes)
        found.append(Change(
            agent_id=was.agent_id, at=was.at,
            conversations=int(spoke(now)) - int(spoke(was)),
            wellbeing_sum=(now.wellbeing or 0) - (was.wellbeing or 0),
            wellbeing_count=int(now.wellbeing is not None) - int(was.wellbeing is not None)))
    return found


def agents(rows: list[AgentDay], found: Sequence[Change]) -> list[AgentDay]:
    """The per-agent rows with the corrections applied."""
    by_agent: dict[int, list[Change]] = {}
    for change in found:
        by_agent.setdefault(change.agent_id, []).append(change)
    return [replace(r, conversations=r.conversations + sum(c.conversations for c in mine),
                    wellbeing_sum=r.wellbeing_sum + sum(c.wellbeing_sum for c in mine),
                    wellbeing_count=r.wellbeing_count + sum(c.wellbeing_count for c in mine))
            if (mine := by_agent.get(r.agent_id)) else r for r in rows]


def trend(points: list[TrendPoint], windows: Sequence[tuple[datetime, datetime]],
          found: Sequence[Change]) -> list[TrendPoint]:
    """The trend's points (one per window, in order) with the corrections applied."""
    shifted = [p.conversations for p in points]
    for change in found:
        for i, (start, end) in enumerate(windows):
            if start <= change.at < end:
                shifted[i] += change.conversations
    return [replace(p, conversations=n) for p, n in zip(points, shifted, strict=True)]
