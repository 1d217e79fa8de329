"""ui.daily: the app runs the day's rules once per database and office day, per process."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from core.store import db
from core.store.models import DailyRun
from tests.conftest import open_app
from ui import daily as ui_daily


def _runs(url: str) -> int:
    engine = db.make_engine(url)
    try:
        with db.read_session(engine) as s:
            return s.exec(select(func.count()).select_from(DailyRun)).one()
    finally:
        engine.dispose()


def test_each_database_gets_its_day_run_in_one_process(app_url, tmp_path, monkeypatch):
    # Given the first request waits for the run, and the app already opened one database
    monkeypatch.setattr(ui_daily, "WAIT_SECONDS", None)
    assert not open_app().exception
    assert _runs(app_url) == 1
    # When the same process is pointed at another database the same day
    other = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("DATABASE_URL", other)
    assert not open_app().exception
    # Then that database's rules ran too (a run is remembered per database, not per day)
    assert _runs(other) == 1
    assert ui_daily.wait_for_run(5) and not ui_daily.running()
    # And opening the first one again runs nothing more
    monkeypatch.setenv("DATABASE_URL", app_url)
    assert not open_app().exception
    assert _runs(app_url) == 1
