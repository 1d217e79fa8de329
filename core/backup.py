"""Back up and restore the SQLite database while the app runs (SQLite's online backup API).

``python -m core.backup [--database-url URL] [--out PATH]`` writes a consistent copy, by
default to data/backups/recovery-YYYYmmdd-HHMMSS.db; agents can keep working meanwhile.
``python -m core.backup --restore BACKUP [--database-url URL]`` puts a backup back; it is
refused while the app (or anything else) has the database open, and for a backup whose
append-only triggers were dropped (unless ``--accept-missing-guards``). The database it
replaces is kept next to it as ``*.before-restore-*.db``. Backups are readable by their
owner only (0600).
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
    _create_private(partial)  # backups hold personal data: readable by their owner only
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


def restore_sqlite(backup_path: Path, target_path: Path, *,
                   allow_unguarded: bool = False) -> Path | None:
    """Put the backup at `backup_path` in place as `target_path` (stop the app first).

    Refused while any other connection has the database open (the app, a CLI, a console):
    their later writes would otherwise go to a file nobody reads, or be overwritten. Refused
    too for a backup whose append-only guards were dropped, unless `allow_unguarded` (the
    app puts the guards back at its next start either way).

    A database already at `target_path` is first copied to
    ``<target>.before-restore-YYYYmmdd-HHMMSS.db``, whose path is returned (None if there was
    none). The backup is copied *into* the database through SQLite itself, so the file stays
    the same file. The restored database is migrated when the app next starts.
    """
    backup_path, target_path = Path(backup_path), Path(target_path)
    check_backup(backup_path)
    if not allow_unguarded:
        _check_guards(backup_path)
    if target_path.exists() and target_path.resolve() == backup_path.resolve():
        raise BackupError("The backup and the database are the same file.")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    if target_path.exists() and not _is_sqlite(target_path):
        raise BackupError(f"{target_path} is not a SQLite database, so it can't be restored "
                          "over; move it away first.")
    if not target_path.exists():
        _create_private(target_path)
    target = sqlite3.connect(target_path, timeout=0, isolation_level=None)
    try:
        _refuse_if_in_use(target, target_path)  # from here on, nobody else has it open
        kept = _keep_before_restore(target, target_path)
        source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
        try:
            source.backup(target, pages=-1)
        finally:
            source.close()
        target.execute("PRAGMA journal_mode=WAL")  # as the app opens it
        os.chmod(target_path, 0o600)
    except sqlite3.Error as exc:
        raise BackupError(f"The restore into {target_path} failed ({exc}); the database is "
                          "as it was.") from exc
    finally:
        target.close()
    return kept


def _refuse_if_in_use(target: sqlite3.Connection, path: Path) -> None:
    """Leave write-ahead-log mode, which SQLite allows only with no other connection open."""
    try:
        mode = target.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        mode = "wal"
    if mode.lower() != "delete":
        raise BackupError(f"{path.name} is in use (the app or another tool has it open), so "
                          "restoring now would lose their later work; stop the app, then "
                          "restore.")


def _keep_before_restore(target: sqlite3.Connection, path: Path) -> Path | None:
    """Copy the database about to be replaced beside it; None when it holds no tables."""
    if not target.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.stem}.before-restore-{stamp}.db")
    _copy(target, kept)
    return kept


def _check_guards(path: Path) -> None:
    """Refuse a backup whose append-only triggers are missing (someone dropped them)."""
    from core.store import guards

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        absent = guards.trigger_names("sqlite") - guards.present_sqlite(conn)
    finally:
        conn.close()
    if absent:
        raise BackupError(
            f"{path.name} has lost its append-only guards ({', '.join(sorted(absent))}), so "
            "records in it may have been changed; restore it only if you trust it, with "
            "--accept-missing-guards.")


def _create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (0600)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


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
    parser.add_argument("--accept-missing-guards", action="store_true",
                        help="restore a backup whose append-only triggers were dropped")
    args = parser.parse_args(argv)
    try:
        database = sqlite_path(args.database_url or database_url())
        if args.restore:
            kept = restore_sqlite(args.restore, database,
                                  allow_unguarded=args.accept_missing_guards)
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
