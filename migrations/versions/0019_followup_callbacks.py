"""followup (due_at, owner_id, status, debtor_id) WHERE call_consented_at IS NOT NULL

The stand-up's "call-backs they asked for, made on time" (what we owe people) picks the
follow-ups with the debtor's consent timed in the results day. Without an index that was a read
of every follow-up: 160 ms of the stand-up's ~430 ms of CPU at 1,000,000 check-ins (265,575
follow-ups). The partial index holds only the consented call-backs, in time order, with what
the count needs. Declared here only (core/store/models.py may not grow); timed in
docs/benchmarks.md.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSENTED = sa.text("call_consented_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_followup_consented_due_at", "followup",
                    ["due_at", "owner_id", "status", "debtor_id"],
                    sqlite_where=CONSENTED, postgresql_where=CONSENTED)


def downgrade() -> None:
    op.drop_index("ix_followup_consented_due_at", table_name="followup")
