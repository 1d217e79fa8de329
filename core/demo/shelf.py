"""The demo's shelf of free help in use, written through the services after the daily run:
resources the demo agent shared with a few of their debtors in recent weeks, some already
asked about ("yes", "not yet", "no") and one still to ask."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, select

from core.resources import queries, service
from core.store import db, settings
from core.store.models import Debtor, User, utcnow

# (topic shared, days before today, the answer at the next follow-up: "" not asked yet)
SHARES: tuple[tuple[str, int, str], ...] = (
    ("debt_advice", 20, "yes"), ("mental_health", 16, "yes"), ("budgeting", 12, "not_yet"),
    ("benefits", 9, "no"), ("debt_advice", 4, ""),
)


def seed_shares(engine: Engine, *, today: date, username: str = "agent") -> int:
    """Shares on `username`'s first debtors (anyone's in a small demo); how many were made."""
    with db.write_session(engine) as session:
        agent = session.execute(select(User).where(User.username == username)).scalar()
        if agent is None:
            return 0
        debtors = session.execute(select(Debtor.id).order_by(
            Debtor.owner_id != agent.id, Debtor.id).limit(len(SHARES))).scalars().all()
        zone = settings.office_zone(session)
        asked_at = min(utcnow(), datetime.combine(today, time(10), tzinfo=zone))
        made = 0
        for debtor_id, (topic, days, said) in zip(debtors, SHARES, strict=False):
            offered = queries.offered(session, today=today, topic=topic)
            if not offered:
                continue
            when = datetime.combine(today - timedelta(days=days), time(11), tzinfo=zone)
            [shared] = service.share(session, actor=agent, debtor_id=debtor_id,
                                     resource_ids=[offered[0].id], now=when)
            if said:
                service.answer(session, actor=agent, share_id=shared.id, answer=said,
                               now=asked_at)
            made += 1
        return made
