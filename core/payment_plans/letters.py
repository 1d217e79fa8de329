"""What the debtor's letter needs from the database: the account and the team's details."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core.payment_plans.export import Letter
from core.store import settings
from core.store.models import Account


def letter_for(session: Session, *, account_id: int, today: date | None = None) -> Letter | None:
    """The letter details for an account (None when there is no such account)."""
    account = session.get(Account, account_id)
    if account is None:
        return None
    return Letter(
        creditor=account.creditor,
        reference=account.reference,
        sender=settings.get(session, "letter_sender"),
        phone=settings.get(session, "letter_phone"),
        email=settings.get(session, "letter_email"),
        hours=settings.get(session, "letter_hours"),
        how_to_pay=settings.get(session, "letter_how_to_pay"),
        issued_on=today or settings.office_today(session),
    )
