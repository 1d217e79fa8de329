"""The router: sign-in, first-run set-up and role-based navigation (AppTest)."""

import pytest

from core import users
from tests.conftest import open_app
from tests.factories import make_user


def test_empty_database_offers_first_admin_or_demo(app_url):
    at = open_app()
    assert not at.exception
    assert [b.label for b in at.button] == ["Create admin", "Load the demo team"]


def test_first_admin_is_created_and_signed_in(app_url, app_session):
    at = open_app()
    at.text_input(key="setup_display_name").input("Alex Admin")
    at.text_input(key="setup_username").input("alex")
    at.text_input(key="setup_password").input("pw-123")
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
