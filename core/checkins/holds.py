"""Holds: a pause on contact and collection, placed, extended and released from the profile.

The rules (PRODUCT.md, the breathing-space scheme of England & Wales):
- kinds: dispute; standard breathing space (ends at most 60 days after it starts);
  mental-health crisis breathing space (no fixed end, a review date at most 30 days ahead,
  which only a lead renews); cease communication; represented by an adviser or solicitor
  (contact goes to the representative, whose name is kept).
- agents, leads and admins place and extend holds; only a lead (or admin) releases one early
  or renews a crisis breathing space's review.
- a hold is in force from `starts_on` to `ends_on` (included) unless released. An account's
  status "on hold" is derived from its holds (`account_status`), never stored apart, so a
  breathing space that ended yesterday allows contact and a plan today.
- placing or extending a hold freezes plan interest for the instalments falling due under
  it (`core.payment_plans.freeze`; the daily rules never mark those missed either).
- placing a hold snoozes that account's open follow-ups (collection ones, and friendly
  check-ins too: a hold pauses every contact about the account) to the day after its end, or
  to its review date, with the reason recorded. A hold with neither (a dispute, say) leaves
  them where they are; the contact rules refuse them and My day says why.
- when a hold ends (its end date passed, or a lead released it), one gentle "welcome back"
  check-in follow-up is created for the debtor's owner — once (`welcomed_at` records it).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from core.errors import UserError
from core.followups.service import add_followup
from core.payment_plans.freeze import freeze_interest
from core.permissions import is_lead, require_active
from core.store import audit, settings
from core.store.db import save_versioned
from core.store.holds import covers, held_accounts, in_force
from core.store.models import (
    Account,
    AccountStatus,
    Debtor,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Hold,
    HoldKind,
    PaymentPlan,
    PlanStatus,
    User,
    utcnow,
)
from core.text import clean_note

from .views import HOLD_KINDS, HoldView, format_day

STANDARD_MAX_DAYS = 60
CRISIS_REVIEW_MAX_DAYS = 30


@dataclass(kw_only=True)
class HoldInput:
    """A hold to place on an account (field names are what the form asks)."""

    account_id: int
    kind: str
    starts_on: date | None = None  # None: today
    ends_on: date | None = None
    review_on: date | None = None
    reason: str = ""
    representative: str = ""


# ---------------------------------------------------------------- reading


def _in_force(today: date):
    return in_force(today)


def active_holds(session: Session, *, debtor_id: int, account_id: int | None,
                 today: date) -> list[Hold]:
    """Holds in force on `today` that cover a contact about `account_id` (see
    core.store.holds: the account's own, and the person's breathing spaces and the like), or
    every hold of the debtor's when the contact is about no account in particular."""
    query = (select(Hold).join(Account, Account.id == Hold.account_id)
             .where(*_in_force(today), Account.debtor_id == debtor_id))
    found = session.exec(query.order_by(Hold.starts_on, Hold.id)).all()
    return [hold for hold in found if covers(hold, account_id)]


def holds_by_debtor(session: Session, *, debtor_ids: Collection[int],
                    today: date) -> dict[int, list[Hold]]:
    """The holds in force on `today` on any account of each debtor."""
    if not debtor_ids:
        return {}
    rows = session.exec(
        select(Account.debtor_id, Hold).join(Account, Account.id == Hold.account_id)
        .where(Account.debtor_id.in_(list(debtor_ids)), *_in_force(today))
        .order_by(Hold.starts_on, Hold.id)
    ).all()
    found: dict[int, list[Hold]] = {}
    for debtor_id, hold in rows:
        found.setdefault(debtor_id, []).append(hold)
    return found


def held_account_ids(session: Session, *, today: date,
                     account_ids: Collection[int] | None = None) -> set[int]:
    """The accounts a hold covers on `today` (of `account_ids`, or all)."""
    query = held_accounts(today)
    if account_ids is not None:
        if not account_ids:
            return set()
        query = query.where(Account.id.in_(list(account_ids)))
    return set(session.exec(query).all())


def on_hold(session: Session, *, account_id: int, today: date | None = None) -> bool:
    """True when a hold is in force on the account today (the office's today by default)."""
    today = today or settings.office_today(session)
    return bool(held_account_ids(session, today=today, account_ids=[account_id]))


def account_status(stored: str, held: bool) -> str:
    """The status people see: "on hold" exactly while a hold is in force.

    A stored "on_hold" (written by older versions) means nothing on its own any more: with
    no hold in force the account is simply open.
    """
    if held and stored in (AccountStatus.OPEN, AccountStatus.ARRANGEMENT, AccountStatus.ON_HOLD):
        return AccountStatus.ON_HOLD
    if stored == AccountStatus.ON_HOLD:
        return AccountStatus.OPEN
    return stored


