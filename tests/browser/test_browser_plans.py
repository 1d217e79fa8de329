"""Payment plans in a real browser: each screen acts on what it shows (issue 11, items 1, 3-5).

These are the steps that slipped past AppTest, done as a person does them in Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlmodel import select

from core.payment_plans import service as pp
from core.store import db
from core.store.models import PaymentPlan
from tests.browser.live import demo_app, demo_url, new_tab
from tests.browser.test_browser import (  # noqa: F401 - fixtures used by name
    assert_no_error,
    browser,
    go,
    metric,
    shot,
    sign_in,
    wait_idle,
)
from tests.factories import make_account, make_debtor

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def plans_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`streamlit run app.py` on the demo team plus two browser debtors and two settlements
    waiting for approval; yields (base URL, database URL)."""
    def add(s, agent):
        small = make_account(s, make_debtor(s, agent, name="Ann Browser"), 35_600,
                             reference="BRW-ANN")
        big = make_account(s, make_debtor(s, agent, name="Ben Browser"), 353_800,
                           reference="BRW-BEN")
        for account, pct in ((small, 20), (big, 25)):
            pp.save_plan(s, actor=agent, status="proposed", inputs=pp.PlanInputs(
                account_id=account.id, frequency="monthly", start_on=date(2030, 1, 1),
                count=6, discount_pct=pct))

    folder = tmp_path_factory.mktemp("plans_live")
    with demo_app(folder, debtors=60, add=add) as (base, _):
        yield base, demo_url(folder)


@pytest.fixture
def tab(browser, plans_app):  # noqa: F811 - the imported fixture
    """A fresh browser tab (own session) at the app."""
    with new_tab(browser, plans_app[0]) as page:
        yield page


def _statuses(url: str) -> dict[int, str]:
    engine = db.make_engine(url)
    try:
        with db.read_session(engine) as s:
            return {p.id: p.status for p in s.exec(select(PaymentPlan)).all()}
    finally:
        engine.dispose()


def _choose(page, label: str, text: str) -> None:
    """Open a select box by its label and click the option containing `text`."""
    page.get_by_label(label, exact=False).first.click()
    page.locator('[role="option"]').filter(has_text=text).first.click()
    wait_idle(page)


def _open_account(page, name: str) -> None:
    box = page.get_by_role("textbox", name="Find a debtor by name or account reference")
    box.fill(name)
    page.get_by_text(f"Accounts matching “{name}”").wait_for()
    wait_idle(page)
    _choose(page, "Accounts matching", name)
    page.get_by_text("Number of instalments").first.wait_for()
    wait_idle(page)


def test_a_lead_approves_one_plan_then_rejects_the_next_and_only_those_change(tab, plans_app):
    url = plans_app[1]
    waiting = sorted(i for i, status in _statuses(url).items() if status == "awaiting_approval")
    assert len(waiting) >= 2
    first, second = waiting[-2], waiting[-1]
    before = _statuses(url)
    # Given the lead on Payment plans with the first settlement opened
    sign_in(tab, "lead")
    go(tab, "Payment plans")
    _choose(tab, "Plan to decide", f"Plan {first}:")
    # When they approve it
    tab.get_by_role("button", name=f"Approve plan {first}").click()
    tab.get_by_text(f"Plan {first} approved.").wait_for()
    wait_idle(tab)
    # Then the decision box is closed: no Reject button stands ready for another plan,
    # and the chooser no longer shows the plan just decided
    assert tab.get_by_role("button", name="Reject plan", exact=False).count() == 0
    assert tab.get_by_label("Plan to decide", exact=True).input_value() == ""
    shot(tab, "plans_after_approve")
    # When they open "the next" one and reject it with a note
    _choose(tab, "Plan to decide", f"Plan {second}:")
    tab.get_by_label("Note for the agent").fill("Not enough shown yet.")
    tab.get_by_role("button", name=f"Reject plan {second}").click()
    tab.get_by_text(f"Plan {second} rejected.").wait_for()
    # Then exactly those two plans changed, each as decided
    after = _statuses(url)
    changed = {i: after[i] for i in after if after[i] != before.get(i)}
    assert changed == {first: "proposed", second: "cancelled"}
    assert_no_error(tab)


