"""Follow-up services: create, complete, snooze, reassign, change priority, and "My day".

Agents change only their own follow-ups, leads those of their team, admins any. Every change
is versioned (optimistic locking) and audited in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from core.errors import UserError
from core.followups.backlog import office_today
from core.permissions import require_active, require_lead
from core.store import audit
from core.store.db import save_versioned
from core.store.models import (
    Account,
    Channel,
    CheckIn,
    Debtor,
    FollowUp,
    FollowUpCreate,
    FollowUpReason,
    FollowUpStatus,
    Role,
    User,
    utcnow,
)
from core.text import clean_note

ENTITY = "follow-up"
MAX_SNOOZE_DAYS = 366
MAX_REASON_CHARS = 500
PRIORITIES = {1: "high", 2: "normal", 3: "low"}


# ---------------------------------------------------------------- who may change what


def _owner_team(session: Session, owner_id: int) -> int | None:
    return session.execute(select(User.team_id).where(User.id == owner_id)).scalar_one_or_none()


def may_change(actor: User, *, owner_id: int, owner_team_id: int | None) -> bool:
    """True when `actor` may change a follow-up of `owner_id` (in team `owner_team_id`)."""
    if not actor.active:
        return False
    if actor.role == Role.ADMIN or owner_id == actor.id:
        return True
    return (actor.role == Role.LEAD and actor.team_id is not None
            and owner_team_id == actor.team_id)


def can_change(session: Session, actor: User, followup: FollowUp) -> bool:
    """True when `actor` may change `followup` (own; a lead: their team's; an admin: any)."""
    return may_change(actor, owner_id=followup.owner_id,
                      owner_team_id=_owner_team(session, followup.owner_id))


def _require_change(session: Session, actor: User, followup: FollowUp) -> None:
    if not can_change(session, actor, followup):
        if actor.role == Role.LEAD:
            raise PermissionError("You can only change follow-ups of agents in your team.")
        raise PermissionError("You can only change your own follow-ups.")


def _load(session: Session, followup_id: int, *, open_only: bool = True) -> FollowUp:
    followup = session.get(FollowUp, followup_id)
    if followup is None:
        raise UserError("That follow-up doesn't exist (it may have been removed).")
    if open_only and followup.status != FollowUpStatus.OPEN:
        raise UserError(f"This follow-up is already {followup.status}.")
    return followup


def _fields(followup: FollowUp) -> dict:
    return audit.snapshot(followup, ["owner_id", "due_on", "priority", "status", "snooze_count",
                                     "snooze_reason", "checkin_id", "version"])


# ---------------------------------------------------------------- create


def create_followup(session: Session, *, actor: User, data: FollowUpCreate,
                    today: date | None = None) -> FollowUp:
    """Add an open follow-up; an agent may only create one for themselves."""
    actor = require_active(actor)
    today = today or office_today(session)
    debtor = session.get(Debtor, data.debtor_id)
    if debtor is None:
        raise UserError("Choose a debtor for the follow-up.")
    if data.account_id is not None:
        account = session.get(Account, data.account_id)
        if account is None or account.debtor_id != debtor.id:
            raise UserError("That account doesn't belong to this debtor.")
    owner = _check_assignee(session, data.owner_id)
    if owner.id != actor.id:
        if actor.role == Role.AGENT:
            raise PermissionError("You can only create follow-ups for yourself.")
        if actor.role == Role.LEAD and owner.team_id != actor.team_id:
            raise PermissionError("You can only give follow-ups to agents in your team.")
    if data.due_on < today:
        raise UserError("The due date can't be in the past.")
    if data.due_on > today + timedelta(days=MAX_SNOOZE_DAYS * 2):
        raise UserError("The due date must be within two years.")
    _check_choices(channel=data.channel, reason=data.reason, priority=data.priority)
    return add_followup(
        session, actor_id=actor.id, debtor_id=debtor.id, account_id=data.account_id,
        owner_id=owner.id, due_on=data.due_on, channel=data.channel, reason=data.reason,
        priority=data.priority, note=clean_note(data.note, field="The note"),
    )


def add_followup(session: Session, *, actor_id: int | None, **fields: object) -> FollowUp:
    """Insert and audit a follow-up the caller has already checked (services that generate
    follow-ups for a debtor's owner: check-ins, plan reviews, missed instalments)."""
    followup = FollowUp(created_by=actor_id, **fields)
    session.add(followup)
    session.flush()
    audit.record(session, actor_id=actor_id, action="followup.create", entity="followup",
                 entity_id=followup.id, after=audit.snapshot(followup))
    return followup


def _check_choices(*, channel: str, reason: str, priority: int) -> None:
    if channel not in set(Channel):
        raise UserError(
            f"'{channel}' is not a channel; choose phone, sms, email, video or letter."
        )
    if reason not in set(FollowUpReason):
        raise UserError(f"'{reason}' is not a follow-up reason.")
    _check_priority(priority)


def _check_priority(priority: int) -> None:
    if isinstance(priority, bool) or priority not in PRIORITIES:
        raise UserError("Priority must be 1 (high), 2 (normal) or 3 (low).")


def _check_assignee(session: Session, user_id: int | None) -> User:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or user.role not in (Role.AGENT, Role.LEAD):
        raise UserError("That agent doesn't exist; choose someone from the list.")
    if not user.active:
        raise UserError(f"{user.display_name} is no longer active; choose someone else.")
    return user


# ---------------------------------------------------------------- complete


def complete_followup(session: Session, *, actor: User, followup_id: int,
                      checkin_id: int | None = None) -> FollowUp:
    """Mark a follow-up done (optionally by a check-in); one already closed is left as it is."""
    actor = require_active(actor)
    followup = _load(session, followup_id, open_only=False)
    _require_change(session, actor, followup)
    if followup.status != FollowUpStatus.OPEN:
        # Done or cancelled meanwhile: the check-in that answers it must still save.
        return followup
    if checkin_id is not None:
        checkin = session.get(CheckIn, checkin_id)
        if checkin is None or checkin.debtor_id != followup.debtor_id:
            raise UserError("That check-in is not about this follow-up's debtor.")
    before = _fields(followup)
    save_versioned(session, followup,
                   {"status": FollowUpStatus.DONE, "done_at": utcnow(), "checkin_id": checkin_id},
                   expected_version=followup.version, entity=ENTITY)
    audit.record(session, actor_id=actor.id, action="followup.complete", entity="followup",
                 entity_id=followup.id, before=before, after=_fields(followup))
    return followup


# ---------------------------------------------------------------- snooze


def snooze_followup(session: Session, *, actor: User, followup_id: int, expected_version: int,
                    new_date: date, reason: str, today: date | None = None) -> FollowUp:
    """Move a follow-up to a later date with a reason; counts how often it was snoozed."""
    actor = require_active(actor)
    today = today or office_today(session)
    followup = _load(session, followup_id)
    _require_change(session, actor, followup)
    if not isinstance(new_date, date) or isinstance(new_date, datetime):
        raise UserError("Choose the new date for the follow-up.")
    if new_date <= today:
        raise UserError(
            f"The new date must be after today ({today:%d %b %Y}); a snooze can't go into "
            "the past."
        )
    if new_date > today + timedelta(days=MAX_SNOOZE_DAYS):
        raise UserError("Snooze at most a year ahead.")
    reason = clean_note(reason, field="The snooze reason", limit=MAX_REASON_CHARS)
    if not reason:
        raise UserError("Say why the follow-up is snoozed (the snooze reason is empty).")
    before = _fields(followup)
    save_versioned(session, followup,
                   {"due_on": new_date, "snooze_count": followup.snooze_count + 1,
                    "snooze_reason": reason},
                   expected_version=expected_version, entity=ENTITY)
    audit.record(session, actor_id=actor.id, action="followup.snooze", entity="followup",
                 entity_id=followup.id, before=before, after=_fields(followup))
    return followup


# ---------------------------------------------------------------- priority


def set_priority(session: Session, *, actor: User, followup_id: int, expected_version: int,
                 priority: int) -> FollowUp:
    """Change a follow-up's priority (1 high, 2 normal, 3 low)."""
    actor = require_active(actor)
    _check_priority(priority)
    followup = _load(session, followup_id)
    _require_change(session, actor, followup)
    before = _fields(followup)
    save_versioned(session, followup, {"priority": priority},
                   expected_version=expected_version, entity=ENTITY)
    audit.record(session, actor_id=actor.id, action="followup.priority", entity="followup",
                 entity_id=followup.id, before=before, after=_fields(followup))
    return followup


# ---------------------------------------------------------------- reassign


def reassign_followups(session: Session, *, actor: User, followup_ids: Sequence[int],
                       to_agent_id: int, today: date | None = None) -> int:
    """Give open follow-ups to another agent (leads and admins); all of them or none."""
    require_lead(actor)
    ids = list(dict.fromkeys(followup_ids))  # keep the order, drop repeats
    if not ids:
        raise UserError("Choose at least one follow-up to reassign.")
    target = _check_assignee(session, to_agent_id)
    if actor.role == Role.LEAD and target.team_id != actor.team_id:
        raise PermissionError("You can only reassign to agents in your team.")
    followups = {f.id: f for f in session.execute(
        select(FollowUp).where(FollowUp.id.in_(ids))).scalars()}
    missing = [i for i in ids if i not in followups]
    if missing:
        raise UserError(f"Follow-up #{missing[0]} doesn't exist (it may have been removed).")
    # Check every one before changing any, so a refusal leaves all of them as they were.
    for followup in followups.values():
        if followup.status != FollowUpStatus.OPEN:
            raise UserError(f"Follow-up #{followup.id} is already {followup.status}.")
        _require_change(session, actor, followup)
    today = today or office_today(session)
    moved = 0
    for followup_id in ids:
        followup = followups[followup_id]
        if followup.owner_id == target.id:
            continue
        before = _fields(followup)
        save_versioned(session, followup, {"owner_id": target.id},
                       expected_version=followup.version, entity=ENTITY)
        audit.record(session, actor_id=actor.id, action="followup.reassign", entity="followup",
                     entity_id=followup.id, before=before,
                     after=dict(_fields(followup), reassigned_on=today.isoformat()))
        moved += 1
    return moved
