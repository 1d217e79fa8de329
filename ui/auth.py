"""Who is signed in: a server-side session (core.team.sessions) carried by a cookie.

The session token lives in an HttpOnly cookie set by ui.server (so a refresh, a deep link and a
second tab find it) and, for this tab, in session state. Every full rerun re-reads the session
from the database, so a sign-out in another tab, a deactivation, a role change or a password
reset signs this tab out on its next rerun.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.store import db
from core.store.models import User
from core.team import service as team
from core.team import sessions
from ui import server
from ui.session import engine, reading

log = logging.getLogger("recovery.ui")
TOKEN = "auth_token"
USER_ID = "user_id"
DEAD = "auth_dead_cookie"


def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(server.COOKIE)
    except Exception:  # no browser (AppTest, a script)
        return None
    if not isinstance(token, str) or not token or token == st.session_state.get(DEAD):
        return None
    return token


def token() -> str | None:
    """This tab's session token: the one it signed in with, or the browser's cookie."""
    return st.session_state.get(TOKEN) or _cookie_token()


def client_address() -> str:
    """The browser's address as the server sees it ('' when unknown)."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser (AppTest, a script)
        return ""
    return address if isinstance(address, str) else ""


def current_user() -> User | None:
    """The signed-in, still-active user re-read from the database, or None."""
    tok = token()
    if not tok:
        st.session_state.pop(USER_ID, None)
        return None
    with reading() as session:
        check = sessions.check(session, tok)
        stale = check.user is not None and sessions.needs_touch(session, tok)
    if check.user is None:
        _forget(tok)
        if check.reason == sessions.IDLE:
            st.session_state["signed_out_reason"] = check.reason
        return None
    if stale:
        try:
            with db.write_session(engine()) as session:
                sessions.check(session, tok, touch=True)
        except Exception:  # last-seen is best effort; the next rerun tries again
            log.warning("Could not record the session's last activity", exc_info=True)
    st.session_state[TOKEN] = tok
    st.session_state[USER_ID] = check.user.id
    st.session_state["auth_user"] = check.user  # ui.session.write refreshes it in place
    return check.user


def _forget(tok: str | None) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if tok and tok == _cookie_token():
        st.session_state[DEAD] = tok


def sign_in(username: str, password: str) -> str | None:
    """Check the password; on success remember the session and go to the page asked for.

    Returns the refusal to show, or None when signed in (the page then reruns or redirects).
    """
    result = team.sign_in(engine(), username=username, password=password,
                          client=client_address())
    if not result.ok:
        return result.refusal
    st.session_state[TOKEN] = result.token
    st.session_state[USER_ID] = result.user.id
    st.session_state.pop(DEAD, None)
    _to_browser(server.session_url(server.hand_off(result.token),
                                   st.session_state.get("auth_next", "/")))
    return None


def start_session(user: User) -> None:
    """Sign in a user who was just created (first-run set-up)."""
    with db.write_session(engine()) as session:
        tok = sessions.start(session, user=user, client=client_address())
    st.session_state[TOKEN] = tok
    st.session_state[USER_ID] = user.id
    _to_browser(server.session_url(server.hand_off(tok), "/"))


def sign_out() -> None:
    """End this session everywhere (other tabs follow on their next rerun) and forget it."""
    tok = token()
    if tok:
        try:
            with db.write_session(engine()) as session:
                team.sign_out(session, token=tok)
        except Exception:
            log.exception("Could not end the session")
    _forget(tok)
    _to_browser(server.SIGNED_OUT_ROUTE)


def _to_browser(url: str) -> None:
    """Send the browser to one of our routes (the way st.login does); a plain rerun without them."""
    if not server.INSTALLED:
        st.rerun()
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        msg = ForwardMsg()
        msg.auth_redirect.url = url
        ctx.enqueue(msg)
    st.stop()


def require_user() -> User:
    """The signed-in user; stops the page if there is none (the router normally prevents it).

    Call it at the top of a fragment too: a fragment rerun skips the router.
    """
    from ui.session import DB_DOWN, show_db_down

    try:
        user = current_user()
    except DB_DOWN:
        show_db_down()
        st.stop()
    if user is None:
        st.warning("Please sign in again.")
        st.stop()
    return user


def sign_in_pages() -> dict[str, list]:
    """Signed out: the sign-in page at every page's address, so a deep link such as /debtors
    shows the sign-in form and, once signed in, the page that was asked for."""
    from ui import nav

    pages = [st.Page(nav.SIGN_IN.path, title="Sign in", icon=nav.SIGN_IN.icon, default=True)]
    pages += [st.Page(nav.SIGN_IN.path, title="Sign in", icon=nav.SIGN_IN.icon, url_path=e.key)
              for e in nav.PAGE_TABLE if not e.default]
    return {"": pages}


def next_path(page) -> str:
    """Where to go after signing in: the page asked for, or home."""
    wanted = page.url_path or ""
    return "/" if wanted in ("", "sign_in") else server.safe_next("/" + wanted)