def _view(hold: Hold, reference: str, today: date) -> HoldView:
    active = (hold.released_at is None and hold.starts_on <= today
              and (hold.ends_on is None or hold.ends_on >= today))
    return HoldView(id=hold.id, account_id=hold.account_id, reference=reference,
                    kind=hold.kind, label=HOLD_KINDS.get(hold.kind, hold.kind),
                    reason=hold.reason, starts_on=hold.starts_on, ends_on=hold.ends_on,
                    review_on=hold.review_on, representative=hold.representative,
                    active=active)


def debtor_holds(session: Session, *, debtor_id: int, today: date | None = None
                 ) -> tuple[HoldView, ...]:
    """The debtor's holds in force or still to start, earliest first."""
    today = today or settings.office_today(session)
    rows = session.exec(
        select(Hold, Account.reference).join(Account, Account.id == Hold.account_id)
        .where(Account.debtor_id == debtor_id, Hold.released_at.is_(None),
               or_(Hold.ends_on.is_(None), Hold.ends_on >= today))
        .order_by(Hold.starts_on, Hold.id)
    ).all()
    return tuple(_view(hold, reference, today) for hold, reference in rows)


def holds_ending(session: Session, *, today: date, days: int = 7, team_id: int | None = None
                 ) -> list[tuple[int, HoldView]]:
    """Holds in force whose end or review date falls in the next `days` days, soonest
    first, with their debtor (stand-up); of one team's caseloads when `team_id` is given."""
    until = today + timedelta(days=days)
    query = (
        select(Account.debtor_id, Hold, Account.reference)
        .join(Account, Account.id == Hold.account_id)
        .where(*_in_force(today),
               or_(Hold.ends_on.between(today, until), Hold.review_on.between(today, until)))
    )
    if team_id is not None:
        query = query.join(Debtor, Debtor.id == Account.debtor_id).where(
            Debtor.owner_id.in_(select(User.id).where(User.team_id == team_id)))
    rows = session.exec(query.order_by(func.coalesce(Hold.ends_on, Hold.review_on), Hold.id)
                        ).all()
    return [(debtor_id, _view(hold, reference, today)) for debtor_id, hold, reference in rows]


# ---------------------------------------------------------------- rules (pure)


def check_hold(data: HoldInput, *, today: date, renewing: bool = False) -> HoldInput:
    """The hold with its text cleaned, or UserError with one plain sentence."""
    if data.kind not in HOLD_KINDS:
        raise UserError(f"Choose what kind of hold it is: {', '.join(HOLD_KINDS.values())}.")
    starts = data.starts_on or today
    reason = clean_note(data.reason, field="The reason")
    representative = clean_note(data.representative, field="The representative", limit=200)
    ends, review = data.ends_on, data.review_on
    if ends is not None and ends < starts:
        raise UserError("A hold can't end before it starts.")
    if data.kind == HoldKind.BREATHING_SPACE:
        if ends is None:
            raise UserError("A standard breathing space needs its end date (at most "
                            f"{STANDARD_MAX_DAYS} days after it starts).")
        if ends > starts + timedelta(days=STANDARD_MAX_DAYS):
            raise UserError(f"A standard breathing space lasts at most {STANDARD_MAX_DAYS} days: "
                            f"it can end on {format_day(starts + timedelta(days=60))} at the "
                            "latest.")
    if data.kind == HoldKind.CRISIS_BREATHING_SPACE:
        if ends is not None:
            raise UserError("A mental-health crisis breathing space has no fixed end: give a "
                            "review date instead.")
        if review is None:
            raise UserError("A mental-health crisis breathing space needs a review date, at "
                            f"most {CRISIS_REVIEW_MAX_DAYS} days ahead.")
        if review <= today and not renewing:
            raise UserError("The review date must be after today.")
        if review > today + timedelta(days=CRISIS_REVIEW_MAX_DAYS):
            raise UserError(f"The review date can be at most {CRISIS_REVIEW_MAX_DAYS} days "
                            f"ahead, by {format_day(today + timedelta(days=30))}.")
    elif review is not None:
        raise UserError("Only a mental-health crisis breathing space has a review date.")
    if data.kind == HoldKind.REPRESENTED and not representative:
        raise UserError("Say who represents them (the adviser or solicitor we contact now).")
    return HoldInput(account_id=data.account_id, kind=data.kind, starts_on=starts,
                     ends_on=ends, review_on=review, reason=reason,
                     representative=representative)


