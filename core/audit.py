"""The audit trail: every change made through the services, append-only."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel

from core.models import AuditEvent


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
