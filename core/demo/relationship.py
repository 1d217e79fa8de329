"""The demo's relationship beyond the balance, written through the services after the daily
run: three paid accounts (the demo agent's first) with after-care answers (one check-in due
today, one agreed ten days ago, one "no thanks") and goodwill on two of those debtors.
Milestones come from the daily run itself."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, select

from core.relationship import service
from core.store import db
from core.store.models import Account, AccountStatus, Debtor, User

# (days before today they answered, did they say yes)
ANSWERS: tuple[tuple[int, bool], ...] = ((30, True), (10, True), (5, False))
GOODWILL: tuple[tuple[str, str, int], ...] = (
    ("thanks", "Sent a card to say thank you for being patient with them.", 20),
    ("referral", "Told their neighbour to call us early rather than worry alone.", 8),
)


def seed_relationship(engine: Engine, *, today: date, username: str = "agent") -> int:
    """After-care answers and goodwill on paid accounts, `username`'s first (then anyone's,
    in a small demo), each recorded by the debtor's owner; the follow-ups added."""
    with db.write_session(engine) as session:
        agent_id = session.execute(select(User.id).where(User.username == username)).scalar()
        paid = session.execute(
            select(Account, User).join(Debtor, Debtor.id == Account.debtor_id)
            .join(User, User.id == Debtor.owner_id)
            .where(Account.status == AccountStatus.PAID, Account.balance_cents <= 0,
                   User.active.is_(True))
            .order_by(User.id != agent_id, Account.id).limit(len(ANSWERS))).all()
        added = 0
        for (account, owner), (days, yes) in zip(paid, ANSWERS, strict=False):
            service.record_after_care(session, actor=owner, account_id=account.id,
                                      consented=yes, consent_on=today - timedelta(days=days),
                                      today=today)
            added += 2 if yes else 0
        for (account, owner), (kind, note, days) in zip(paid, GOODWILL, strict=False):
            service.add_goodwill(session, actor=owner, debtor_id=account.debtor_id, kind=kind,
                                 note=note, happened_on=today - timedelta(days=days),
                                 today=today)
        return added
