"""Sign-in, lock-out and user administration."""

from datetime import timedelta

import pytest

from core.store.models import LoginAttempt, User, UserCreate, UserUpdate, utcnow
from core.team import service as users
from tests.factories import make_team, make_user


def test_sign_in_with_the_right_password_returns_the_user(session):
    # Given a user
    user = make_user(session, username="sam")
    # When they sign in with the right password
    signed_in = users.authenticate(session, username="Sam ", password="secret-pass")
    # Then it is them
    assert signed_in.id == user.id


@pytest.mark.parametrize("username,password", [("sam", "wrong"), ("nobody", "secret-pass")])
def test_wrong_username_or_password_gets_one_message(session, username, password):
    make_user(session, username="sam")
    with pytest.raises(users.SignInError) as err:
        users.authenticate(session, username=username, password=password)
    assert str(err.value) == users.SIGN_IN_FAILED


def test_five_failures_in_fifteen_minutes_lock_the_account(session):
    # Given five failed tries within 15 minutes
    make_user(session, username="sam")
    start = utcnow()
    for i in range(5):
        with pytest.raises(users.SignInError):
            users.authenticate(session, username="sam", password="no",
                               now=start + timedelta(minutes=i))
    # When the right password is tried
    with pytest.raises(users.SignInError) as err:
        users.authenticate(session, username="sam", password="secret-pass",
                           now=start + timedelta(minutes=5))
    # Then the account is locked, and it opens again 15 minutes after the last failure
    assert str(err.value) == users.LOCKED
    later = start + timedelta(minutes=4 + 15, seconds=1)
    assert users.authenticate(session, username="sam", password="secret-pass", now=later)


def test_four_failures_do_not_lock(session):
    make_user(session, username="sam")
    for _ in range(4):
        with pytest.raises(users.SignInError):
            users.authenticate(session, username="sam", password="no")
    assert users.authenticate(session, username="sam", password="secret-pass").username == "sam"


def test_inactive_user_cannot_sign_in(session):
    make_user(session, username="gone", active=False)
    with pytest.raises(users.SignInError):
        users.authenticate(session, username="gone", password="secret-pass")


def test_agent_calling_an_admin_service_gets_permission_error(session):
    # Given an agent
    agent = make_user(session, "agent")
    # When they try to create a user
    with pytest.raises(PermissionError):
        users.create_user(session, actor=agent, user_create=UserCreate(
            username="x1", display_name="X", password="pw"))
    with pytest.raises(PermissionError):
        users.reset_password(session, actor=agent, user_id=agent.id, new_password="pw")
    # Then nothing was saved
    assert users.count_users(session) == 1


def test_admin_creates_updates_and_resets(session):
    admin = make_user(session, "admin")
    team = make_team(session)
    created = users.create_user(session, actor=admin, user_create=UserCreate(
        username="New.Agent", display_name="New Agent", password="pw1", team_id=team.id))
    assert created.username == "new.agent"
    users.update_user(session, actor=admin, user_id=created.id,
                      user_update=UserUpdate(role="lead", active=False))
    assert (created.role, created.active) == ("lead", False)
    users.reset_password(session, actor=admin, user_id=created.id, new_password="pw2")
    users.update_user(session, actor=admin, user_id=created.id, user_update=UserUpdate(active=True))
    assert users.authenticate(session, username="new.agent", password="pw2").id == created.id


@pytest.mark.parametrize("fields,message", [
    ({"username": "admin1"}, "already taken"),
    ({"password": "  "}, "can't be empty"),
    ({"role": "boss"}, "not a role"),
    ({"username": "has space"}, "username"),
])
def test_bad_user_input_is_refused_and_nothing_saved(session, fields, message):
    admin = make_user(session, "admin", username="admin1")
    values = {"username": "fresh", "display_name": "Fresh", "password": "pw"} | fields
    with pytest.raises(ValueError, match=message):
        users.create_user(session, actor=admin, user_create=UserCreate(**values))
    assert users.count_users(session) == 1


def test_first_admin_only_once(session):
    first = users.create_first_admin(session, user_create=UserCreate(
        username="boss", display_name="Boss", password="pw", role="agent"))
    assert first.role == "admin"
    with pytest.raises(PermissionError):
        users.create_first_admin(session, user_create=UserCreate(
            username="boss2", display_name="Boss", password="pw"))
    assert session.get(User, first.id) is not None
    assert session.query(LoginAttempt).count() == 0
