"""Hostile names and notes in a real browser: nothing they hold becomes a link, image or heading.

A debtor (from a creditor's file, say) is named with a markdown image and a fake "reset your
password" link, their notes hold a setext heading and bare URLs, and the agent's display name
is a link. Every URL points at a local beacon server; the pages where a name or a note appears
(the debtor's profile, Check-ins, My day, Follow-ups, Stand-up, the import preview) must show
the words as typed and the beacon must never be asked for anything.
"""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from core.store import settings
from tests.browser.live import demo_app
from tests.browser.test_browser import (  # noqa: F401  (the browser fixture is used by name)
    assert_no_error,
    browser,
    go,
    shot,
    sign_in,
    wait_idle,
)
from tests.factories import make_account, make_checkin, make_debtor, make_followup

pytestmark = pytest.mark.browser
REFERENCE = "HOSTILE-1"


class Beacon:
    """A local HTTP server that records every request made to it."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def beacon() -> Iterator[Beacon]:
    server = Beacon()
    yield server
    server.server.shutdown()


def hostile(b: Beacon) -> dict[str, str]:
    """The strings, each pointing at the beacon."""
    return {
        "name": f"![Beacon]({b.url}/name.png) Mallory",
        "preferred": f"[Reset your password]({b.url}/reset)",
        "notes": f"Heading from a note\n=====\nsee {b.url}/bare and www.example.com",
        "checkin": f"Setext attack\n=====\n<{b.url}/auto> <img src='{b.url}/html.png'>",
        "agent": f"[Agent Smith]({b.url}/agent)",
    }


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, beacon: Beacon) -> Iterator[str]:
    """The demo team's app, plus a hostile debtor of the agent's with a check-in and a call due."""
    words = hostile(beacon)

    def add(s, agent):
        agent.display_name = words["agent"]
        debtor = make_debtor(s, agent, name=words["name"], preferred_name=words["preferred"],
                             communication_notes=words["notes"], circumstances=words["notes"],
                             contact_window_start=time(0, 0), contact_window_end=time(23, 59))
        account = make_account(s, debtor, 40_000, reference=REFERENCE)
        today = settings.office_today(s)
        make_checkin(s, debtor, agent, account=account, notes=words["checkin"],
                     needs=words["notes"], at=datetime.now(UTC) - timedelta(days=2))
        make_followup(s, debtor, agent, today - timedelta(days=1), account_id=account.id,
                      note=words["notes"])

    with demo_app(tmp_path_factory.mktemp("live_hostile"), debtors=40, add=add) as (base, _):
        yield base


@pytest.fixture
def page(browser, live_app):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    # Every request that leaves this machine (a favicon, a font, an icon from a CDN).
    tab.outside = []
    tab.on("request", lambda request: tab.outside.append(request.url)
           if urlsplit(request.url).hostname not in {"127.0.0.1", "localhost", None} else None)
    tab.goto(live_app)
    yield tab
    context.close()


def assert_inert(page, beacon: Beacon, where: str) -> None:
    """No element of the page points at the beacon, no heading came from data, no request."""
    wait_idle(page)
    page.wait_for_timeout(500)  # let any image the page asked for arrive
    port = str(beacon.port)
    # (A heading's own "#…" anchor link carries its text; it is Streamlit's, not the data's.)
    links = page.locator(f'a[href*="{port}"]:not([href^="#"]), [src*="{port}"]')
    found = [el.evaluate("e => (e.closest('[data-testid]') || e).getAttribute('data-testid')"
                         " + ': ' + e.outerHTML.slice(0, 160)") for el in links.all()]
    assert not found, f"{where}: elements point at the beacon: {found}"
    for level in range(1, 7):
        for heading in page.locator(f"h{level}").all_inner_texts():
            assert "note" not in heading.lower() and "attack" not in heading.lower(), (
                f"{where}: a note became a heading: {heading!r}")
    assert beacon.hits == [], f"{where}: the beacon was asked for {beacon.hits}"
    assert page.outside == [], f"{where}: the browser fetched from outside: {page.outside}"
    assert_no_error(page)


def open_hostile_debtor(page, label: str) -> None:
    page.get_by_label("Find a debtor").fill(REFERENCE)
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_label(label, exact=True).click()
    page.locator('[role="option"]').filter(has_text="Mallory").first.click()
    wait_idle(page)


def test_the_favicon_is_the_apps_own(page, live_app):
    # Given the sign-in page, then the tab's icon comes from the app, not the internet
    page.get_by_label("Username", exact=True).wait_for()
    page.wait_for_timeout(500)
    icons = page.locator('link[rel~="icon"]').evaluate_all("links => links.map(l => l.href)")
    assert icons and all(href.startswith((live_app, "data:")) for href in icons), icons
    assert page.outside == []
    with urllib.request.urlopen(f"{live_app}/app/static/favicon.png", timeout=5) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"] == "image/png"


def test_hostile_names_and_notes_show_as_text_on_the_agents_pages(page, beacon):
    # Given the agent (whose display name is a link) and their hostile debtor
    sign_in(page, "agent")
    # When they look at My day, the debtor's profile, Check-ins and Follow-ups
    assert_inert(page, beacon, "My day")
    page.get_by_text("Mallory").first.wait_for()
    go(page, "Debtors")
    open_hostile_debtor(page, "Open a debtor")
    # Then the name reads as typed, markup and all, in the profile header
    page.get_by_role("heading", name="Mallory").first.wait_for()
    assert page.get_by_text("![Beacon]", exact=False).count() >= 1
    assert_inert(page, beacon, "Debtors profile")
    for tab in page.get_by_role("tab").all():
        tab.click()
        assert_inert(page, beacon, f"Debtors profile, tab {tab.inner_text()}")
    shot(page, "hostile_debtor_profile")
    go(page, "Check-ins")
    open_hostile_debtor(page, "Debtor")
    page.get_by_text("Reset your password").first.wait_for()
    assert_inert(page, beacon, "Check-ins")
    go(page, "Follow-ups")  # (its list is a table: a canvas, plain text by nature)
    assert_inert(page, beacon, "Follow-ups")


def test_hostile_names_show_as_text_on_the_stand_up_and_the_import_preview(page, beacon,
                                                                            tmp_path):
    # Given the lead, whose team has the agent named with a link
    sign_in(page, "lead")
    go(page, "Stand-up")
    assert_inert(page, beacon, "Stand-up")
    go(page, "Follow-ups")
    assert_inert(page, beacon, "Follow-ups (lead)")
    # When a creditor's file has a hostile name and a hostile extra column
    words = hostile(beacon)
    csv = tmp_path / "hostile.csv"
    csv.write_text(
        f'reference,creditor,debtor_name,balance,"![h]({beacon.url}/header.png)"\n'
        f'NEW-1,Acme,"{words["preferred"]} {words["name"]}",12.50,x\n', encoding="utf-8")
    go(page, "Import data")
    page.locator('input[type="file"]').set_input_files(str(csv))
    wait_idle(page)
    # Then the preview names the column and the row as text, and nothing is fetched
    page.get_by_text("header.png", exact=False).first.wait_for()
    assert_inert(page, beacon, "Import preview")
    shot(page, "hostile_import_preview")
