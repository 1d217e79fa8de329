"""debtor.last_checkin_at, kept by the database on every check-in; stand-up indexes

The stand-up's "vulnerable, still owing, not contacted in 14 days" reads the vulnerable
debtors whose last check-in is old from one index, instead of probing the check-ins of every
debtor. A trigger keeps the column whoever writes the check-in (the app, the importer, the
demo loader); check-ins are never deleted (0005), so it never has to move backwards.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The stand-up's day of plans and promises, and follow-ups under a hold, without a scan.
INDEXES = [
    ("ix_payment_plan_activated_at", "payment_plan", ["activated_at"]),
    ("ix_promise_to_pay_resolved_at", "promise_to_pay", ["resolved_at"]),
    ("ix_followup_account_status_due", "followup", ["account_id", "status", "due_on",
                                                    "owner_id"]),
]
BACKFILL = """UPDATE debtor SET last_checkin_at =
              (SELECT max(c.at) FROM checkin c WHERE c.debtor_id = debtor.id)"""
SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS checkin_last_contact_insert AFTER INSERT ON checkin
       BEGIN UPDATE debtor SET last_checkin_at = NEW.at
             WHERE id = NEW.debtor_id AND (last_checkin_at IS NULL OR last_checkin_at < NEW.at);
       END""",
    """CREATE TRIGGER IF NOT EXISTS checkin_last_contact_update
       AFTER UPDATE OF at, debtor_id ON checkin
       BEGIN UPDATE debtor SET last_checkin_at = NEW.at
             WHERE id = NEW.debtor_id AND (last_checkin_at IS NULL OR last_checkin_at < NEW.at);
       END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION checkin_last_contact() RETURNS trigger AS $$
       BEGIN
         UPDATE debtor SET last_checkin_at = NEW.at
          WHERE id = NEW.debtor_id AND (last_checkin_at IS NULL OR last_checkin_at < NEW.at);
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER checkin_last_contact AFTER INSERT OR UPDATE OF at, debtor_id ON checkin
       FOR EACH ROW EXECUTE FUNCTION checkin_last_contact()""",
]


def upgrade() -> None:
    with op.batch_alter_table("debtor") as batch:
        batch.add_column(sa.Column("last_checkin_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)
    op.create_index("ix_debtor_vulnerable_last_checkin", "debtor",
                    ["vulnerable", "last_checkin_at"])
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    statements = SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRES
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS checkin_last_contact_insert")
        op.execute("DROP TRIGGER IF EXISTS checkin_last_contact_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS checkin_last_contact ON checkin")
        op.execute("DROP FUNCTION IF EXISTS checkin_last_contact()")
    op.drop_index("ix_debtor_vulnerable_last_checkin", table_name="debtor")
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("debtor") as batch:
        batch.drop_column("last_checkin_at")
