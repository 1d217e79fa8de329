"""Wobble watch: early signs that a plan may break, as a reason for a supportive check-in.

A plan is wobbling when, since it started:
* the debtor's last recorded wellbeing is 2 or less, or fell by 2 or more from their usual
  (the average of the wellbeing recorded before it);
* an instalment was part-paid;
* the last two instalments came in later than every one before them (at least three paid);
* a new life change was recorded.
The daily rules (`core.daily`) create one "supportive check-in" follow-up per wobbling plan, at
most one per plan in 30 days; the stand-up lists the plans with an open one. It is never a
chase: the note carries TEXAS prompts and an offer to review income and spending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session

from core import workdays
from core.followups.backlog import active_hold_accounts
from core.followups.service import add_followup
from core.store import settings
from core.store.models import (
    Account,
    CheckIn,
    Debtor,
    FollowUp,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
)
from core.vocabulary import Channel, FollowUpReason

ONCE_PER_DAYS = 30
LIFE_CHANGE_DAYS = 30
SUGGESTION = ("Supportive check-in, not a chase: thank them, ask how things are and what has "
              "changed, explain how anything they share will be used, and offer to go through "
              "their income and spending again so the plan still fits.")


@dataclass(frozen=True)
class Signal:
    """One sign a plan may be wobbling, in words."""

    kind: str  # low_wellbeing, falling_wellbeing, part_paid, paying_later, life_change
    text: str


@dataclass(frozen=True)
class PlanFacts:
    """What the signals are decided from, for one active plan (gathered in batches)."""

    plan_id: int
    activated_at: datetime
    last_wellbeing: int | None = None
    last_wellbeing_at: datetime | None = None
    usual_wellbeing: float | None = None  # average of the ones before the last
    part_paid: bool = False
    lateness_days: tuple[int, ...] = ()  # paid instalments in order: days after the due date
    life_change_on: date | None = None


# ---------------------------------------------------------------- pure: the signals


def signals(facts: PlanFacts) -> list[Signal]:
    """The wobble signals of one plan (empty: not wobbling)."""
    found: list[Signal] = []
    recent = (facts.last_wellbeing is not None and facts.last_wellbeing_at is not None
              and facts.last_wellbeing_at >= facts.activated_at)
    if recent and facts.last_wellbeing <= 2:
        found.append(Signal("low_wellbeing",
                            f"wellbeing {facts.last_wellbeing} of 5 at the last check-in"))
    elif (recent and facts.usual_wellbeing is not None
          and facts.usual_wellbeing - facts.last_wellbeing >= 2):
        found.append(Signal("falling_wellbeing",
                            f"wellbeing fell to {facts.last_wellbeing} from a usual "
                            f"{facts.usual_wellbeing:.1f}"))
    if facts.part_paid:
        found.append(Signal("part_paid", "an instalment was part-paid"))
    late = facts.lateness_days
    if len(late) >= 3 and late[-1] > 0 and late[-2] > 0 and min(late[-2:]) > max(late[:-2]):
        found.append(Signal("paying_later",
                            f"the last two payments came {late[-2]} and {late[-1]} days after "
                            "their dates, later than before"))
    if facts.life_change_on is not None:
        found.append(Signal("life_change",
                            f"a life change was recorded on {facts.life_change_on:%d %b}"))
    return found


def describe(found: Sequence[Signal]) -> str:
    """The signals in one sentence."""
    text = "; ".join(s.text for s in found)
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- gathering the facts


def _active_plans(session: Session, plan_ids: Sequence[int] | None):
    query = (select(PaymentPlan.id, PaymentPlan.account_id, PaymentPlan.activated_at,
                    Account.debtor_id, Debtor.owner_id, Debtor.preferred_channel,
                    Debtor.opted_out)
             .join(Account, Account.id == PaymentPlan.account_id)
             .join(Debtor, Debtor.id == Account.debtor_id)
             .where(PaymentPlan.status == PlanStatus.ACTIVE,
                    PaymentPlan.activated_at.is_not(None)))
    if plan_ids is not None:
        query = query.where(PaymentPlan.id.in_(list(plan_ids)))
    return session.execute(query.order_by(PaymentPlan.id)).all()


def _wellbeing(session: Session, debtor_ids: list[int]) -> dict[int, tuple]:
    """Per debtor: (last wellbeing, its time, average of the earlier ones)."""
    ranked = (select(CheckIn.debtor_id, CheckIn.wellbeing, CheckIn.at,
                     func.row_number().over(partition_by=CheckIn.debtor_id,
                                            order_by=(CheckIn.at.desc(), CheckIn.id.desc()))
                     .label("rn"))
              .where(CheckIn.debtor_id.in_(debtor_ids), CheckIn.wellbeing.is_not(None))
              .subquery())
    rows = session.execute(
        select(ranked.c.debtor_id,
               func.max(case((ranked.c.rn == 1, ranked.c.wellbeing))).label("last"),
               func.max(case((ranked.c.rn == 1, ranked.c.at))).label("last_at"),
               func.avg(case((ranked.c.rn > 1, ranked.c.wellbeing))).label("usual"))
        .group_by(ranked.c.debtor_id))
    out = {}
    for r in rows:
        last_at = r.last_at
        if isinstance(last_at, str):  # SQLite's MAX over a CASE forgets the column type
            last_at = datetime.fromisoformat(last_at)
        if last_at is not None and last_at.tzinfo is None:
            last_at = last_at.replace(tzinfo=UTC)
        out[r.debtor_id] = (r.last, last_at, None if r.usual is None else float(r.usual))
    return out


def _chunks(values: list[int], size: int = 500):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def gather(session: Session, *, today: date,
           plan_ids: Sequence[int] | None = None) -> tuple[list, dict[int, PlanFacts]]:
    """The active plans (rows) and each one's facts, in a few batched queries."""
    plans = _active_plans(session, plan_ids)
    facts: dict[int, PlanFacts] = {}
    since = datetime.combine(today - timedelta(days=LIFE_CHANGE_DAYS), time(0), UTC)
    for chunk in _chunks([p.id for p in plans]):
        rows = [p for p in plans if p.id in set(chunk)]
        debtors = sorted({p.debtor_id for p in rows})
        wellbeing = _wellbeing(session, debtors)
        part = set(session.execute(select(PlanInstalment.plan_id).where(
            PlanInstalment.plan_id.in_(chunk),
            PlanInstalment.status == InstalmentStatus.PART_PAID)).scalars())
        dues: dict[int, list[date]] = {}
        for plan_id, due in session.execute(
                select(PlanInstalment.plan_id, PlanInstalment.due_on)
                .where(PlanInstalment.plan_id.in_(chunk),
                       PlanInstalment.status == InstalmentStatus.PAID)
                .order_by(PlanInstalment.plan_id, PlanInstalment.seq)):
            dues.setdefault(plan_id, []).append(due)
        paid: dict[int, list[date]] = {}
        for plan_id, on in session.execute(
                select(Payment.plan_id, Payment.received_on)
                .where(Payment.plan_id.in_(chunk))
                .order_by(Payment.plan_id, Payment.received_on, Payment.id)):
            paid.setdefault(plan_id, []).append(on)
        changes: dict[int, date] = {}
        for debtor_id, at in session.execute(
                select(CheckIn.debtor_id, func.max(CheckIn.at))
                .where(CheckIn.debtor_id.in_(debtors), CheckIn.life_changes != "",
                       CheckIn.at >= since)
                .group_by(CheckIn.debtor_id)):
            if isinstance(at, str):
                at = datetime.fromisoformat(at)
            changes[debtor_id] = at if at.tzinfo else at.replace(tzinfo=UTC)
        for p in rows:
            last, last_at, usual = wellbeing.get(p.debtor_id, (None, None, None))
            pairs = list(zip(dues.get(p.id, []), paid.get(p.id, []), strict=False))
            change = changes.get(p.debtor_id)
            facts[p.id] = PlanFacts(
                plan_id=p.id, activated_at=p.activated_at, last_wellbeing=last,
                last_wellbeing_at=last_at, usual_wellbeing=usual, part_paid=p.id in part,
                lateness_days=tuple((on - due).days for due, on in pairs),
                life_change_on=change.date() if change and change >= p.activated_at else None)
    return plans, facts


