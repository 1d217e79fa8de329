"""In a real browser: a form never carries what was typed past a save or to another debtor.

The browser keeps each widget's last value and sends it back on the next rerun, so a form
"cleared" on the server alone shows (and saves) the old text again. AppTest does not model
that; these steps do.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures are used by name)
    assert_no_error,
    browser,
    go,
    live_app,
    page,
    pick,
    shot,
    sign_in,
    wait_idle,
)

pytestmark = pytest.mark.browser

NEXT_STEP = "What did we agree? (the next step)"


def _value(tab, label: str) -> str:
    return tab.get_by_label(label, exact=True).input_value()


def _save_checkin(tab, next_step: str) -> None:
    # They called us: the contact rules (their hours, how often) never stop logging that
    tab.get_by_text("They contacted us", exact=True).click()
    wait_idle(tab)
    tab.get_by_label(NEXT_STEP, exact=True).fill(next_step)
    tab.get_by_label("Notes", exact=True).fill(f"Notes for {next_step}")
    tab.get_by_role("button", name="Save check-in").click()
    tab.get_by_text("Check-in saved.").wait_for()
    wait_idle(tab)


def test_the_checkin_form_is_empty_after_a_save_and_for_the_next_debtor(page):  # noqa: F811
    # Given an agent who saved a check-in for their first debtor
    sign_in(page, "agent")
    go(page, "Check-ins")
    pick(page, "Debtor", 0)
    _save_checkin(page, "Step 1")
    # Then the form is empty again: a second save would not repeat the first
    assert _value(page, NEXT_STEP) == ""
    assert _value(page, "Notes") == ""
    # When they start typing, then switch to another debtor without saving
    page.get_by_label(NEXT_STEP, exact=True).fill("Meant for the first debtor")
    page.get_by_label(NEXT_STEP, exact=True).press("Tab")
    pick(page, "Debtor", 1)
    # Then nothing typed about the first person shows for the second
    assert _value(page, NEXT_STEP) == ""
    assert _value(page, "Notes") == ""
    # And a save for the second, twice in a row, saves what was typed each time
    _save_checkin(page, "Step 2")
    assert _value(page, NEXT_STEP) == ""
    _save_checkin(page, "Step 3")
    assert _value(page, NEXT_STEP) == ""
    page.get_by_role("button", name="Open profile").click()
    page.get_by_role("tab", name="Timeline").wait_for()
    wait_idle(page)
    timeline = page.get_by_role("tabpanel").first
    for step in ("Step 2", "Step 3"):
        timeline.get_by_text(step).first.wait_for(state="attached")
    assert timeline.get_by_text("Meant for the first debtor").count() == 0
    assert timeline.get_by_text("Step 1").count() == 0
    assert_no_error(page)
    shot(page, "forms_checkin_switch")


def test_hold_and_adjustment_forms_start_empty_for_each_debtor_and_after_a_save(page):  # noqa: F811
    # Given an agent on a debtor's profile, typing in the hold and the adjustment forms
    sign_in(page, "agent")
    go(page, "Debtors")
    pick(page, "Open a debtor", 0)
    page.get_by_role("tab", name="Holds").click()
    page.get_by_label("Reason", exact=True).fill("Typed about the first debtor")
    page.get_by_label("Reason", exact=True).press("Tab")
    page.get_by_role("tab", name="What we agreed").click()
    why = "Why (in their words if you can)"
    page.get_by_label(why, exact=True).fill("Also about the first debtor")
    page.get_by_label(why, exact=True).press("Tab")
    wait_idle(page)
    # When they open another debtor
    pick(page, "Open a debtor", 1)
    # Then both forms are empty
    page.get_by_role("tab", name="Holds").click()
    assert _value(page, "Reason") == ""
    page.get_by_role("tab", name="What we agreed").click()
    assert _value(page, why) == ""
    # And after saving an adjustment the form is empty again
    page.get_by_label(why, exact=True).fill("Mornings are hard")
    page.get_by_role("spinbutton", name="day, Review by").click()
    page.keyboard.type((date.today() + timedelta(days=30)).strftime("%d%m%Y"))
    page.get_by_text("They agreed that we record this", exact=False).click()
    page.get_by_role("button", name="Save the adjustment").click()
    page.get_by_text("The adjustment was saved").wait_for()
    wait_idle(page)
    page.get_by_role("tab", name="What we agreed").click()
    assert _value(page, why) == ""
    assert not page.get_by_role("checkbox", name="They agreed that we record this",
                                exact=False).is_checked()
    # And after placing a hold its reason box is empty again
    page.get_by_role("tab", name="Holds").click()
    page.get_by_label("Reason", exact=True).fill("They dispute the amount")
    page.get_by_role("button", name="Place the hold").click()
    page.get_by_text("placed;", exact=False).wait_for()
    wait_idle(page)
    page.get_by_role("tab", name="Holds").click()
    assert _value(page, "Reason") == ""
    assert_no_error(page)
    shot(page, "forms_hold_adjustment")
