"""In a real browser: an agent shares a resource in a check-in and sees it on the profile."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest

from tests.browser.live import demo_app, new_tab
from tests.browser.test_browser import (  # noqa: F401  (the browser fixture is used by name)
    assert_no_error,
    browser,
    go,
    pick,
    shot,
    sign_in,
    wait_idle,
)
from tests.factories import make_account, make_debtor

pytestmark = pytest.mark.browser
NAME = "Wren Shelfield"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo team's app, plus a debtor of the agent's with one account."""
    def add(s, agent):
        debtor = make_debtor(s, agent, name=NAME, preferred_name="Wren",
                             contact_window_start=time(0, 0), contact_window_end=time(23, 59))
        make_account(s, debtor, 30_000, reference="WS-0001")

    with demo_app(tmp_path_factory.mktemp("live_resources"), debtors=40, add=add) as (base, _):
        yield base


@pytest.fixture
def page(browser, live_app):  # noqa: F811
    with new_tab(browser, live_app) as tab:
        yield tab


def _pick(page, label: str, option: str) -> None:
    pick(page, label, text=option)


def test_an_agent_shares_a_resource_in_a_check_in_and_sees_it_on_the_profile(page):
    # Given the agent on Wren's profile
    sign_in(page, "agent")
    go(page, "Debtors")
    page.get_by_label("Find a debtor").fill("WS-0001")
    page.keyboard.press("Enter")
    wait_idle(page)
    _pick(page, "Open a debtor", NAME)
    # When they log a check-in (Wren called us) and share Samaritans in it
    page.get_by_role("button", name="Log a check-in").click()
    page.get_by_role("heading", name="Check-ins", exact=True).first.wait_for()
    wait_idle(page)
    page.get_by_text("Share a resource (free help to tell them about)").click()
    _pick(page, "Topic", "Mental health")
    _pick(page, "Resource", "Samaritans")
    page.get_by_role("button", name="Share", exact=True).first.click()
    wait_idle(page)
    page.get_by_text("Samaritans will listen, day or night").first.wait_for()
    page.get_by_text("They contacted us").click()
    wait_idle(page)
    page.get_by_role("button", name="Save check-in").click()
    wait_idle(page)
    page.get_by_text("Check-in saved.").wait_for()
    assert_no_error(page)
    # Then her profile shows what was shared, not yet asked whether it helped
    page.get_by_role("button", name="Open profile").click()
    page.get_by_role("heading", name=NAME).first.wait_for()
    wait_idle(page)
    page.get_by_role("tab", name="Our relationship").click()
    line = page.get_by_text("not asked yet whether it helped")
    line.wait_for()
    assert "Samaritans" in line.inner_text()
    assert_no_error(page)
    shot(page, "agent_profile_shared_resource")


def _sideways(page) -> list[tuple[int, int]]:
    """(scrollWidth, clientWidth) of every visible table's scroller, and of the page."""
    grids = page.evaluate("() => [...document.querySelectorAll('.dvn-scroller')]"
                          ".filter(e => e.offsetParent).map(e => [e.scrollWidth, e.clientWidth])")
    return [*map(tuple, grids), tuple(page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"))]


def test_the_shelf_fits_a_1366_screen_and_a_row_opens_its_details(browser, live_app):  # noqa: F811
    # Given an admin on a 1366 × 768 screen
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(live_app)
        sign_in(page, "admin")
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Free help").click()
        page.get_by_role("heading", name="Free help and translations").first.wait_for()
        wait_idle(page)
        page.locator('[data-testid="stDataFrame"]').first.wait_for()
        page.wait_for_timeout(500)
        # Then the shelf's table, and the page, need no sideways scroll
        shelf = _sideways(page)
        assert len(shelf) == 2 and all(scroll <= client for scroll, client in shelf), shelf
        shot(page, "admin_shelf_1366")
        # When they click a row, then that resource opens below with its web address
        box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 36 + 35 * 1.5)  # the second row's tick
        wait_idle(page)
        assert page.get_by_label("Web address (https://…)").input_value().startswith("https://")
        # And the translations' table fits too
        page.get_by_role("tab", name="Messages in their language").click()
        wait_idle(page)
        page.wait_for_timeout(500)
        translations = _sideways(page)
        assert len(translations) == 2 and all(s <= c for s, c in translations), translations
        assert_no_error(page)
    finally:
        context.close()
