"""The refresher tables (kept apart from core.store.models, which may not grow)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.store.models import _text, _ts, utcnow


class Refresher(SQLModel, table=True):
    """A short piece of learning on a rule or a skill, kept by an admin (core.learning)."""

    __tablename__ = "refresher"
    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=40)  # the rule it covers, e.g. "contact_limits"
    topic: str = Field(max_length=120)
    body: str = _text(default="")
    source: str = Field(default="", max_length=300)
    version: int = 1
    review_by: date | None = None
    updated_at: datetime = _ts(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")


class RefresherRead(SQLModel, table=True):
    """An agent read a refresher at a version."""

    __tablename__ = "refresher_read"
    __table_args__ = (Index("ix_refresher_read_user_id_refresher_id", "user_id", "refresher_id"),)
    id: int | None = Field(default=None, primary_key=True)
    refresher_id: int = Field(foreign_key="refresher.id")
    user_id: int = Field(foreign_key="app_user.id")
    version: int
    read_at: datetime = _ts(default_factory=utcnow)
