"""Sign-in (a result, not an exception), lock-out, passwords and user administration."""

from datetime import timedelta

import pytest
from sqlmodel import select

from core.store import db
from core.store.models import LoginAttempt, User, UserCreate, UserUpdate, utcnow
from core.team import passwords, queries
from core.team import service as users
from tests.factories import make_team, make_user

GOOD = "a long harbour walk"


def _user(engine, role="agent", **kw):
    with db.write_session(engine) as s:
        return make_user(s, role, **kw)


def _outcomes(engine, username):
    with db.read_session(engine) as s:
        return [a.outcome for a in s.exec(select(LoginAttempt).where(
            LoginAttempt.username == username).order_by(LoginAttempt.id))]


def test_sign_in_with_the_right_password_returns_the_user_and_a_session(engine):
    # Given a user
    user = _user(engine, username="sam")
    # When they sign in with the right password
    result = users.sign_in(engine, username="Sam ", password="secret-pass")
    # Then the result holds them and a session token, and the try is recorded
    assert result.ok and result.user.id == user.id and result.token
    assert _outcomes(engine, "sam") == ["ok"]


@pytest.mark.parametrize("username,password", [("sam", "wrong"), ("nobody", "secret-pass")])
def test_wrong_username_or_password_gets_one_message_and_is_recorded(engine, username, password):
    _user(engine, username="sam")
    result = users.sign_in(engine, username=username, password=password)
    assert not result.ok and result.refusal == users.SIGN_IN_FAILED and result.token is None
    assert _outcomes(engine, username) == ["wrong"]


def test_five_failures_in_fifteen_minutes_lock_the_account(engine):
    # Given five failed tries within 15 minutes
    _user(engine, username="sam")
    start = utcnow()
    for i in range(5):
        assert users.sign_in(engine, username="sam", password="no",
                             now=start + timedelta(minutes=i)).refusal == users.SIGN_IN_FAILED
    # When the right password is tried
    result = users.sign_in(engine, username="sam", password="secret-pass",
                           now=start + timedelta(minutes=5))
    # Then the account is locked (and the refusal recorded), and it opens again later
    assert result.refusal == users.LOCKED
    assert _outcomes(engine, "sam")[-1] == "locked"
    later = start + timedelta(minutes=4 + 15, seconds=1)
    assert users.sign_in(engine, username="sam", password="secret-pass", now=later).ok


def test_four_failures_do_not_lock(engine):
    _user(engine, username="sam")
    for _ in range(4):
        assert not users.sign_in(engine, username="sam", password="no").ok
    assert users.sign_in(engine, username="sam", password="secret-pass").user.username == "sam"


def test_inactive_user_cannot_sign_in(engine):
    _user(engine, username="gone", active=False)
    assert users.sign_in(engine, username="gone", password="secret-pass").refusal \
        == users.SIGN_IN_FAILED


def test_one_address_cannot_lock_every_account(engine):
    # Given one address that has failed 20 times against 20 different usernames
    victim = _user(engine, username="victim")
    for n in range(queries.CLIENT_LIMIT):
        users.sign_in(engine, username=f"guess{n}", password="x", client="10.0.0.9")
    # When it tries the victim's account five more times
    for _ in range(5):
        result = users.sign_in(engine, username="victim", password="x", client="10.0.0.9")
        assert result.refusal == users.THROTTLED
    # Then those tries were not checked, and the victim (from another address) is not locked
    assert _outcomes(engine, "victim") == ["throttled"] * 5
    assert users.sign_in(engine, username="victim", password="secret-pass",
                         client="10.0.0.7").user.id == victim.id


def test_a_lead_unlocks_an_agent_of_their_team_only(engine):
    # Given a locked agent in the lead's team and a locked agent in another team
    with db.write_session(engine) as s:
        team, other_team = make_team(s), make_team(s)
        lead = make_user(s, "lead", team=team)
        mine = make_user(s, "agent", username="mine", team=team)
        theirs = make_user(s, "agent", username="theirs", team=other_team)
    for name in ("mine", "theirs"):
        for _ in range(5):
            users.sign_in(engine, username=name, password="nope")
    with db.read_session(engine) as s:
        assert [a.username for a in queries.locked_accounts(s, actor=lead)] == ["mine"]
    # When the lead unlocks their agent, and tries the other team's
    with db.write_session(engine) as s:
        users.unlock(s, actor=lead, user_id=mine.id)
    with pytest.raises(PermissionError), db.write_session(engine) as s:
        users.unlock(s, actor=lead, user_id=theirs.id)
    # Then their agent signs in, the other stays locked
    assert users.sign_in(engine, username="mine", password="secret-pass").ok
    assert users.sign_in(engine, username="theirs", password="secret-pass").refusal \
        == users.LOCKED


