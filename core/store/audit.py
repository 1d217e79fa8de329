"""The audit trail: every change made through the services, append-only."""

from __future__ import annotations

import json
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
