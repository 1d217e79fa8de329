"""`python -m core.importer FILE`: preview or import a CSV file from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from core.cli import say
from core.importer.chunked import import_file, preview_file
from core.importer.read import KINDS, ImportPreview, detect_kind, file_problem, problems_csv
from core.store.config import ConfigError, normalise_url
from core.store.db import (
    check_connection,
    make_engine,
    migrate,
    read_session,
)
from core.store.models import (
    Role,
    User,
)

# ---------------------------------------------------------------- command line


def _summary_table(result: ImportPreview, name: str, preview: bool) -> str:
    verb = "Preview of importing" if preview else "Imported"
    lines = [f"{verb} {name} ({result.kind})" + (" - nothing was written" if preview else "")]
    width = max(len(r["What"]) for r in result.summary())
    lines += [f"  {r['What']:<{width}}  {r['Rows']:>9,}" for r in result.summary()]
    if result.ignored_columns:
        lines.append(f"  Columns ignored: {', '.join(result.ignored_columns)}")
    return "\n".join(lines)


def _rows(n: int) -> str:
    return "1 row was" if n == 1 else f"{n:,} rows were"


def _actor(session: Session, username: str | None) -> User:
    query = select(User).where(User.active.is_(True))
    if username:
        query = query.where(User.username == username.strip().lower())
    else:
        query = query.where(User.role == Role.ADMIN).order_by(User.id)
    user = session.execute(query.limit(1)).scalars().first()
    if user is None:
        raise ConfigError(f"There is no active user '{username}'." if username else
                          "There is no active admin to import as; pass --as USERNAME.")
    return user



def main(argv: list[str] | None = None) -> int:
    """The command line: preview or import a CSV file; exit 0 ok, 1 rows refused, 2 error."""
    parser = argparse.ArgumentParser(
        prog="python -m core.importer",
        description="Import debtors with their accounts, or payments, from a CSV file.")
    parser.add_argument("file", type=Path, help="the CSV file (UTF-8)")
    parser.add_argument("--kind", choices=KINDS,
                        help="what the file holds (default: worked out from its columns)")
    parser.add_argument("--preview", action="store_true",
                        help="only say what would happen; write nothing")
    parser.add_argument("--as", dest="username",
                        help="the lead or admin importing (default: the first admin)")
    parser.add_argument("--database-url", help="default: DATABASE_URL or data/recovery.db")
    args = parser.parse_args(argv)
    try:
        data = args.file.open("rb")
    except OSError as exc:
        say(f"Can't read {args.file}: {exc.strerror or exc}.", err=True)
        return 2
    with data:
        return _run(args, data)


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r  {done:,} of {total:,} rows checked" + ("\n" if done >= total else ""))
    sys.stderr.flush()


def _run(args: argparse.Namespace, data) -> int:
    kind = args.kind or detect_kind(data.read(4096))
    refused = file_problem(kind, data)
    if refused:
        say(refused, err=True)
        return 2
    engine = None
    try:
        url = normalise_url(args.database_url) if args.database_url else None
        engine = make_engine(url)
        check_connection(engine)
        migrate(engine)
        with read_session(engine) as session:
            actor_id = _actor(session, args.username).id
        service = preview_file if args.preview else import_file
        result = service(engine, actor_id=actor_id, kind=kind, data=data,
                         progress=_progress if sys.stderr.isatty() else None)
    except (ConfigError, PermissionError, ValueError) as exc:
        say(str(exc), err=True)
        return 2
    finally:
        if engine is not None:
            engine.dispose()
    if result.file_refused:
        say(result.file_problem, err=True)
        return 2
    say(_summary_table(result, args.file.name, args.preview))
    if not result.problems:
        return 0
    report = problems_csv(result.problems)
    target = args.file.with_name(f"{args.file.stem}-problems.csv")
    try:
        target.touch(mode=0o600)  # the reasons quote personal data: the owner's eyes only
        target.write_bytes(report)
        say(f"{_rows(result.refused)} refused; the reasons are in {target}.")
    except OSError:
        say(f"{_rows(result.refused)} refused:")
        sys.stdout.flush()
        sys.stdout.buffer.write(report)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
