"""The database from a page: the cached engine, a read session, one write, one cached read."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from core.errors import UserError
from core.plans import PlanError
from core.store import db
from core.store.config import ConfigError, database_url
from core.store.models import User

log = logging.getLogger("recovery.ui")
T = TypeVar("T")

# Errors whose message is written for people: shown as they are. Anything else (a library's
# ValueError included) gets one generic sentence and goes to the log.
PLAIN_ERRORS: tuple[type[BaseException], ...] = (UserError, PlanError, PermissionError)
READ_TTL_SECONDS = 60


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


def _resolve(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _cached(ref: str, actor_id: int | None, ids: tuple[tuple[str, Any], ...]) -> Any:
    fn = _resolve(ref)
    with reading() as session:
        kwargs = dict(ids)
        if actor_id is not None:
            kwargs["actor"] = session.get(User, actor_id)
        return fn(session, **kwargs)


def read(fn: Callable[..., T], /, *, actor: User | None = None, **ids: Any) -> T:
    """`fn(session, **ids)` through the one shared cache, keyed on small values (ids, dates).

    `fn` is a query function of `core/` taking the session first. Pass `actor=user` for a query
    that checks who asks: the cache keys on the user's id and the query gets a fresh `User`.
    """
    ref = f"{fn.__module__}:{fn.__qualname__}"
    return _cached(ref, None if actor is None else actor.id, tuple(sorted(ids.items())))
