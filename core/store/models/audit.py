"""What happened: the append-only audit trail and the daily run's one claim per office day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.store.models.base import _text, _ts


class AuditEvent(SQLModel, table=True):
    """Append-only: who did what to which record, with the values before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity", "entity_id"),
        Index("ix_audit_event_at", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    before_json: str = _text(default="")
    after_json: str = _text(default="")
    flagged: bool = False

class DailyRun(SQLModel, table=True):
    """One row per office day the time-driven rules ran (core.daily): claimed once."""

    __tablename__ = "daily_run"
    day: date = Field(primary_key=True)
    started_at: datetime = _ts(default_factory=utcnow)
    summary_json: str = _text(default="")
