"""One way to run the app for a browser test: `streamlit run app.py` on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from core.store import db
from core.store.config import ROOT
from core.store.models import User
from tests.pg import free_port


@contextmanager
def serve(database_url: str, log_path: Path, *, limit: float = 60.0) -> Iterator[str]:
    """Start the app on `database_url` and yield its address once it answers its health check;
    stop it afterwards. A server that never answers fails the test with its log."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env=dict(os.environ, DATABASE_URL=database_url), stdout=log,
            stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + limit
            while not _healthy(base):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start: " + log_path.read_text())
                time.sleep(0.25)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def demo_url(folder: Path) -> str:
    """The database address `demo_app(folder, …)` serves."""
    return f"sqlite:///{folder / 'recovery.db'}"


@contextmanager
def demo_app(folder: Path, *, debtors: int,
             add: Callable[[Session, User], Any] | None = None) -> Iterator[tuple[str, Any]]:
    """The app on a fresh SQLite file in `folder` with the demo team (`debtors` debtors) and
    whatever `add(session, agent)` writes for the demo's agent; yields the address and what
    `add` returned."""
    from core.demo.loader import load_demo

    path = folder / "recovery.db"
    url = demo_url(folder)
    engine = db.make_engine(url)
    load_demo(engine, debtors=debtors)
    made = None
    if add is not None:
        with db.write_session(engine) as s:
            made = add(s, s.exec(select(User).where(User.username == "agent")).one())
    engine.dispose()
    with serve(url, path.with_suffix(".log")) as base:
        yield base, made


@contextmanager
def new_tab(browser, base: str, *, height: int = 1000) -> Iterator[Any]:
    """A fresh browser tab (own cookies and session) at the app, 1400 pixels wide."""
    context = browser.new_context(viewport={"width": 1400, "height": height})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(base)
    try:
        yield tab
    finally:
        context.close()
