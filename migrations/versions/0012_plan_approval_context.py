"""payment plans: the agent's reason for a settlement and whether approval starts it

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_reason", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("start_when_approved", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("payment_plan", schema=None) as batch_op:
        batch_op.drop_column("start_when_approved")
        batch_op.drop_column("request_reason")
