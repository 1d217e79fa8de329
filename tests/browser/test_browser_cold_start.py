"""A fresh server and five people opening pages at the same moment: nobody sees an error.

Each session's script runs in its own thread; a module imported for the first time by two
threads at once can be seen half-built ("partially initialized module 'pandas'"). The server
imports the heavy libraries and the app's own modules once, at start (ui/server.py), so the
first visitors only run code that is already loaded.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.store import db
from tests.browser.live import serve
from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import need

pytestmark = pytest.mark.browser

# Who opens which page first: the heaviest pages (charts, tables, the plan designer).
VISITS = [("lead", "followups", "Follow-ups"), ("agent", "plans", "Payment plans"),
          ("lead", "standup", "Stand-up"), ("admin", "insight", "Insight"),
          ("priya", "debtors", "Debtors")]
_IDLE = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
         " && !document.querySelector('[data-stale=\"true\"]')")


def _demo_database(folder: Path) -> str:
    from core.demo.loader import load_demo

    url = f"sqlite:///{folder / 'recovery.db'}"
    engine = db.make_engine(url)
    load_demo(engine, debtors=120)
    engine.dispose()
    return url


async def _visit(browser, base: str, username: str, path: str, title: str,
                 ready: asyncio.Barrier) -> tuple[str, int, list[str]]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        page.set_default_timeout(90_000)
        await page.goto(f"{base}/{path}")
        await page.get_by_role("button", name="Sign in").wait_for()
        await page.get_by_label("Username", exact=True).fill(username)
        await page.get_by_label("Password", exact=True).fill("demo")
        await ready.wait()  # all five press "Sign in" together
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("heading", name=title, exact=True).first.wait_for()
        await page.wait_for_timeout(500)
        await page.wait_for_function(_IDLE)
        errors = await page.locator('[data-testid="stException"]').count()
        body = await page.locator("body").inner_text()
        said = [line for line in body.splitlines()
                if "partially initialized" in line or "Traceback" in line]
        return path, errors, said
    finally:
        await context.close()


async def _five_at_once(base: str) -> list[tuple[str, int, list[str]]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ready = asyncio.Barrier(len(VISITS))
            return await asyncio.gather(*(_visit(browser, base, who, path, title, ready)
                                          for who, path, title in VISITS))
        finally:
            await browser.close()


def test_five_first_visits_on_a_fresh_server_see_no_error(tmp_path):
    need(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    # Given a server that has just started and served nobody yet
    with serve(_demo_database(tmp_path), tmp_path / "server.log", limit=120) as base:
        # When five people sign in at the same moment, each going straight to a heavy page
        results = asyncio.run(_five_at_once(base))
    # Then every page is drawn, none with an error box or a half-imported module
    assert sorted(path for path, _, _ in results) == sorted(path for _, path, _ in VISITS)
    assert [(path, errors, said) for path, errors, said in results if errors or said] == []
    log = (tmp_path / "server.log").read_text()
    assert "partially initialized" not in log
    assert "Traceback" not in log
