"""Debtors and their accounts, with what binds contact: holds, adjustments, vulnerability."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.store.models.base import _money, _text, _ts
from core.vocabulary import AccountStatus, Channel, DebtorKind


class DebtorBase(SQLModel):
    kind: str = Field(default=DebtorKind.PERSON, max_length=10)
    name: str = Field(max_length=200)
    preferred_name: str = Field(default="", max_length=120)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    preferred_channel: str = Field(default=Channel.PHONE, max_length=10)
    language: str = Field(default="en", max_length=20)
    timezone: str = Field(default="Europe/London", max_length=60)
    contact_window_start: time = time(9, 0)
    contact_window_end: time = time(19, 0)
    opted_out: str = Field(default="", max_length=60)  # comma-separated channels
    communication_notes: str = _text(default="")
    cultural_notes: str = _text(default="")
    circumstances: str = _text(default="")
    needs: str = _text(default="")
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")


class Debtor(DebtorBase, table=True):
    __tablename__ = "debtor"
    __table_args__ = (
        Index("ix_debtor_owner_id", "owner_id"),
        Index("ix_debtor_name", "name"),
        Index("ix_debtor_vulnerable_last_checkin", "vulnerable", "last_checkin_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    vulnerable: bool = False
    # The latest check-in's time, kept by a database trigger (migration 0006): never set it.
    last_checkin_at: datetime | None = _ts(default=None)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)
    version: int = 1


class DebtorCreate(DebtorBase):
    pass


class DebtorUpdate(SQLModel):
    kind: str | None = None
    name: str | None = None
    preferred_name: str | None = None
    email: str | None = None
    phone: str | None = None
    preferred_channel: str | None = None
    language: str | None = None
    timezone: str | None = None
    contact_window_start: time | None = None
    contact_window_end: time | None = None
    opted_out: str | None = None
    communication_notes: str | None = None
    cultural_notes: str | None = None
    circumstances: str | None = None
    needs: str | None = None
    owner_id: int | None = None


class DebtorPublic(DebtorBase):
    id: int
    vulnerable: bool
    version: int


class AccountBase(SQLModel):
    debtor_id: int = Field(foreign_key="debtor.id")
    reference: str = Field(max_length=40)
    creditor: str = Field(max_length=120)
    original_balance_cents: int = _money()
    balance_cents: int = _money()
    currency: str = Field(default="GBP", max_length=3)
    status: str = Field(default=AccountStatus.OPEN, max_length=15)
    opened_on: date | None = None


class Account(AccountBase, table=True):
    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("reference"),
        Index("ix_account_debtor_id", "debtor_id"),
        Index("ix_account_status", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    last_activity_at: datetime = _ts(default_factory=utcnow)
    created_at: datetime = _ts(default_factory=utcnow)
    version: int = 1


class AccountCreate(AccountBase):
    pass


class AccountUpdate(SQLModel):
    creditor: str | None = None
    balance_cents: int | None = _money(default=None)
    status: str | None = None


class AccountPublic(AccountBase):
    id: int
    version: int


class Hold(SQLModel, table=True):
    """A pause on contact and collection: dispute, breathing space, cease communication."""

    __tablename__ = "hold"
    __table_args__ = (Index("ix_hold_account_id", "account_id"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    kind: str = Field(max_length=25)
    reason: str = _text(default="")
    starts_on: date
    ends_on: date | None = None
    released_at: datetime | None = _ts(default=None)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _ts(default_factory=utcnow)
    review_on: date | None = None  # a crisis breathing space's next review (a lead renews)
    representative: str = Field(default="", max_length=200)  # who speaks for them
    released_by: int | None = None  # the user who released it early
    release_reason: str = _text(default="")
    welcomed_at: datetime | None = _ts(default=None)  # the "welcome back" follow-up was made


class Adjustment(SQLModel, table=True):
    """What we agreed to do differently for a person; it binds the contact rules.

    `unavailable`: a weekly window (start_day/start_time → end_day/end_time, their clock);
    `channel_only`: `channels`; `helper_present`, `interpreter`, `format`: `detail`;
    `extra_time`: `extra_days`; `text_first`: nothing more.
    """

    __tablename__ = "adjustment"
    __table_args__ = (Index("ix_adjustment_debtor_id", "debtor_id"),)
    id: int | None = Field(default=None, primary_key=True)
    debtor_id: int = Field(foreign_key="debtor.id")
    kind: str = Field(max_length=20)
    start_day: int | None = None
    start_time: time | None = None
    end_day: int | None = None
    end_time: time | None = None
    channels: str = Field(default="", max_length=60)  # comma-separated
    detail: str = _text(default="")
    extra_days: int = 0
    reason: str = _text(default="")
    consent_at: datetime = _ts(default_factory=utcnow)
    review_on: date
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _ts(default_factory=utcnow)
    ended_at: datetime | None = _ts(default=None)
    ended_by: int | None = Field(default=None, foreign_key="app_user.id")


class Vulnerability(SQLModel, table=True):
    """One FCA vulnerability driver recorded with explicit consent, with IDEA notes."""

    __tablename__ = "vulnerability"
    __table_args__ = (Index("ix_vulnerability_debtor_id", "debtor_id"),)
    id: int | None = Field(default=None, primary_key=True)
    debtor_id: int = Field(foreign_key="debtor.id")
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    driver: str = Field(max_length=15)
    impact: str = _text(default="")
    duration: str = _text(default="")
    episodes: str = _text(default="")
    assistance: str = _text(default="")
    consent_at: datetime = _ts(default_factory=utcnow)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    active: bool = True
