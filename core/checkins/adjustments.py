"""Adjustments: what we agreed to do differently for a person; they bind the contact rules.

Each is recorded (at the TEXAS "Ask" step or on the profile) with a reason, the person's
consent and a review date, and stays in force until ended:
- unavailable: a weekly window of their local time (the contract's `Unavailable`: it may
  wrap past Sunday midnight, and one ending "before" it starts on the same day wraps the
  whole week round, e.g. Friday 18:00 → Friday 08:00);
- channel only (e.g. letters only); text first to arrange a call; a named helper present
  (consent covers talking to them); interpreter or language; format (large print, plain
  text); extra time (days) before any next step.
The contact rules refuse what an adjustment forbids, naming it (`rules.verdict`); the
suggested next follow-up moves past unavailable windows and adds the extra time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func
from sqlmodel import Session, select

from core.contact_rules import Unavailable
from core.errors import UserError
from core.permissions import require_active
from core.store import audit, settings
from core.store.models import Adjustment, Debtor, User, utcnow
from core.text import clean_note
from core.vocabulary import AdjustmentKind

from .rules import Agreed
from .views import (
    ADJUSTMENT_KINDS,
    CHANNELS,
    AdjustmentView,
    channel_in_sentence,
    join_list,
    split_list,
)

MAX_EXTRA_DAYS = 60
MAX_REVIEW_DAYS = 366
NEEDS_DETAIL = {
    AdjustmentKind.HELPER_PRESENT: "Give the helper's name (and how they are related).",
    AdjustmentKind.INTERPRETER: "Say which language, or what kind of interpreter.",
    AdjustmentKind.FORMAT: "Say which format (large print, plain text, braille …).",
}


@dataclass(kw_only=True)
class AdjustmentInput:
    """One adjustment as the form asks for it."""

    debtor_id: int
    kind: str
    reason: str = ""
    consent: bool = False
    review_on: date | None = None
    start_day: int | None = None
    start_time: time | None = None
    end_day: int | None = None
    end_time: time | None = None
    channels: list[str] = field(default_factory=list)
    detail: str = ""
    extra_days: int = 0


def window_of(row: Adjustment) -> Unavailable | None:
    """The unavailable window of an `unavailable` adjustment."""
    if row.kind != AdjustmentKind.UNAVAILABLE or row.start_time is None or row.end_time is None:
        return None
    return Unavailable(start_day=row.start_day, start=row.start_time, end_day=row.end_day,
                       end=row.end_time)


def describe(row: Adjustment) -> str:
    """The adjustment in words, e.g. "Unavailable Friday 18:00 to Saturday 18:00"."""
    if row.kind == AdjustmentKind.UNAVAILABLE:
        window = window_of(row)
        return f"Not available {window.describe()} (their time)" if window else "Unavailable"
    if row.kind == AdjustmentKind.CHANNEL_ONLY:
        return "Only by " + " or ".join(channel_in_sentence(c)
                                        for c in split_list(row.channels))
    if row.kind == AdjustmentKind.TEXT_FIRST:
        return "Text first to arrange a call"
    if row.kind == AdjustmentKind.HELPER_PRESENT:
        return f"{row.detail} to be present (they consented to us talking to them)"
    if row.kind == AdjustmentKind.INTERPRETER:
        return f"Interpreter or language: {row.detail}"
    if row.kind == AdjustmentKind.FORMAT:
        return f"Format: {row.detail}"
    if row.kind == AdjustmentKind.EXTRA_TIME:
        return f"{row.extra_days} extra days before any next step"
    return ADJUSTMENT_KINDS.get(row.kind, row.kind)


def agreed(row: Adjustment) -> Agreed:
    """The adjustment as the pure rules need it."""
    return Agreed(kind=row.kind, label=describe(row), window=window_of(row),
                  channels=tuple(split_list(row.channels)), extra_days=row.extra_days or 0)


def active_adjustments(session: Session, *, debtor_ids: Collection[int]
                       ) -> dict[int, list[Adjustment]]:
    """Each debtor's adjustments in force (not ended), oldest first."""
    if not debtor_ids:
        return {}
    found: dict[int, list[Adjustment]] = {}
    for row in session.exec(
        select(Adjustment).where(Adjustment.debtor_id.in_(list(debtor_ids)),
                                 Adjustment.ended_at.is_(None))
        .order_by(Adjustment.created_at, Adjustment.id)
    ).all():
        found.setdefault(row.debtor_id, []).append(row)
    return found


def view(row: Adjustment, today: date) -> AdjustmentView:
    """An adjustment for the card."""
    return AdjustmentView(id=row.id, kind=row.kind,
                          label=ADJUSTMENT_KINDS.get(row.kind, row.kind), text=describe(row),
                          reason=row.reason, consent_at=row.consent_at,
                          review_on=row.review_on, overdue_review=row.review_on < today)


def debtor_adjustments(session: Session, *, debtor_id: int, today: date | None = None
                       ) -> tuple[AdjustmentView, ...]:
    """What we agreed to do differently for this person."""
    today = today or settings.office_today(session)
    rows = active_adjustments(session, debtor_ids=[debtor_id]).get(debtor_id, [])
    return tuple(view(row, today) for row in rows)


