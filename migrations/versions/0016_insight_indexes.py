"""indexes for the insight's three questions at 1,000,000 check-ins

Each counted plan is answered from indexes alone:
* plan_instalment (due_on, plan_id, amount_cents) WHERE seq = 1: the first instalments due in
  a period, without reading every instalment of the period;
* payment (plan_id, received_on, account_id, amount_cents): what was paid on a plan by a day
  (also the index on payment.plan_id that the foreign key checks lacked, see 0012);
* checkin (debtor_id, at, id, wellbeing) WHERE wellbeing IS NOT NULL: the wellbeing last
  recorded before a plan was agreed, one backwards step per plan;
* income_expenditure (debtor_id, recorded_on): was a statement on file by then.
Created in about 3 s on the 1,000,000-check-in SQLite file (docs/benchmarks.md). The partial
indexes are declared here only (core/store/models.py may not grow).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST = sa.text("seq = 1")
WELLBEING = sa.text("wellbeing IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_plan_instalment_first_due", "plan_instalment",
                    ["due_on", "plan_id", "amount_cents"],
                    sqlite_where=FIRST, postgresql_where=FIRST)
    op.create_index("ix_payment_plan_id_received_on", "payment",
                    ["plan_id", "received_on", "account_id", "amount_cents"])
    op.create_index("ix_checkin_debtor_wellbeing", "checkin",
                    ["debtor_id", "at", "id", "wellbeing"],
                    sqlite_where=WELLBEING, postgresql_where=WELLBEING)
    op.create_index("ix_income_expenditure_debtor_recorded", "income_expenditure",
                    ["debtor_id", "recorded_on"])


def downgrade() -> None:
    op.drop_index("ix_income_expenditure_debtor_recorded", table_name="income_expenditure")
    op.drop_index("ix_checkin_debtor_wellbeing", table_name="checkin")
    op.drop_index("ix_payment_plan_id_received_on", table_name="payment")
    op.drop_index("ix_plan_instalment_first_due", table_name="plan_instalment")
