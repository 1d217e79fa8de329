"""Refreshers: seeded with the product's rules, due per agent, marked read, the case of the week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.learning import queries, service
from core.learning.due import due_reason
from core.learning.models import Refresher
from tests.factories import (
    at_utc,
    make_checkin_at,
    make_debtor,
    make_office,
    make_plan_on_new_account,
)

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
READ = NOW - timedelta(days=30)


@pytest.mark.parametrize("kwargs,why", [
    ({"read_version": None, "read_at": None}, "New for you."),
    ({"read_version": 1, "read_at": READ}, "Updated since you read it"),
    ({"read_version": 2, "read_at": NOW - timedelta(days=366)}, "A year since you read it."),
    ({"read_version": 2, "read_at": READ, "last_override_at": NOW - timedelta(days=2)},
     "You went ahead against the contact rules"),
    ({"read_version": 2, "read_at": READ, "last_override_at": READ - timedelta(days=2)}, ""),
    ({"read_version": 2, "read_at": READ}, ""),
])
def test_due_rules(kwargs, why):
    args = {"version": 2, "rule": "contact_limits", "last_override_at": None, "now": NOW}
    args.update(kwargs)
    assert due_reason(**args).startswith(why) and bool(due_reason(**args)) == bool(why)


def test_an_override_calls_only_for_the_rule_it_broke():
    assert due_reason(version=1, read_version=1, read_at=READ, rule="plain_language",
                      last_override_at=NOW, now=NOW) == ""


def test_seeded_with_the_rules_the_product_encodes(session):
    topics = {r.topic for r in queries.refreshers(session)}
    for topic in ("Call limits and quiet hours", "Inconvenient times and consent",
                  "Breathing space", "Forbearance options", "TEXAS and IDEA", "Plain language",
                  "Negotiating a settlement"):
        assert topic in topics


def test_an_agent_reads_them_and_a_new_version_is_due_again(session):
    # Given a new agent: everything is due
    o = make_office(session)
    session.commit()
    assert len(queries.due_for(session, user_id=o.ann.id)) == 7
    # When she marks one read, Then it is no longer due
    first = queries.refreshers(session)[0]
    service.mark_read(session, actor=o.ann, refresher_id=first.id)
    session.commit()
    assert first.id not in {d.refresher.id for d in queries.due_for(session, user_id=o.ann.id)}
    # When an admin changes its text, Then it is due again, as an update
    service.save_refresher(session, actor=o.admin, refresher_id=first.id, rule=first.rule,
                           topic=first.topic, body=first.body + " And one more thing.",
                           source=first.source, review_by=None)
    session.commit()
    due = {d.refresher.id: d.why for d in queries.due_for(session, user_id=o.ann.id)}
    assert due[first.id].startswith("Updated since you read it (now version 2)")
    assert session.get(Refresher, first.id).version == 2
    # And an agent may not edit them
    with pytest.raises(PermissionError):
        service.save_refresher(session, actor=o.ann, refresher_id=first.id, rule="x",
                               topic="x", body="x", source="", review_by=None)


def test_an_override_makes_the_contact_refresher_due(session):
    o = make_office(session)
    for r in queries.refreshers(session):
        service.mark_read(session, actor=o.ann, refresher_id=r.id)
    session.commit()
    assert queries.due_for(session, user_id=o.ann.id) == []
    debtor = make_debtor(session, o.ann)
    make_checkin_at(session, debtor, o.ann, datetime.now(UTC) + timedelta(minutes=1),
                    rule_override_reason="They rang back and asked us to call now.")
    session.commit()
    due = queries.due_for(session, user_id=o.ann.id)
    assert {d.refresher.rule for d in due} == {"contact_limits", "inconvenient_times"}


def test_case_of_the_week_hides_the_name(session):
    # Given last week Ann went ahead against the rules with "Ada Lovelace"
    o = make_office(session)
    ada = make_debtor(session, o.ann, name="Ada Lovelace", preferred_name="Ada")
    make_checkin_at(session, ada, o.ann, at_utc(2026, 11, 17, 10),
                    rule_override_reason="Ada Lovelace asked us to call, lovelace said urgent")
    session.commit()
    # When the stand-up of Wednesday 25 November reads the case of the week
    case = queries.case_of_the_week(session, today=date(2026, 11, 25))
    # Then the story has no name in it, and the refresher that fits is next to it
    assert case is not None and case.kind == "override"
    assert "Ada" not in case.story and "lovelace" not in case.story.lower()
    assert "[name]" in case.story
    assert case.refresher.rule == "contact_limits"


def test_case_of_the_week_falls_back_to_a_broken_plan_or_nothing(session):
    o = make_office(session)
    session.commit()
    assert queries.case_of_the_week(session, today=date(2026, 11, 25)) is None
    debtor = make_debtor(session, o.bob, name="Bea Broken")
    make_plan_on_new_account(session, debtor, status="broken", activated_at=at_utc(2026, 8, 1),
                             ended_at=at_utc(2026, 11, 18, 6))
    session.commit()
    case = queries.case_of_the_week(session, today=date(2026, 11, 25))
    assert case.kind == "broken_plan" and "Bea" not in case.story
    assert case.refresher.rule == "forbearance"


@pytest.mark.parametrize(("activated", "words"), [
    (at_utc(2026, 10, 12), " 1 month after it was agreed"),
    (at_utc(2026, 11, 17), " 1 day after it was agreed"),
    (at_utc(2026, 11, 6), " 12 days after it was agreed"),
    (at_utc(2026, 8, 1), " 3 months after it was agreed")])
def test_the_case_of_the_week_says_how_long_the_plan_ran_in_plain_words(session, activated,
                                                                       words):
    # Given a plan agreed some time ago that broke last week
    o = make_office(session)
    debtor = make_debtor(session, o.bob, name="Bea Broken")
    make_plan_on_new_account(session, debtor, status="broken", activated_at=activated,
                             ended_at=at_utc(2026, 11, 18, 6))
    session.commit()
    # When the stand-up picks the case of the week
    case = queries.case_of_the_week(session, today=date(2026, 11, 25))
    # Then it says how long the plan ran as a person would ("1 month", never "1 months")
    assert words in case.story
