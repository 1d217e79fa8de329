"""plans: payment reversals, settlement offer expiry, follow-ups per promise, the daily run

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("effects_json", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("payment_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer_expires_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_payment_plan_status_created_at",
                              ["status", "created_at", "id"], unique=False)
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promise_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_followup_promise_id_promise_to_pay", "promise_to_pay",
                                    ["promise_id"], ["id"])
    op.create_table(
        "payment_reversal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reversed_by", sa.Integer(), nullable=True),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"],
                                name="fk_payment_reversal_payment_id_payment"),
        sa.ForeignKeyConstraint(["reversed_by"], ["app_user.id"],
                                name="fk_payment_reversal_reversed_by_app_user"),
        sa.PrimaryKeyConstraint("id", name="pk_payment_reversal"),
        sa.UniqueConstraint("payment_id", name="uq_payment_reversal_payment_id"),
    )
    op.create_table(
        "daily_run",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_daily_run"),
    )


def downgrade() -> None:
    op.drop_table("daily_run")
    op.drop_table("payment_reversal")
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_constraint("fk_followup_promise_id_promise_to_pay", type_="foreignkey")
        batch_op.drop_column("promise_id")
    with op.batch_alter_table("payment_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_plan_status_created_at")
        batch_op.drop_column("offer_expires_on")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_column("effects_json")
        batch_op.drop_column("reversed_at")
