"""message_translation: the opt-out sentence in Spanish and Polish

A translated text message or email ended with the English opt-out sentence. The sentence is now
translated like a template ("opt_out_sms", "opt_out_email"), approved by an admin the same way;
where a language has none approved, the draft says the sentence goes in English. This adds the
Spanish and Polish sentences (core.messages.seed.OPT_OUT_SEED) where they are not there yet.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRANSLATION = sa.table(
    "message_translation",
    sa.column("template", sa.String), sa.column("language", sa.String),
    sa.column("body", sa.Text), sa.column("status", sa.String),
    sa.column("version", sa.Integer), sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("approved_at", sa.DateTime(timezone=True)))


def upgrade() -> None:
    from core.messages.seed import OPT_OUT_SEED

    bind = op.get_bind()
    have = set(bind.execute(sa.select(TRANSLATION.c.template, TRANSLATION.c.language)).all())
    now = datetime.now(UTC)
    rows = [dict(piece, version=1, updated_at=now,
                 approved_at=now if piece["status"] == "approved" else None)
            for piece in OPT_OUT_SEED if (piece["template"], piece["language"]) not in have]
    if rows:
        op.bulk_insert(TRANSLATION, rows)


def downgrade() -> None:
    op.execute(TRANSLATION.delete().where(TRANSLATION.c.template.like("opt\\_out\\_%",
                                                                      escape="\\")))
