"""indexes for the stand-up's wobbling plans and the refreshers' override reads

* followup (reason, status, due_on, owner_id): "plans wobbling" and how flagged plans went,
  without reading every open follow-up to find the supportive check-ins;
* checkin (at) and (agent_id, at) where an override reason was written: the case of the week
  and "due after an override" read the few overrides, not a week's or an agent's check-ins.
The partial indexes are declared here only (core/store/models.py may not grow).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OVERRIDDEN = sa.text("rule_override_reason <> ''")


def upgrade() -> None:
    op.create_index("ix_followup_reason_status_due", "followup",
                    ["reason", "status", "due_on", "owner_id"])
    op.create_index("ix_checkin_override_at", "checkin", ["at"],
                    sqlite_where=OVERRIDDEN, postgresql_where=OVERRIDDEN)
    op.create_index("ix_checkin_override_agent_at", "checkin", ["agent_id", "at"],
                    sqlite_where=OVERRIDDEN, postgresql_where=OVERRIDDEN)


def downgrade() -> None:
    op.drop_index("ix_checkin_override_agent_at", table_name="checkin")
    op.drop_index("ix_checkin_override_at", table_name="checkin")
    op.drop_index("ix_followup_reason_status_due", table_name="followup")
