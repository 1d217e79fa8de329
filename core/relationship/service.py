"""Relationship writes: the after-care offer (yes with its date, or no thanks) and its
withdrawal, goodwill, and milestones offered by the daily rules and marked sent or dismissed.

After-care follow-ups have the reason `after_care` (a `CARE_REASONS` member): they are never
counted as load, overdue work or backlog, and the contact rules still judge them like any
other follow-up (holds, opt-outs, quiet hours, adjustments). Audited in the caller's
transaction; bad input gets one plain sentence and nothing is written.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select, update
from sqlmodel import Session

from core.errors import UserError
from core.followups.backlog import active_hold_accounts
from core.followups.service import add_followup, may_change
from core.permissions import require_active
from core.relationship import texts
from core.relationship.models import AfterCare, Goodwill, Milestone
from core.store import audit
from core.store.db import save_versioned, sum_cents
from core.store.models import (
    Account,
    AccountStatus,
    Debtor,
    FollowUp,
    PaymentPlan,
    PlanInstalment,
    User,
    utcnow,
)
from core.store.settings import office_today
from core.text import clean_note
from core.vocabulary import (
    MILESTONE_PERCENT,
    Channel,
    FollowUpReason,
    FollowUpStatus,
    GoodwillKind,
    InstalmentStatus,
    MilestoneKind,
    MilestoneStatus,
    PlanStatus,
)

MAX_GOODWILL_NOTE = 1_000
NO_DATE = ("Say on which day they gave their answer: after-care consent is only recorded "
           "with its date.")
RANK: dict[str, int] = {kind: rank for rank, kind in enumerate(MilestoneKind, start=1)}


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


# ---------------------------------------------------------------- after-care


def care_channel(debtor: Debtor) -> str:
    """The channel for a check-in: their preferred one, or the first they have not opted out of;
    UserError when they opted out of every one."""
    opted = {c.strip() for c in (debtor.opted_out or "").split(",") if c.strip()}
    for channel in (debtor.preferred_channel, *Channel):
        if channel in set(Channel) and channel not in opted:
            return channel
    raise UserError("They have asked us not to use any channel, so after-care check-ins "
                    "can't be arranged.")


def record_after_care(session: Session, *, actor: User, account_id: int, consented: bool,
                      consent_on: date | None, today: date | None = None) -> AfterCare:
    """Record the one-time after-care answer for a paid account: yes adds two "how are you
    doing" check-ins for the debtor's owner, 30 and 90 days after the day they agreed."""
    actor = require_active(actor)
    today = today or office_today(session)
    if not _is_day(consent_on):
        raise UserError(NO_DATE)
    if consent_on > today:
        raise UserError("The day they gave their answer can't be in the future.")
    account = session.get(Account, account_id)
    if account is None:
        raise UserError("That account doesn't exist.")
    if account.status != AccountStatus.PAID or account.balance_cents > 0:
        raise UserError("After-care is offered once an account is paid in full; this one "
                        "still has something left to pay.")
    earlier = session.execute(select(AfterCare).where(AfterCare.account_id == account.id)
                              ).scalar_one_or_none()
    if earlier is not None:
        raise UserError(f"After-care was already offered for {account.reference} on "
                        f"{earlier.consent_on:%d %b %Y}; it is offered once.")
    debtor = session.get(Debtor, account.debtor_id)
    channel = care_channel(debtor) if consented else None
    care = AfterCare(debtor_id=debtor.id, account_id=account.id, consented=bool(consented),
                     consent_on=consent_on, recorded_by=actor.id)
    session.add(care)
    session.flush()
    ids = []
    if consented:
        owner = session.get(User, debtor.owner_id) if debtor.owner_id else None
        owner_id = owner.id if owner is not None and owner.active else actor.id
        for days in texts.AFTER_CARE_DAYS:
            followup = add_followup(
                session, actor_id=actor.id, debtor_id=debtor.id, account_id=account.id,
                owner_id=owner_id, due_on=max(consent_on + timedelta(days=days), today),
                channel=channel, reason=FollowUpReason.AFTER_CARE, priority=2,
                note=texts.after_care_note(days))
            ids.append(followup.id)
    audit.record(session, actor_id=actor.id, action="after_care.record", entity="after_care",
                 entity_id=care.id, after=dict(audit.snapshot(care), followups=ids))
    return care


