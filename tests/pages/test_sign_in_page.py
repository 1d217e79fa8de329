"""Signing in, out and staying signed in through the pages (AppTest on a real database)."""

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.store.config import ROOT
from core.store.models import LoginAttempt, UserSession, UserUpdate
from core.team import service as users
from core.team import sessions
from tests.conftest import open_app, sign_in_state
from tests.factories import make_user


def _sign_in(at, username, password):
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()


def test_five_wrong_passwords_on_the_sign_in_page_lock_the_account(app_url, app_session):
    # Given an agent at the sign-in page
    make_user(app_session, "agent", username="sam")
    app_session.commit()
    at = open_app()
    # When five wrong passwords are typed there
    for _ in range(5):
        _sign_in(at, "sam", "not my password")
        assert [e.value for e in at.error] == [users.SIGN_IN_FAILED]
    # Then the right one is refused too: the account is locked, and nobody is signed in
    _sign_in(at, "sam", "secret-pass")
    assert not at.exception
    assert [e.value for e in at.error] == [users.LOCKED]
    assert "user_id" not in at.session_state
    outcomes = app_session.exec(select(LoginAttempt.outcome).order_by(LoginAttempt.id)).all()
    assert outcomes == ["wrong"] * 5 + ["locked"]


def test_signing_in_opens_a_server_side_session(app_url, app_session):
    user = make_user(app_session, "agent", username="sam")
    app_session.commit()
    at = open_app()
    _sign_in(at, "sam", "secret-pass")
    at.run()  # the rerun that sign-in asks for
    token = at.session_state["auth_token"]
    row = app_session.exec(select(UserSession)).one()
    # Only the token's hash is stored
    assert row.user_id == user.id and row.token_hash == sessions.token_hash(token) != token


def test_a_forged_token_signs_nobody_in(app_url, app_session):
    make_user(app_session, "agent")
    app_session.commit()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["auth_token"] = "forged-" + "x" * 40
    at.session_state["user_id"] = 1
    at.run()
    assert not at.exception
    assert "user_id" not in at.session_state
    assert "Sign in" in [b.label for b in at.button]


SIGN_OUT_SCRIPT = """
import streamlit as st
from ui import auth

if auth.current_user() and st.button("Sign out", key="out"):
    auth.sign_out()
"""


def test_signing_out_ends_the_session_for_every_tab(app_url, app_session):
    # Given one person signed in in two tabs sharing one session (as a shared cookie does)
    user = make_user(app_session, "agent")
    app_session.commit()
    first = AppTest.from_string(SIGN_OUT_SCRIPT, default_timeout=30)
    token = sign_in_state(first, user)
    first.run()
    second = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    second.session_state["auth_token"] = token
    second.run()
    assert second.session_state["user_id"] == user.id
    # When they sign out in the first
    first.button(key="out").click().run()
    assert "auth_token" not in first.session_state
    # Then the second tab is signed out on its next rerun
    second.run()
    assert "user_id" not in second.session_state
    assert "My day" not in [t.value for t in second.title]


def test_deactivation_and_a_new_role_end_open_sessions(app_url, app_session):
    admin = make_user(app_session, "admin")
    agent = make_user(app_session, "agent")
    app_session.commit()
    at = open_app(user=agent)
    assert at.session_state["user_id"] == agent.id
    users.update_user(app_session, actor=admin, user_id=agent.id,
                      user_update=UserUpdate(role="lead"))
    app_session.commit()
    at.run()
    assert "user_id" not in at.session_state


SAVE_SCRIPT = '''
import streamlit as st
from core.store.models import Debtor
from ui import auth
from ui.session import write

if "me" not in st.session_state:  # like a fragment: the router does not run again
    st.session_state.me = auth.current_user()
me = st.session_state.me
if st.button("Save", key="save"):
    if write(lambda s: s.add(Debtor(name="Saved", owner_id=me.id)), success="Saved."):
        st.write("saved")
'''


def test_a_deactivated_user_cannot_save_even_without_a_full_rerun(app_url, app_session):
    # Given an agent whose page is open (a fragment rerun does not pass the router)
    admin = make_user(app_session, "admin")
    agent = make_user(app_session, "agent")
    app_session.commit()
    at = AppTest.from_string(SAVE_SCRIPT, default_timeout=30)
    sign_in_state(at, agent)
    at.run()
    # When an admin deactivates them and they press Save
    users.update_user(app_session, actor=admin, user_id=agent.id,
                      user_update=UserUpdate(active=False))
    app_session.commit()
    at.button(key="save").click().run()
    # Then nothing is saved and they are asked to sign in again
    assert [e.value for e in at.error] == [sessions.ENDED]
    from core.store.models import Debtor

    assert app_session.exec(select(Debtor)).all() == []


def test_an_idle_session_cannot_save(app_url, app_session):
    from datetime import timedelta

    from core.store.models import Debtor, utcnow

    agent = make_user(app_session, "agent")
    app_session.commit()
    at = AppTest.from_string(SAVE_SCRIPT, default_timeout=30)
    token = sign_in_state(at, agent)
    at.run()
    row = app_session.exec(select(UserSession).where(
        UserSession.token_hash == sessions.token_hash(token))).one()
    row.last_seen_at = utcnow() - timedelta(hours=9)
    app_session.add(row)
    app_session.commit()
    at.button(key="save").click().run()
    assert [e.value for e in at.error] == [sessions.IDLE]
    assert app_session.exec(select(Debtor)).all() == []


def test_a_lead_unlocks_their_agent_from_the_audit_page(app_url, app_session):
    from core.store import db
    from tests.factories import make_team

    # Given a lead and an agent of their team locked out by five wrong passwords
    team = make_team(app_session)
    lead = make_user(app_session, "lead", team=team)
    make_user(app_session, "agent", username="sam", team=team)
    app_session.commit()
    engine = db.make_engine(app_url)
    for _ in range(5):
        users.sign_in(engine, username="sam", password="wrong guess")
    # When the lead opens Audit trail → Sign-ins and presses Unlock
    at = open_app("pages/audit.py", user=lead)
    assert not at.exception
    assert "sam" in at.text[0].value
    at.button(key=next(b.key for b in at.button if b.key.startswith("audit_unlock_"))).click()
    at.run()
    assert not at.exception
    # Then the agent signs in again, and the failed tries are listed
    assert users.sign_in(engine, username="sam", password="secret-pass").ok
    engine.dispose()


def test_the_audit_page_tells_the_trail_in_sentences(app_url, app_session):
    admin = make_user(app_session, "admin")
    users.create_team(app_session, actor=admin, name="East")
    app_session.commit()
    at = open_app("pages/audit.py", user=admin)
    assert not at.exception
    shown = at.dataframe[0].value
    assert any(f"{admin.display_name} added a team at " in s for s in shown["What happened"])
