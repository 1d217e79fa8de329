"""data_version: a version stamp per table, bumped by every transaction that writes it

core.store.versions counts the commits that wrote each table, so a cached read on any app
instance knows when the tables it came from have changed (ui.session.read). A table gets its
row the first time it is written.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_version")),
    )


def downgrade() -> None:
    op.drop_table("data_version")
