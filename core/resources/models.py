"""The shelf's tables (kept apart from core.store.models, which may not grow)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.store.models import _text, _ts, utcnow


class ResourceBase(SQLModel):
    """What an admin keeps about a free source of help."""

    title: str = Field(max_length=120)
    organisation: str = Field(max_length=120)
    link: str = Field(default="", max_length=300)  # an http(s) address, or empty
    phone: str = Field(default="", max_length=40)  # a phone number, or empty
    topic: str = Field(max_length=20)  # core.vocabulary.ResourceTopic
    language: str = Field(default="en", max_length=20)
    summary: str = _text(default="")  # the plain paragraph shared with the debtor
    reviewed_on: date


class Resource(ResourceBase, table=True):
    """A free source of help on the shelf (core.resources)."""

    __tablename__ = "resource"
    id: int | None = Field(default=None, primary_key=True)
    reading_grade: float | None = None  # of the summary, English only; None = not measured
    active: bool = True
    version: int = 1
    updated_at: datetime = _ts(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")


@dataclass(frozen=True)
class ResourceInput:
    """One add or change from the admin page, as typed (the service checks it); `id` None adds."""

    title: str
    organisation: str
    topic: str
    summary: str
    reviewed_on: date | None
    link: str = ""
    phone: str = ""
    language: str = "en"
    active: bool = True
    id: int | None = None
    version: int | None = None  # the version the admin saw (changed by someone else?)


class ResourceShare(SQLModel, table=True):
    """A resource shared with a debtor, and whether it helped (asked at the next follow-up)."""

    __tablename__ = "resource_share"
    __table_args__ = (Index("ix_resource_share_debtor_id", "debtor_id"),
                      Index("ix_resource_share_answer_answered_at", "answer", "answered_at"))
    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resource.id")
    debtor_id: int = Field(foreign_key="debtor.id")
    shared_by: int = Field(foreign_key="app_user.id")
    shared_at: datetime = _ts(default_factory=utcnow)
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    answer: str = Field(default="", max_length=10)  # core.vocabulary.ResourceAnswer, "" unasked
    answered_at: datetime | None = _ts(default=None)
    answered_by: int | None = Field(default=None, foreign_key="app_user.id")