# ---------------------------------------------------------------- the daily rule


def _recently_flagged(session: Session, plan_ids: list[int], today: date) -> set[int]:
    since = datetime.combine(today - timedelta(days=ONCE_PER_DAYS - 1), time(0), UTC)
    return set(session.execute(select(FollowUp.plan_id).where(
        FollowUp.plan_id.in_(plan_ids), FollowUp.reason == FollowUpReason.WOBBLE_CHECK,
        FollowUp.created_at >= since)).scalars())


def _channel(preferred: str, opted_out: str) -> str:
    out = {c.strip() for c in (opted_out or "").split(",")}
    for channel in (preferred, Channel.PHONE, Channel.EMAIL, Channel.LETTER):
        if channel and channel not in out:
            return channel
    return Channel.LETTER


def create_wobble_followups(session: Session, *, today: date) -> int:
    """One supportive check-in follow-up per wobbling plan, at most one per plan in 30 days;
    due on the next working day, for the debtor's caseload owner. Returns how many.

    A debtor with a hold in force on any account is left alone: no contact during a hold."""
    plans, facts = gather(session, today=today)
    held = set(session.execute(
        select(Account.debtor_id).where(Account.id.in_(active_hold_accounts(today)))).scalars())
    wobbling = {p.id: signals(facts[p.id]) for p in plans
                if p.owner_id is not None and p.debtor_id not in held}
    wobbling = {k: v for k, v in wobbling.items() if v}
    if not wobbling:
        return 0
    flagged: set[int] = set()
    for chunk in _chunks(sorted(wobbling)):
        flagged |= _recently_flagged(session, chunk, today)
    due = workdays.next_working_day(today, settings.working_days(session))
    made = 0
    for p in plans:
        if p.id not in wobbling or p.id in flagged:
            continue
        add_followup(session, actor_id=None, debtor_id=p.debtor_id, account_id=p.account_id,
                     owner_id=p.owner_id, due_on=due, channel=_channel(p.preferred_channel,
                                                                     p.opted_out),
                     reason=FollowUpReason.WOBBLE_CHECK, priority=2, plan_id=p.id,
                     note=f"Plan wobbling: {describe(wobbling[p.id])}. {SUGGESTION}")
        made += 1
    return made
