"""Signing in that survives a refresh, shared by tabs, ended everywhere (real Chromium)."""

from __future__ import annotations

import urllib.request

import pytest

from tests.browser.test_browser import browser, live_app, sign_in, wait_idle  # noqa: F401  (fixtures)
from tests.browser.test_browser_plans import plans_app  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def context(browser, live_app):  # noqa: F811
    """One browser profile (shared cookies) whose tabs are opened by the tests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    yield context
    context.close()


def test_a_deep_link_lands_on_its_page_after_signing_in_and_a_refresh_keeps_it(context, live_app):  # noqa: F811
    # Given a signed-out person who types /debtors
    tab = context.new_page()
    tab.goto(f"{live_app}/debtors")
    # When they sign in
    sign_in(tab, "agent")
    # Then they are on Debtors, with an HttpOnly, SameSite=Strict session cookie
    assert tab.url.endswith("/debtors")
    tab.get_by_role("heading", name="Debtors").first.wait_for()
    cookie = next(c for c in context.cookies() if c["name"] == "recovery_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # And a refresh keeps them signed in on the same page
    tab.reload()
    tab.get_by_text("Signed in as").wait_for()
    assert tab.url.endswith("/debtors")


def test_a_second_tab_shares_the_session_and_signing_out_ends_both(context, live_app):  # noqa: F811
    # Given a person signed in in one tab, who opens a second
    first = context.new_page()
    first.goto(live_app)
    sign_in(first, "lead")
    second = context.new_page()
    second.goto(f"{live_app}/followups")
    second.get_by_text("Signed in as").wait_for()  # no second sign-in
    wait_idle(second)
    # When they sign out in the first tab
    first.get_by_role("button", name="Sign out").click()
    first.get_by_role("button", name="Sign in").wait_for()
    # Then the second tab is signed out at its next rerun
    second.locator('[data-testid="stSidebar"]').get_by_role("link", name="My day").click()
    second.get_by_role("button", name="Sign in").wait_for()
    assert not [c for c in context.cookies() if c["name"] == "recovery_session"]


def test_a_forged_cookie_signs_nobody_in(context, live_app):  # noqa: F811
    context.add_cookies([{"name": "recovery_session", "value": "forged-token-" + "x" * 30,
                          "url": live_app}])
    tab = context.new_page()
    tab.goto(f"{live_app}/debtors")
    tab.get_by_role("button", name="Sign in").wait_for()
    assert tab.get_by_text("Signed in as").count() == 0


def test_the_app_refuses_to_be_framed_and_sends_a_content_security_policy(live_app):  # noqa: F811
    with urllib.request.urlopen(live_app) as resp:
        headers = resp.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_the_sign_in_form_does_not_render_inside_a_foreign_frame(context, live_app):  # noqa: F811
    # Given another site's page framing the app
    tab = context.new_page()
    tab.set_content(f'<iframe id="f" src="{live_app}" width="800" height="600"></iframe>')
    tab.wait_for_timeout(3000)
    # Then the frame stays empty: no sign-in form inside it
    frame = tab.frame_locator("#f")
    assert frame.get_by_role("button", name="Sign in").count() == 0


def _choose(tab, label: str, text: str) -> None:
    from tests.browser.test_browser import open_options

    box = tab.get_by_label(label, exact=True)
    for _ in range(5):
        options = open_options(tab, box)
        try:
            options.filter(has_text=text).first.click(timeout=3_000)
        except Exception:  # noqa: BLE001  (the list re-rendered under the pointer)
            tab.keyboard.press("Escape")
            continue
        wait_idle(tab)
        if text in box.input_value():
            return
    raise AssertionError(f"could not choose {text!r} in {label!r}")


def test_admin_users_form_shows_the_user_picked_last(context, live_app):  # noqa: F811
    # Given an admin on Admin → Users
    from tests.browser.test_browser import go

    tab = context.new_page()
    tab.goto(live_app)
    sign_in(tab, "admin")
    go(tab, "Admin")
    # When they pick a lead, then Tom
    _choose(tab, "Choose a user to change", "(lead)")
    assert tab.get_by_label("Role", exact=True).first.input_value() == "Team lead"
    _choose(tab, "Choose a user to change", "(tom)")
    # Then the form shows Tom's values, not the lead's
    assert tab.get_by_label("Role", exact=True).first.input_value() == "Agent"
    assert tab.get_by_label("Active (can sign in)").is_checked()
    assert tab.get_by_label("New password for tom", exact=True).first.is_visible()


def test_a_deactivated_agent_cannot_save_from_the_plan_designer(browser, plans_app):  # noqa: F811
    from sqlmodel import select

    from core.store import db
    from core.store.models import PaymentPlan, User, UserUpdate
    from core.team import service as team
    from tests.browser.test_browser import go
    from tests.browser.test_browser_plans import _open_account

    base, url = plans_app
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    tab = context.new_page()
    try:
        # Given the agent with the plan designer open on Ann's account
        tab.goto(base)
        sign_in(tab, "agent")
        go(tab, "Payment plans")
        _open_account(tab, "Ann Browser")
        engine = db.make_engine(url)
        with db.read_session(engine) as s:
            plans_before = len(s.exec(select(PaymentPlan)).all())
        # When an admin deactivates them, and they press "Save as draft" in the designer
        with db.write_session(engine) as s:
            admin = s.exec(select(User).where(User.username == "admin")).one()
            agent = s.exec(select(User).where(User.username == "agent")).one()
            team.update_user(s, actor=admin, user_id=agent.id,
                             user_update=UserUpdate(active=False))
        tab.get_by_role("button", name="Save as draft").click()
        # Then the fragment refuses with a plain sentence and nothing is saved
        tab.get_by_text("Please sign in again.").first.wait_for()
        with db.read_session(engine) as s:
            assert len(s.exec(select(PaymentPlan)).all()) == plans_before
        engine.dispose()
    finally:
        context.close()
