"""Two app instances on one PostgreSQL (issue 14, items 4 and 6): a save made in one is shown
by the other at its next rerun, although that one had the page's reads cached."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from core.store import db
from tests.browser.live import serve
from tests.browser.test_browser import (  # noqa: F401 - fixtures used by name
    assert_no_error,
    browser,
    go,
    pick,
    shot,
    sign_in,
    wait_idle,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def two_instances(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The demo team on a fresh PostgreSQL database and two app processes on it."""
    from core.demo.loader import load_demo

    engine = db.make_engine(postgres_url)
    load_demo(engine, debtors=40)
    engine.dispose()
    with ExitStack() as stack:
        first = stack.enter_context(serve(postgres_url, tmp_path / "first.log"))
        second = stack.enter_context(serve(postgres_url, tmp_path / "second.log"))
        yield first, second


def _tab(browser, base: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(base)
    return tab


def _timeline_has(page, text: str) -> bool:
    page.get_by_role("tab", name="Timeline").wait_for()
    wait_idle(page)
    return page.get_by_role("tabpanel").first.get_by_text(text).count() > 0


def test_a_save_in_one_instance_shows_in_the_other_at_its_next_rerun(
        browser, two_instances):  # noqa: F811
    first_url, second_url = two_instances
    note = "Agreed on two instances"
    # Given an agent in the second instance looking at a debtor's timeline (now cached there)
    watcher = _tab(browser, second_url)
    sign_in(watcher, "agent")
    go(watcher, "Debtors")
    name = pick(watcher, "Open a debtor")
    assert not _timeline_has(watcher, note)
    # And the same agent in the first instance on the same debtor
    saver = _tab(browser, first_url)
    sign_in(saver, "agent")
    go(saver, "Debtors")
    assert pick(saver, "Open a debtor") == name
    # When they log a check-in there
    saver.get_by_role("button", name="Log a check-in").click()
    wait_idle(saver)
    saver.get_by_text("They contacted us", exact=True).click()
    wait_idle(saver)
    saver.get_by_text("3 · getting by", exact=True).click()
    saver.get_by_label("What did we agree? (the next step)").fill(note)
    saver.get_by_role("button", name="Save check-in").click()
    saver.get_by_text("Check-in saved.").wait_for()
    # Then the second instance shows it at its next rerun (back to the debtor from My day),
    # where its cached reads used to live on for a minute
    go(watcher, "My day")
    go(watcher, "Debtors")
    assert _timeline_has(watcher, note)
    assert_no_error(watcher)
    shot(watcher, "second_instance_sees_the_save")
    watcher.context.close()
    saver.context.close()
