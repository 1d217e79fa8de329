"""Who is signed in: the current user, sign-in and sign-out for this browser session."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core.store import settings
from core.store.models import User, utcnow
from core.team.service import get_user
from ui.session import reading


def current_user() -> User | None:
    """The signed-in, still-active user, or None (also after the idle time-out)."""
    user_id = st.session_state.get("user_id")
    if user_id is None:
        return None
    with reading() as session:
        user = get_user(session, user_id)
        idle_minutes = settings.get_int(session, "idle_timeout_minutes")
    last_seen = st.session_state.get("last_seen")
    now = utcnow()
    if user is None or not user.active:
        sign_out()
        return None
    if last_seen is not None and now - last_seen > timedelta(minutes=idle_minutes):
        sign_out()
        st.session_state["signed_out_reason"] = "You were signed out after being idle."
        return None
    st.session_state["last_seen"] = now
    return user


def sign_in(user: User) -> None:
    """Remember the user for this browser session."""
    st.session_state["user_id"] = user.id
    st.session_state["last_seen"] = utcnow()


def sign_out() -> None:
    """Forget the user and everything this session had open."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def require_user() -> User:
    """The signed-in user; stops the page if there is none (the router normally prevents it)."""
    user = current_user()
    if user is None:
        st.warning("Please sign in.")
        st.stop()
    return user
