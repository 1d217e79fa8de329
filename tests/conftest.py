"""Fresh databases for every test: a SQLite file, and a real PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from core.store import db
from core.store.config import ROOT, normalise_url
from tests.pg import TempPostgres

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Timing is the benchmarks' job (bench/); a loaded CI machine must not fail a property test.
hypothesis_settings.register_profile("suite", deadline=None, print_blob=True)
hypothesis_settings.load_profile("suite")


def need(condition: bool, what: str) -> None:
    """Skip a test whose part is missing, except in CI where that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing, and in CI nothing may be skipped.")
    pytest.skip(f"{what} is missing")


# ---------------------------------------------------------------- SQLite


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """The URL of a fresh, migrated SQLite file for this test."""
    path = tmp_path / "recovery.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """An engine on this test's own SQLite file."""
    engine = db.make_engine(sqlite_url)
    yield engine
    engine.dispose()


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str | None]:
    """A PostgreSQL server: TEST_DATABASE_URL if given, else one started from Debian's binaries."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield normalise_url(given)
        return
    try:
        server = TempPostgres()
        url = server.start()
    except (RuntimeError, OSError, subprocess.CalledProcessError):
        if IN_CI:
            raise
        yield None
        return
    try:
        yield url
    finally:
        server.stop()


def _admin_engine(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template(pg_admin_url: str | None) -> str | None:
    """A migrated template database; each test gets a copy of it."""
    if pg_admin_url is None:
        return None
    name = f"recovery_tmpl_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine(pg_admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()
    admin.dispose()
    return name


def _fresh_postgres(pg_admin_url: str | None, pg_template: str | None) -> Iterator[str]:
    need(pg_admin_url is not None, "PostgreSQL (initdb/pg_ctl or TEST_DATABASE_URL)")
    name = f"recovery_t_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine(pg_admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(pg_admin_url: str | None, pg_template: str | None) -> Iterator[str]:
    """The URL of a fresh, migrated PostgreSQL database for this test."""
    yield from _fresh_postgres(pg_admin_url, pg_template)


@pytest.fixture(scope="module")
def postgres_url_for_module(pg_admin_url: str | None, pg_template: str | None) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database shared by one module's tests (a live app's)."""
    yield from _fresh_postgres(pg_admin_url, pg_template)


# ---------------------------------------------------------------- both


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A fresh migrated database: the core suite runs once on SQLite and once on PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    engine = db.make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh database; tests commit when they mean to."""
    with Session(engine.execution_options(write=True), expire_on_commit=False) as s:
        yield s


# ---------------------------------------------------------------- pages (AppTest)


@pytest.fixture
def app_url(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at this test's SQLite file."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


@pytest.fixture
def app_session(app_url: str) -> Iterator[Session]:
    """A session on the app's database, for giving a page something to show."""
    engine = db.make_engine(app_url)
    with Session(engine.execution_options(write=True), expire_on_commit=False) as s:
        yield s
    engine.dispose()


def sign_in_state(at, user) -> str:
    """Give an AppTest a signed-in session for `user` (as signing in would); returns the token."""
    from core.store.config import database_url
    from core.team import sessions

    engine = db.make_engine(database_url())
    try:
        with db.write_session(engine) as s:
            token = sessions.start(s, user=user)
    finally:
        engine.dispose()
    at.session_state["auth_token"] = token
    at.session_state["user_id"] = user.id
    return token


def field_key(at, prefix: str, name: str) -> str:
    """The key a ui.forms.Fields field of the app has now (a new one after each afresh)."""
    from ui.forms import key_for

    state = at.session_state
    return key_for(prefix, name, state[f"{prefix}round"] if f"{prefix}round" in state else 0)


def open_app(page: str | None = None, user=None, timeout: float = 30, **state):
    """Run app.py in AppTest, signed in as `user`, on `page` (e.g. 'pages/home.py')."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if user is not None:
        sign_in_state(at, user)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture(autouse=True)
def _fresh_page_caches() -> Iterator[None]:
    """st.cache_data lives for the whole process; each test's database starts ids at 1 again."""
    import streamlit as st

    st.cache_data.clear()
    yield
    st.cache_data.clear()
