"""The daily rules from the app: once per office day per process, at the first request.

`ensure_daily_run()` (called by app.py on every rerun) costs one small read (the office
day) and a dictionary look-up once the day has been seen. On the first request of a new
office day it starts `core.daily.run` in a background thread and waits for it at most
`WAIT_SECONDS`, so a page view is never held up for more than a moment: a run that takes
longer (a big database on its first day) finishes behind the page, and a run another
process holds is skipped (that process does the work). Cron running `python -m core.daily`
just after midnight makes the app's run a no-op.

While a run started here is still going, `running()` says so: the Stand-up shows it beside
its figures (they change when the run finishes and clears the cached reads), and
`wait_for_run()` lets a test, or anything else that must see the day's figures, wait for it.
Runs are remembered per database and day, so one process pointed at another database (the
tests do that) runs that database's rules too.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

import streamlit as st

from core import daily
from core.store.db import read_session
from core.store.settings import office_today
from ui.session import engine

log = logging.getLogger("recovery.ui.daily")
WAIT_SECONDS: float | None = 1.0  # None: the first request waits for the whole run

_Key = tuple[str, date]  # (database URL, office day)


class _Days:
    """The runs this process has started, by database and office day (one lock, one dict)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: dict[_Key, threading.Thread] = {}


@st.cache_resource(show_spinner=False)
def _days() -> _Days:
    return _Days()


def _run(eng, day: date) -> None:
    try:
        # Its commit bumps the versions of what it changed: every cached read of those tables,
        # in every process, is read again at its next rerun (ui.session.read).
        report = daily.run(eng, today=day, wait=False)
        log.info("daily rules for %s: %s %s", day, report.state, report.counts)
    except Exception:  # the next process start (or cron) tries again
        log.exception("The daily rules failed")


def _today() -> tuple[object, _Key]:
    eng = engine()
    with read_session(eng) as session:
        day = office_today(session)
    return eng, (eng.url.render_as_string(hide_password=True), day)


def ensure_daily_run(*, wait_seconds: float | None = None) -> None:
    """Run the day's rules once per office day in this process (see the module's note).

    Only the request that starts the run waits, for `wait_seconds` (default `WAIT_SECONDS`).
    """
    eng, key = _today()
    days = _days()
    with days.lock:
        if key in days.started:
            return
        thread = threading.Thread(target=_run, args=(eng, key[1]), daemon=True,
                                  name=f"daily-{key[1]}")
        days.started[key] = thread
        thread.start()
    thread.join(WAIT_SECONDS if wait_seconds is None else wait_seconds)


def _thread() -> threading.Thread | None:
    _, key = _today()
    days = _days()
    with days.lock:
        return days.started.get(key)


def running() -> bool:
    """True while today's run, started by this process, is still going."""
    thread = _thread()
    return thread is not None and thread.is_alive()


def wait_for_run(timeout: float | None = None) -> bool:
    """Wait for today's run started by this process; True when none is still going."""
    thread = _thread()
    if thread is not None:
        thread.join(timeout)
    return not running()
