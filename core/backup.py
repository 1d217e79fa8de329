"""Back up and restore the SQLite database while the app runs (SQLite's online backup API).

``python -m core.backup [--database-url URL] [--out PATH]`` writes a consistent copy, by
default to data/backups/recovery-YYYYmmdd-HHMMSS.db; agents can keep working meanwhile.
``python -m core.backup --restore BACKUP [--database-url URL]`` puts a backup back (stop the
app first); the database it replaces is kept next to it as ``*.before-restore-*.db``.
For PostgreSQL use pg_dump and pg_restore instead (the command says so and exits 2).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from core.cli import say
from core.store.config import ROOT, ConfigError, database_url, normalise_url

BACKUP_DIR = ROOT / "data" / "backups"
SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every database of this app has; a backup without them is not one of ours.
APP_TABLES = frozenset({"alembic_version", "app_user", "debtor", "account", "audit_event"})
PG_DUMP_HELP = (
    "This database is PostgreSQL; back it up with pg_dump, e.g. "
    "pg_dump --format=custom --file=recovery.dump \"$DATABASE_URL\", and restore it with "
    "pg_restore --clean --dbname=\"$DATABASE_URL\" recovery.dump."
)


class BackupError(RuntimeError):
    """A backup or restore can't be done; the message says why in one sentence."""


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL; BackupError for PostgreSQL (which pg_dump backs up)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(PG_DUMP_HELP)
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("An in-memory database can't be backed up; point DATABASE_URL at a "
                          "file.")
    return Path(parsed.database)


def default_backup_path(now: datetime | None = None) -> Path:
    """data/backups/recovery-YYYYmmdd-HHMMSS.db for `now` (default: the local time now)."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return BACKUP_DIR / f"recovery-{stamp}.db"


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy `source` into a new file `target` in one step, so the copy is one consistent moment."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    destination = sqlite3.connect(partial)
    try:
        # pages=-1 copies everything in one step while holding a read snapshot: writers carry
        # on (WAL), and the copy never mixes before and after a commit.
        source.backup(destination, pages=-1)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        destination.commit()
    finally:
        destination.close()
    os.replace(partial, target)


def backup_sqlite(database: Path, target: Path | None = None) -> Path:
    """Write a consistent copy of the SQLite file `database` to `target`; return its path."""
    database = Path(database)
    if not database.is_file():
        raise BackupError(f"There is no database file at {database}.")
    target = Path(target) if target else default_backup_path()
    if target.resolve() == database.resolve():
        raise BackupError("The backup can't overwrite the database itself; choose another "
                          "--out path.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database, timeout=30)
    try:
        _copy(source, target)
    except sqlite3.Error as exc:
        raise BackupError(f"The backup of {database} failed ({exc}).") from exc
    finally:
        source.close()
    check_backup(target)
    return target


def check_backup(path: Path) -> str:
    """Raise BackupError unless `path` is an intact SQLite database of this app; its revision."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path.name} is not a SQLite database, so it can't be restored.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} can't be opened ({exc}).") from exc
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = APP_TABLES - tables
        if missing:
            raise BackupError(f"{path.name} is not a backup of this app's database (it has no "
                              f"{', '.join(sorted(missing))} table), so it can't be restored.")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} is damaged ({exc}), so it can't be restored.") from exc
    finally:
        conn.close()
    if integrity != "ok":
        raise BackupError(f"{path.name} is damaged ({integrity}), so it can't be restored.")
    if revision is None:
        raise BackupError(f"{path.name} has no schema revision, so it is not a backup of this "
                          "app's database.")
    if revision[0] not in _known_revisions():
        raise BackupError(f"{path.name} was made by a newer version of the app (schema "
                          f"{revision[0]}); update the app before restoring it.")
    return revision[0]


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from core.store.db import MIGRATIONS

    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def restore_sqlite(backup_path: Path, target_path: Path) -> Path | None:
    """Put the backup at `backup_path` in place as `target_path` (stop the app first).

    A database already at `target_path` is first copied to
    ``<target>.before-restore-YYYYmmdd-HHMMSS.db``, whose path is returned (None if there was
    none). The restored database is migrated to the current schema when the app next starts.
    """
    backup_path, target_path = Path(backup_path), Path(target_path)
    check_backup(backup_path)
    if target_path.exists() and target_path.resolve() == backup_path.resolve():
        raise BackupError("The backup and the database are the same file.")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    kept: Path | None = None
    if target_path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = target_path.with_name(f"{target_path.stem}.before-restore-{stamp}.db")
        if _is_sqlite(target_path):
            backup_sqlite(target_path, kept)  # reads through the WAL: nothing is lost
        else:
            os.replace(target_path, kept)
    source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    try:
        _copy(source, target_path.with_name(target_path.name + ".restoring"))
    finally:
        source.close()
    # The old database's write-ahead log belongs to the old file: it must not replay onto this.
    for suffix in ("-wal", "-shm"):
        Path(f"{target_path}{suffix}").unlink(missing_ok=True)
    os.replace(target_path.with_name(target_path.name + ".restoring"), target_path)
    return kept


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER



def main(argv: list[str] | None = None) -> int:
    """The command line: back up (or --restore) the configured database; exit 2 on a problem."""
    parser = argparse.ArgumentParser(
        prog="python -m core.backup",
        description="Write a consistent copy of the SQLite database while the app runs, or "
                    "restore one (stop the app first).")
    parser.add_argument("--database-url", help="default: DATABASE_URL or data/recovery.db")
    parser.add_argument("--out", type=Path, help="where to write the backup (default: "
                        "data/backups/recovery-YYYYmmdd-HHMMSS.db)")
    parser.add_argument("--restore", type=Path, metavar="BACKUP",
                        help="restore this backup over the database instead")
    args = parser.parse_args(argv)
    try:
        database = sqlite_path(args.database_url or database_url())
        if args.restore:
            kept = restore_sqlite(args.restore, database)
            say(f"Restored {args.restore} to {database}.")
            if kept:
                say(f"The database it replaced is kept as {kept}.")
        else:
            written = backup_sqlite(database, args.out)
            say(f"Backed up {database} to {written}.")
    except (BackupError, ConfigError) as exc:
        say(str(exc), err=True)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
