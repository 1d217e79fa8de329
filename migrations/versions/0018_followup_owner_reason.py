"""followup (status, owner_id, due_on, reason): the backlog's counts from the index alone

Since after-care follow-ups are care, not load (0014), every backlog count asks "reason is not
after-care" of each open follow-up. With (status, owner_id, due_on) alone that means reading
each follow-up row: at 1,000,000 check-ins a team's ~95,000 open follow-ups, for the
Follow-ups page's per-agent counts and again for its list's total. With the reason in the index
both read the index only (141 -> 42 ms and 111 -> 45 ms of CPU on the bench file). Created, and
the table analysed, in 2–5 s at that scale (docs/benchmarks.md). Declared here only
(core/store/models.py may not grow).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_followup_status_owner_due_reason", "followup",
                    ["status", "owner_id", "due_on", "reason"])
    # Statistics for the new index where the others have them: with figures for every index
    # but this one, SQLite's planner chose it for the list's first page and sorted every open
    # follow-up (3 -> 340 ms). A database without statistics is left without (it plans well).
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or bind.execute(sa.text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar():
        op.execute("ANALYZE followup")


def downgrade() -> None:
    op.drop_index("ix_followup_status_owner_due_reason", table_name="followup")
