"""backlog: the last snooze reason on a follow-up, and indexes for the backlog and stand-up

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("snooze_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_index(
            "ix_followup_backlog",
            ["status", "priority", "due_on", "owner_id", "reason", "channel", "debtor_id"],
            unique=False,
        )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkin_at_activity",
            ["at", "agent_id", "outcome", "right_party", "wellbeing"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_at_activity")
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_backlog")
        batch_op.drop_column("snooze_reason")
