"""The database from a page: the cached engine, a read session, one write, one cached read.

Cached reads stay right across saves and app instances through the tables' versions kept in
the database (core.store.versions): each cached answer remembers the version of every table it
was read from; a rerun reads all versions once (one small SELECT) and reads again only the
answers whose tables have moved since. A save therefore makes cold only what it changed, and
another instance on the same database sees it on its next rerun.
"""

from __future__ import annotations

import importlib
import logging
import threading
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from sqlmodel import Session

from core.errors import UserError
from core.plans import PlanError
from core.store import db, versions
from core.store.config import ConfigError, database_url
from core.store.models import User

log = logging.getLogger("recovery.ui")
T = TypeVar("T")

# Errors whose message is written for people: shown as they are. Anything else (a library's
# ValueError included) gets one generic sentence and goes to the log.
PLAIN_ERRORS: tuple[type[BaseException], ...] = (UserError, PlanError, PermissionError)
READ_TTL_SECONDS = 60  # for answers that depend on the clock (office_today): tables are versioned
READ_MAX_ENTRIES = 5000
# The database went away (stopped, restarted, network): a sentence and "Try again", never a
# traceback; the pool checks connections before use, so the app carries on when it is back.
DB_DOWN: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, SATimeoutError)
DB_DOWN_SENTENCE = ("The database can't be reached just now. Your work on this screen is kept; "
                    "press Try again in a moment.")
DB_DOWN_SAVE = ("The database can't be reached just now, so nothing was saved. "
                "Please try again in a moment.")


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
    """Run a service in one transaction; show plain errors and roll back everything on failure.

    The signed-in person is re-read inside the same transaction first: a session that was
    signed out, timed out or ended by a deactivation, role change or password reset saves
    nothing — from a fragment too, whose rerun skips the router.
    """
    try:
        with db.write_session(engine()) as session:
            _recheck_actor(session)
            result = action(session)
    except PLAIN_ERRORS as exc:
        st.error(str(exc))
        return None
    except DB_DOWN:
        log.warning("A save could not reach the database", exc_info=True)
        st.error(DB_DOWN_SAVE)
        return None
    except Exception:
        log.exception("A save failed")
        st.error("Something went wrong and nothing was saved. Please try again.")
        return None
    forget_reads()  # this run's later reads see the save (its commit bumped the versions)
    if success:
        st.toast(success)
    return result


def _recheck_actor(session: Session) -> None:
    """Refuse the save unless this tab's session still signs in an active user; refresh the
    page's `User` object (role, team, active) from the row just read."""
    from sqlalchemy.orm.attributes import set_committed_value

    from core.team import sessions

    token = st.session_state.get("auth_token")
    if token is None:
        if st.session_state.get("user_id") is not None:
            raise PermissionError(sessions.ENDED)
        return  # signed out: only the sign-in page's own writes (first admin) get here
    check = sessions.check(session, token, touch=True)
    if check.user is None:
        st.session_state.pop("auth_token", None)
        st.session_state.pop("user_id", None)
        raise PermissionError(check.reason or sessions.ENDED)
    shown = st.session_state.get("auth_user")
    if isinstance(shown, User) and shown.id == check.user.id:
        for field in ("active", "role", "team_id", "display_name", "version"):
            set_committed_value(shown, field, getattr(check.user, field))


def show_db_down() -> None:
    """One plain sentence and a "Try again" that keeps the session (the database went away)."""
    log.warning("The database could not be reached", exc_info=True)
    st.error(DB_DOWN_SENTENCE)
    st.button("Try again", key="db_try_again", type="primary")


UNEXPECTED_SENTENCE = ("Something went wrong on this page, and nothing was saved by it. It has "
                       "been written to the app's log; try again, and tell your lead if it "
                       "keeps happening.")


def show_unexpected(error: BaseException) -> None:
    """A fault nobody wrote a sentence for: one plain sentence on the page (never the
    traceback, never links to search engines) and the whole story in the server's log."""
    log.error("Unexpected error on a page", exc_info=error)
    st.error(UNEXPECTED_SENTENCE)
    st.button("Try again", key="unexpected_try_again", type="primary")


def _resolve(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


@st.cache_data(ttl=READ_TTL_SECONDS, max_entries=READ_MAX_ENTRIES, show_spinner=False)
def _cached(ref: str, actor_id: int | None, ids: tuple[tuple[str, Any], ...]
            ) -> tuple[Any, dict[str, int]]:
    """The answer, and the version of each table it was read from (read before the answer)."""
    fn = _resolve(ref)
    with reading() as session:
        stamp = versions.current(session)
        with versions.reading() as tables:
            kwargs = dict(ids)
            if actor_id is not None:
                kwargs["actor"] = session.get(User, actor_id)
            answer = fn(session, **kwargs)
    return answer, {name: stamp.get(name, 0) for name in tables}


def read(fn: Callable[..., T], /, *, actor: User | None = None, **ids: Any) -> T:
    """`fn(session, **ids)` through the one shared cache, keyed on small values (ids, dates).

    `fn` is a query function of `core/` taking the session first. Pass `actor=user` for a query
    that checks who asks: the cache keys on the user's id and the query gets a fresh `User`.
    A cached answer is used while none of its tables has been written since it was read.
    """
    ref = f"{fn.__module__}:{fn.__qualname__}"
    key = (ref, None if actor is None else actor.id, tuple(sorted(ids.items())))
    answer, seen = _cached(*key)
    now = run_versions()
    if any(now.get(name, 0) > version for name, version in seen.items()):
        _cached.clear(*key)
        answer, seen = _cached(*key)
    return answer


# The versions read once per script run (a fragment's run too), keyed by an object Streamlit
# makes afresh for every run; outside a run (no context) they are read at each call.
_run_stamps: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()
_run_lock = threading.Lock()


def _this_run() -> Any:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else getattr(ctx, "parallel_coordinator", None)


def run_versions() -> dict[str, int]:
    """Every table's version as this script run sees it: read at its first cached read."""
    run = _this_run()
    if run is not None:
        with _run_lock:
            stamp = _run_stamps.get(run)
        if stamp is not None:
            return stamp
    with reading() as session:
        stamp = versions.current(session)
    if run is not None:
        with _run_lock:
            _run_stamps[run] = stamp
    return stamp


def forget_reads() -> None:
    """Read the versions again at this run's next cached read (after a change made outside
    `write`, e.g. a chunked import, or the daily run): what changed is read afresh."""
    run = _this_run()
    if run is not None:
        with _run_lock:
            _run_stamps.pop(run, None)
