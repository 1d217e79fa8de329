"""Backups of the SQLite database while the app runs, and restoring them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from core.backup import (
    BACKUP_DIR,
    BackupError,
    backup_sqlite,
    check_backup,
    default_backup_path,
    restore_sqlite,
    sqlite_path,
)
from core.store.config import ROOT
from tests.factories import make_account, make_debtor, make_user


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a SQLite file."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        return {name: conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
                for name in names}
    finally:
        conn.close()


@pytest.fixture
def live_db(sqlite_url: str, sqlite_engine: Engine) -> Path:
    """The app's SQLite file with a few committed rows (still in the write-ahead log)."""
    with Session(sqlite_engine.execution_options(write=True)) as session:
        agent = make_user(session, "agent")
        for n in range(3):
            make_account(session, make_debtor(session, agent, name=f"Debtor {n}"), 10_000 * n + 1)
        session.commit()
    return sqlite_path(sqlite_url)


@pytest.fixture
def stopped_db(live_db: Path, sqlite_engine: Engine) -> Path:
    """The live database once the app has stopped (nothing holds the file open)."""
    sqlite_engine.dispose()
    return live_db


def test_backup_while_someone_is_writing_then_restore_gives_the_same_rows(live_db, tmp_path):
    # Given committed rows still in the WAL, and another connection mid-way through a write
    committed = dump(live_db)
    assert Path(f"{live_db}-wal").stat().st_size > 0
    writer = sqlite3.connect(live_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE debtor SET name = 'half-saved' WHERE id = 1")
    try:
        # When a backup is taken, and restored into a new file
        backup = backup_sqlite(live_db, tmp_path / "backups" / "copy.db")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    restored = tmp_path / "restored" / "recovery.db"
    kept = restore_sqlite(backup, restored)
    # Then the restored database has exactly the committed rows, and not the unsaved change
    assert kept is None
    assert dump(restored) == committed
    assert "half-saved" not in str(dump(restored)["debtor"])
    assert len(committed["account"]) == 3
    # And the backup is one self-contained file
    assert not Path(f"{backup}-wal").exists()
    assert check_backup(backup) == check_backup(restored)


def test_restore_over_a_database_keeps_the_old_one(stopped_db, tmp_path):
    live_db = stopped_db
    # Given a backup, then more work saved in the live database
    backup = backup_sqlite(live_db, tmp_path / "b.db")
    before = dump(live_db)
    conn = sqlite3.connect(live_db)
    conn.execute("UPDATE account SET balance_cents = 0")
    conn.commit()
    conn.close()
    changed = dump(live_db)
    # When the backup is restored over it
    kept = restore_sqlite(backup, live_db)
    # Then the live file is the backup again, and the replaced one is kept beside it
    assert dump(live_db) == before
    assert kept is not None and kept.name.startswith("recovery.before-restore-")
    assert dump(kept) == changed


def test_restore_refuses_what_is_not_a_backup_of_this_app(live_db, tmp_path):
    target = tmp_path / "target.db"
    # A text file
    text_file = tmp_path / "notes.db"
    text_file.write_text("hello")
    with pytest.raises(BackupError, match="is not a SQLite database"):
        restore_sqlite(text_file, target)
    # Some other SQLite database
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE things (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="not a backup of this app's database"):
        restore_sqlite(other, target)
    # A backup from a newer version of the app
    newer = backup_sqlite(live_db, tmp_path / "newer.db")
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="newer version of the app"):
        restore_sqlite(newer, target)
    # A missing file
    with pytest.raises(BackupError, match="There is no backup file"):
        restore_sqlite(tmp_path / "missing.db", target)
    # And nothing was written where the restore would have gone
    assert not target.exists()


def test_backup_refuses_a_missing_database_and_overwriting_itself(live_db, tmp_path):
    with pytest.raises(BackupError, match="There is no database file"):
        backup_sqlite(tmp_path / "nope.db", tmp_path / "out.db")
    with pytest.raises(BackupError, match="can't overwrite the database itself"):
        backup_sqlite(live_db, live_db)


