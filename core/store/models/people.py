"""The team: teams, users, sign-in attempts, signed-in sessions and team-wide settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.store.models.base import _ts
from core.vocabulary import Role


class Team(SQLModel, table=True):
    __tablename__ = "team"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)


class UserBase(SQLModel):
    username: str = Field(max_length=40)
    display_name: str = Field(max_length=120)
    role: str = Field(default=Role.AGENT, max_length=10)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    active: bool = True


class User(UserBase, table=True):
    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("username"),)
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=200)
    created_at: datetime = _ts(default_factory=utcnow)
    version: int = 1


class UserCreate(UserBase):
    password: str


class UserUpdate(SQLModel):
    display_name: str | None = None
    role: str | None = None
    team_id: int | None = None
    active: bool | None = None


class UserPublic(UserBase):
    id: int


class LoginAttempt(SQLModel, table=True):
    """One sign-in try; recent failures lock an account for a while."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),
                      Index("ix_login_attempt_client_at", "client", "at"))
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40)
    at: datetime = _ts(default_factory=utcnow)
    succeeded: bool = False
    # "ok", "wrong" (password checked, no match), "locked", "throttled" or "unlocked".
    outcome: str = Field(default="", max_length=12)
    client: str = Field(default="", max_length=64)


class Setting(SQLModel, table=True):
    """A team-wide setting (office timezone, settlement limits, idle time-out …)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=400)

class UserSession(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its random token is stored."""

    __tablename__ = "user_session"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        Index("ix_user_session_user_id", "user_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    token_hash: str = Field(max_length=64)
    created_at: datetime = _ts(default_factory=utcnow)
    last_seen_at: datetime = _ts(default_factory=utcnow)
    expires_at: datetime = _ts()
    revoked_at: datetime | None = _ts(default=None)
    client: str = Field(default="", max_length=64)