def snooze_until(hold: Hold) -> date | None:
    """The day the account's follow-ups wait for: the day after the end, or the review date."""
    if hold.ends_on is not None:
        return hold.ends_on + timedelta(days=1)
    return hold.review_on


# ---------------------------------------------------------------- writing


def _snooze_followups(session: Session, *, actor: User, hold: Hold, now: datetime) -> int:
    """Move the account's open follow-ups to the hold's end or review date."""
    until = snooze_until(hold)
    if until is None:
        return 0
    label = HOLD_KINDS.get(hold.kind, hold.kind).lower()
    reason = f"On hold ({label}) until {format_day(until)}."
    moved = 0
    for followup in session.exec(
        select(FollowUp).where(FollowUp.account_id == hold.account_id,
                               FollowUp.status == FollowUpStatus.OPEN,
                               FollowUp.due_on < until)
    ).all():
        before = {"due_on": followup.due_on.isoformat()}
        save_versioned(session, followup,
                       {"due_on": until, "snooze_count": followup.snooze_count + 1,
                        "snooze_reason": reason},
                       expected_version=followup.version, entity="follow-up")
        audit.record(session, actor_id=actor.id, action="followup.snooze_for_hold",
                     entity="followup", entity_id=followup.id, before=before,
                     after={"due_on": until.isoformat(), "reason": reason, "hold_id": hold.id})
        moved += 1
    return moved


def place_hold(session: Session, *, actor: User, data: HoldInput,
               now: datetime | None = None) -> Hold:
    """Place a hold on an account and pause that account's follow-ups."""
    require_active(actor)
    now = now or utcnow()
    today = settings.office_today(session, now)
    account = session.get(Account, data.account_id)
    if account is None:
        raise UserError("That account doesn't exist (any more).")
    clean = check_hold(data, today=today)
    hold = Hold(account_id=account.id, kind=clean.kind, reason=clean.reason,
                starts_on=clean.starts_on, ends_on=clean.ends_on, review_on=clean.review_on,
                representative=clean.representative, created_by=actor.id, created_at=now)
    session.add(hold)
    session.flush()
    audit.record(session, actor_id=actor.id, action="hold.place", entity="hold",
                 entity_id=hold.id, after=audit.snapshot(hold))
    _snooze_followups(session, actor=actor, hold=hold, now=now)
    freeze_interest(session, today=today, debtor_ids=[account.debtor_id], actor_id=actor.id,
                    hold_id=hold.id)
    return hold


def _load(session: Session, hold_id: int) -> Hold:
    hold = session.get(Hold, hold_id)
    if hold is None or hold.released_at is not None:
        raise UserError("That hold doesn't exist or was already released.")
    return hold


def extend_hold(session: Session, *, actor: User, hold_id: int, ends_on: date | None = None,
                review_on: date | None = None, reason: str = "",
                now: datetime | None = None) -> Hold:
    """Move a hold's end (or a crisis breathing space's review: a lead's call) later."""
    require_active(actor)
    now = now or utcnow()
    today = settings.office_today(session, now)
    hold = _load(session, hold_id)
    if hold.kind == HoldKind.CRISIS_BREATHING_SPACE and not is_lead(actor):
        raise PermissionError("Only a team lead can renew a mental-health crisis breathing "
                              "space.")
    clean = check_hold(HoldInput(account_id=hold.account_id, kind=hold.kind,
                                 starts_on=hold.starts_on, ends_on=ends_on,
                                 review_on=review_on, reason=hold.reason,
                                 representative=hold.representative), today=today)
    if hold.ends_on is not None and (clean.ends_on is None or clean.ends_on <= hold.ends_on):
        raise UserError(f"Choose an end after {format_day(hold.ends_on)} to extend the hold.")
    before = audit.snapshot(hold, ["ends_on", "review_on"])
    hold.ends_on, hold.review_on = clean.ends_on, clean.review_on
    session.add(hold)
    session.flush()
    audit.record(session, actor_id=actor.id, action="hold.extend", entity="hold",
                 entity_id=hold.id, before=before,
                 after={**audit.snapshot(hold, ["ends_on", "review_on"]),
                        "reason": clean_note(reason, field="The reason")})
    _snooze_followups(session, actor=actor, hold=hold, now=now)
    debtor_id = session.get(Account, hold.account_id).debtor_id
    freeze_interest(session, today=today, debtor_ids=[debtor_id], actor_id=actor.id,
                    hold_id=hold.id)
    return hold


