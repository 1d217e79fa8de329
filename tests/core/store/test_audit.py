"""The audit trail: services write events with before and after; leads read them with filters."""

import json

from core.store import audit
from core.store.models import UserCreate, UserUpdate
from core.team import service as users
from tests.factories import make_user


def test_a_change_through_a_service_is_audited_with_before_and_after(session):
    # Given an admin who adds a user and then makes them a lead
    admin = make_user(session, "admin")
    created = users.create_user(session, actor=admin, user_create=UserCreate(
        username="kim", display_name="Kim", password="a long harbour walk"))
    users.update_user(session, actor=admin, user_id=created.id,
                      user_update=UserUpdate(role="lead"))
    # When a lead reads the trail for that user
    events = audit.list_events(session, actor=admin, entity="user", entity_id=created.id)
    # Then both changes are there, newest first, with who did them and the values
    assert [e["Action"] for e in events] == ["user.update", "user.create"]
    assert {e["Who"] for e in events} == {admin.display_name}
    update = events[0]
    assert json.loads(update["Before"])["role"] == "agent"
    assert json.loads(update["After"])["role"] == "lead"
    assert "password_hash" not in update["After"]


def test_filters_narrow_the_trail(session):
    admin = make_user(session, "admin")
    users.create_team(session, actor=admin, name="East")
    audit.record(session, actor_id=admin.id, action="checkin.create", entity="checkin",
                 entity_id=9, flagged=True)
    assert [e["Action"] for e in audit.list_events(session, actor=admin, flagged_only=True)] \
        == ["checkin.create"]
    assert [e["Record"] for e in audit.list_events(session, actor=admin, action="team.")] \
        == ["team"]
    assert audit.list_events(session, actor=admin, entity="payment_plan") == []


def _settlement(session):
    from datetime import date

    from core.store.models import PaymentPlan
    from tests.factories import make_account, make_debtor, make_team

    team = make_team(session)
    lead = make_user(session, "lead", team=team)
    agent = make_user(session, "agent", team=team)
    debtor = make_debtor(session, agent, name="Sam Das")
    account = make_account(session, debtor)
    plan = PaymentPlan(account_id=account.id, frequency="monthly", start_on=date.today(),
                       count=3, discount_pct="30", status="awaiting_approval")
    session.add(plan)
    session.flush()
    return lead, agent, debtor, plan


def test_the_trail_reads_as_sentences_in_office_time(session):
    from zoneinfo import ZoneInfo

    from core.payment_plans import service as payment_plans
    from core.store import settings

    # Given a lead who rejects Sam Das's 30 % settlement, in an office in New York
    lead, _, debtor, plan = _settlement(session)
    admin = make_user(session, "admin")
    settings.set_value(session, actor=admin, key="office_timezone", value="America/New_York")
    payment_plans.reject_plan(session, actor=lead, plan_id=plan.id, note="too much off")
    # When the trail is read
    line = audit.trail(session, actor=admin, actor_id=lead.id)[0]
    # Then it is one sentence with names and the office's clock, and the change on demand
    local = line.at.astimezone(ZoneInfo("America/New_York"))
    assert line.at.utcoffset() == local.utcoffset()
    assert line.sentence == (f"{lead.display_name} rejected Sam Das's settlement "
                             f"(plan {plan.id}, 30 % off) at {local:%H:%M}")
    assert ("approval note", "", "too much off") in line.changes
    assert line.debtor == debtor.name == "Sam Das"


def test_the_trail_filters_by_debtor_and_by_person(session):
    from core.payment_plans import service as payment_plans

    lead, agent, debtor, plan = _settlement(session)
    other_lead, _, other_debtor, other_plan = _settlement(session)
    payment_plans.reject_plan(session, actor=lead, plan_id=plan.id, note="no")
    payment_plans.approve_plan(session, actor=other_lead, plan_id=other_plan.id, note="ok")
    about_sam = audit.trail(session, actor=lead, debtor_id=debtor.id)
    assert [line.debtor for line in about_sam] == ["Sam Das"]
    assert "rejected" in about_sam[0].sentence
    by_other = audit.trail(session, actor=lead, actor_id=other_lead.id)
    assert [("approved" in line.sentence, line.who) for line in by_other] == [
        (True, other_lead.display_name)]


def test_an_unknown_action_still_reads_plainly(session):
    admin = make_user(session, "admin")
    audit.record(session, actor_id=None, action="import.debtors", entity="import", entity_id=4)
    line = audit.trail(session, actor=admin)[0]
    assert line.sentence.startswith("The system: import debtors (import 4) at ")


def test_newer_jobs_records_read_as_sentences_with_the_debtors_name(session):
    from datetime import date

    from core.relationship import service as relationship
    from core.vocabulary import GoodwillKind

    # Given an agent who records thanks received from Sam Das
    lead, agent, debtor, _ = _settlement(session)
    relationship.add_goodwill(session, actor=agent, debtor_id=debtor.id, kind=GoodwillKind.THANKS,
                              note="Sent a card", happened_on=date.today())
    # When a lead reads the trail
    line = audit.trail(session, actor=lead, actor_id=agent.id)[0]
    # Then it names the person and says what happened, in words
    assert line.sentence.startswith(f"{agent.display_name} recorded goodwill from Sam Das at ")
    assert line.debtor == "Sam Das"
