"""Refresher writes: an admin keeps the pieces (a changed body is a new version); an agent
marks one read. Audited in the caller's transaction."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core.errors import UserError
from core.learning.models import Refresher, RefresherRead
from core.permissions import require_active, require_role
from core.store import audit
from core.store.models import Role, User, utcnow
from core.text import clean_note

MAX_BODY = 3_000


def mark_read(session: Session, *, actor: User, refresher_id: int) -> RefresherRead:
    """Record that `actor` read the refresher's current version."""
    require_active(actor)
    refresher = session.get(Refresher, refresher_id)
    if refresher is None:
        raise UserError("That refresher doesn't exist any more.")
    read = RefresherRead(refresher_id=refresher.id, user_id=actor.id, version=refresher.version)
    session.add(read)
    session.flush()
    audit.record(session, actor_id=actor.id, action="refresher.read", entity="refresher",
                 entity_id=refresher.id, after={"version": refresher.version})
    return read


def save_refresher(session: Session, *, actor: User, refresher_id: int | None, rule: str,
                   topic: str, body: str, source: str, review_by: date | None) -> Refresher:
    """Add or change a refresher (admins). A changed body or topic is a new version, so it is
    due again for everyone."""
    require_role(actor, Role.ADMIN)
    topic = clean_note(topic, field="The topic", limit=120)
    body = clean_note(body, field="The text", limit=MAX_BODY)
    source = clean_note(source, field="The source", limit=300)
    rule = (rule or "").strip().lower().replace(" ", "_")[:40]
    if not topic or not body:
        raise UserError("A refresher needs a topic and some text.")
    if not rule:
        raise UserError("Say which rule or skill the refresher covers.")
    if refresher_id is None:
        refresher = Refresher(rule=rule, topic=topic, body=body, source=source,
                              review_by=review_by, updated_by=actor.id)
        session.add(refresher)
        session.flush()
        audit.record(session, actor_id=actor.id, action="refresher.create", entity="refresher",
                     entity_id=refresher.id, after=audit.snapshot(refresher))
        return refresher
    refresher = session.get(Refresher, refresher_id)
    if refresher is None:
        raise UserError("That refresher doesn't exist any more.")
    before = audit.snapshot(refresher)
    changed = (topic, body) != (refresher.topic, refresher.body)
    refresher.rule, refresher.topic, refresher.body = rule, topic, body
    refresher.source, refresher.review_by = source, review_by
    refresher.updated_at, refresher.updated_by = utcnow(), actor.id
    if changed:
        refresher.version += 1
    session.flush()
    audit.record(session, actor_id=actor.id, action="refresher.change", entity="refresher",
                 entity_id=refresher.id, before=before, after=audit.snapshot(refresher))
    return refresher
