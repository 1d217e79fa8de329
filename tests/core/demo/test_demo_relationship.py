"""The demo shows the relationship beyond the balance: milestones to send, after-care, goodwill."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from core.demo import loader as demo
from core.followups import queries
from core.relationship import queries as rq
from core.relationship.models import AfterCare, Goodwill, Milestone
from core.store.models import FollowUp, User
from core.vocabulary import FollowUpReason

TODAY = date(2026, 3, 4)


def test_the_demo_has_milestones_after_care_and_goodwill(engine: Engine):
    # Given the small demo
    summary = demo.load_demo(engine, debtors=60, today=TODAY)
    with Session(engine) as session:
        agent = session.execute(select(User).where(User.username == "agent")).scalar_one()
        count = lambda model: session.execute(  # noqa: E731
            select(func.count()).select_from(model)).scalar_one()
        # Then the daily run offered milestones, and the paid accounts have
        # after-care answers and goodwill, written through the services
        assert count(Milestone) >= 1
        assert count(AfterCare) >= 1 and count(Goodwill) >= 1
        assert summary.followups == count(FollowUp)
        care = session.execute(select(FollowUp).where(
            FollowUp.reason == FollowUpReason.AFTER_CARE)).scalars().all()
        assert care
        # And after-care due today is on the stand-up line, never in the agent's load
        due_today = [f for f in care if f.due_on == TODAY]
        assert rq.after_care_due_today(session, today=TODAY) == len(due_today) >= 1
        for owner in {f.owner_id for f in care} | {agent.id}:
            day = queries.my_day(session, user_id=owner, today=TODAY)
            assert FollowUpReason.AFTER_CARE not in {r.reason for r in day.due_today}
