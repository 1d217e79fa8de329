"""Payment plans at scale: a long approval queue shows its oldest few and counts them all."""

from __future__ import annotations

from datetime import date

from core.payment_plans import approvals
from core.payment_plans import service as pp
from core.store import db
from tests.conftest import open_app
from tests.factories import make_account, make_debtor, make_user

PAGE = "pages/plans.py"


def test_a_long_queue_shows_the_oldest_and_counts_every_plan_waiting(app_url, app_session):
    # Given more settlements awaiting approval than the queue shows at once
    agent = make_user(app_session, "agent")
    lead = make_user(app_session, "lead")
    accounts = [make_account(app_session, make_debtor(app_session, agent, name=f"Debtor {i:02}"),
                             60_000, reference=f"ACC-Q{i:02}")
                for i in range(approvals.QUEUE_SHOWN + 2)]
    app_session.commit()
    engine = db.make_engine(app_url)
    waiting = []
    for account in accounts:
        with db.write_session(engine) as s:
            waiting.append(pp.save_plan(s, actor=agent, inputs=pp.PlanInputs(
                account_id=account.id, frequency="monthly", start_on=date(2030, 1, 1), count=6,
                discount_pct=20)).id)
    engine.dispose()
    # When the lead opens Payment plans
    at = open_app(PAGE, user=lead)
    # Then the queue says how many wait, and offers the oldest to decide
    assert not at.exception
    [queue] = [e for e in at.expander if e.label.startswith("Settlements waiting")]
    assert queue.label == (f"Settlements waiting for approval ({len(waiting)}, "
                           f"the oldest {approvals.QUEUE_SHOWN} shown)")
    [chooser] = [b for b in at.selectbox if b.label == "Plan to decide"]
    assert list(chooser.options) == [f"Plan {i}: Debtor {n:02}, 20% off"
                                     for n, i in enumerate(waiting[:approvals.QUEUE_SHOWN])]
    # And no account list is shown until someone types
    assert not [b for b in at.selectbox if b.label.startswith("Accounts matching")]
