"""Money agreed and received: plans, instalments, payments, reversals, promises, I&E."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.store.models.base import _money, _text, _ts
from core.vocabulary import InstalmentStatus, PlanStatus, PromiseStatus


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

class PaymentReversal(SQLModel, table=True):
    """A payment taken back (a bounced direct debit, a chargeback): one per payment."""

    __tablename__ = "payment_reversal"
    __table_args__ = (UniqueConstraint("payment_id"),)
    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id")
    reason: str = _text(default="")
    reversed_by: int | None = Field(default=None, foreign_key="app_user.id")
    reversed_at: datetime = _ts(default_factory=utcnow)
