"""The shelf of free help: kept by an admin, offered while reviewed, shared, followed up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.errors import UserError
from core.resources import queries, rules, service
from core.resources.models import Resource, ResourceInput, ResourceShare
from core.store import settings
from tests.factories import make_checkin, make_debtor, make_office, make_resource

NOW = datetime(2026, 11, 20, 11, tzinfo=UTC)
TODAY = NOW.date()


def _input(**fields) -> ResourceInput:
    values = {"title": "Free debt advice", "organisation": "StepChange Debt Charity",
              "link": "https://www.stepchange.org", "phone": "0800 138 1111",
              "topic": "debt_advice", "summary": "They help you make a plan for your debts.",
              "reviewed_on": TODAY}
    values.update(fields)
    return ResourceInput(**values)


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_the_shelf_starts_with_well_known_free_services(session):
    # Given a new database, then the seeded services are on offer today, each reachable
    names = {r.organisation for r in queries.offered(session)}
    assert {"StepChange Debt Charity", "National Debtline", "MoneyHelper", "Citizens Advice",
            "Mind", "Samaritans", "Business Debtline"} <= names
    for r in queries.offered(session):
        assert r.link.startswith("https://") and r.phone
        assert r.reading_grade is not None and r.reading_grade <= 6


def test_an_admin_adds_a_resource_and_its_grade_is_measured(session):
    # Given an admin
    office = make_office(session)
    # When they add an English resource and a Welsh one
    english = service.save_resource(session, actor=office.admin, data=_input())
    welsh = service.save_resource(session, actor=office.admin, data=_input(
        language="cy", summary="Cyngor am ddim ar ddyledion."))
    # Then the English paragraph has a reading grade, the Welsh one is not measured
    assert english.reading_grade is not None and english.reading_grade < 6
    assert welsh.reading_grade is None
    # And an agent may not keep the shelf
    with pytest.raises(PermissionError):
        service.save_resource(session, actor=office.ann, data=_input())


@pytest.mark.parametrize("fields,sentence", [
    ({"link": "", "phone": ""}, "Say how to reach them: a web address or a phone number."),
    ({"link": "ftp://www.stepchange.org"}, "must start with https://"),
    ({"link": "javascript:alert(1)", "phone": ""}, "must start with https://"),
    ({"link": "https://stepchange"}, "doesn't name a site"),
    ({"phone": "call me maybe"}, "The phone number should be digits only"),
    ({"phone": "12"}, "The phone number should be digits only"),
    ({"topic": "lottery"}, "Choose a topic"),
    ({"summary": "   "}, "Write a short plain paragraph"),
    ({"title": ""}, "The title is empty"),
    ({"reviewed_on": None}, "Say when the resource was last reviewed."),
])
def test_bad_input_gets_one_sentence_and_nothing_is_saved(session, fields, sentence):
    # Given an admin and the seeded shelf
    office = make_office(session)
    before = _count(session, Resource)
    # When they save a resource with something wrong, then one plain sentence says what
    with pytest.raises(UserError, match=sentence.replace("(", r"\(").replace(")", r"\)")):
        service.save_resource(session, actor=office.admin, data=_input(**fields))
    # And nothing was saved
    assert _count(session, Resource) == before


def test_a_resource_past_its_review_is_flagged_and_not_offered(session):
    # Given a resource last reviewed more than a year ago
    office = make_office(session)
    debtor = make_debtor(session, office.ann)
    stale = make_resource(session, title="Old leaflet",
                          reviewed_on=TODAY - timedelta(days=rules.REVIEW_DAYS + 1))
    # Then it is not offered, and the admin's list shows it first, flagged
    assert stale.id not in {r.id for r in queries.offered(session, today=TODAY)}
    first = queries.all_resources(session, today=TODAY)[0]
    assert (first.id, first.out_of_date) == (stale.id, True)
    # And sharing it is refused in a plain sentence, with nothing recorded
    with pytest.raises(UserError, match="due for review"):
        service.share(session, actor=office.ann, debtor_id=debtor.id, resource_ids=[stale.id],
                      now=NOW)
    assert _count(session, ResourceShare) == 0
    # When the admin marks it reviewed, then it is offered again
    service.mark_reviewed(session, actor=office.admin, resource_id=stale.id, now=NOW)
    assert stale.id in {r.id for r in queries.offered(session, today=TODAY)}


def test_a_share_is_asked_about_at_the_next_follow_up_until_answered(session):
    # Given an agent who shared a resource in a check-in
    office = make_office(session)
    debtor = make_debtor(session, office.ann)
    resource = make_resource(session, title="Budget planner", topic="budgeting")
    checkin = make_checkin(session, debtor, office.ann, at=NOW)
    [shared] = service.share(session, actor=office.ann, debtor_id=debtor.id,
                             resource_ids=[resource.id], checkin_id=checkin.id, now=NOW)
    # Then it awaits an answer, and the profile shows it as not asked yet
    assert [s.id for s in queries.awaiting_answer(session, debtor_id=debtor.id)] == [shared.id]
    assert queries.shared_with(session, debtor_id=debtor.id)[0].answer == ""
    # When the next follow-up says "not yet", then it is asked again next time
    service.answer(session, actor=office.ann, share_id=shared.id, answer="not_yet",
                   debtor_id=debtor.id, now=NOW + timedelta(days=3))
    assert [s.id for s in queries.awaiting_answer(session, debtor_id=debtor.id)] == [shared.id]
    # When the one after says "yes", then it is answered, shown with who and when
    service.answer(session, actor=office.bob, share_id=shared.id, answer="yes",
                   debtor_id=debtor.id, now=NOW + timedelta(days=7))
    assert queries.awaiting_answer(session, debtor_id=debtor.id) == []
    [view] = queries.shared_with(session, debtor_id=debtor.id)
    assert (view.title, view.answer, view.answered_by) == ("Budget planner", "yes",
                                                          office.bob.display_name)
    assert view.shared_by == office.ann.display_name


def test_a_share_refuses_what_does_not_fit(session):
    # Given two debtors, one check-in with the other, and a resource
    office = make_office(session)
    debtor, other = make_debtor(session, office.ann), make_debtor(session, office.ann)
    resource = make_resource(session)
    checkin = make_checkin(session, other, office.ann, at=NOW)
    # Then a share tied to someone else's check-in, or an unknown answer, is refused
    with pytest.raises(UserError, match="about someone else"):
        service.share(session, actor=office.ann, debtor_id=debtor.id,
                      resource_ids=[resource.id], checkin_id=checkin.id, now=NOW)
    [shared] = service.share(session, actor=office.ann, debtor_id=debtor.id,
                             resource_ids=[resource.id], now=NOW)
    with pytest.raises(UserError, match="yes, not yet or no"):
        service.answer(session, actor=office.ann, share_id=shared.id, answer="maybe")
    with pytest.raises(UserError, match="isn't this debtor's"):
        service.answer(session, actor=office.ann, share_id=shared.id, answer="yes",
                       debtor_id=other.id)
    assert queries.shared_with(session, debtor_id=debtor.id)[0].answer == ""


def test_resources_that_helped_this_month_count_yes_answers_by_resource(session):
    # Given shares answered yes this month (twice for one resource), yes last month, and no
    office = make_office(session)
    debtor = make_debtor(session, office.ann)
    mind, samaritans = make_resource(session, title="Mind"), make_resource(session,
                                                                           title="Samaritans")
    zone = settings.office_zone(session)
    this_month = datetime(2026, 11, 1, 0, 30, tzinfo=zone)
    last_month = datetime(2026, 10, 31, 23, 30, tzinfo=zone)
    cases = [(office.ann, mind, "yes", this_month), (office.dan, mind, "yes", NOW),
             (office.ann, samaritans, "yes", last_month), (office.ann, samaritans, "no", NOW)]
    for agent, resource, said, when in cases:
        [shared] = service.share(session, actor=agent, debtor_id=debtor.id,
                                 resource_ids=[resource.id], now=when - timedelta(days=1))
        service.answer(session, actor=agent, share_id=shared.id, answer=said, now=when)
    # Then this month counts Mind twice and nothing else
    helped = queries.helped_this_month(session, today=TODAY)
    assert [(h.title, h.helped) for h in helped] == [("Mind", 2)]
    # And a team counts what its own agents shared
    north = queries.helped_this_month(session, today=TODAY, team_id=office.north.id)
    assert [(h.title, h.helped) for h in north] == [("Mind", 1)]
    assert queries.helped_this_month(session, today=date(2026, 12, 1)) == []