def release_hold(session: Session, *, actor: User, hold_id: int, reason: str,
                 now: datetime | None = None) -> Hold:
    """End a hold early (a lead's call) with a reason; the welcome-back follow-up follows."""
    require_active(actor)
    if not is_lead(actor):
        raise PermissionError("Only a team lead can release a hold early.")
    now = now or utcnow()
    reason = clean_note(reason, field="The reason")
    if not reason:
        raise UserError("Say why the hold is released early.")
    hold = _load(session, hold_id)
    hold.released_at, hold.released_by, hold.release_reason = now, actor.id, reason
    session.add(hold)
    session.flush()
    audit.record(session, actor_id=actor.id, action="hold.release", entity="hold",
                 entity_id=hold.id, after={"reason": reason})
    _welcome_back(session, hold=hold, actor_id=actor.id, due_on=settings.office_today(session,
                                                                                      now),
                  now=now)
    return hold


def _claim(session: Session, hold: Hold, now: datetime) -> bool:
    """Mark the hold's ending as handled, atomically, so two runs handle it once."""
    return bool(session.exec(
        update(Hold).where(Hold.id == hold.id, Hold.welcomed_at.is_(None))
        .values(welcomed_at=now)
    ).rowcount)


def _welcome_back(session: Session, *, hold: Hold, actor_id: int | None, due_on: date,
                  now: datetime, claimed: bool = False) -> FollowUp | None:
    """One gentle check-in after a hold, for the debtor's owner (or whoever ended it)."""
    if not claimed and not _claim(session, hold, now):
        return None
    session.refresh(hold)
    account = session.get(Account, hold.account_id)
    debtor = session.get(Debtor, account.debtor_id)
    owner = debtor.owner_id or actor_id
    if owner is None:
        return None  # nobody to give it to; the hold has still ended
    label = HOLD_KINDS.get(hold.kind, hold.kind).lower()
    return add_followup(
        session, actor_id=actor_id, debtor_id=debtor.id, account_id=account.id,
        owner_id=owner, due_on=due_on,
        channel=debtor.preferred_channel, reason=FollowUpReason.CHECK_IN, priority=2,
        note=(f"Welcome back: the {label} on {account.reference} has ended. A gentle "
              "check-in on how they are, not a chase."),
        created_at=now)


@dataclass(frozen=True)
class HoldsEnded:
    """What `end_expired_holds` did."""

    ended: int = 0  # holds whose end date passed, handled now
    welcome_backs: int = 0  # "welcome back" follow-ups created


def end_expired_holds(session: Session, today: date, now: datetime | None = None
                      ) -> HoldsEnded:
    """The day's rule for holds whose end date has passed (run by `core.daily`).

    Each such hold is handled once (`welcomed_at`; a second run the same day, or a run in
    another process at once, does nothing more): its debtor's owner gets one "welcome back"
    check-in, and an account that an older version stored as "on hold" goes back to its
    active plan's arrangement, or to open, once no hold is in force on it. The hold itself
    is not "released": that word is for a lead ending one early.
    """
    now = now or utcnow()
    expired = session.exec(
        select(Hold).where(Hold.released_at.is_(None), Hold.welcomed_at.is_(None),
                           Hold.ends_on.is_not(None), Hold.ends_on < today)
        .order_by(Hold.id)
    ).all()
    ended = welcomed = 0
    for hold in expired:
        if not _claim(session, hold, now):
            continue  # another run handled it
        ended += 1
        audit.record(session, actor_id=None, action="hold.ended", entity="hold",
                     entity_id=hold.id, after={"ended_on": hold.ends_on.isoformat()})
        if _welcome_back(session, hold=hold, actor_id=None, due_on=today, now=now,
                         claimed=True):
            welcomed += 1
    session.flush()
    for account_id in sorted({h.account_id for h in expired}):
        _resume_account(session, account_id, today=today, now=now)
    return HoldsEnded(ended=ended, welcome_backs=welcomed)


def _resume_account(session: Session, account_id: int, *, today: date, now: datetime) -> None:
    """A stored "on hold" (older versions wrote it) back to arrangement or open."""
    account = session.get(Account, account_id)
    if account is None or account.status != AccountStatus.ON_HOLD:
        return
    if held_account_ids(session, today=today, account_ids=[account_id]):
        return
    active = session.exec(select(PaymentPlan.id).where(
        PaymentPlan.account_id == account_id, PaymentPlan.status == PlanStatus.ACTIVE)).first()
    status = AccountStatus.ARRANGEMENT if active is not None else AccountStatus.OPEN
    before = audit.snapshot(account, ["status"])
    save_versioned(session, account, {"status": status, "last_activity_at": now},
                   expected_version=account.version, entity="account")
    audit.record(session, actor_id=None, action="account.hold_ended", entity="account",
                 entity_id=account.id, before=before, after={"status": status})
