"""In a real browser: an agent records after-care consent on a paid account's profile and sees
the two "how are you doing" check-ins arranged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

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
from tests.factories import make_debtor, make_paid_account

pytestmark = pytest.mark.browser
NAME = "Rowan Clearwater"
REFERENCE = "RW-0001"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, date]]:
    """The demo team's app, plus a debtor of the agent's whose account was paid last week;
    yields the address and the office's today."""
    def add(s, agent):
        today = settings.office_today(s)
        debtor = make_debtor(s, agent, name=NAME, preferred_name="Rowan")
        make_paid_account(s, debtor, 90_000, paid_on=today - timedelta(days=7),
                          reference=REFERENCE, creditor="Northwind Energy")
        return today

    with demo_app(tmp_path_factory.mktemp("live_relationship"), debtors=60, add=add) as found:
        yield found


@pytest.fixture
def page(browser, live_app):  # noqa: F811
    with new_tab(browser, live_app[0], height=1400) as tab:
        tab.office_today = live_app[1]
        yield tab


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def test_an_agent_records_after_care_consent_and_sees_the_check_ins(page):
    # Given the agent opens Rowan's profile, whose account was paid last week
    sign_in(page, "agent")
    go(page, "Debtors")
    page.get_by_label("Find a debtor").fill(REFERENCE)
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_label("Open a debtor", exact=True).click()
    page.locator('[role="option"]').filter(has_text=NAME).first.click()
    wait_idle(page)
    page.get_by_role("tab", name="Our relationship").click()
    page.get_by_text("Paid in full").first.wait_for()
    page.get_by_text("debt-free since").first.wait_for()
    # When they record that Rowan said yes today
    today = page.office_today
    page.get_by_text("Yes, they would like the two check-ins").click()
    page.get_by_role("spinbutton", name="day, On which day did they answer?").click()
    page.keyboard.type(today.strftime("%d%m%Y"))
    page.get_by_role("button", name="Record their answer").click()
    wait_idle(page)
    page.get_by_text("After-care arranged").wait_for()
    assert_no_error(page)
    # Then the profile lists the two check-ins, 30 and 90 days on, and offers a withdrawal
    page.get_by_role("tab", name="Our relationship").click()
    line = page.get_by_text("Check-ins:")
    line.first.wait_for()
    shown = line.first.inner_text()
    assert f"{_day(today + timedelta(days=30))} (open)" in shown
    assert f"{_day(today + timedelta(days=90))} (open)" in shown
    page.get_by_role("button", name="They withdrew their consent").wait_for()
    shot(page, "agent_debtor_after_care_arranged")
