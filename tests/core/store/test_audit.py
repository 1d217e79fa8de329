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
