"""the relationship beyond the balance: after-care offers, goodwill, plan milestones

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "after_care",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("consent_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("after_care", "debtor_id", "debtor"),
        _fk("after_care", "account_id", "account"),
        _fk("after_care", "recorded_by", "app_user"),
        _fk("after_care", "withdrawn_by", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_after_care")),
        sa.UniqueConstraint("account_id", name=op.f("uq_after_care_account_id")),
    )
    op.create_index("ix_after_care_debtor_id", "after_care", ["debtor_id"])
    op.create_table(
        "goodwill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _fk("goodwill", "debtor_id", "debtor"),
        _fk("goodwill", "recorded_by", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goodwill")),
    )
    op.create_index("ix_goodwill_debtor_id", "goodwill", ["debtor_id"])
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("payable_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("offered_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("milestone", "plan_id", "payment_plan"),
        _fk("milestone", "account_id", "account"),
        _fk("milestone", "debtor_id", "debtor"),
        _fk("milestone", "owner_id", "app_user"),
        _fk("milestone", "handled_by", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
        sa.UniqueConstraint("plan_id", "kind", name="uq_milestone_plan_id_kind"),
    )
    op.create_index("ix_milestone_owner_id_status", "milestone", ["owner_id", "status"])
    op.create_index("ix_milestone_debtor_id", "milestone", ["debtor_id"])


def downgrade() -> None:
    op.drop_index("ix_milestone_debtor_id", table_name="milestone")
    op.drop_index("ix_milestone_owner_id_status", table_name="milestone")
    op.drop_table("milestone")
    op.drop_index("ix_goodwill_debtor_id", table_name="goodwill")
    op.drop_table("goodwill")
    op.drop_index("ix_after_care_debtor_id", table_name="after_care")
    op.drop_table("after_care")
