"""The relationship's tables (kept apart from core.store.models, which may not grow)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.store.models import _money, _text, _ts, utcnow
from core.vocabulary import MilestoneStatus


class AfterCare(SQLModel, table=True):
    """The one-time after-care offer on a paid account: yes (with the day they agreed) or no
    thanks; a yes can be withdrawn, which cancels the check-ins still open."""

    __tablename__ = "after_care"
    __table_args__ = (UniqueConstraint("account_id"), Index("ix_after_care_debtor_id", "debtor_id"))
    id: int | None = Field(default=None, primary_key=True)
    debtor_id: int = Field(foreign_key="debtor.id")
    account_id: int = Field(foreign_key="account.id")
    consented: bool = False
    consent_on: date  # the day they agreed (or said no thanks)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime = _ts(default_factory=utcnow)
    withdrawn_at: datetime | None = _ts(default=None)
    withdrawn_by: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1


class Goodwill(SQLModel, table=True):
    """Something good that came back: thanks, a referral, a testimonial, a return."""

    __tablename__ = "goodwill"
    __table_args__ = (Index("ix_goodwill_debtor_id", "debtor_id"),)
    id: int | None = Field(default=None, primary_key=True)
    debtor_id: int = Field(foreign_key="debtor.id")
    kind: str = Field(max_length=20)
    note: str = _text(default="")
    happened_on: date
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime = _ts(default_factory=utcnow)


class Milestone(SQLModel, table=True):
    """A point of progress in a plan, offered to its agent once (unique per plan and kind)."""

    __tablename__ = "milestone"
    __table_args__ = (
        UniqueConstraint("plan_id", "kind", name="uq_milestone_plan_id_kind"),
        Index("ix_milestone_owner_id_status", "owner_id", "status"),
        Index("ix_milestone_debtor_id", "debtor_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="payment_plan.id")
    account_id: int = Field(foreign_key="account.id")
    debtor_id: int = Field(foreign_key="debtor.id")
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")
    kind: str = Field(max_length=20)
    paid_cents: int = _money()  # paid on the plan when it was reached
    payable_cents: int = _money()
    currency: str = Field(default="GBP", max_length=3)
    offered_on: date
    status: str = Field(default=MilestoneStatus.OFFERED, max_length=10)
    handled_by: int | None = Field(default=None, foreign_key="app_user.id")
    handled_at: datetime | None = _ts(default=None)
    version: int = 1
