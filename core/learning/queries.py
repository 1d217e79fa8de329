"""Refresher reads: the list, what is due for an agent, and the stand-up's case of the week."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core.learning.due import due_reason
from core.learning.models import Refresher, RefresherRead
from core.learning.views import CaseOfTheWeek, DueRefresher, RefresherView
from core.store.models import (
    Account,
    CheckIn,
    Debtor,
    PaymentPlan,
    PlanStatus,
    User,
    utcnow,
)

CASE_FOR = {"override": "contact_limits", "broken_plan": "forbearance"}


def _view(r: Refresher) -> RefresherView:
    return RefresherView(id=r.id, rule=r.rule, topic=r.topic, body=r.body, source=r.source,
                         version=r.version, review_by=r.review_by)


def refreshers(session: Session) -> list[RefresherView]:
    """Every refresher, by topic."""
    return [_view(r) for r in session.execute(
        select(Refresher).order_by(Refresher.topic, Refresher.id)).scalars()]


def due_for(session: Session, *, user_id: int, now: datetime | None = None
            ) -> list[DueRefresher]:
    """The refreshers due for `user_id` now, each with why."""
    now = now or utcnow()
    reads = {r.refresher_id: (r.version, r.read_at) for r in session.execute(
        select(RefresherRead.refresher_id, func.max(RefresherRead.version).label("version"),
               func.max(RefresherRead.read_at).label("read_at"))
        .where(RefresherRead.user_id == user_id)
        .group_by(RefresherRead.refresher_id))}
    last_override = session.execute(
        select(func.max(CheckIn.at)).where(CheckIn.agent_id == user_id,
                                           CheckIn.rule_override_reason != "")).scalar()
    last_override = _aware(last_override)
    out = []
    for r in refreshers(session):
        read_version, read_at = reads.get(r.id, (None, None))
        why = due_reason(version=r.version, read_version=read_version,
                         read_at=_aware(read_at), rule=r.rule,
                         last_override_at=last_override, now=now)
        if why:
            out.append(DueRefresher(refresher=r, why=why))
    return out


def _aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _hide(text: str, names: list[str]) -> str:
    """The text with every word of the debtor's names replaced by "[name]"."""
    for word in sorted({w for n in names for w in re.findall(r"[\w'-]{2,}", n or "")},
                       key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(word)}\b", "[name]", text, flags=re.IGNORECASE)
    return text


def last_week(today: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) UTC of the week before `today`'s."""
    monday = today - timedelta(days=today.weekday() + 7)
    return (datetime.combine(monday, time(0), UTC),
            datetime.combine(monday + timedelta(days=7), time(0), UTC))


def _how_long(days: int) -> str:
    """'3 days', '1 month', '4 months': in plain words, never '1 months' or '0 months'."""
    count, unit = (days, "day") if days < 30 else (days // 30, "month")
    return f"{count} {unit}{'s' if count != 1 else ''}"


def case_of_the_week(session: Session, *, today: date,
                     team_id: int | None = None) -> CaseOfTheWeek | None:
    """Last week's latest flagged override, else its latest broken plan, name hidden."""
    start, end = last_week(today)
    team = ([] if team_id is None else
            [Debtor.owner_id.in_(select(User.id).where(User.team_id == team_id))])
    by_rule = {r.rule: r for r in refreshers(session)}
    override = session.execute(
        select(CheckIn.at, CheckIn.channel, CheckIn.rule_override_reason, Debtor.name,
               Debtor.preferred_name)
        .join(Debtor, Debtor.id == CheckIn.debtor_id)
        .where(CheckIn.rule_override_reason != "", CheckIn.at >= start, CheckIn.at < end,
               *team)
        .order_by(CheckIn.at.desc()).limit(1)).first()
    if override is not None:
        reason = _hide((override.rule_override_reason or "").strip()[:300],
                       [override.name, override.preferred_name])
        story = (f"On {override.at:%A %d %B} a {override.channel} contact went ahead although "
                 f"the contact rules said no. The reason given: “{reason}”. Would you have "
                 "waited? What would the person have wanted?")
        return CaseOfTheWeek(kind="override", when=override.at, story=story,
                             refresher=by_rule.get(CASE_FOR["override"]))
    broken = session.execute(
        select(PaymentPlan.ended_at, PaymentPlan.payable_cents, PaymentPlan.activated_at)
        .join(Account, Account.id == PaymentPlan.account_id)
        .join(Debtor, Debtor.id == Account.debtor_id)
        .where(PaymentPlan.status == PlanStatus.BROKEN, PaymentPlan.ended_at >= start,
               PaymentPlan.ended_at < end, *team)
        .order_by(PaymentPlan.ended_at.desc()).limit(1)).first()
    if broken is None:
        return None
    months = ""
    if broken.activated_at is not None:
        months = f" {_how_long(max(0, (broken.ended_at - broken.activated_at).days))} " \
                 "after it was agreed"
    story = (f"A plan broke on {broken.ended_at:%A %d %B}{months}, after two missed "
             "instalments. What could we have noticed earlier, and which forbearance option "
             "might have kept it going?")
    return CaseOfTheWeek(kind="broken_plan", when=broken.ended_at, story=story,
                         refresher=by_rule.get(CASE_FOR["broken_plan"]))