def _past_review_query(today: date, team_id: int | None):
    query = select(Adjustment.debtor_id, Adjustment.review_on).where(
        Adjustment.ended_at.is_(None), Adjustment.review_on < today)
    if team_id is not None:
        query = query.join(Debtor, Debtor.id == Adjustment.debtor_id).where(
            Debtor.owner_id.in_(select(User.id).where(User.team_id == team_id)))
    return query


def past_review(session: Session, *, today: date, team_id: int | None = None,
                lines: int | None = None) -> tuple[list[tuple[int, AdjustmentView]], int]:
    """Adjustments in force whose review date has passed, oldest review first, with their
    debtor (stand-up); of one team's caseloads when `team_id` is given.

    A line is one person and one review date ("no calls before 2 pm" is seven windows with one
    review: one line). Returns the adjustments of the oldest `lines` lines (all when None) and
    how many lines there are in all.
    """
    groups = _past_review_query(today, team_id).distinct().subquery("due")
    total = session.execute(select(func.count()).select_from(groups)).scalar_one()
    if total == 0:
        return [], 0
    first = (select(groups.c.debtor_id, groups.c.review_on)
             .order_by(groups.c.review_on, groups.c.debtor_id))
    if lines is not None:
        first = first.limit(lines)
    shown = first.subquery("shown")
    rows = session.exec(
        select(Adjustment)
        .join(shown, and_(shown.c.debtor_id == Adjustment.debtor_id,
                          shown.c.review_on == Adjustment.review_on))
        .where(Adjustment.ended_at.is_(None))
        .order_by(Adjustment.review_on, Adjustment.debtor_id, Adjustment.id)).all()
    return [(row.debtor_id, view(row, today)) for row in rows], total


# ---------------------------------------------------------------- rules (pure)


def check_adjustment(data: AdjustmentInput, *, today: date) -> dict:
    """The columns to store, or UserError with one plain sentence (nothing is saved)."""
    if data.kind not in ADJUSTMENT_KINDS:
        raise UserError("Choose what we agreed to do differently.")
    if not data.consent:
        raise UserError("An adjustment is recorded only with their consent: tick that they "
                        "agreed.")
    reason = clean_note(data.reason, field="The reason")
    if not reason:
        raise UserError("Say why we agreed this (the reason is empty).")
    if data.review_on is None:
        raise UserError("Choose when to review this adjustment.")
    if data.review_on <= today:
        raise UserError("The review date must be after today.")
    if data.review_on > today + timedelta(days=MAX_REVIEW_DAYS):
        raise UserError("Review an adjustment at least once a year.")
    return {"kind": data.kind, "reason": reason, "review_on": data.review_on,
            **_kind_values(data)}


def _kind_values(data: AdjustmentInput) -> dict:
    """The columns only this kind of adjustment has, checked."""
    values: dict = {}
    if data.kind == AdjustmentKind.UNAVAILABLE:
        if None in (data.start_day, data.start_time, data.end_day, data.end_time):
            raise UserError("Give the day and time the unavailable time starts and ends.")
        try:
            Unavailable(start_day=data.start_day, start=data.start_time, end_day=data.end_day,
                        end=data.end_time).validate()
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        values.update(start_day=data.start_day, start_time=data.start_time,
                      end_day=data.end_day, end_time=data.end_time)
    elif data.kind == AdjustmentKind.CHANNEL_ONLY:
        unknown = [c for c in data.channels if c not in CHANNELS]
        if not data.channels or unknown:
            raise UserError("Choose the channel (or channels) they want us to use.")
        values["channels"] = join_list(data.channels)
    elif data.kind == AdjustmentKind.EXTRA_TIME:
        days = data.extra_days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTRA_DAYS:
            raise UserError(f"Extra time is 1 to {MAX_EXTRA_DAYS} days.")
        values["extra_days"] = days
    elif data.kind in NEEDS_DETAIL:
        detail = clean_note(data.detail, field="The detail", limit=200)
        if not detail:
            raise UserError(NEEDS_DETAIL[data.kind])
        values["detail"] = detail
    return values


# ---------------------------------------------------------------- writing


def add_adjustment(session: Session, *, actor: User, data: AdjustmentInput,
                   checkin_id: int | None = None, now: datetime | None = None) -> Adjustment:
    """Record what we agreed to do differently, with reason, consent and review date."""
    require_active(actor)
    now = now or utcnow()
    if session.get(Debtor, data.debtor_id) is None:
        raise UserError("That debtor doesn't exist (any more).")
    values = check_adjustment(data, today=settings.office_today(session, now))
    row = Adjustment(debtor_id=data.debtor_id, consent_at=now, checkin_id=checkin_id,
                     created_by=actor.id, created_at=now, **values)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor.id, action="adjustment.create", entity="adjustment",
                 entity_id=row.id, after=audit.snapshot(row))
    return row


def end_adjustment(session: Session, *, actor: User, adjustment_id: int, reason: str,
                   now: datetime | None = None) -> Adjustment:
    """Stop an adjustment (they no longer need it), with a reason."""
    require_active(actor)
    now = now or utcnow()
    row = session.get(Adjustment, adjustment_id)
    if row is None or row.ended_at is not None:
        raise UserError("That adjustment doesn't exist or has already ended.")
    reason = clean_note(reason, field="The reason")
    if not reason:
        raise UserError("Say why the adjustment ends.")
    row.ended_at, row.ended_by = now, actor.id
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor.id, action="adjustment.end", entity="adjustment",
                 entity_id=row.id, after={"reason": reason})
    return row
