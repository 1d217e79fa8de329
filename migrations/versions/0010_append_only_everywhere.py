"""check-ins are never changed; amendments and consent records are append-only; no TRUNCATE

The guards live in core.store.guards, which db.migrate also runs at every start so a
restored or hand-edited database gets back any guard it lost.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

from core.store import guards

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What 0005 did not have: dropped again on downgrade.
SQLITE_NEW = ("checkin_no_update", "checkin_amendment_no_update",
              "checkin_amendment_no_delete", "vulnerability_no_update",
              "vulnerability_no_delete")
POSTGRES_NEW = (("checkin_no_update", "checkin"), ("checkin_no_truncate", "checkin"),
                ("checkin_amendment_append_only", "checkin_amendment"),
                ("checkin_amendment_no_truncate", "checkin_amendment"),
                ("vulnerability_append_only", "vulnerability"),
                ("vulnerability_no_truncate", "vulnerability"))


def upgrade() -> None:
    guards.ensure(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_NEW:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, table in POSTGRES_NEW:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
