"""Shelf writes: an admin keeps the resources; an agent shares one with a debtor and records
whether it helped. Audited in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core import plain_language
from core.errors import UserError
from core.permissions import require_role
from core.resources import rules
from core.resources.models import Resource, ResourceInput, ResourceShare
from core.store import audit, settings
from core.store.models import CheckIn, Debtor, Role, User, utcnow
from core.text import clean_name, clean_note
from core.vocabulary import ResourceAnswer, ResourceTopic

MAX_SUMMARY = 1_000
EVERYONE = (Role.AGENT, Role.LEAD, Role.ADMIN)


def _checked(data: ResourceInput) -> dict:
    """The admin's input, cleaned; one plain sentence for the first thing wrong."""
    title = clean_name(data.title, field="The title", limit=120)
    organisation = clean_name(data.organisation, field="The organisation", limit=120)
    link, phone = rules.check_reach(data.link, data.phone)
    if data.topic not in set(ResourceTopic):
        raise UserError("Choose a topic: " + ", ".join(t.label.lower() for t in ResourceTopic)
                        + ".")
    language = (data.language or "").strip().lower()
    if not language or len(language) > 20:
        raise UserError("Say which language the resource is in, e.g. en.")
    summary = clean_note(data.summary, field="The paragraph", limit=MAX_SUMMARY)
    if not summary:
        raise UserError("Write a short plain paragraph about what they do.")
    if data.reviewed_on is None:
        raise UserError("Say when the resource was last reviewed.")
    grade = plain_language.reading_grade(summary) if language == "en" else None
    return {"title": title, "organisation": organisation, "link": link, "phone": phone,
            "topic": str(data.topic), "language": language, "summary": summary,
            "reviewed_on": data.reviewed_on, "reading_grade": grade, "active": data.active}


def save_resource(session: Session, *, actor: User, data: ResourceInput,
                  now: datetime | None = None) -> Resource:
    """Add or change a resource (admins). The reading grade of an English paragraph is
    measured on save; other languages are not measured."""
    require_role(actor, Role.ADMIN)
    values = _checked(data)
    now = now or utcnow()
    if data.id is None:
        resource = Resource(**values, updated_at=now, updated_by=actor.id)
        session.add(resource)
        session.flush()
        audit.record(session, actor_id=actor.id, action="resource.create", entity="resource",
                     entity_id=resource.id, after=audit.snapshot(resource))
        return resource
    resource = session.get(Resource, data.id)
    if resource is None:
        raise UserError("That resource doesn't exist any more.")
    if data.version is not None and data.version != resource.version:
        raise UserError("This resource was changed by someone else — reload and try again.")
    before = audit.snapshot(resource)
    for name, value in values.items():
        setattr(resource, name, value)
    resource.version += 1
    resource.updated_at, resource.updated_by = now, actor.id
    session.flush()
    audit.record(session, actor_id=actor.id, action="resource.change", entity="resource",
                 entity_id=resource.id, before=before, after=audit.snapshot(resource))
    return resource


def mark_reviewed(session: Session, *, actor: User, resource_id: int,
                  now: datetime | None = None) -> Resource:
    """An admin checked the resource today: it is offered again for another year."""
    require_role(actor, Role.ADMIN)
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise UserError("That resource doesn't exist any more.")
    now = now or utcnow()
    before = audit.snapshot(resource, ["reviewed_on"])
    resource.reviewed_on = settings.office_today(session, now)
    resource.version += 1
    resource.updated_at, resource.updated_by = now, actor.id
    session.flush()
    audit.record(session, actor_id=actor.id, action="resource.reviewed", entity="resource",
                 entity_id=resource.id, before=before,
                 after=audit.snapshot(resource, ["reviewed_on"]))
    return resource


def share(session: Session, *, actor: User, debtor_id: int, resource_ids: list[int],
          checkin_id: int | None = None, now: datetime | None = None) -> list[ResourceShare]:
    """Record that these resources were shared with a debtor (in a check-in or a message).
    Only a resource on offer today (active, reviewed within the year) can be shared."""
    require_role(actor, *EVERYONE)
    if session.get(Debtor, debtor_id) is None:
        raise UserError("That debtor doesn't exist any more.")
    if checkin_id is not None:
        checkin = session.get(CheckIn, checkin_id)
        if checkin is None or checkin.debtor_id != debtor_id:
            raise UserError("That check-in is about someone else.")
    now = now or utcnow()
    today = settings.office_today(session, now)
    shares = []
    for resource_id in dict.fromkeys(resource_ids):
        resource = session.get(Resource, resource_id)
        if resource is None or not resource.active:
            raise UserError("That resource is no longer on the shelf; choose another.")
        if rules.out_of_date(resource.reviewed_on, today):
            raise UserError(f"{resource.title} is due for review and can't be shared until an "
                            "admin checks it.")
        row = ResourceShare(resource_id=resource.id, debtor_id=debtor_id, shared_by=actor.id,
                            shared_at=now, checkin_id=checkin_id)
        session.add(row)
        session.flush()
        audit.record(session, actor_id=actor.id, action="resource.share",
                     entity="resource_share", entity_id=row.id, after=audit.snapshot(row))
        shares.append(row)
    return shares


def answer(session: Session, *, actor: User, share_id: int, answer: str,
           debtor_id: int | None = None, now: datetime | None = None) -> ResourceShare:
    """Record whether a shared resource helped: yes, not yet (asked again next time) or no."""
    require_role(actor, *EVERYONE)
    if answer not in set(ResourceAnswer):
        raise UserError("Answer yes, not yet or no.")
    row = session.get(ResourceShare, share_id)
    if row is None or (debtor_id is not None and row.debtor_id != debtor_id):
        raise UserError("That shared resource isn't this debtor's.")
    before = audit.snapshot(row, ["answer", "answered_at", "answered_by"])
    row.answer, row.answered_at, row.answered_by = str(answer), now or utcnow(), actor.id
    session.flush()
    audit.record(session, actor_id=actor.id, action="resource.answer", entity="resource_share",
                 entity_id=row.id, before=before,
                 after=audit.snapshot(row, ["answer", "answered_at", "answered_by"]))
    return row


def record_checkin(session: Session, *, actor: User, debtor_id: int, checkin_id: int | None,
                   shared_ids: list[int], answers: dict[int, str],
                   now: datetime | None = None) -> list[ResourceShare]:
    """What a check-in (or a message sent) did with the shelf, in its own transaction: the
    resources shared in it, and the answers to "Did it help?" for earlier shares."""
    for share_id, said in answers.items():
        if said:
            answer(session, actor=actor, share_id=share_id, answer=said, debtor_id=debtor_id,
                   now=now)
    if not shared_ids:
        return []
    return share(session, actor=actor, debtor_id=debtor_id, resource_ids=shared_ids,
                 checkin_id=checkin_id, now=now)