def test_switching_accounts_starts_the_designer_from_the_new_account(tab):
    # Given the agent on Ann's £356 debt with a £1 instalment chosen
    sign_in(tab, "agent")
    go(tab, "Payment plans")
    _open_account(tab, "Ann Browser")
    tab.get_by_role("slider", name="Instalment (£)").focus()
    tab.keyboard.press("Home")
    tab.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stMetric\"]')].some("
        "m => m.innerText.startsWith('Number of instalments') && m.innerText.includes('356'))")
    wait_idle(tab)
    assert metric(tab, "Instalment") == "£1.00"
    # When Ben's £3,538 debt is picked
    _open_account(tab, "Ben Browser")
    # Then the designer shows Ben's own starting plan: 12 a month of £295, not £1
    assert metric(tab, "Instalment") == "£295.00"
    assert metric(tab, "Number of instalments") == "12"
    shot(tab, "plans_switched_account")
    assert_no_error(tab)


@pytest.mark.parametrize("typed", ["0", "0.01"])
def test_a_zero_or_penny_balance_shows_a_sentence_and_keeps_the_frequency(tab, typed):
    sign_in(tab, "agent")
    go(tab, "Payment plans")
    tab.get_by_text("Quick model", exact=True).click()
    wait_idle(tab)
    _choose(tab, "How often", "Every two weeks")
    # When the balance typed is £0 or 1p
    box = tab.get_by_label("Balance to model (£)")
    box.fill(typed)
    box.press("Enter")
    wait_idle(tab)
    # Then a plain sentence, and no traceback
    tab.get_by_text("nothing to plan" if typed == "0" else "too small").first.wait_for()
    assert tab.locator('[data-testid="stException"]').count() == 0
    shot(tab, f"plans_quick_balance_{typed.replace('.', '_')}")
    # And back on a real balance, "How often" is as it was
    box.fill("1200")
    box.press("Enter")
    wait_idle(tab)
    assert tab.get_by_label("How often").input_value() == "Every two weeks"
    assert_no_error(tab)


def test_a_first_payment_date_in_2020_is_not_taken(tab, plans_app):
    url = plans_app[1]
    before = set(_statuses(url))
    sign_in(tab, "agent")
    go(tab, "Payment plans")
    _open_account(tab, "Ann Browser")
    # When the agent types 2020 as the year of the first payment date
    year = tab.get_by_role("spinbutton", name="year, First payment date")
    shown = year.get_attribute("aria-valuenow")
    year.click()
    tab.keyboard.type("2020")
    tab.keyboard.press("Tab")
    wait_idle(tab)
    shot(tab, "plans_start_2020")
    # Then the box is marked invalid, a sentence says which dates it takes, and the plan on
    # screen still starts after today (the server never took 2020)
    assert shown != "2020"
    assert tab.get_by_text("Today or later, up to").count() == 1
    assert tab.locator('[data-testid="stDateInput"] [aria-invalid="true"], '
                       '[data-testid="stDateInput"] [data-invalid]').count() >= 1
    assert "2020" not in metric(tab, "End date")
    # And a draft saved now starts today or later
    tab.get_by_role("button", name="Save as draft").click()
    tab.get_by_text("Saved as a draft.").wait_for()
    engine = db.make_engine(url)
    with db.read_session(engine) as s:
        new = [p for p in s.exec(select(PaymentPlan)).all() if p.id not in before]
    engine.dispose()
    assert [p.start_on.year for p in new] != [2020] and len(new) == 1
    assert new[0].start_on >= date.today()
    assert_no_error(tab)


def test_date_pickers_start_the_week_on_monday_in_a_us_english_browser(browser, plans_app):  # noqa: F811
    # Given a browser whose language is US English (whose own weeks start on Sunday)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(plans_app[0])
        sign_in(page, "agent")
        go(page, "Payment plans")
        page.get_by_text("Quick model", exact=True).click()
        wait_idle(page)
        # When the agent opens the first payment date's calendar
        page.locator('[data-testid="stDateInputField"]').first.click()
        calendar = page.locator('[data-testid="stDateInputCalendar"]')
        calendar.wait_for()
        shot(page, "plans_calendar_monday_first")
        # Then its weeks start on Monday and end on Sunday
        days = calendar.locator("th").all_inner_texts()[:7]
        assert days == ["M", "T", "W", "T", "F", "S", "S"]
        assert_no_error(page)
    finally:
        context.close()