def withdraw_after_care(session: Session, *, actor: User, after_care_id: int,
                        expected_version: int) -> int:
    """They no longer want the check-ins: the consent is withdrawn and every after-care
    follow-up still open for that account is cancelled at once; how many were cancelled."""
    actor = require_active(actor)
    care = session.get(AfterCare, after_care_id)
    if care is None:
        raise UserError("That after-care record doesn't exist.")
    if not care.consented:
        raise UserError("They said no thanks to after-care, so there is nothing to withdraw.")
    if care.withdrawn_at is not None:
        raise UserError(f"Their consent was already withdrawn on "
                        f"{care.withdrawn_at:%d %b %Y}.")
    before = audit.snapshot(care)
    save_versioned(session, care, {"withdrawn_at": utcnow(), "withdrawn_by": actor.id},
                   expected_version=expected_version, entity="after-care record")
    open_care = (FollowUp.account_id == care.account_id,
                 FollowUp.reason == FollowUpReason.AFTER_CARE,
                 FollowUp.status == FollowUpStatus.OPEN)
    ids = list(session.execute(select(FollowUp.id).where(*open_care).order_by(FollowUp.id))
               .scalars())
    if ids:
        session.execute(update(FollowUp).where(FollowUp.id.in_(ids), *open_care)
                        .values(status=FollowUpStatus.CANCELLED, done_at=utcnow(),
                                version=FollowUp.version + 1)
                        .execution_options(synchronize_session="fetch"))
    audit.record(session, actor_id=actor.id, action="after_care.withdraw", entity="after_care",
                 entity_id=care.id, before=before,
                 after=dict(audit.snapshot(care), followups_cancelled=ids))
    return len(ids)


def end_care_for_reopened(session: Session) -> int:
    """The daily rule: an account that owes again (a payment reversed after it was cleared)
    is not after-care any more, so its open after-care check-ins are cancelled; how many."""
    reopened = select(Account.id).where(Account.status != AccountStatus.PAID)
    open_care = (FollowUp.reason == FollowUpReason.AFTER_CARE,
                 FollowUp.status == FollowUpStatus.OPEN, FollowUp.account_id.in_(reopened))
    ids = list(session.execute(select(FollowUp.id).where(*open_care).order_by(FollowUp.id))
               .scalars())
    if not ids:
        return 0
    session.execute(update(FollowUp).where(FollowUp.id.in_(ids), *open_care)
                    .values(status=FollowUpStatus.CANCELLED, done_at=utcnow(),
                            version=FollowUp.version + 1)
                    .execution_options(synchronize_session="fetch"))
    audit.record(session, actor_id=None, action="after_care.account_reopened",
                 entity="followup", entity_id=None, after={"followups_cancelled": ids})
    return len(ids)


# ---------------------------------------------------------------- goodwill


def add_goodwill(session: Session, *, actor: User, debtor_id: int, kind: str, note: str,
                 happened_on: date | None, today: date | None = None) -> Goodwill:
    """Record goodwill (thanks, a referral, a testimonial, a return) on the debtor's profile."""
    actor = require_active(actor)
    today = today or office_today(session)
    if kind not in set(GoodwillKind):
        raise UserError("Choose what kind of goodwill it was: thanks, a referral, a "
                        "testimonial or returned as a customer.")
    note = clean_note(note, field="The note", limit=MAX_GOODWILL_NOTE)
    if not note:
        raise UserError("Say in a few words what happened (the note is empty).")
    if not _is_day(happened_on):
        raise UserError("Say on which day it happened.")
    if happened_on > today:
        raise UserError("The day it happened can't be in the future.")
    if session.get(Debtor, debtor_id) is None:
        raise UserError("That debtor doesn't exist.")
    goodwill = Goodwill(debtor_id=debtor_id, kind=kind, note=note, happened_on=happened_on,
                        recorded_by=actor.id)
    session.add(goodwill)
    session.flush()
    audit.record(session, actor_id=actor.id, action="goodwill.create", entity="goodwill",
                 entity_id=goodwill.id, after=audit.snapshot(goodwill))
    return goodwill


# ---------------------------------------------------------------- milestones


def reached(*, paid_cents: int, payable_cents: int, instalments: int,
            paid_instalments: int) -> str | None:
    """The highest milestone a plan has reached (None: none yet). The last instalment is
    reached when every instalment but the last is paid (a plan of two or more)."""
    best = None
    if payable_cents > 0:
        for kind, percent in MILESTONE_PERCENT.items():
            if paid_cents * 100 >= percent * payable_cents:
                best = kind
    if instalments >= 2 and paid_instalments == instalments - 1:
        best = MilestoneKind.LAST_INSTALMENT
    return best


