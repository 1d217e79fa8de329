"""Debtors, read: search, the profile with one timeline, the wellbeing series.

Every active agent, lead and admin may search and read any debtor (the team covers for
each other); reading vulnerability *details* is recorded in the audit trail. Everything
returned is plain data (core.debtors.views), safe to cache.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

from sqlalchemy import func, or_
from sqlmodel import Session, select

from core.checkins.holds import account_status, active_holds
from core.checkins.queries import amended, checkin_line, effective, open_plans, wellbeing_points
from core.checkins.views import (
    FOLLOWUP_REASONS,
    SIGNPOSTING,
    VULNERABILITY_DRIVERS,
    WellbeingPoint,
    channel_in_sentence,
    format_day,
    format_when,
    split_list,
)
from core.checkins.views import label_list as labels
from core.debtors.views import (  # noqa: F401
    AccountView,
    DebtorProfile,
    DebtorRow,
    HoldLine,
    IncomeExpenditureView,
    PromiseView,
    TimelineEntry,
    VulnerabilityView,
)
from core.errors import UserError
from core.money import format_money
from core.permissions import require_active
from core.plans import Frequency
from core.store import audit, settings
from core.store.db import sum_cents
from core.store.models import (
    Account,
    CheckIn,
    CheckInAmendment,
    Debtor,
    DebtorPublic,
    FollowUp,
    IncomeExpenditure,
    Payment,
    PaymentPlan,
    PromiseStatus,
    PromiseToPay,
    User,
    Vulnerability,
)
from core.vocabulary import FollowUpStatus, PaymentMethod, PlanStatus, label_of

MAX_QUERY_CHARS = 100
AMENDED_FIELDS = ("outcome", "wellbeing", "notes", "needs", "next_step", "right_party")
MAX_LIMIT = 200


def _like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _string_agg(session: Session, column):
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(column, ", ")
    return func.group_concat(column, ", ")


def search_debtors(session: Session, *, actor: User, query: str, owner_id: int | None = None,
                   limit: int = 50, offset: int = 0) -> list[DebtorRow]:
    """Debtors whose name or an account reference contains `query` (any case), by name."""
    require_active(actor)
    query = (query or "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise UserError(f"Search for at most {MAX_QUERY_CHARS} characters.")
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))

    # First the page of debtors (cheap, indexed on name), then their accounts summed in SQL.
    ids_query = select(Debtor.id, Debtor.name, Debtor.kind, User.display_name).outerjoin(
        User, User.id == Debtor.owner_id)
    if query:
        pattern = _like_pattern(query)
        by_reference = select(Account.debtor_id).where(
            func.lower(Account.reference).like(pattern, escape="\\"))
        ids_query = ids_query.where(or_(
            func.lower(Debtor.name).like(pattern, escape="\\"),
            func.lower(Debtor.preferred_name).like(pattern, escape="\\"),
            Debtor.id.in_(by_reference),
        ))
    if owner_id is not None:
        ids_query = ids_query.where(Debtor.owner_id == owner_id)
    page = session.exec(ids_query.order_by(Debtor.name, Debtor.id).offset(offset).limit(limit)
                        ).all()
    if not page:
        return []
    totals = {
        debtor_id: (refs or "", count, total or 0)
        for debtor_id, refs, count, total in session.exec(
            select(Account.debtor_id, _string_agg(session, Account.reference),
                   func.count(Account.id), sum_cents(Account.balance_cents))
            .where(Account.debtor_id.in_([row[0] for row in page]))
            .group_by(Account.debtor_id)
        ).all()
    }
    return [
        DebtorRow(id=debtor_id, name=name, kind=kind, owner_name=owner or "Nobody",
                  references=totals.get(debtor_id, ("", 0, 0))[0],
                  accounts=totals.get(debtor_id, ("", 0, 0))[1],
                  total_balance_cents=int(totals.get(debtor_id, ("", 0, 0))[2]))
        for debtor_id, name, kind, owner in page
    ]


def debtor_label(session: Session, *, debtor_id: int) -> str | None:
    """A debtor's name and account references, for a select box (None if unknown)."""
    debtor = session.get(Debtor, debtor_id)
    if debtor is None:
        return None
    refs = session.exec(select(Account.reference).where(Account.debtor_id == debtor_id)
                        .order_by(Account.reference)).all()
    return f"{debtor.name} ({', '.join(refs)})" if refs else debtor.name


