"""ui.session.read: a cached answer lives until a table it was read from is written."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from core.store import db
from core.store.models import Account, Debtor
from tests.factories import make_account, make_debtor, make_user
from ui import session as ui_session

CALLS: Counter[str] = Counter()


def count_debtors(session: Session) -> int:
    """A read of the debtor table only."""
    CALLS["debtors"] += 1
    return session.exec(select(func.count()).select_from(Debtor)).one()


def count_accounts(session: Session) -> int:
    """A read of the account table only."""
    CALLS["accounts"] += 1
    return session.exec(select(func.count()).select_from(Account)).one()


@pytest.fixture
def app_engine(engine, monkeypatch: pytest.MonkeyPatch):
    """The app reads this test's database (SQLite, then PostgreSQL)."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    CALLS.clear()
    with db.write_session(engine) as s:
        make_account(s, make_debtor(s, make_user(s, "agent")))
    return engine


def test_a_write_makes_cold_only_the_reads_of_the_tables_it_wrote(app_engine):
    # Given both counts read once, and read again from the cache
    assert ui_session.read(count_debtors) == 1
    assert ui_session.read(count_accounts) == 1
    assert ui_session.read(count_debtors) == 1 and ui_session.read(count_accounts) == 1
    assert CALLS == {"debtors": 1, "accounts": 1}
    # When another process's kind of write (its own engine and transaction) adds a debtor only
    other = db.make_engine(app_engine.url.render_as_string(hide_password=False))
    with db.write_session(other) as s:
        make_debtor(s, make_user(s, "agent"))
    other.dispose()
    # Then the debtor count is read again and right, and the account count still comes cached
    assert ui_session.read(count_debtors) == 2
    assert ui_session.read(count_accounts) == 1
    assert CALLS == {"debtors": 2, "accounts": 1}


def test_a_save_through_write_is_seen_by_the_next_read(app_engine):
    # Given the account count cached
    assert ui_session.read(count_accounts) == 1
    # When a save through the app's own write adds an account
    def add_account(s: Session) -> None:
        make_account(s, s.exec(select(Debtor)).first())

    ui_session.write(add_account)
    # Then the next read has it
    assert ui_session.read(count_accounts) == 2
    assert CALLS["accounts"] == 2