def _progress_statement(today: date):
    """Per active plan with no hold in force and no missed instalment open: paid, payable,
    instalments and how many are paid."""
    inst = PlanInstalment
    paid_count = func.count(case((inst.status == InstalmentStatus.PAID, 1)))
    missed = func.count(case((inst.status == InstalmentStatus.MISSED, 1)))
    return (select(PaymentPlan.id, PaymentPlan.account_id, PaymentPlan.payable_cents,
                   Account.debtor_id, Account.currency, Debtor.owner_id,
                   sum_cents(inst.paid_cents).label("paid_cents"),
                   func.count().label("instalments"), paid_count.label("paid_instalments"))
            .join(inst, inst.plan_id == PaymentPlan.id)
            .join(Account, Account.id == PaymentPlan.account_id)
            .join(Debtor, Debtor.id == Account.debtor_id)
            .where(PaymentPlan.status == PlanStatus.ACTIVE,
                   Account.status != AccountStatus.ON_HOLD,
                   PaymentPlan.account_id.not_in(active_hold_accounts(today)))
            .group_by(PaymentPlan.id, PaymentPlan.account_id, PaymentPlan.payable_cents,
                      Account.debtor_id, Account.currency, Debtor.owner_id)
            .having(missed == 0))


def offer_milestones(session: Session, *, today: date) -> int:
    """The daily rule: offer each active plan's highest newly reached milestone to its agent,
    once (never one below a milestone already offered, never under a hold or a missed
    instalment); how many were offered."""
    rows = session.execute(_progress_statement(today)).mappings().all()
    candidates = {}
    for r in rows:
        kind = reached(paid_cents=int(r["paid_cents"]), payable_cents=int(r["payable_cents"]),
                       instalments=int(r["instalments"]),
                       paid_instalments=int(r["paid_instalments"]))
        if kind is not None:
            candidates[r["id"]] = (kind, r)
    if not candidates:
        return 0
    offered: dict[int, int] = {}
    for plan_id, kind in session.execute(select(Milestone.plan_id, Milestone.kind).where(
            Milestone.plan_id.in_(list(candidates)))):
        offered[plan_id] = max(offered.get(plan_id, 0), RANK.get(kind, 0))
    made = 0
    for plan_id, (kind, r) in sorted(candidates.items()):
        if RANK[kind] <= offered.get(plan_id, 0):
            continue
        milestone = Milestone(plan_id=plan_id, account_id=r["account_id"],
                              debtor_id=r["debtor_id"], owner_id=r["owner_id"], kind=kind,
                              paid_cents=int(r["paid_cents"]),
                              payable_cents=int(r["payable_cents"]),
                              currency=r["currency"] or "GBP", offered_on=today)
        session.add(milestone)
        session.flush()
        audit.record(session, actor_id=None, action="milestone.offer", entity="milestone",
                     entity_id=milestone.id, after=audit.snapshot(milestone))
        made += 1
    return made


def mark_milestone(session: Session, *, actor: User, milestone_id: int, expected_version: int,
                   sent: bool) -> Milestone:
    """Mark a milestone's message sent, or dismiss it (its agent, their lead, an admin)."""
    actor = require_active(actor)
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise UserError("That milestone doesn't exist.")
    if milestone.status != MilestoneStatus.OFFERED:
        raise UserError(f"This milestone was already {milestone.status}.")
    owner_id = milestone.owner_id if milestone.owner_id is not None else actor.id
    team = session.execute(select(User.team_id).where(User.id == owner_id)).scalar()
    if not may_change(actor, owner_id=owner_id, owner_team_id=team):
        raise PermissionError("You can only handle milestones of your own debtors.")
    before = audit.snapshot(milestone)
    status = MilestoneStatus.SENT if sent else MilestoneStatus.DISMISSED
    save_versioned(session, milestone,
                   {"status": status, "handled_by": actor.id, "handled_at": utcnow()},
                   expected_version=expected_version, entity="milestone")
    audit.record(session, actor_id=actor.id, action=f"milestone.{status}", entity="milestone",
                 entity_id=milestone.id, before=before, after=audit.snapshot(milestone))
    return milestone
