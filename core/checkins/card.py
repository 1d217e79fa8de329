"""The card an agent reads before a contact: who this person is, what we agreed to do
differently, holds, plan and promises, and whether each channel is allowed right now."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from core.errors import UserError
from core.money import format_money
from core.permissions import require_active
from core.store import settings
from core.store.models import (
    Account,
    CheckIn,
    FollowUp,
    FollowUpStatus,
    PromiseStatus,
    PromiseToPay,
    User,
    Vulnerability,
    utcnow,
)

from . import adjustments as adj
from . import holds as hold_rules
from .queries import context, get_debtor, open_plans, recent_checkins, wellbeing_points
from .rules import all_verdicts
from .views import (
    FOLLOWUP_REASONS,
    LIFE_CHANGES,
    VULNERABILITY_DRIVERS,
    ContactCard,
    channel_in_sentence,
    format_day,
    label_list,
    split_list,
)


def _hold_lines(session: Session, *, debtor_id: int, account_id: int | None,
                today: date) -> tuple[str, ...]:
    return tuple(
        f"{h.label}" + (f" until {format_day(h.ends_on)}" if h.ends_on else "")
        + (f", review by {format_day(h.review_on)}" if h.review_on else "")
        + (f", contact {h.representative}" if h.representative else "")
        + (f": {h.reason}" if h.reason else "")
        for h in hold_rules.debtor_holds(session, debtor_id=debtor_id, today=today)
        if h.active and (account_id is None or h.account_id == account_id)
    )


def _vulnerabilities(session: Session, debtor_id: int, zone: ZoneInfo) -> tuple[str, ...]:
    drivers = session.exec(
        select(Vulnerability.driver, func.min(Vulnerability.consent_at))
        .where(Vulnerability.debtor_id == debtor_id, Vulnerability.active.is_(True),
               Vulnerability.consent_at.is_not(None))
        .group_by(Vulnerability.driver)
        .order_by(Vulnerability.driver)
    ).all()
    return tuple(
        f"{VULNERABILITY_DRIVERS.get(d, d)} (consent {format_day(since.astimezone(zone).date())})"
        for d, since in drivers
    )


def _promises(session: Session, debtor_id: int, account_id: int | None,
              today: date) -> tuple[str, ...]:
    query = select(PromiseToPay).where(PromiseToPay.debtor_id == debtor_id,
                                       PromiseToPay.status == PromiseStatus.OPEN)
    if account_id is not None:
        query = query.where(PromiseToPay.account_id == account_id)
    return tuple(
        f"{format_money(p.amount_cents)} by {format_day(p.due_on)}"
        + (" (date passed)" if p.due_on < today else "")
        for p in session.exec(query.order_by(PromiseToPay.due_on)).all()
    )


def _account_and_plan(session: Session, account: Account | None, today: date
                      ) -> tuple[str, str]:
    if account is None:
        return "No particular account.", "No open payment plan."
    held = hold_rules.on_hold(session, account_id=account.id, today=today)
    status = hold_rules.account_status(account.status, held)
    text = (f"{account.reference} · {account.creditor} · "
            f"{format_money(account.balance_cents, account.currency)} left to pay · "
            f"{status.replace('_', ' ')}")
    plan = open_plans(session, account_ids=[account.id]).get(account.id)
    return text, plan.text if plan is not None else "No open payment plan."


def _next_followup(session: Session, debtor_id: int) -> str:
    followup = session.exec(
        select(FollowUp).where(FollowUp.debtor_id == debtor_id,
                               FollowUp.status == FollowUpStatus.OPEN)
        .order_by(FollowUp.due_on).limit(1)
    ).first()
    if followup is None:
        return "None open."
    return (f"{FOLLOWUP_REASONS.get(followup.reason, followup.reason)} by "
            f"{channel_in_sentence(followup.channel)} on "
            f"{format_day(followup.due_on)}")


def _life_changes(session: Session, debtor_id: int, zone: ZoneInfo) -> tuple[str, ...]:
    changes = session.exec(
        select(CheckIn.at, CheckIn.life_changes)
        .where(CheckIn.debtor_id == debtor_id, CheckIn.life_changes != "")
        .order_by(CheckIn.at.desc()).limit(3)
    ).all()
    return tuple(
        f"{label_list(split_list(lc), LIFE_CHANGES)} ({format_day(at.astimezone(zone).date())})"
        for at, lc in changes
    )


def before_contact_card(session: Session, *, actor: User, debtor_id: int,
                        account_id: int | None, now: datetime | None = None) -> ContactCard:
    """Who this person is, what we agreed to do differently, and whether each channel is
    allowed right now."""
    require_active(actor)
    now = now or utcnow()
    debtor = get_debtor(session, debtor_id)
    zone = settings.office_zone(session)
    today = now.astimezone(zone).date()
    account = session.get(Account, account_id) if account_id is not None else None
    if account is not None and account.debtor_id != debtor_id:
        raise UserError("That account belongs to someone else.")
    local = now.astimezone(ZoneInfo(debtor.timezone))
    start, end = debtor.contact_window_start, debtor.contact_window_end
    account_text, plan_text = _account_and_plan(session, account, today)
    ctx = context(session, debtor=debtor, account_id=account_id, at=now)
    return ContactCard(
        debtor_id=debtor.id, account_id=account_id, name=debtor.name,
        address_as=debtor.preferred_name or debtor.name, kind=debtor.kind,
        preferred_channel=debtor.preferred_channel, language=debtor.language,
        timezone=debtor.timezone, local_time=local,
        contact_window=f"{start:%H:%M}–{end:%H:%M} their time",
        in_window=start <= local.time() < end,
        opted_out=tuple(split_list(debtor.opted_out)),
        communication_notes=debtor.communication_notes, cultural_notes=debtor.cultural_notes,
        circumstances=debtor.circumstances, needs=debtor.needs,
        recent_life_changes=_life_changes(session, debtor_id, zone),
        vulnerabilities=_vulnerabilities(session, debtor_id, zone),
        holds=_hold_lines(session, debtor_id=debtor_id, account_id=account_id, today=today),
        account=account_text, plan=plan_text,
        promises=_promises(session, debtor_id, account_id, today),
        next_followup=_next_followup(session, debtor_id),
        verdicts=all_verdicts(ctx, now),
        last_checkins=tuple(line.text for line in recent_checkins(session, debtor_id=debtor_id,
                                                                  limit=3)),
        wellbeing=tuple(wellbeing_points(session, debtor_id=debtor_id, limit=30)),
        adjustments=adj.debtor_adjustments(session, debtor_id=debtor_id, today=today),
    )
