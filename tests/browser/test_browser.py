"""The main flows in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.store.config import ROOT
from tests.browser.live import demo_app, new_tab
from tests.conftest import need

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port, on a temporary database with the demo team."""
    with demo_app(tmp_path_factory.mktemp("live"), debtors=120) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless."""
    need(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_app):
    """A fresh browser tab (own cookies and session) at the app."""
    with new_tab(browser, live_app) as tab:
        yield tab


def sign_in(page, username: str, password: str = "demo") -> None:
    """Fill the sign-in form and wait for the navigation to appear."""
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()


def wait_idle(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')", timeout=30_000)


def go(page, title: str) -> None:
    """Open a page from the sidebar links and wait until its title is shown."""
    page.locator('[data-testid="stSidebar"]').get_by_role(
        "link", name=re.compile(re.escape(title))).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for()
    wait_idle(page)


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_error(page) -> None:
    """No exception box and no error alert on the page."""
    assert page.locator('[data-testid="stException"]').count() == 0
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.all_inner_texts()


PAGES = ["My day", "Debtors", "Check-ins", "Payment plans", "Follow-ups", "Stand-up"]


def test_agent_signs_in_and_opens_every_page(page):
    # Given the sign-in page (and no list of page files before it)
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    shot(page, "sign_in")
    # When the agent signs in and opens every page
    sign_in(page, "agent")
    for title in PAGES:
        go(page, title)
        # Then each renders without an error
        assert_no_error(page)
        shot(page, "agent_" + title.lower().replace(" ", "_").replace("-", "_"))
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Admin").count() == 0


def test_wrong_password_shows_one_plain_message(page):
    page.get_by_label("Username", exact=True).fill("agent")
    page.get_by_label("Password", exact=True).fill("not-it")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("don't match").wait_for()
    assert page.get_by_text("Signed in as").count() == 0


def test_admin_sees_the_admin_page(page):
    sign_in(page, "admin")
    go(page, "Admin")
    assert_no_error(page)
    page.get_by_text("Add a user").wait_for()
    shot(page, "admin_admin")


def open_options(page, box):
    """Open a select box's list of options (a click can land mid re-render: try again)."""
    options = page.locator('[role="option"]')
    for _ in range(5):
        box.click()
        try:
            options.first.wait_for(timeout=2_000)
            return options
        except PlaywrightTimeout:
            box.press("ArrowDown")
            try:
                options.first.wait_for(timeout=1_000)
                return options
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
    raise AssertionError("the select box's options never opened")


def pick(page, label: str, option_index: int = 0, *, text: str | None = None) -> str:
    """Choose an option of a Streamlit select box by its label (the `option_index`-th, or the
    first showing `text`); returns the option's text. A list that re-renders under the pointer
    (a rerun finishing) is opened again."""
    box = page.get_by_label(label, exact=True).first
    for _ in range(5):
        options = open_options(page, box)
        chosen = options.nth(option_index) if text is None else \
            options.filter(has_text=text).first
        try:
            wanted = chosen.inner_text(timeout=3_000).strip()
            options.filter(has_text=wanted).first.click(timeout=3_000)
        except PlaywrightTimeout:  # the list re-rendered under the pointer: open it again
            page.keyboard.press("Escape")
            continue
        wait_idle(page)
        if box.input_value().strip() == wanted:
            return wanted
    raise AssertionError(f"could not choose an option of {label!r}")


HOSTILE = ('Agreed to call back <script>window.__pwned = 1</script>'
           '<img src=x onerror="window.__pwned = 1"> [click](http://evil.example)')


def test_agent_logs_a_checkin_and_sees_it_on_the_timeline(page):
    # Given an agent on a debtor's profile
    sign_in(page, "agent")
    go(page, "Debtors")
    pick(page, "Open a debtor")
    page.get_by_role("button", name="Log a check-in").click()
    wait_idle(page)
    # When they log an inbound conversation with a note containing markup and a script
    page.get_by_text("They contacted us", exact=True).click()
    wait_idle(page)
    page.get_by_text("3 · getting by", exact=True).click()
    page.get_by_label("What did we agree? (the next step)").fill("Call on Friday")
    page.get_by_label("Notes", exact=True).fill(HOSTILE)
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_text("Check-in saved.").wait_for()
    shot(page, "checkin_saved")
    page.get_by_role("button", name="Open profile").click()
    page.get_by_role("tab", name="Timeline").wait_for()
    wait_idle(page)
    # Then the timeline shows it as plain text, and the script never ran
    assert page.get_by_role("heading", name="Debtors").count() == 1
    timeline = page.get_by_role("tabpanel").first
    timeline.get_by_text("Call on Friday").first.wait_for(state="attached")
    assert page.get_by_text("<script>", exact=False).count() >= 1
    assert page.evaluate("window.__pwned") is None
    assert_no_error(page)
    shot(page, "checkin_on_timeline")


def metric(page, label: str) -> str:
    """The value shown by the st.metric with this label."""
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def test_moving_a_plan_slider_changes_the_schedule(page):
    # Given the plan designer in quick-model mode
    sign_in(page, "agent")
    go(page, "Payment plans")
    page.get_by_text("Quick model", exact=True).click()
    wait_idle(page)
    page.get_by_text("Set the number of instalments", exact=True).click()
    wait_idle(page)
    before_count = metric(page, "Number of instalments")
    before_instalment = metric(page, "Instalment")
    # When the agent moves the count slider up
    slider = page.get_by_role("slider", name="Number of instalments")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    wait_idle(page)
    # Then the count, the instalment and the schedule change with it
    assert metric(page, "Number of instalments") != before_count
    assert metric(page, "Instalment") != before_instalment
    shot(page, "plan_slider_moved")
    assert_no_error(page)


def select_box_text(page, key: str) -> str:
    """The option a Streamlit select box (by widget key) currently shows."""
    return page.locator(f".st-key-{key} input").first.input_value().strip()


def test_lead_reassigns_a_followup_and_it_moves_to_the_other_agent(page):
    # Given a lead on the Follow-ups page with a follow-up chosen
    sign_in(page, "lead")
    go(page, "Follow-ups")
    chosen = select_box_text(page, "followups_selected")
    assert chosen
    # When they reassign it to another agent
    new_owner = pick(page, "Reassign to")
    page.get_by_role("button", name="Reassign", exact=True).click()
    outcome = page.locator('[data-testid="stAlertContentSuccess"], '
                           '[data-testid="stAlertContentError"]').first
    outcome.wait_for()
    assert outcome.inner_text() == f"Reassigned 1 follow-up to {new_owner}."
    wait_idle(page)
    shot(page, "followup_reassigned")
    # Then filtering the list by that agent shows it
    agent_filter = page.get_by_label("Agent", exact=True)
    agent_filter.click()
    agent_filter.fill(new_owner)
    page.keyboard.press("Enter")
    wait_idle(page)
    labels = open_options(page, page.locator(".st-key-followups_selected input").first
                          ).all_inner_texts()
    page.keyboard.press("Escape")
    followup_number = chosen.split()[0]  # "#99"
    assert f"({new_owner})" not in chosen
    assert any(label.startswith(followup_number + " ") and label.endswith(f"({new_owner})")
               for label in labels)
    assert_no_error(page)
