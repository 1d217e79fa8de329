"""Relationship reads: the profile's "Our relationship" section, the milestones and after-care
check-ins on an agent's My day, and the stand-up's "after-care due today"."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from core.followups import doable
from core.followups.backlog import active_hold_accounts, rows_select, to_rows
from core.plain_language import TARGET_GRADE, reading_grade
from core.relationship import texts
from core.relationship.models import AfterCare, Goodwill, Milestone
from core.relationship.views import (
    AfterCareView,
    CareCheckIn,
    CareDue,
    GoodwillView,
    MilestoneView,
    PaidAccount,
    Relationship,
)
from core.store.models import (
    Account,
    AccountStatus,
    Debtor,
    FollowUp,
    Payment,
    PlanInstalment,
    User,
)
from core.store.settings import office_today
from core.text import address_name
from core.vocabulary import (
    CARE_REASONS,
    DebtorKind,
    FollowUpReason,
    FollowUpStatus,
    InstalmentStatus,
    MilestoneStatus,
)

MY_DAY_LIMIT = 25


def _first_name(debtor: Debtor) -> str:
    return address_name(debtor.name, debtor.preferred_name, kind=debtor.kind)


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def debt_free_dates(session: Session, accounts: list[Account]) -> dict[int, date]:
    """When each paid account was cleared: its last payment that stands (or its last
    activity, for an account loaded already paid)."""
    ids = [a.id for a in accounts]
    last = dict(session.execute(
        select(Payment.account_id, func.max(Payment.received_on))
        .where(Payment.account_id.in_(ids), Payment.reversed_at.is_(None))
        .group_by(Payment.account_id)).all()) if ids else {}
    return {a.id: last.get(a.id) or a.last_activity_at.date() for a in accounts}


def _after_care(session: Session, account_ids: list[int]) -> dict[int, AfterCareView]:
    if not account_ids:
        return {}
    cares = list(session.execute(select(AfterCare).where(AfterCare.account_id.in_(account_ids)))
                 .scalars())
    names = _names(session, {c.recorded_by for c in cares})
    checkins: dict[int, list[CareCheckIn]] = {}
    for r in session.execute(
            select(FollowUp.id, FollowUp.account_id, FollowUp.due_on, FollowUp.status)
            .where(FollowUp.account_id.in_(account_ids),
                   FollowUp.reason == FollowUpReason.AFTER_CARE)
            .order_by(FollowUp.due_on, FollowUp.id)):
        checkins.setdefault(r.account_id, []).append(
            CareCheckIn(followup_id=r.id, due_on=r.due_on, status=r.status))
    return {c.account_id: AfterCareView(
        id=c.id, consented=c.consented, consent_on=c.consent_on,
        recorded_by=names.get(c.recorded_by, "—"), withdrawn_at=c.withdrawn_at,
        version=c.version, checkins=tuple(checkins.get(c.account_id, ())))
        for c in cares}


def _paid_accounts(session: Session, debtor: Debtor, agent_name: str) -> tuple[PaidAccount, ...]:
    accounts = list(session.execute(
        select(Account).where(Account.debtor_id == debtor.id,
                              Account.status == AccountStatus.PAID,
                              Account.balance_cents <= 0)
        .order_by(Account.id)).scalars())
    cleared = debt_free_dates(session, accounts)
    cares = _after_care(session, [a.id for a in accounts])
    business = debtor.kind == DebtorKind.BUSINESS
    paid = []
    for a in accounts:
        draft = texts.paid_in_full(first_name=_first_name(debtor), agent_name=agent_name,
                                   creditor=a.creditor, debt_free_on=cleared[a.id])
        grade = reading_grade(draft)
        note = texts.good_standing_note(debtor_name=debtor.name, creditor=a.creditor,
                                        reference=a.reference,
                                        debt_free_on=cleared[a.id]) if business else ""
        paid.append(PaidAccount(account_id=a.id, reference=a.reference, creditor=a.creditor,
                                debt_free_on=cleared[a.id], draft=draft, grade=grade,
                                grade_ok=grade <= TARGET_GRADE, after_care=cares.get(a.id),
                                standing_note=note))
    return tuple(paid)


def _milestone_views(session: Session, rows: list[Milestone],
                     agent_names: dict[int, str]) -> list[MilestoneView]:
    debtors = {d.id: d for d in session.execute(select(Debtor).where(
        Debtor.id.in_({m.debtor_id for m in rows}))).scalars()} if rows else {}
    refs = dict(session.execute(select(Account.id, Account.reference).where(
        Account.id.in_({m.account_id for m in rows}))).all()) if rows else {}
    views = []
    for m in rows:
        debtor = debtors[m.debtor_id]
        money = {"paid_cents": m.paid_cents, "payable_cents": m.payable_cents,
                 "currency": m.currency}
        draft = texts.milestone_message(m.kind, first_name=_first_name(debtor),
                                        agent_name=agent_names.get(m.owner_id, ""), **money)
        views.append(MilestoneView(
            id=m.id, plan_id=m.plan_id, debtor_id=m.debtor_id, debtor_name=debtor.name,
            account_reference=refs.get(m.account_id, ""), kind=m.kind, status=m.status,
            offered_on=m.offered_on, line=texts.milestone_line(m.kind, **money), draft=draft,
            grade=reading_grade(draft), version=m.version))
    return views


def relationship(session: Session, *, debtor_id: int) -> Relationship:
    """The "Our relationship" section: paid accounts with their draft and after-care offer,
    goodwill, and the milestones their plans reached."""
    debtor = session.get(Debtor, debtor_id)
    if debtor is None:
        return Relationship(debtor_id=debtor_id, business=False, paid=(), goodwill=(),
                            milestones=())
    goodwill = list(session.execute(select(Goodwill).where(Goodwill.debtor_id == debtor_id)
                                    .order_by(Goodwill.happened_on.desc(), Goodwill.id.desc()))
                    .scalars())
    milestones = list(session.execute(select(Milestone).where(Milestone.debtor_id == debtor_id)
                                      .order_by(Milestone.offered_on, Milestone.id)).scalars())
    names = _names(session, {debtor.owner_id, *(g.recorded_by for g in goodwill),
                             *(m.owner_id for m in milestones)})
    return Relationship(
        debtor_id=debtor_id, business=debtor.kind == DebtorKind.BUSINESS,
        paid=_paid_accounts(session, debtor, names.get(debtor.owner_id, "")),
        goodwill=tuple(GoodwillView(id=g.id, kind=g.kind, note=g.note,
                                    happened_on=g.happened_on,
                                    recorded_by=names.get(g.recorded_by, "—"))
                       for g in goodwill),
        milestones=tuple(_milestone_views(session, milestones, names)))


# ---------------------------------------------------------------- My day


def my_milestones(session: Session, *, user_id: int, today: date | None = None) -> list[
        MilestoneView]:
    """My milestones still to send, oldest first; none while their account is under a hold or
    their plan has a missed instalment open."""
    today = today or office_today(session)
    # Correlated, so each milestone probes its own plan's instalments (plan_id, seq index).
    missed = select(PlanInstalment.id).where(
        PlanInstalment.plan_id == Milestone.plan_id,
        PlanInstalment.status == InstalmentStatus.MISSED).exists()
    rows = list(session.execute(
        select(Milestone).where(Milestone.owner_id == user_id,
                                Milestone.status == MilestoneStatus.OFFERED,
                                Milestone.account_id.not_in(active_hold_accounts(today)),
                                ~missed)
        .order_by(Milestone.offered_on, Milestone.id).limit(MY_DAY_LIMIT)).scalars())
    return _milestone_views(session, rows, _names(session, {user_id}))


def care_due(session: Session, *, user_id: int, today: date, at: datetime) -> list[CareDue]:
    """My after-care check-ins due today or earlier, with the contact rules' verdict at `at`
    (holds, opt-outs, their hours) and the "how are you doing" message: care, not load, so
    they are listed apart."""
    stmt = (rows_select([FollowUp.status == FollowUpStatus.OPEN, FollowUp.owner_id == user_id,
                         FollowUp.due_on <= today, FollowUp.reason.in_(sorted(CARE_REASONS))],
                        today)
            .order_by(FollowUp.due_on, FollowUp.id).limit(MY_DAY_LIMIT))
    rows = to_rows(session.execute(stmt).mappings(), today)
    if not rows:
        return []
    consent = dict(session.execute(select(AfterCare.account_id, AfterCare.consent_on).where(
        AfterCare.account_id.in_({r.account_id for r in rows if r.account_id}))).all())
    debtors = {d.id: d for d in session.execute(select(Debtor).where(
        Debtor.id.in_({r.debtor_id for r in rows}))).scalars()}
    agent = _names(session, {user_id}).get(user_id, "")
    found = []
    for item in doable.verdicts(session, rows, at=at, today=today):
        agreed = consent.get(item.row.account_id)
        days = 90 if agreed is not None and (item.row.due_on - agreed).days > 60 else 30
        found.append(CareDue(item=item, draft=texts.after_care_message(
            first_name=_first_name(debtors[item.row.debtor_id]), agent_name=agent, days=days)))
    return found


# ---------------------------------------------------------------- stand-up


def after_care_due_today(session: Session, *, today: date, team_id: int | None = None) -> int:
    """Open after-care check-ins due today (one team's, or everyone's)."""
    conds = [FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on == today,
             FollowUp.reason.in_(sorted(CARE_REASONS))]
    if team_id is not None:
        conds.append(FollowUp.owner_id.in_(select(User.id).where(User.team_id == team_id)))
    return int(session.execute(select(func.count()).select_from(FollowUp).where(*conds))
               .scalar_one())
