"""the shelf of free help (resources, what was shared and whether it helped) and message
translations; seeded with well-known free UK services and a few translations

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _user_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["app_user.id"],
                                   name=op.f(f"fk_{table}_{column}_app_user"))


def upgrade() -> None:
    resource = op.create_table(
        "resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reading_grade", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _user_fk("updated_by", "resource"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
    )
    op.create_table(
        "resource_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("shared_by", sa.Integer(), nullable=False),
        sa.Column("shared_at", TS, nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"],
                                name=op.f("fk_resource_share_resource_id_resource")),
        sa.ForeignKeyConstraint(["debtor_id"], ["debtor.id"],
                                name=op.f("fk_resource_share_debtor_id_debtor")),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkin.id"],
                                name=op.f("fk_resource_share_checkin_id_checkin")),
        _user_fk("shared_by", "resource_share"),
        _user_fk("answered_by", "resource_share"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_share")),
    )
    op.create_index("ix_resource_share_debtor_id", "resource_share", ["debtor_id"])
    op.create_index("ix_resource_share_answer_answered_at", "resource_share",
                    ["answer", "answered_at"])
    translation = op.create_table(
        "message_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", TS, nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        _user_fk("updated_by", "message_translation"),
        _user_fk("approved_by", "message_translation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_translation")),
        sa.UniqueConstraint("template", "language",
                            name="uq_message_translation_template_language"),
    )
    _seed(resource, translation)


def _seed(resource: sa.Table, translation: sa.Table) -> None:
    from core import plain_language
    from core.messages.seed import SEED as TRANSLATIONS
    from core.resources.seed import SEED as RESOURCES

    now = datetime.now(UTC)
    today = now.date()  # reviewed when the team starts with them: due again in a year
    op.bulk_insert(resource, [
        dict(piece, language="en", reviewed_on=today, active=True, version=1, updated_at=now,
             reading_grade=plain_language.reading_grade(piece["summary"]))
        for piece in RESOURCES])
    op.bulk_insert(translation, [
        dict(piece, version=1, updated_at=now,
             approved_at=now if piece["status"] == "approved" else None)
        for piece in TRANSLATIONS])


def downgrade() -> None:
    op.drop_table("message_translation")
    op.drop_index("ix_resource_share_answer_answered_at", table_name="resource_share")
    op.drop_index("ix_resource_share_debtor_id", table_name="resource_share")
    op.drop_table("resource_share")
    op.drop_table("resource")
