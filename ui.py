"""The UI layer's shared helpers: the cached engine, the signed-in user, plain error messages.

Pages import this; `core/` never does (it stays free of streamlit).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from core.export import to_csv
from core.store import db, settings
from core.store.config import ConfigError, database_url
from core.store.models import User, utcnow
from core.team.service import get_user
from core.text import escape_markdown

log = logging.getLogger("recovery.ui")
T = TypeVar("T")

PAGES = {
    "home": "pages/home.py",
    "debtors": "pages/debtors.py",
    "checkins": "pages/checkins.py",
    "plans": "pages/plans.py",
    "followups": "pages/followups.py",
    "standup": "pages/standup.py",
    "audit": "pages/audit.py",
    "import": "pages/import_data.py",
    "admin": "pages/admin.py",
}
# Errors whose message is written for people: shown as they are.
PLAIN_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, PermissionError, db.StaleRecordError, ConfigError,
)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = db.get_engine(url)
    db.migrate(engine)
    return engine


def engine() -> Engine:
    """The app's engine, migrated once per process; stops the page with one sentence on error."""
    try:
        return _engine(database_url())
    except ConfigError as exc:
        st.error(str(exc))
        st.stop()
    raise AssertionError("unreachable")


@contextmanager
def reading():
    """A read-only session for this rerun."""
    with db.read_session(engine()) as session:
        yield session


def write(action: Callable[[Session], T], *, success: str | None = None) -> T | None:
    """Run a service in one transaction; show plain errors and roll back everything on failure."""
    try:
        with db.write_session(engine()) as session:
            result = action(session)
    except PLAIN_ERRORS as exc:
        st.error(str(exc))
        return None
    except Exception:
        log.exception("A save failed")
        st.error("Something went wrong and nothing was saved. Please try again.")
        return None
    st.cache_data.clear()
    if success:
        st.toast(success)
    return result


# ---------------------------------------------------------------- reads shared by pages


@st.cache_data(ttl=60, show_spinner=False)
def search_debtors(query: str, owner_id: int | None, actor_id: int) -> list:
    """Debtors matching a name or account reference (cached a minute; cleared by writes)."""
    from core.debtors import service as debtors

    with reading() as s:
        return debtors.search_debtors(s, actor=get_user(s, actor_id), query=query,
                                      owner_id=owner_id, limit=50)


@st.cache_data(ttl=60, show_spinner=False)
def debtor_label(debtor_id: int) -> str | None:
    """A debtor's name with their account references."""
    from core.debtors import service as debtors

    with reading() as s:
        return debtors.debtor_label(s, debtor_id=debtor_id)


# ---------------------------------------------------------------- the signed-in user


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


def md(text: str | None) -> str:
    """What a person typed, escaped for use inside markdown."""
    return escape_markdown(text)


def table(rows: list[dict], *, key: str, file_name: str, **options: Any) -> None:
    """A list as a table with a "Download CSV" of exactly what is shown (formulas neutralised)."""
    st.dataframe(rows, hide_index=True, width="stretch", key=key, **options)
    st.download_button("Download CSV", to_csv(rows), file_name=file_name, mime="text/csv",
                       key=f"{key}_csv")


# ---------------------------------------------------------------- moving between pages


def open_page(name: str, **state: Any) -> None:
    """Go to another page, handing it values through session state."""
    for key, value in state.items():
        st.session_state[key] = value
    st.switch_page(PAGES[name])


def open_checkin(debtor_id: int, *, account_id: int | None = None,
                 followup_id: int | None = None) -> None:
    """Open the Check-ins page for a debtor, prefilled from a follow-up if given."""
    open_page("checkins", checkin_debtor_id=debtor_id, checkin_account_id=account_id,
              checkin_followup_id=followup_id)


def open_debtor(debtor_id: int) -> None:
    """Open a debtor's profile."""
    open_page("debtors", debtors_selected_id=debtor_id)
