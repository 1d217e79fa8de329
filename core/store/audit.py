"""The audit trail: every change made through the services, append-only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel

from core.store.models import AuditEvent


def snapshot(obj: SQLModel | dict | None, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-ready dict of a record's values (or just `fields`)."""
    if obj is None:
        return {}
    data = obj if isinstance(obj, dict) else obj.model_dump()
    if fields is not None:
        data = {k: data.get(k) for k in fields}
    return {k: _plain(v) for k, v in data.items() if k != "password_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(session: Session, *, actor_id: int | None, action: str, entity: str,
           entity_id: int | None, before: dict | None = None, after: dict | None = None,
           flagged: bool = False) -> AuditEvent:
    """Add an audit event to the session's transaction (it commits or rolls back with it)."""
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before_json=json.dumps(before or {}, sort_keys=True, default=str),
        after_json=json.dumps(after or {}, sort_keys=True, default=str),
        flagged=flagged,
    )
    session.add(event)
    return event


def list_events(session: Session, *, actor, entity: str | None = None,
                entity_id: int | None = None, actor_id: int | None = None,
                action: str | None = None, since: datetime | None = None,
                until: datetime | None = None, flagged_only: bool = False,
                limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Audit events, newest first, for leads and admins."""
    from sqlmodel import select

    from core.permissions import require_lead
    from core.store.models import User

    require_lead(actor)
    query = select(AuditEvent, User.display_name).join(
        User, User.id == AuditEvent.actor_id, isouter=True)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if flagged_only:
        query = query.where(AuditEvent.flagged.is_(True))
    rows = session.exec(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset)
    ).all()
    return [
        {"When": event.at, "Who": name or "system", "Action": event.action,
         "Record": event.entity, "Record id": event.entity_id,
         "Flagged": "yes" if event.flagged else "", "Before": event.before_json,
         "After": event.after_json}
        for event, name in rows
    ]


def entities(session: Session) -> list[str]:
    """The kinds of record that have audit events."""
    from sqlmodel import select

    return list(session.exec(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)))


# ---------------------------------------------------------------- the trail in sentences

# What each action says, after the person's name. {debtor_s} is "Sam Das's" (or "a debtor's"),
# {debtor} "Sam Das", {plan} "settlement (plan 3, 30 % off)", {user} the user changed.
PHRASES: dict[str, str] = {
    "plan.create": "proposed {debtor_s} {plan}",
    "plan.propose": "proposed {debtor_s} {plan}",
    "plan.approve": "approved {debtor_s} {plan}",
    "plan.reject": "rejected {debtor_s} {plan}",
    "plan.activate": "started {debtor_s} {plan}",
    "plan.cancel": "cancelled {debtor_s} {plan}",
    "plan.complete": "marked {debtor_s} {plan} as paid in full",
    "plan.broken": "marked {debtor_s} {plan} as broken",
    "plan.reopen": "reopened {debtor_s} {plan}",
    "plan.reschedule": "rescheduled {debtor_s} {plan}",
    "plan.interest_frozen": "froze the interest on {debtor_s} {plan} while a hold lasts",
    "payment.record": "recorded a payment from {debtor}",
    "payment.reverse": "reversed a payment from {debtor}",
    "checkin.create": "logged a check-in with {debtor}",
    "checkin.amend": "amended a check-in with {debtor}",
    "followup.create": "added a follow-up for {debtor}",
    "followup.snooze": "snoozed a follow-up for {debtor}",
    "followup.snooze_for_hold": "paused a follow-up for {debtor} while a hold lasts",
    "followup.reassign": "passed a follow-up for {debtor} to another agent",
    "followup.priority": "changed the priority of a follow-up for {debtor}",
    "followup.complete": "completed a follow-up for {debtor}",
    "followup.close_for_promise": "closed a follow-up for {debtor} (a promise was made)",
    "followup.close_for_plan": "closed a follow-up for {debtor} (a plan was agreed)",
    "debtor.update": "changed {debtor_s} details",
    "debtor.update_from_checkin": "changed {debtor_s} details during a check-in",
    "hold.place": "put {debtor_s} account on hold",
    "hold.extend": "extended the hold on {debtor_s} account",
    "hold.release": "released the hold on {debtor_s} account",
    "hold.ended": "saw the hold on {debtor_s} account end",
    "account.hold_ended": "saw the hold on {debtor_s} account end",
    "adjustment.create": "recorded an adjustment for {debtor}",
    "adjustment.end": "ended an adjustment for {debtor}",
    "vulnerability.create": "recorded a vulnerability for {debtor}",
    "vulnerability.read": "opened {debtor_s} vulnerability notes",
    "income_expenditure.record": "recorded {debtor_s} income and spending",
    "promise.create": "recorded a promise to pay from {debtor}",
    "promise.kept": "saw {debtor_s} promise to pay kept",
    "promise.broken": "saw {debtor_s} promise to pay broken",
    "user.sign_in": "signed in",
    "user.create": "added the user {user}",
    "user.create_first_admin": "set the app up as its first admin",
    "user.update": "changed the user {user}",
    "user.reset_password": "reset the password of {user}",
    "user.unlock": "unlocked the account of {user}",
    "team.create": "added a team",
    "setting.change": "changed a team setting",
    "demo.load": "loaded the demo team",
    "after_care.record": "recorded {debtor_s} answer to after-care check-ins",
    "after_care.withdraw": "withdrew {debtor_s} after-care check-ins, as they asked",
    "after_care.account_reopened": "cancelled after-care check-ins: the account owes again",
    "goodwill.create": "recorded goodwill from {debtor}",
    "milestone.offer": "offered a milestone message for {debtor}",
    "milestone.sent": "sent {debtor} a milestone message",
    "milestone.dismissed": "dismissed a milestone message for {debtor}",
    "resource.share": "shared free help with {debtor}",
    "resource.answer": "recorded whether free help helped {debtor}",
    "resource.create": "added a resource to the shelf of free help",
    "resource.change": "changed a resource on the shelf of free help",
    "resource.reviewed": "marked a resource on the shelf of free help as reviewed",
    "translation.create": "added a message translation",
    "translation.change": "changed a message translation",
    "translation.approve": "approved a message translation",
    "translation.unapprove": "set a message translation back to waiting for approval",
    "translation.reopen": "edited an approved translation, so it needs approving again",
    "refresher.create": "added a refresher",
    "refresher.change": "changed a refresher",
    "refresher.read": "read a refresher",
}
# Where each kind of record finds its debtor: straight from the row, or through its account.
_BY_DEBTOR = ("checkin", "followup", "adjustment", "vulnerability", "promise_to_pay",
              "income_expenditure")
_BY_ACCOUNT = ("payment_plan", "payment", "hold")


@dataclass(frozen=True)
class TrailLine:
    """One audit event told as a sentence, in office time, with its detail on demand."""

    id: int
    at: datetime
    day: str
    sentence: str
    who: str
    debtor: str
    flagged: bool
    changes: list[tuple[str, Any, Any]]  # (field, before, after) for the fields that changed


def _table(entity: str):
    from core.store import models

    return {"checkin": models.CheckIn, "followup": models.FollowUp,
            "adjustment": models.Adjustment, "vulnerability": models.Vulnerability,
            "promise_to_pay": models.PromiseToPay,
            "income_expenditure": models.IncomeExpenditure, "payment_plan": models.PaymentPlan,
            "payment": models.Payment, "hold": models.Hold}[entity]


def _debtor_ids(session: Session, events: list[AuditEvent]) -> dict[int, int]:
    """Event id -> debtor id, looked up in one query per kind of record."""
    from sqlmodel import select

    from core.store.models import Account

    found: dict[int, int] = {e.id: e.entity_id for e in events
                             if e.entity == "debtor" and e.entity_id}
    for entity in (*_BY_DEBTOR, *_BY_ACCOUNT):
        wanted = {e.entity_id for e in events if e.entity == entity and e.entity_id}
        if not wanted:
            continue
        model = _table(entity)
        if entity in _BY_DEBTOR:
            pairs = dict(session.exec(select(model.id, model.debtor_id)
                                      .where(model.id.in_(wanted))).all())
        else:
            pairs = dict(session.exec(select(model.id, Account.debtor_id)
                                      .join(Account, Account.id == model.account_id)
                                      .where(model.id.in_(wanted))).all())
        found.update({e.id: pairs[e.entity_id] for e in events
                      if e.entity == entity and e.entity_id in pairs})
    for e in events:  # other jobs' records name their debtor in what they saved
        if e.id not in found:
            debtor_id = _named_debtor(e)
            if debtor_id is not None:
                found[e.id] = debtor_id
    return found


def _named_debtor(event: AuditEvent) -> int | None:
    for text in (event.after_json, event.before_json):
        try:
            value = json.loads(text or "{}").get("debtor_id")
        except (ValueError, AttributeError):
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _ids_for_debtor(session: Session, debtor_id: int):
    """A condition matching every event about one debtor (its own rows and its accounts')."""
    from sqlalchemy import and_, or_
    from sqlmodel import select

    from core.store.models import Account

    accounts = select(Account.id).where(Account.debtor_id == debtor_id)
    parts = [and_(AuditEvent.entity == "debtor", AuditEvent.entity_id == debtor_id)]
    for entity in _BY_DEBTOR:
        model = _table(entity)
        parts.append(and_(AuditEvent.entity == entity, AuditEvent.entity_id.in_(
            select(model.id).where(model.debtor_id == debtor_id))))
    for entity in _BY_ACCOUNT:
        model = _table(entity)
        parts.append(and_(AuditEvent.entity == entity, AuditEvent.entity_id.in_(
            select(model.id).where(model.account_id.in_(accounts)))))
    return or_(*parts)


def _plan_words(data: dict, plan_id: int | None) -> str:
    pct = data.get("discount_pct")
    try:
        off = Decimal(str(pct)) if pct not in (None, "") else Decimal(0)
    except ArithmeticError:
        off = Decimal(0)
    if off > 0:
        return f"settlement (plan {plan_id}, {off.normalize():f} % off)"
    return f"payment plan (plan {plan_id})"


def _changes(before: dict, after: dict) -> list[tuple[str, Any, Any]]:
    keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return [(k.replace("_", " "), before.get(k), after.get(k)) for k in keys]


def sentence(event: AuditEvent, *, who: str, debtor: str | None, user: str | None,
             local_time: str) -> str:
    """'Grace Holloway rejected Sam Das's settlement (plan 3, 30 % off) at 10:42'."""
    before, after = json.loads(event.before_json or "{}"), json.loads(event.after_json or "{}")
    template = PHRASES.get(event.action)
    if template is None:
        what = event.action.replace(".", " ").replace("_", " ")
        return f"{who}: {what} ({event.entity.replace('_', ' ')} {event.entity_id}) at {local_time}"
    text = template.format(
        debtor=debtor or "a debtor", debtor_s=f"{debtor}'s" if debtor else "a debtor's",
        plan=_plan_words(after or before, event.entity_id), user=user or "a user")
    return f"{who} {text} at {local_time}"


def trail(session: Session, *, actor, actor_id: int | None = None,
          debtor_id: int | None = None, since: datetime | None = None,
          until: datetime | None = None, flagged_only: bool = False,
          limit: int = 200) -> list[TrailLine]:
    """The audit trail as sentences in office time, newest first (leads and admins)."""
    from sqlmodel import select

    from core.permissions import require_lead
    from core.store.models import Debtor, User
    from core.store.settings import office_zone

    require_lead(actor)
    query = select(AuditEvent)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if debtor_id is not None:
        query = query.where(_ids_for_debtor(session, debtor_id))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if flagged_only:
        query = query.where(AuditEvent.flagged.is_(True))
    events = list(session.exec(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)).all())
    debtor_of = _debtor_ids(session, events)
    names = dict(session.exec(select(User.id, User.display_name)).all())
    debtors = dict(session.exec(select(Debtor.id, Debtor.name).where(
        Debtor.id.in_(set(debtor_of.values())))).all()) if debtor_of else {}
    zone = office_zone(session)
    lines = []
    for event in events:
        local = event.at.astimezone(zone)
        who = names.get(event.actor_id, "The system") if event.actor_id else "The system"
        debtor = debtors.get(debtor_of.get(event.id))
        user = names.get(event.entity_id) if event.entity == "user" else None
        lines.append(TrailLine(
            id=event.id, at=local, day=f"{local:%a} {local.day} {local:%b %Y}",
            sentence=sentence(event, who=who, debtor=debtor, user=user,
                              local_time=f"{local:%H:%M}"),
            who=who, debtor=debtor or "", flagged=event.flagged,
            changes=_changes(json.loads(event.before_json or "{}"),
                             json.loads(event.after_json or "{}"))))
    return lines
