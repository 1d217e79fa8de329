"""Settlement approval with its context.

The agent says why a settlement above their authority is fair, and whether it should start
as soon as it is approved ("save and start"). The lead's queue shows that reason with the
debtor's affordability (their other plans counted), how long it has waited and whether this
lead may approve it at all. The decision lands on the agent's My day as a follow-up, and an
approved plan the agent asked to start is started.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from core.affordability import Affordability
from core.errors import UserError
from core.followups.service import add_followup
from core.lifecycle import offer_expired, start_refusal
from core.payment_plans import affordable
from core.payment_plans import service as pp
from core.payment_plans.queries import (
    plans_awaiting_approval,
    plans_awaiting_approval_count,
)
from core.payment_plans.views import PlanInputs, PlanRow
from core.store import audit, settings
from core.store.models import Account, PaymentPlan, User
from core.text import clean_note
from core.vocabulary import FollowUpReason, PlanStatus, Role


@dataclass(frozen=True, slots=True)
class ApprovalItem:
    """A settlement waiting for approval, with what a lead needs to decide it."""

    plan: PlanRow
    debtor_id: int
    reason: str
    start_when_approved: bool
    waited_days: int
    affordability: Affordability | None
    refusal: str | None  # None: this lead may approve it; else why only someone above may

    @property
    def waited(self) -> str:
        """How long it has waited, in words."""
        if self.waited_days <= 0:
            return "since today"
        return "1 day" if self.waited_days == 1 else f"{self.waited_days} days"

    @property
    def who_may_approve(self) -> str:
        """One sentence: may this lead approve it, or must an admin?"""
        if self.refusal is None:
            return "You may approve this."
        return f"{self.refusal} An admin must approve it."


def who_approves(session: Session, *, discount_pct: str, forgiven_cents: int,
                 currency: str = "GBP") -> str:
    """Who may approve a settlement of this size: "a lead", or "an admin" when it is above
    a lead's own limits (percentage or amount forgiven)."""
    refused = pp.authority_refusal(session, role=Role.LEAD, discount_pct=discount_pct,
                                   forgiven_cents=forgiven_cents, currency=currency)
    return "a lead" if refused is None else "an admin"


def save(session: Session, *, actor: User, inputs: PlanInputs, status: str = PlanStatus.DRAFT,
         start: bool = False, reason: str = "", today: date | None = None,
         offer_expires_on: date | None = None) -> PaymentPlan:
    """Save a plan (and start it when asked). Above the agent's authority it waits for a
    lead with the agent's reason, and starts on approval if the agent asked to start it.
    A settlement may carry the last day its offer stands (`offer_expires_on`)."""
    plan = pp.save_plan(session, actor=actor, inputs=inputs,
                        status=PlanStatus.PROPOSED if start else status, today=today,
                        offer_expires_on=offer_expires_on)
    if plan.status != PlanStatus.AWAITING_APPROVAL:
        if start:
            return pp.activate_plan(session, actor=actor, plan_id=plan.id,
                                    expected_version=plan.version, today=today)
        return plan
    reason = clean_note(reason, field="The reason")
    if not reason:
        raise UserError("This settlement needs a lead's approval: say why it is fair, so the "
                        "lead can decide.")
    plan.request_reason = reason
    plan.start_when_approved = start
    session.add(plan)
    session.flush()
    audit.record(session, actor_id=actor.id, action="plan.request_approval",
                 entity="payment_plan", entity_id=plan.id,
                 after={"reason": reason, "start_when_approved": start})
    return plan


def _tell_the_agent(session: Session, *, actor: User, plan: PaymentPlan, note: str,
                    today: date) -> None:
    if plan.created_by is None or plan.created_by == actor.id:
        return
    account = session.get(Account, plan.account_id)
    add_followup(session, actor_id=actor.id, debtor_id=account.debtor_id, account_id=account.id,
                 owner_id=plan.created_by, due_on=today, reason=FollowUpReason.REVIEW_PLAN,
                 priority=1, plan_id=plan.id, note=note)


