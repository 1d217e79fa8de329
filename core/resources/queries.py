"""Shelf reads: the admin's list, what may be offered today, what a debtor was given and how
it went, and the stand-up's "resources that helped this month"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from core.resources import rules
from core.resources.models import Resource, ResourceShare
from core.resources.views import HelpedCount, ResourceView, ShareView
from core.store import settings
from core.store.models import User
from core.vocabulary import ResourceAnswer


def _view(r: Resource, today: date) -> ResourceView:
    return ResourceView(
        id=r.id, title=r.title, organisation=r.organisation, link=r.link, phone=r.phone,
        topic=r.topic, language=r.language, summary=r.summary,
        paragraph=rules.paragraph(summary=r.summary, phone=r.phone, link=r.link),
        reading_grade=r.reading_grade, reviewed_on=r.reviewed_on,
        review_due_on=rules.review_due_on(r.reviewed_on),
        out_of_date=rules.out_of_date(r.reviewed_on, today), active=r.active, version=r.version)


def all_resources(session: Session, *, today: date | None = None) -> list[ResourceView]:
    """Every resource for the admin, out-of-date ones first, then by topic and title."""
    today = today or settings.office_today(session)
    views = [_view(r, today) for r in session.execute(
        select(Resource).order_by(Resource.topic, Resource.title, Resource.id)).scalars()]
    return sorted(views, key=lambda v: (not (v.active and v.out_of_date), not v.active))


def offered(session: Session, *, today: date | None = None, topic: str | None = None
            ) -> list[ResourceView]:
    """The resources an agent may share today: active and reviewed within the year."""
    today = today or settings.office_today(session)
    query = select(Resource).where(Resource.active.is_(True))
    if topic:
        query = query.where(Resource.topic == topic)
    rows = session.execute(query.order_by(Resource.topic, Resource.title, Resource.id)).scalars()
    return [v for v in (_view(r, today) for r in rows) if not v.out_of_date]


def _shares(session: Session, debtor_id: int, *, awaiting: bool) -> list[ShareView]:
    sharer, answerer = aliased(User), aliased(User)
    query = (select(ResourceShare, Resource.title, Resource.organisation,
                    sharer.display_name, answerer.display_name)
             .join(Resource, Resource.id == ResourceShare.resource_id)
             .join(sharer, sharer.id == ResourceShare.shared_by)
             .outerjoin(answerer, answerer.id == ResourceShare.answered_by)
             .where(ResourceShare.debtor_id == debtor_id))
    if awaiting:
        query = query.where(ResourceShare.answer.in_(["", ResourceAnswer.NOT_YET]))
    query = query.order_by(ResourceShare.shared_at.desc(), ResourceShare.id.desc())
    return [ShareView(id=s.id, resource_id=s.resource_id, title=title, organisation=org,
                      shared_at=s.shared_at, shared_by=by or "", answer=s.answer,
                      answered_at=s.answered_at, answered_by=answered_by or "")
            for s, title, org, by, answered_by in session.execute(query)]


def shared_with(session: Session, *, debtor_id: int) -> list[ShareView]:
    """Everything shared with a debtor, newest first, with how it went."""
    return _shares(session, debtor_id, awaiting=False)


def awaiting_answer(session: Session, *, debtor_id: int) -> list[ShareView]:
    """Shares to ask about at the next follow-up: never asked, or "not yet" last time."""
    return _shares(session, debtor_id, awaiting=True)


def month_start(today: date, zone) -> datetime:
    """The first instant of `today`'s month in the office zone, in UTC."""
    return datetime.combine(today.replace(day=1), time(0), tzinfo=zone).astimezone(UTC)


def helped_this_month(session: Session, *, today: date, team_id: int | None = None
                      ) -> list[HelpedCount]:
    """Shares answered "yes" since the first of this month (office time), by resource; a
    team counts the shares its agents made."""
    zone = settings.office_zone(session)
    since = month_start(today, zone)
    following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    until = month_start(following, zone)
    query = (select(Resource.id, Resource.title, Resource.organisation,
                    func.count(ResourceShare.id))
             .join(ResourceShare, ResourceShare.resource_id == Resource.id)
             .where(ResourceShare.answer == ResourceAnswer.YES,
                    ResourceShare.answered_at >= since,
                    ResourceShare.answered_at < until))
    if team_id is not None:
        query = query.join(User, User.id == ResourceShare.shared_by).where(
            User.team_id == team_id)
    query = query.group_by(Resource.id, Resource.title, Resource.organisation).order_by(
        func.count(ResourceShare.id).desc(), Resource.title)
    return [HelpedCount(resource_id=rid, title=title, organisation=org, helped=n)
            for rid, title, org, n in session.execute(query)]


def office_today(session: Session) -> date:
    """Today in the office."""
    return settings.office_today(session)
