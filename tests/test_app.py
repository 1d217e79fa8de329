"""The router: sign-in, first-run set-up and role-based navigation (AppTest)."""

from datetime import timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.store.config import ROOT
from core.store.models import utcnow
from core.team import service as users
from tests.conftest import open_app, sign_in_state
from tests.factories import make_user


def test_empty_database_offers_first_admin_or_demo(app_url):
    at = open_app()
    assert not at.exception
    assert [b.label for b in at.button] == ["Create admin", "Load the demo team"]


def test_first_admin_is_created_and_signed_in(app_url, app_session):
    at = open_app()
    at.text_input(key="setup_display_name").input("Alex Admin")
    at.text_input(key="setup_username").input("alex")
    at.text_input(key="setup_password").input("a long harbour walk")
    at.button[0].click().run()
    assert not at.exception
    assert users.count_users(app_session) == 1
    assert at.session_state["user_id"] is not None


def _sign_in(at, username, password):
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()


def test_wrong_password_gets_one_plain_message(app_url, app_session):
    make_user(app_session, "agent", username="sam")
    app_session.commit()
    at = open_app()
    _sign_in(at, "sam", "nope")
    assert [e.value for e in at.error] == [users.SIGN_IN_FAILED]
    assert "user_id" not in at.session_state


def test_right_password_signs_in(app_url, app_session):
    make_user(app_session, "agent", username="sam")
    app_session.commit()
    at = open_app()
    _sign_in(at, "sam", "secret-pass")
    assert not at.exception
    assert at.session_state["user_id"] is not None


@pytest.mark.parametrize("role,admin_visible", [("agent", False), ("lead", False),
                                                ("admin", True)])
def test_admin_page_only_for_admins(app_url, app_session, role, admin_visible):
    user = make_user(app_session, role)
    app_session.commit()
    at = open_app(user=user)
    assert not at.exception
    if admin_visible:
        at.switch_page("pages/admin.py").run()
        assert not at.exception
        assert at.title[0].value == "Admin"
    else:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("pages/admin.py")


def _last_seen(app_session, token, when):
    from core.store.models import UserSession
    from core.team.sessions import token_hash

    row = app_session.exec(select(UserSession).where(
        UserSession.token_hash == token_hash(token))).one()
    row.last_seen_at = when
    app_session.add(row)
    app_session.commit()


def test_idle_session_is_signed_out(app_url, app_session):
    # Given a user whose last activity was nine hours ago (default idle limit: 8 hours)
    user = make_user(app_session, "agent")
    app_session.commit()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    token = sign_in_state(at, user)
    _last_seen(app_session, token, utcnow() - timedelta(hours=9))
    # When the app reruns
    at.run()
    # Then they are back at the sign-in page with a plain note
    assert not at.exception
    assert "user_id" not in at.session_state
    assert "idle" in at.info[0].value
    assert "Sign in" in [b.label for b in at.button]


def test_recently_active_session_stays_signed_in(app_url, app_session):
    user = make_user(app_session, "agent")
    app_session.commit()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    token = sign_in_state(at, user)
    _last_seen(app_session, token, utcnow() - timedelta(hours=7))
    at.run()
    assert at.session_state["user_id"] == user.id


def test_bad_database_url_shows_one_sentence(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://nobody@nowhere/db")
    at = open_app()
    assert not at.exception
    assert len(at.error) == 1
    assert "DATABASE_URL" in at.error[0].value


def test_unreachable_postgres_shows_one_sentence(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    at = open_app()
    assert not at.exception
    assert "Cannot reach the database" in at.error[0].value
