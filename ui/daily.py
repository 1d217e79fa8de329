"""The daily rules from the app: once per office day per process, at the first request.

`ensure_daily_run()` (called by app.py on every rerun) costs one small read (the office
day) and a dictionary look-up once the day has been seen. On the first request of a new
office day it starts `core.daily.run` in a background thread and waits for it at most
`WAIT_SECONDS`, so a page view is never held up for more than a moment: a run that takes
longer (a big database on its first day) finishes behind the page, and a run another
process holds is skipped (that process does the work). Cron running `python -m core.daily`
just after midnight makes the app's run a no-op.
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
WAIT_SECONDS = 1.0


class _Days:
    """The office days this process has started a run for (one lock, one dictionary)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: dict[date, threading.Thread] = {}


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


def ensure_daily_run(*, wait_seconds: float = WAIT_SECONDS) -> None:
    """Run the day's rules once per office day in this process (see the module's note)."""
    eng = engine()
    with read_session(eng) as session:
        day = office_today(session)
    days = _days()
    with days.lock:
        if day in days.started:
            return
        thread = threading.Thread(target=_run, args=(eng, day), daemon=True,
                                  name=f"daily-{day}")
        days.started[day] = thread
        thread.start()
    thread.join(wait_seconds)  # only the request that started it waits, and only a moment
