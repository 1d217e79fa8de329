"""My day, Follow-ups, Stand-up and Insight in Chromium at 1920×1080 and 1366×768: no error,
and no sideways scroll (the stand-up is read from a shared 1920×1080 screen)."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    assert_no_error,
    browser,
    go,
    live_app,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser

SIZES = {"1920": (1920, 1080), "1366": (1366, 768)}
PAGES = {"lead": ["My day", "Follow-ups", "Stand-up", "Insight"], "agent": ["My day"]}


def _sideways(tab) -> int:
    """How many pixels the page is wider than the window (0: no sideways scroll)."""
    return tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("who", PAGES)
def test_pages_fit_the_screen(browser, live_app, who, size):  # noqa: F811
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        tab.goto(live_app)
        sign_in(tab, who)
        for title in PAGES[who]:
            go(tab, title)
            tab.wait_for_timeout(800)  # charts draw after the script finishes
            assert_no_error(tab)
            assert _sideways(tab) <= 0, f"{title} scrolls sideways at {width}px"
            # The whole page at this width, for a person to look at (Streamlit scrolls inside
            # its own container, so a tall window shows everything).
            tab.set_viewport_size({"width": width, "height": 4200})
            tab.wait_for_timeout(600)
            shot(tab, f"followups-{who}-{title.lower().replace(' ', '-')}-{size}")
            tab.set_viewport_size({"width": width, "height": height})
    finally:
        context.close()
