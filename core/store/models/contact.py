"""Contact with a debtor: check-ins, their amendments, and follow-ups."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.store.models.base import _text, _ts
from core.vocabulary import Channel, Direction, FollowUpReason, FollowUpStatus


class CheckInBase(SQLModel):
    debtor_id: int = Field(foreign_key="debtor.id")
    account_id: int | None = Field(default=None, foreign_key="account.id")
    at: datetime = _ts(default_factory=utcnow)
    channel: str = Field(max_length=10)
    direction: str = Field(default=Direction.OUTBOUND, max_length=10)
    outcome: str = Field(max_length=15)
    right_party: bool = False
    wellbeing: int | None = None  # 1 (struggling) .. 5 (doing well)
    life_changes: str = Field(default="", max_length=300)  # comma-separated
    signposting: str = Field(default="", max_length=300)  # comma-separated
    needs: str = _text(default="")
    next_step: str = _text(default="")
    notes: str = _text(default="")


class CheckIn(CheckInBase, table=True):
    __tablename__ = "checkin"
    __table_args__ = (
        Index("ix_checkin_debtor_id_at", "debtor_id", "at"),
        Index("ix_checkin_agent_id_at", "agent_id", "at"),
        Index("ix_checkin_at", "at"),
        # The stand-up's day results and 14-day trend, answered from the index alone.
        Index("ix_checkin_at_activity", "at", "agent_id", "outcome", "right_party", "wellbeing"),
    )
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="app_user.id")
    rule_override_reason: str = _text(default="")
    created_at: datetime = _ts(default_factory=utcnow)
    reading_grade: float | None = None  # a message we sent: its reading grade when sent
    jargon: str = _text(default="")  # the jargon found in it, comma-separated
    plain_language_reason: str = _text(default="")  # why it went out above grade 6 / jargon
    call_consented_at: datetime | None = _ts(default=None)  # a call they asked for (§1006.14(b)(4))


class CheckInCreate(CheckInBase):
    pass


class CheckInPublic(CheckInBase):
    id: int
    agent_id: int


class CheckInAmendment(SQLModel, table=True):
    """A correction to a check-in; the original stays as it was."""

    __tablename__ = "checkin_amendment"
    __table_args__ = (Index("ix_checkin_amendment_checkin_id", "checkin_id"),)
    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="checkin.id")
    field: str = Field(max_length=40)
    before: str = _text(default="")
    after: str = _text(default="")
    reason: str = _text(default="")
    amended_by: int = Field(foreign_key="app_user.id")
    amended_at: datetime = _ts(default_factory=utcnow)


class FollowUpBase(SQLModel):
    debtor_id: int = Field(foreign_key="debtor.id")
    account_id: int | None = Field(default=None, foreign_key="account.id")
    owner_id: int = Field(foreign_key="app_user.id")
    due_on: date
    channel: str = Field(default=Channel.PHONE, max_length=10)
    reason: str = Field(default=FollowUpReason.CALL_BACK, max_length=20)
    priority: int = 2  # 1 high, 2 normal, 3 low
    note: str = _text(default="")


class FollowUp(FollowUpBase, table=True):
    __tablename__ = "followup"
    __table_args__ = (
        Index("ix_followup_status_owner_id_due_on", "status", "owner_id", "due_on"),
        Index("ix_followup_status_due_on", "status", "due_on"),
        Index("ix_followup_debtor_id", "debtor_id"),
        Index("ix_followup_account_status_due", "account_id", "status", "due_on", "owner_id"),
        # The backlog: the list walks it in priority-then-lateness order, and counts with any
        # filter (owner, reason, channel, debtor) are answered from the index alone.
        Index("ix_followup_backlog", "status", "priority", "due_on", "owner_id", "reason",
              "channel", "debtor_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=FollowUpStatus.OPEN, max_length=10)
    snooze_count: int = 0
    snooze_reason: str = _text(default="")  # why it was last snoozed
    plan_id: int | None = Field(default=None, foreign_key="payment_plan.id")
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _ts(default_factory=utcnow)
    done_at: datetime | None = _ts(default=None)
    version: int = 1
    promise_id: int | None = Field(default=None, foreign_key="promise_to_pay.id")
    due_at: datetime | None = _ts(default=None)  # a call-back at the time they asked for
    call_consented_at: datetime | None = _ts(default=None)  # when they asked for it


class FollowUpCreate(FollowUpBase):
    pass


class FollowUpUpdate(SQLModel):
    due_on: date | None = None
    owner_id: int | None = None
    priority: int | None = None
    status: str | None = None
    note: str | None = None


class FollowUpPublic(FollowUpBase):
    id: int
    status: str
    snooze_count: int
    version: int
