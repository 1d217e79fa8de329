"""refreshers kept by an admin, seeded with the product's rules; who read which version

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    refresher = op.create_table(
        "refresher",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"],
                                name=op.f("fk_refresher_updated_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresher")),
    )
    op.create_table(
        "refresher_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refresher_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["refresher_id"], ["refresher.id"],
                                name=op.f("fk_refresher_read_refresher_id_refresher")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_refresher_read_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresher_read")),
    )
    op.create_index("ix_refresher_read_user_id_refresher_id", "refresher_read",
                    ["user_id", "refresher_id"])
    from core.learning.seed import SEED

    now = datetime.now(UTC)
    # A yearly review from the day the team starts with them.
    review = date(now.year + 1, now.month, min(now.day, 28))
    op.bulk_insert(refresher, [dict(piece, version=1, review_by=review, updated_at=now)
                               for piece in SEED])


def downgrade() -> None:
    op.drop_index("ix_refresher_read_user_id_refresher_id", table_name="refresher_read")
    op.drop_table("refresher_read")
    op.drop_table("refresher")
