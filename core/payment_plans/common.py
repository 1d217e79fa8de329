"""What the plan services share: getting a record or refusing, locking, follow-ups, checks.

Nothing here decides a business rule on its own; it loads, locks and writes for the services
in service.py, payments.py and sweep.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.errors import UserError
from core.followups.service import add_followup
from core.lifecycle import PlanAction, refusal
from core.money import format_money
from core.permissions import require_active
from core.plans import Instalment
from core.store import audit
from core.store.db import StaleRecordError, save_versioned
from core.store.models import (
    Account,
    Channel,
    Debtor,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    PaymentPlan,
    PlanStatus,
    utcnow,
)

PAYMENT_METHODS: dict[str, str] = {
    "bank_transfer": "Bank transfer",
    "card": "Card",
    "direct_debit": "Direct debit",
    "standing_order": "Standing order",
    "cash": "Cash",
    "cheque": "Cheque",
    "other": "Other",
}
MISSED_TO_BREAK = 2
REVIEW_DAYS_BEFORE = 2
ENTITY = "payment plan"


require_user = require_active  # any signed-in member of the team (agent, lead or admin)


def pct_text(value: object, *, field: str, places: int) -> str:
    """A percentage as exact text with at most `places` decimals, or a plain refusal."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise UserError(f"{field} must be a number.") from None
    if not number.is_finite():
        raise UserError(f"{field} must be a number.")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise UserError(f"{field} can have at most {places} decimal places.")
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def money(cents: int, currency: str = "GBP") -> str:
    """£1,234.56 (or the account's currency)."""
    return format_money(cents, currency)


def get_plan(session: Session, plan_id: int, *, expected_version: int | None = None
             ) -> PaymentPlan:
    """The plan; StaleRecordError at once if someone saved it since `expected_version`."""
    plan = session.get(PaymentPlan, plan_id)
    if plan is None:
        raise UserError("That payment plan no longer exists.")
    if expected_version is not None and plan.version != expected_version:
        raise StaleRecordError(ENTITY)
    return plan


def check_action(plan: PaymentPlan, action: PlanAction) -> None:
    """Refuse with the lifecycle table's sentence when `action` is not allowed now."""
    why = refusal(plan.status, action)
    if why:
        raise UserError(why)


def get_account(session: Session, account_id: int | None, *, lock: bool = False) -> Account:
    """The account (with `lock`, its row locked on PostgreSQL so writers on it queue)."""
    account = None
    if account_id is not None:
        query = select(Account).where(Account.id == account_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        account = session.exec(query).first()
    if account is None:
        raise UserError("That account no longer exists.")
    return account


def active_plan(session: Session, account_id: int, *, lock: bool = False) -> PaymentPlan | None:
    """The account's active plan, if any."""
    query = select(PaymentPlan).where(
        PaymentPlan.account_id == account_id, PaymentPlan.status == PlanStatus.ACTIVE
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query.order_by(col(PaymentPlan.id))).first()


def touch_account(session: Session, account: Account, **changes: object) -> None:
    """Change the account under its version, so concurrent writers on it queue or fail."""
    values = dict(changes, last_activity_at=utcnow())
    save_versioned(session, account, values, expected_version=account.version, entity="account")


def add_owner_followup(
    session: Session,
    *,
    account: Account,
    plan_id: int | None,
    reason: str,
    due_on: date,
    note: str,
    priority: int,
    actor_id: int | None,
    fallback_owner: int | None,
    promise_id: int | None = None,
) -> FollowUp | None:
    """A follow-up for the debtor's owner (or `fallback_owner`); None when nobody owns it."""
    debtor = session.get(Debtor, account.debtor_id)
    owner = (debtor.owner_id if debtor else None) or fallback_owner
    if debtor is None or owner is None:
        return None
    channel = debtor.preferred_channel if debtor.preferred_channel else Channel.PHONE
    extra = {"promise_id": promise_id} if promise_id is not None else {}
    return add_followup(session, actor_id=actor_id, debtor_id=debtor.id, account_id=account.id,
                        owner_id=owner, due_on=due_on, channel=channel, reason=reason,
                        priority=priority, note=note, plan_id=plan_id, **extra)


def review_before(session: Session, *, account: Account, plan_id: int, first: Instalment,
                  today: date, actor_id: int, why: str) -> None:
    """A plan-review follow-up for the owner, 2 days before `first` (never before today)."""
    add_owner_followup(
        session,
        account=account,
        plan_id=plan_id,
        reason=FollowUpReason.REVIEW_PLAN,
        due_on=max(first.due - timedelta(days=REVIEW_DAYS_BEFORE), today),
        note=f"{why} of {money(first.amount_cents, account.currency)} on {first.due:%d %b %Y}.",
        priority=2,
        actor_id=actor_id,
        fallback_owner=actor_id,
    )


def close_plan_followups(
    session: Session, plan_id: int, *, status: str, actor_id: int | None
) -> list[int]:
    """Close the plan's open follow-ups (the plan ended, so they no longer apply); their ids."""
    ids = list(session.exec(
        select(FollowUp.id).where(col(FollowUp.plan_id) == plan_id,
                                  col(FollowUp.status) == FollowUpStatus.OPEN)
        .order_by(col(FollowUp.id))
    ).all())
    if not ids:
        return []
    session.execute(
        update(FollowUp)
        .where(col(FollowUp.id).in_(ids), col(FollowUp.status) == FollowUpStatus.OPEN)
        .values(status=status, done_at=utcnow(), version=FollowUp.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="followup.close_for_plan",
        entity="payment_plan",
        entity_id=plan_id,
        after={"followups_closed": len(ids), "status": status, "ids": ids},
    )
    return ids
