"""Every table and its family of schemas (Base -> table, Create, Update, Public), in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import BigInteger, DateTime, Index, MetaData, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow  # noqa: F401  (re-exported: the models and many callers use it)
from core.errors import UserError
from core.vocabulary import (  # noqa: F401  (the table models' column types)
    AccountStatus,
    AdjustmentKind,
    Channel,
    DebtorKind,
    Direction,
    FollowUpReason,
    FollowUpStatus,
    HoldKind,
    InstalmentStatus,
    Outcome,
    PlanStatus,
    PromiseStatus,
    Role,
    VulnerabilityDriver,
)

# A naming convention makes Alembic's batch mode on SQLite and its diffs on PostgreSQL agree.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always gives them back aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise UserError("Timestamps must be timezone-aware.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _ts(**kwargs) -> object:
    return Field(sa_type=UTCDateTime, **kwargs)


def _money(**kwargs) -> object:
    # Pence in 64 bits: a business debt can pass the £21m that 32 bits hold.
    return Field(sa_type=BigInteger, **kwargs)


def _text(**kwargs) -> object:
    return Field(sa_type=Text, **kwargs)


# ---------------------------------------------------------------- teams and users


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


# ---------------------------------------------------------------- debtors and accounts


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


# ---------------------------------------------------------------- check-ins and follow-ups


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


# ---------------------------------------------------------------- plans, payments, promises


class PaymentPlanBase(SQLModel):
    account_id: int = Field(foreign_key="account.id")
    frequency: str = Field(max_length=12)
    start_on: date
    instalment_cents: int | None = _money(default=None)
    count: int | None = None
    discount_pct: str = Field(default="0", max_length=12)  # Decimal as text: exact
    upfront_cents: int = _money(default=0)
    annual_rate_pct: str = Field(default="0", max_length=12)
    step_cents: int = _money(default=1)


class PaymentPlan(PaymentPlanBase, table=True):
    __tablename__ = "payment_plan"
    __table_args__ = (
        Index("ix_payment_plan_account_id", "account_id"),
        Index("ix_payment_plan_status", "status"),
        Index("ix_payment_plan_activated_at", "activated_at"),
        Index("ix_payment_plan_status_created_at", "status", "created_at", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=PlanStatus.DRAFT, max_length=20)
    payable_cents: int = _money(default=0)
    forgiven_cents: int = _money(default=0)
    interest_cents: int = _money(default=0)
    balance_at_start_cents: int = _money(default=0)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")
    approval_note: str = _text(default="")
    created_at: datetime = _ts(default_factory=utcnow)
    activated_at: datetime | None = _ts(default=None)
    ended_at: datetime | None = _ts(default=None)
    version: int = 1
    offer_expires_on: date | None = None  # a settlement offer cannot start after this day
    request_reason: str = _text(default="")  # why the agent asks a lead to approve it
    start_when_approved: bool = False  # "save and start" asked: approval starts it


class PaymentPlanCreate(PaymentPlanBase):
    pass


class PaymentPlanPublic(PaymentPlanBase):
    id: int
    status: str
    payable_cents: int = _money()
    forgiven_cents: int = _money()
    version: int


class PlanInstalment(SQLModel, table=True):
    __tablename__ = "plan_instalment"
    __table_args__ = (
        UniqueConstraint("plan_id", "seq", name="uq_plan_instalment_plan_id_seq"),
        Index("ix_plan_instalment_status_due_on", "status", "due_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="payment_plan.id")
    seq: int
    due_on: date
    amount_cents: int = _money()
    interest_cents: int = _money(default=0)
    paid_cents: int = _money(default=0)
    status: str = Field(default=InstalmentStatus.DUE, max_length=10)


class Payment(SQLModel, table=True):
    __tablename__ = "payment"
    __table_args__ = (
        Index("ix_payment_account_id_received_on", "account_id", "received_on"),
        Index("ix_payment_received_on", "received_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    plan_id: int | None = Field(default=None, foreign_key="payment_plan.id")
    amount_cents: int = _money()
    received_on: date
    method: str = Field(default="bank_transfer", max_length=20)
    reference: str = Field(default="", max_length=60)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _ts(default_factory=utcnow)
    reversed_at: datetime | None = _ts(default=None)
    effects_json: str = _text(default="")  # what the payment settled, so a reversal undoes it


class PromiseToPay(SQLModel, table=True):
    __tablename__ = "promise_to_pay"
    __table_args__ = (
        Index("ix_promise_to_pay_account_id", "account_id"),
        Index("ix_promise_to_pay_status_due_on", "status", "due_on"),
        Index("ix_promise_to_pay_resolved_at", "resolved_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    debtor_id: int = Field(foreign_key="debtor.id")
    account_id: int = Field(foreign_key="account.id")
    amount_cents: int = _money()
    due_on: date
    status: str = Field(default=PromiseStatus.OPEN, max_length=10)
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _ts(default_factory=utcnow)
    resolved_at: datetime | None = _ts(default=None)


class IncomeExpenditure(SQLModel, table=True):
    """A dated income & expenditure statement (Standard Financial Statement categories)."""

    __tablename__ = "income_expenditure"
    __table_args__ = (Index("ix_income_expenditure_debtor_id", "debtor_id"),)
    id: int | None = Field(default=None, primary_key=True)
    debtor_id: int = Field(foreign_key="debtor.id")
    recorded_on: date
    items_json: str = _text(default="{}")  # {category: monthly cents}
    income_cents: int = _money(default=0)
    expenses_cents: int = _money(default=0)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _ts(default_factory=utcnow)


# ---------------------------------------------------------------- audit


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


# ---------------------------------------------------------------- reversals and the daily run


class PaymentReversal(SQLModel, table=True):
    """A payment taken back (a bounced direct debit, a chargeback): one per payment."""

    __tablename__ = "payment_reversal"
    __table_args__ = (UniqueConstraint("payment_id"),)
    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id")
    reason: str = _text(default="")
    reversed_by: int | None = Field(default=None, foreign_key="app_user.id")
    reversed_at: datetime = _ts(default_factory=utcnow)


class DailyRun(SQLModel, table=True):
    """One row per office day the time-driven rules ran (core.daily): claimed once."""

    __tablename__ = "daily_run"
    day: date = Field(primary_key=True)
    started_at: datetime = _ts(default_factory=utcnow)
    summary_json: str = _text(default="")


# ---------------------------------------------------------------- signed-in sessions


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