def read_vulnerabilities(session: Session, *, actor: User, debtor_id: int,
                         details: bool = False) -> tuple[VulnerabilityView, ...]:
    """Consented vulnerabilities; with `details`, the IDEA notes too, and that read is audited.

    Reading details writes an audit event, so call it with details in a write session.
    """
    require_active(actor)
    rows = session.exec(
        select(Vulnerability)
        .where(Vulnerability.debtor_id == debtor_id, Vulnerability.active.is_(True),
               Vulnerability.consent_at.is_not(None))
        .order_by(Vulnerability.consent_at, Vulnerability.id)
    ).all()
    if details and rows:
        audit.record(session, actor_id=actor.id, action="vulnerability.read", entity="debtor",
                     entity_id=debtor_id, after={"vulnerability_ids": [v.id for v in rows]})
    return tuple(
        VulnerabilityView(
            id=v.id, driver=v.driver, label=VULNERABILITY_DRIVERS.get(v.driver, v.driver),
            consent_at=v.consent_at,
            **({"impact": v.impact, "duration": v.duration, "episodes": v.episodes,
                "assistance": v.assistance} if details else {}))
        for v in rows
    )


def get_profile(session: Session, *, actor: User, debtor_id: int,
                vulnerability_details: bool = False) -> DebtorProfile:
    """The debtor, their accounts (holds, open plan, next instalment), open promises,
    consented vulnerabilities and latest income & expenditure."""
    require_active(actor)
    debtor = session.get(Debtor, debtor_id)
    if debtor is None:
        raise UserError("That debtor doesn't exist (any more).")
    owner = session.get(User, debtor.owner_id) if debtor.owner_id else None
    today = settings.office_today(session)

    accounts = session.exec(select(Account).where(Account.debtor_id == debtor_id)
                            .order_by(Account.reference)).all()
    holds: dict[int, list[HoldLine]] = {}
    for hold in active_holds(session, debtor_id=debtor_id, account_id=None, today=today):
        holds.setdefault(hold.account_id, []).append(
            HoldLine(kind=hold.kind, reason=hold.reason, starts_on=hold.starts_on,
                     ends_on=hold.ends_on))
    plans = open_plans(session, account_ids=[a.id for a in accounts])
    account_views = tuple(
        AccountView(id=a.id, reference=a.reference, creditor=a.creditor,
                    balance_cents=a.balance_cents,
                    original_balance_cents=a.original_balance_cents, currency=a.currency,
                    status=account_status(a.status, bool(holds.get(a.id))),
                    holds=tuple(holds.get(a.id, ())), plan=plans.get(a.id))
        for a in accounts
    )
    promises = tuple(
        PromiseView(id=p.id, account_id=p.account_id, amount_cents=p.amount_cents,
                    due_on=p.due_on)
        for p in session.exec(
            select(PromiseToPay).where(PromiseToPay.debtor_id == debtor_id,
                                       PromiseToPay.status == PromiseStatus.OPEN)
            .order_by(PromiseToPay.due_on)).all()
    )
    latest = session.exec(
        select(IncomeExpenditure).where(IncomeExpenditure.debtor_id == debtor_id)
        .order_by(IncomeExpenditure.recorded_on.desc(), IncomeExpenditure.id.desc()).limit(1)
    ).first()
    ie = None
    if latest is not None:
        try:
            items = {str(k): int(v) for k, v in json.loads(latest.items_json or "{}").items()}
        except (ValueError, TypeError, AttributeError):
            items = {}
        ie = IncomeExpenditureView(recorded_on=latest.recorded_on,
                                   income_cents=latest.income_cents,
                                   expenses_cents=latest.expenses_cents, items=items)
    return DebtorProfile(
        debtor=DebtorPublic.model_validate(debtor),
        owner_name=owner.display_name if owner else "Nobody",
        accounts=account_views,
        promises=promises,
        vulnerabilities=read_vulnerabilities(session, actor=actor, debtor_id=debtor_id,
                                             details=vulnerability_details),
        income_expenditure=ie,
    )


def wellbeing_series(session: Session, *, debtor_id: int, limit: int = 100
                     ) -> list[WellbeingPoint]:
    """How the debtor was doing at each check-in, oldest first."""
    return wellbeing_points(session, debtor_id=debtor_id, limit=limit)


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), UTC)


