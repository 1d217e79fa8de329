"""The demo shows the shelf of free help in use: shared, some asked about, one still to ask."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select
from sqlmodel import Session

from core.demo import loader as demo
from core.resources import queries
from core.resources.models import ResourceShare

TODAY = date(2026, 3, 4)


def test_the_demo_has_free_help_shared_and_followed_up(engine: Engine):
    # Given the small demo
    demo.load_demo(engine, debtors=30, today=TODAY)
    with Session(engine) as session:
        shares = session.execute(select(ResourceShare)).scalars().all()
        # Then the agent shared free help, each answer given or still to ask
        assert len(shares) == 5
        assert sorted(s.answer for s in shares) == ["", "no", "not_yet", "yes", "yes"]
        # And the stand-up counts the two that helped this month
        assert sum(h.helped for h in queries.helped_this_month(session, today=TODAY)) == 2
        waiting = {s.debtor_id for s in shares if s.answer in ("", "not_yet")}
        assert all(queries.awaiting_answer(session, debtor_id=d) for d in waiting)