def test_the_default_backup_path_is_dated():
    path = default_backup_path(datetime(2026, 11, 23, 10, 5, 1))
    assert path == BACKUP_DIR / "recovery-20261123-100501.db"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.backup", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_backs_up_and_restores(sqlite_url, stopped_db, tmp_path):
    live_db = stopped_db
    # When the command backs up the live database
    out = tmp_path / "nightly.db"
    done = run_cli("--database-url", sqlite_url, "--out", str(out))
    # Then it exits 0 and writes a valid backup with the same rows
    assert done.returncode == 0, done.stderr
    assert f"to {out}" in done.stdout
    assert dump(out) == dump(live_db)
    # And restoring it puts the same rows back
    conn = sqlite3.connect(live_db)
    conn.execute("DELETE FROM account")
    conn.commit()
    conn.close()
    restored = run_cli("--database-url", sqlite_url, "--restore", str(out))
    assert restored.returncode == 0, restored.stderr
    assert len(dump(live_db)["account"]) == 3


def test_cli_names_pg_dump_for_postgresql():
    # When asked to back up a PostgreSQL database
    done = run_cli("--database-url", "postgresql://u:secret@db.example/recovery")
    # Then it exits 2 with one sentence naming pg_dump, and never shows the password
    assert done.returncode == 2
    assert "pg_dump" in done.stderr and "secret" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_exits_2_for_a_missing_database(tmp_path):
    done = run_cli("--database-url", f"sqlite:///{tmp_path / 'none.db'}")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("There is no database file")


# ---------------------------------------------------------------- restore while the app runs


def test_restore_while_the_app_runs_is_refused_and_loses_nothing(stopped_db, tmp_path):
    """Issue 12.7: a restore under a running app lost every write the app made afterwards."""
    from sqlalchemy import text

    from core.store import db

    # Given a backup, and the app running on the live database (its pool holds a connection)
    live_db = stopped_db
    backup = backup_sqlite(live_db, tmp_path / "b.db")
    app = db.make_engine(f"sqlite:///{live_db}")
    try:
        with db.write_session(app) as s:
            s.execute(text("UPDATE account SET balance_cents = 77 WHERE id = 1"))
        # When someone restores the backup over it
        with pytest.raises(BackupError, match="is in use .* stop the app"):
            restore_sqlite(backup, live_db)
        # Then the app's work is still there, and it carries on saving
        with db.write_session(app) as s:
            s.execute(text("UPDATE account SET balance_cents = 78 WHERE id = 2"))
        with app.connect() as conn:
            assert conn.execute(text("SELECT balance_cents FROM account WHERE id IN (1, 2) "
                                     "ORDER BY id")).scalars().all() == [77, 78]
    finally:
        app.dispose()
    # And once the app has stopped, the same restore goes ahead
    assert restore_sqlite(backup, live_db) is not None
    assert [r[5] for r in dump(live_db)["account"]][:2] != [77, 78]


def test_a_backup_whose_guards_were_dropped_is_refused_unless_accepted(live_db, tmp_path):
    # Given a backup whose append-only trigger on check-ins was dropped
    backup = backup_sqlite(live_db, tmp_path / "b.db")
    conn = sqlite3.connect(backup)
    conn.execute("DROP TRIGGER checkin_no_update")
    conn.commit()
    conn.close()
    target = tmp_path / "restored.db"
    # When it is restored, it is refused; told otherwise, it is restored
    with pytest.raises(BackupError, match="lost its append-only guards .*checkin_no_update"):
        restore_sqlite(backup, target)
    restore_sqlite(backup, target, allow_unguarded=True)
    # And the next start of the app puts the guard back
    from core.store import db, guards

    engine = db.make_engine(f"sqlite:///{target}")
    try:
        db.migrate(engine)
        with engine.connect() as conn:
            assert guards.missing(conn) == set()
    finally:
        engine.dispose()


def test_the_database_and_its_backups_are_private_to_their_owner(tmp_path):
    from core.store import db

    # Given a new database file made by the app, with a row saved
    engine = db.make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        db.migrate(engine)
    finally:
        engine.dispose()
    # When it is backed up and restored elsewhere
    backup = backup_sqlite(tmp_path / "new.db", tmp_path / "backups" / "b.db")
    restored = tmp_path / "other" / "restored.db"
    restore_sqlite(backup, restored)
    # Then every file is readable and writable by its owner only
    for path in (tmp_path / "new.db", backup, restored):
        assert path.stat().st_mode & 0o777 == 0o600, path
