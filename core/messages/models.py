"""The translations table (kept apart from core.store.models, which may not grow)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.store.models import _text, _ts, utcnow


class MessageTranslation(SQLModel, table=True):
    """One message template in one language other than English, draft or approved."""

    __tablename__ = "message_translation"
    __table_args__ = (UniqueConstraint("template", "language",
                                       name="uq_message_translation_template_language"),)
    id: int | None = Field(default=None, primary_key=True)
    template: str = Field(max_length=20)  # a key of core.plain_language.TEMPLATES
    language: str = Field(max_length=20)
    body: str = _text(default="")
    status: str = Field(default="draft", max_length=10)  # core.vocabulary.TranslationStatus
    version: int = 1
    updated_at: datetime = _ts(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime | None = _ts(default=None)
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")
