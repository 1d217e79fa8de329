"""In a real browser: an agent places a breathing space and the debtor's follow-ups leave My day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta

import pytest

from core.store import settings
from tests.browser.live import demo_app, new_tab
from tests.browser.test_browser import (  # noqa: F401  (the browser fixture is used by name)
    assert_no_error,
    browser,
    go,
    shot,
    sign_in,
    wait_idle,
)
from tests.factories import make_account, make_debtor, make_followup

pytestmark = pytest.mark.browser
NAME = "Beatrice Quill"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, date]]:
    """The demo team's app, plus a debtor of the agent's with a call overdue since yesterday;
    yields the address and the office's today."""
    def add(s, agent):
        debtor = make_debtor(s, agent, name=NAME, preferred_name="Bea",
                             contact_window_start=time(0, 0), contact_window_end=time(23, 59))
        account = make_account(s, debtor, 40_000, reference="BQ-0001")
        today = settings.office_today(s)
        make_followup(s, debtor, agent, today - timedelta(days=1), account_id=account.id,
                      note="Chase the arrears")
        return today

    with demo_app(tmp_path_factory.mktemp("live_contact"), debtors=60, add=add) as found:
        yield found


@pytest.fixture
def page(browser, live_app):  # noqa: F811
    with new_tab(browser, live_app[0]) as tab:
        tab.office_today = live_app[1]
        yield tab


def test_a_breathing_space_takes_the_debtors_follow_ups_off_my_day(page):
    # Given the agent's My day lists Beatrice's overdue call
    sign_in(page, "agent")
    wait_idle(page)
    page.get_by_text(NAME).first.wait_for()
    # When they open her profile and place a 30-day breathing space on her account
    go(page, "Debtors")
    page.get_by_label("Find a debtor").fill("BQ-0001")
    page.keyboard.press("Enter")
    wait_idle(page)
    box = page.get_by_label("Open a debtor", exact=True)
    box.click()
    page.locator('[role="option"]').filter(has_text=NAME).first.click()
    wait_idle(page)
    page.get_by_role("tab", name="Holds").click()
    # (the profile has other "Kind" boxes: the hold form's is keyed)
    box = page.locator(".st-key-debtors_hold_kind").get_by_label("Kind", exact=True)
    box.click()
    page.locator('[role="option"]').filter(has_text="Breathing space").first.click()
    page.get_by_role("spinbutton", name="day, Ends on (if it has an end)").click()
    page.keyboard.type((page.office_today + timedelta(days=30)).strftime("%d%m%Y"))
    page.get_by_label("Reason").fill("Referred to free debt advice <b>today</b>")
    page.get_by_role("button", name="Place the hold").click()
    wait_idle(page)
    page.get_by_text("Breathing space placed").wait_for()
    assert_no_error(page)
    page.get_by_role("tab", name="Holds").click()
    shot(page, "agent_debtor_hold_placed")
    # Then My day no longer lists her
    go(page, "My day")
    assert_no_error(page)
    assert page.get_by_text(NAME).count() == 0
    shot(page, "agent_my_day_after_hold")
