"""The README's PostgreSQL start in a real browser: the demo loaded by `python -m core.demo`,
then the saves a person makes first — a check-in, a plan, a payment — all land.

(Last round the demo left PostgreSQL's sequences at 1 and the first save of each kind
collided with a demo row; the tests then ran the demo on SQLite only.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.store import db
from core.store.config import ROOT
from core.store.models import Account, CheckIn, Debtor, Payment, PaymentPlan, User
from tests.browser.live import serve
from tests.browser.test_browser import (  # noqa: F401  (the browser fixture is used by name)
    assert_no_error,
    browser,
    go,
    pick,
    shot,
    sign_in,
    wait_idle,
)
from tests.browser.test_browser_plans import _open_account

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pg_app(postgres_url_for_module: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, str]]:
    """The app on PostgreSQL with the demo team loaded the README's way; (address, db URL)."""
    url = postgres_url_for_module
    loaded = subprocess.run([sys.executable, "-m", "core.demo", "--if-empty"], cwd=ROOT,
                            env=dict(os.environ, DATABASE_URL=url), capture_output=True,
                            text=True, timeout=600)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    log = tmp_path_factory.mktemp("pg_live") / "app.log"
    with serve(url, log) as base:
        yield base, url


@pytest.fixture
def tab(browser, pg_app):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(pg_app[0])
    yield page
    context.close()


def _largest(url: str, model) -> int:
    engine = db.make_engine(url)
    try:
        with db.read_session(engine) as s:
            return s.exec(select(func.coalesce(func.max(model.id), 0))).one()
    finally:
        engine.dispose()


def _an_agent_account_name(url: str) -> str:
    """The name of a debtor of the demo agent's with an account and no plan yet."""
    engine = db.make_engine(url)
    try:
        with db.read_session(engine) as s:
            agent = s.exec(select(User).where(User.username == "agent")).one()
            planned = select(PaymentPlan.account_id)
            row = s.exec(select(Debtor.name).join(Account, Account.debtor_id == Debtor.id)
                         .where(Debtor.owner_id == agent.id, Account.balance_cents > 50_000,
                                Account.id.not_in(planned))
                         .order_by(Debtor.id)).first()
            assert row is not None
            return row
    finally:
        engine.dispose()


def test_on_the_postgres_demo_an_agents_first_checkin_saves(tab, pg_app):
    base, url = pg_app
    largest = _largest(url, CheckIn)
    # Given the agent on a demo debtor's profile, on PostgreSQL with the demo just loaded
    sign_in(tab, "agent")
    go(tab, "Debtors")
    pick(tab, "Open a debtor")
    tab.get_by_role("button", name="Log a check-in").click()
    wait_idle(tab)
    # When they log a conversation
    tab.get_by_text("They contacted us", exact=True).click()
    wait_idle(tab)
    tab.get_by_text("3 · getting by", exact=True).click()
    tab.get_by_label("What did we agree? (the next step)").fill("Send the budget sheet")
    tab.get_by_role("button", name="Save check-in").click()
    # Then it is saved, with a new id past the demo's rows
    tab.get_by_text("Check-in saved.").wait_for()
    assert _largest(url, CheckIn) > largest
    assert_no_error(tab)
    shot(tab, "postgres_checkin_saved")


def test_on_the_postgres_demo_a_plan_and_a_payment_save(tab, pg_app):
    base, url = pg_app
    name = _an_agent_account_name(url)
    plans, payments = _largest(url, PaymentPlan), _largest(url, Payment)
    # Given the agent on Payment plans with a demo account open
    sign_in(tab, "agent")
    go(tab, "Payment plans")
    _open_account(tab, name)
    # When they save the plan on screen as a draft
    tab.get_by_role("button", name="Save as draft").click()
    tab.get_by_text("Saved as a draft.").wait_for()
    wait_idle(tab)
    # And record a payment on the account
    tab.get_by_label("Amount (£)").fill("12.50")
    tab.get_by_role("button", name="Record payment").click()
    tab.get_by_text("Payment of £12.50 recorded.").wait_for()
    # Then both were saved past the demo's ids, and nothing went wrong on screen
    assert _largest(url, PaymentPlan) > plans
    assert _largest(url, Payment) > payments
    # And the payment form is empty again, so a second click cannot record it twice
    wait_idle(tab)
    assert tab.get_by_label("Amount (£)").input_value() == "0.00"
    assert_no_error(tab)
    shot(tab, "postgres_plan_and_payment_saved")
