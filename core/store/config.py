"""Where settings come from: the environment first, then `.streamlit/secrets.toml`."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'recovery.db'}"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"


class ConfigError(UserError):
    """A setting is wrong; the message says in one sentence what to fix."""


def _secrets() -> dict:
    if not SECRETS_FILE.exists():
        return {}
    try:
        return tomllib.loads(SECRETS_FILE.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{SECRETS_FILE} is not valid TOML ({exc}); fix or remove it.") from exc


def database_url() -> str:
    """The database URL: DATABASE_URL, else secrets.toml's DATABASE_URL, else the SQLite file."""
    url = os.environ.get("DATABASE_URL") or _secrets().get("DATABASE_URL") or DEFAULT_DATABASE_URL
    return normalise_url(url)


def migration_database_url() -> str | None:
    """The owner's URL for migrations (MIGRATION_DATABASE_URL, env or secrets), or None.

    On PostgreSQL the app connects as a role with only the rights it needs (DATABASE_URL) and
    migrations run as the schema's owner (this URL); see the README.
    """
    url = os.environ.get("MIGRATION_DATABASE_URL") or _secrets().get("MIGRATION_DATABASE_URL")
    return normalise_url(url) if url else None


def normalise_url(url: str) -> str:
    """Check a database URL and point PostgreSQL URLs at the psycopg 3 driver."""
    url = url.strip()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"DATABASE_URL '{_redact(url)}' is not a database URL; use e.g. "
            "sqlite:///data/recovery.db or postgresql://user:password@host/dbname."
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ConfigError(
            f"DATABASE_URL uses '{backend}', which is not supported; use sqlite:/// or postgresql://."
        )
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.is_absolute():
            parsed = parsed.set(database=str(ROOT / path))
    return parsed.render_as_string(hide_password=False)


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]