def test_admins_see_failed_sign_ins(engine):
    admin = _user(engine, "admin")
    _user(engine, username="sam")
    users.sign_in(engine, username="sam", password="nope", client="10.1.2.3")
    users.sign_in(engine, username="sam", password="secret-pass")
    with db.read_session(engine) as s:
        rows = queries.failed_sign_ins(s, actor=admin, since=utcnow() - timedelta(hours=1))
    assert [(r.username, r.outcome, r.client) for r in rows] == [
        ("sam", "Wrong username or password", "10.1.2.3")]


def test_an_agent_may_not_see_failed_sign_ins(engine):
    agent = _user(engine)
    with pytest.raises(PermissionError), db.read_session(engine) as s:
        queries.failed_sign_ins(s, actor=agent, since=utcnow())


def test_an_old_hash_is_upgraded_at_sign_in(engine):
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("secret-pass")
    user = _user(engine, username="sam")
    with db.write_session(engine) as s:
        s.get(User, user.id).password_hash = old
    assert users.sign_in(engine, username="sam", password="secret-pass").ok
    with db.read_session(engine) as s:
        assert not passwords.needs_rehash(s.get(User, user.id).password_hash)


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize("password,message", [
    ("abc", passwords.TOO_SHORT),
    ("eleven-char", passwords.TOO_SHORT),
    ("Password1234", passwords.TOO_COMMON),
    ("123456789012", passwords.TOO_COMMON),
    ("qwertyuiop12", passwords.TOO_COMMON),
    ("aaaaaaaaaaaaaaa", passwords.TOO_COMMON),
])
def test_weak_passwords_are_refused_with_a_sentence(password, message):
    with pytest.raises(ValueError) as err:
        passwords.check_new_password(password)
    assert str(err.value) == message


@pytest.mark.parametrize("password", [GOOD, "correct horse battery", "twelve chars",
                                      "ŽluťoučkýKůň1"])
def test_long_uncommon_passwords_need_no_symbols_or_digits(password):
    passwords.check_new_password(password)


def test_the_common_list_ships_with_the_app():
    assert len(passwords.common_passwords()) > 2000
    assert "choose a less common password" in passwords.TOO_COMMON


# ---------------------------------------------------------------- administration


def test_agent_calling_an_admin_service_gets_permission_error(session):
    # Given an agent
    agent = make_user(session, "agent")
    # When they try to create a user
    with pytest.raises(PermissionError):
        users.create_user(session, actor=agent, user_create=UserCreate(
            username="x1", display_name="X", password=GOOD))
    with pytest.raises(PermissionError):
        users.reset_password(session, actor=agent, user_id=agent.id, new_password=GOOD)
    # Then nothing was saved
    assert users.count_users(session) == 1


def test_admin_creates_updates_and_resets(engine):
    admin = _user(engine, "admin")
    with db.write_session(engine) as session:
        team = make_team(session)
        created = users.create_user(session, actor=admin, user_create=UserCreate(
            username="New.Agent", display_name="New Agent", password=GOOD, team_id=team.id))
        assert created.username == "new.agent"
        users.update_user(session, actor=admin, user_id=created.id,
                          user_update=UserUpdate(role="lead", active=False))
        assert (created.role, created.active) == ("lead", False)
        users.reset_password(session, actor=admin, user_id=created.id,
                             new_password="another long phrase")
        users.update_user(session, actor=admin, user_id=created.id,
                          user_update=UserUpdate(active=True))
    assert users.sign_in(engine, username="new.agent",
                         password="another long phrase").user.id == created.id


@pytest.mark.parametrize("fields,message", [
    ({"username": "admin1"}, "already taken"),
    ({"password": "  "}, "at least 12"),
    ({"password": "abc"}, "at least 12"),
    ({"password": "password1234"}, "less common password"),
    ({"role": "boss"}, "not a role"),
    ({"username": "has space"}, "username"),
    ({"display_name": "Ann \u202eeeL"}, "hidden character that reverses"),
])
def test_bad_user_input_is_refused_and_nothing_saved(session, fields, message):
    admin = make_user(session, "admin", username="admin1")
    values = {"username": "fresh", "display_name": "Fresh", "password": GOOD} | fields
    with pytest.raises(ValueError, match=message):
        users.create_user(session, actor=admin, user_create=UserCreate(**values))
    assert users.count_users(session) == 1


def test_first_admin_only_once(session):
    first = users.create_first_admin(session, user_create=UserCreate(
        username="boss", display_name="Boss", password=GOOD, role="agent"))
    assert first.role == "admin"
    with pytest.raises(PermissionError):
        users.create_first_admin(session, user_create=UserCreate(
            username="boss2", display_name="Boss", password=GOOD))
    assert session.get(User, first.id) is not None
    assert session.query(LoginAttempt).count() == 0
