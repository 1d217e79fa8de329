"""contact that respects the person: holds with a lifecycle, adjustments, call-backs

Holds get a review date, a representative, who released them and why, and when their
"welcome back" follow-up was made; adjustments are a new table; check-ins keep the reading
grade, jargon and reason of a message sent, and the consent of a call they asked for;
follow-ups keep a call-back's time and the moment of consent.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.store.models import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite keeps the tables' triggers that way.
    op.add_column("hold", sa.Column("review_on", sa.Date(), nullable=True))
    op.add_column("hold", sa.Column("representative", sa.String(200), nullable=False,
                                    server_default=""))
    op.add_column("hold", sa.Column("released_by", sa.Integer(), nullable=True))
    op.add_column("hold", sa.Column("release_reason", sa.Text(), nullable=False,
                                    server_default=""))
    op.add_column("hold", sa.Column("welcomed_at", UTCDateTime(), nullable=True))
    op.create_table(
        "adjustment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("debtor_id", sa.Integer(), sa.ForeignKey("debtor.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("start_day", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_day", sa.Integer(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("channels", sa.String(60), nullable=False, server_default=""),
        sa.Column("detail", sa.Text(), nullable=False, server_default=""),
        sa.Column("extra_days", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("consent_at", UTCDateTime(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), sa.ForeignKey("checkin.id"), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
    )
    op.create_index("ix_adjustment_debtor_id", "adjustment", ["debtor_id"])
    op.add_column("checkin", sa.Column("reading_grade", sa.Float(), nullable=True))
    op.add_column("checkin", sa.Column("jargon", sa.Text(), nullable=False, server_default=""))
    op.add_column("checkin", sa.Column("plain_language_reason", sa.Text(), nullable=False,
                                       server_default=""))
    op.add_column("checkin", sa.Column("call_consented_at", UTCDateTime(), nullable=True))
    op.add_column("followup", sa.Column("due_at", UTCDateTime(), nullable=True))
    op.add_column("followup", sa.Column("call_consented_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup") as batch:
        batch.drop_column("call_consented_at")
        batch.drop_column("due_at")
    with op.batch_alter_table("checkin") as batch:
        for name in ("call_consented_at", "plain_language_reason", "jargon", "reading_grade"):
            batch.drop_column(name)
    op.drop_index("ix_adjustment_debtor_id", table_name="adjustment")
    op.drop_table("adjustment")
    with op.batch_alter_table("hold") as batch:
        for name in ("welcomed_at", "release_reason", "released_by", "representative",
                     "review_on"):
            batch.drop_column(name)