def decide(session: Session, *, actor: User, plan_id: int, approve: bool, note: str = "",
           expected_version: int | None = None, today: date | None = None) -> PaymentPlan:
    """Approve or reject one settlement; approval starts it when the agent asked to start it.
    Either way the agent finds the decision on their My day."""
    today = today or settings.office_today(session)
    who = actor.display_name or actor.username
    if not approve:
        plan = pp.reject_plan(session, actor=actor, plan_id=plan_id, note=note,
                              expected_version=expected_version)
        _tell_the_agent(session, actor=actor, plan=plan, today=today,
                        note=f"{who} rejected the settlement (plan {plan_id}): {plan.approval_note}"
                             " Tell the debtor and talk about another plan.")
        return plan
    plan = pp.approve_plan(session, actor=actor, plan_id=plan_id, note=note,
                           expected_version=expected_version)
    if offer_expired(plan.offer_expires_on, today):
        raise UserError(f"This settlement offer expired on {plan.offer_expires_on.day} "
                        f"{plan.offer_expires_on:%B %Y}, so it cannot be approved; reject it "
                        "so the agent can agree a new one with the debtor.")
    told = f"{who} approved the settlement (plan {plan_id})."
    not_now = start_refusal(start_on=plan.start_on, offer_expires_on=plan.offer_expires_on,
                            today=today)
    if plan.start_when_approved and not_now:
        told += f" It has not started: {not_now[0].lower()}{not_now[1:]}"
    elif plan.start_when_approved:
        plan = pp.activate_plan(session, actor=actor, plan_id=plan_id,
                                expected_version=plan.version, today=today)
        told += " It has started, as you asked."
    else:
        told += " Propose it to the debtor or start it."
    _tell_the_agent(session, actor=actor, plan=plan, today=today,
                    note=told + (f" Note: {plan.approval_note}" if plan.approval_note else ""))
    return plan


def _instalment(row: PlanRow) -> int:
    if row.instalment_cents:
        return row.instalment_cents
    return math.ceil(row.payable_cents / max(1, row.count or 1))


QUEUE_SHOWN = 10  # the oldest this many, each with its context; the rest wait their turn


def queue_size(session: Session) -> int:
    """How many settlements wait for a decision."""
    return plans_awaiting_approval_count(session)


def queue(session: Session, *, actor: User, today: date | None = None,
          limit: int = QUEUE_SHOWN) -> list[ApprovalItem]:
    """The oldest `limit` plans of the approval queue, oldest first, each with its context
    for this lead (affordability and authority are worked out for these only)."""
    today = today or settings.office_today(session)
    rows = plans_awaiting_approval(session, limit=limit)
    if not rows:
        return []
    extra = {
        plan_id: (reason, start, debtor_id)
        for plan_id, reason, start, debtor_id in session.exec(
            select(PaymentPlan.id, PaymentPlan.request_reason, PaymentPlan.start_when_approved,
                   Account.debtor_id)
            .join(Account, Account.id == PaymentPlan.account_id)
            .where(col(PaymentPlan.id).in_([r.plan_id for r in rows]))
        ).all()
    }
    verdicts = affordable.affordabilities(session, [
        affordable.Ask(row.account_id, _instalment(row), row.frequency) for row in rows])
    limits = pp.authority_limits(session, actor.role)  # once for the whole list
    items = []
    for row, verdict in zip(rows, verdicts, strict=True):
        reason, start, debtor_id = extra[row.plan_id]
        items.append(ApprovalItem(
            plan=row, debtor_id=debtor_id, reason=reason or "", start_when_approved=bool(start),
            waited_days=(today - row.created_at.date()).days, affordability=verdict,
            refusal=pp.authority_refusal(session, role=actor.role, discount_pct=row.discount_pct,
                                         forgiven_cents=row.forgiven_cents, limits=limits),
        ))
    return items