def timeline(session: Session, *, debtor_id: int, limit: int = 200) -> list[TimelineEntry]:
    """One list, newest first, of check-ins (with amendments), plans, payments, follow-ups
    and promises."""
    zone = settings.office_zone(session)
    names = dict(session.exec(select(User.id, User.display_name)).all())
    entries: list[TimelineEntry] = []

    checkins = session.exec(
        select(CheckIn).where(CheckIn.debtor_id == debtor_id)
        .order_by(CheckIn.at.desc(), CheckIn.id.desc()).limit(limit)
    ).all()
    amendments: dict[int, list[str]] = {}
    if checkins:
        for a in session.exec(
            select(CheckInAmendment)
            .where(CheckInAmendment.checkin_id.in_([c.id for c in checkins]))
            .order_by(CheckInAmendment.amended_at, CheckInAmendment.id)
        ).all():
            amendments.setdefault(a.checkin_id, []).append(
                f"{format_when(a.amended_at, zone)} {names.get(a.amended_by, '?')} corrected "
                f"{a.field.replace('_', ' ')}: “{a.before}” → “{a.after}” ({a.reason})")
    fixes = amended(session, [c.id for c in checkins], AMENDED_FIELDS)
    for original in checkins:
        c = effective(original, fixes)  # the record from then on; the original below it
        detail = []
        if c.signposting:
            detail.append("Signposted: " + labels(split_list(c.signposting), SIGNPOSTING))
        for label, text in (("Needs", c.needs), ("Next step", c.next_step), ("Notes", c.notes)):
            if text:
                detail.append(f"{label}: {text}")
        if c.rule_override_reason:
            detail.append(f"Against the contact rules because: {c.rule_override_reason}")
        if c.reading_grade is not None:
            detail.append(f"Reading grade {c.reading_grade:.1f}"
                          + (f", jargon: {c.jargon.replace(',', ', ')}" if c.jargon else ""))
        if c.plain_language_reason:
            detail.append(f"Sent as it was because: {c.plain_language_reason}")
        entries.append(TimelineEntry(
            when=c.at, when_text=format_when(c.at, zone), kind="check-in",
            title=checkin_line(c, zone, words=False).split(" · ", 1)[1],
            detail=" · ".join(detail),
            who=names.get(c.agent_id, ""), entity_id=c.id,
            amendments=tuple(amendments.get(c.id, ()))))

    for plan, reference, currency in session.exec(
        select(PaymentPlan, Account.reference, Account.currency)
        .join(Account, Account.id == PaymentPlan.account_id)
        .where(Account.debtor_id == debtor_id)
        .order_by(PaymentPlan.created_at.desc()).limit(limit)
    ).all():
        when = plan.activated_at or plan.created_at
        entries.append(TimelineEntry(
            when=when, when_text=format_when(when, zone), kind="plan",
            title=(f"Payment plan on {reference}: {label_of(Frequency, plan.frequency).lower()}, "
                   f"{format_money(plan.payable_cents, currency)} — "
                   f"{label_of(PlanStatus, plan.status).lower()}"),
            detail=plan.approval_note, who=names.get(plan.created_by, ""), entity_id=plan.id))

    for payment, reference, currency in session.exec(
        select(Payment, Account.reference, Account.currency)
        .join(Account, Account.id == Payment.account_id)
        .where(Account.debtor_id == debtor_id)
        .order_by(Payment.received_on.desc(), Payment.id.desc()).limit(limit)
    ).all():
        entries.append(TimelineEntry(
            when=_at_noon(payment.received_on), when_text=format_day(payment.received_on),
            kind="payment",
            title=(f"Payment of {format_money(payment.amount_cents, currency)} on {reference}"
                   f" ({label_of(PaymentMethod, payment.method).lower()})"),
            detail=payment.reference, who=names.get(payment.recorded_by, ""),
            entity_id=payment.id))

    for f in session.exec(
        select(FollowUp).where(FollowUp.debtor_id == debtor_id)
        .order_by(FollowUp.created_at.desc()).limit(limit)
    ).all():
        when = f.done_at or f.created_at
        entries.append(TimelineEntry(
            when=when, when_text=format_when(when, zone), kind="follow-up",
            title=(f"Follow-up: {FOLLOWUP_REASONS.get(f.reason, f.reason)} by "
                   f"{channel_in_sentence(f.channel)}, due "
                   f"{format_day(f.due_on)} — {label_of(FollowUpStatus, f.status).lower()}"),
            detail=f.note, who=names.get(f.owner_id, ""), entity_id=f.id))

    for p, currency in session.exec(
        select(PromiseToPay, Account.currency)
        .join(Account, Account.id == PromiseToPay.account_id)
        .where(PromiseToPay.debtor_id == debtor_id)
        .order_by(PromiseToPay.created_at.desc()).limit(limit)
    ).all():
        entries.append(TimelineEntry(
            when=p.created_at, when_text=format_when(p.created_at, zone), kind="promise",
            title=(f"Promise to pay {format_money(p.amount_cents, currency)} by "
                   f"{format_day(p.due_on)} — {label_of(PromiseStatus, p.status).lower()}"),
            detail="", who=names.get(p.created_by, ""), entity_id=p.id))

    entries.sort(key=lambda e: (e.when, e.kind, e.entity_id), reverse=True)
    return entries[:limit]


# ---------------------------------------------------------------- contact preferences
