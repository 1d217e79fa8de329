"""Every page, for every role, on the demo team: no exception; only the pages the role may see."""

import pytest
from sqlmodel import select

from core.demo.loader import load_demo
from core.store import db
from core.store.models import User
from tests.conftest import open_app

EVERYONE = ["pages/home.py", "pages/debtors.py", "pages/checkins.py", "pages/plans.py",
            "pages/followups.py", "pages/standup.py"]
LEADS = ["pages/import_data.py", "pages/audit.py", "pages/insight.py"]
ADMINS = ["pages/admin.py"]
VISIBLE = {"agent": EVERYONE, "lead": EVERYONE + LEADS, "admin": EVERYONE + LEADS + ADMINS}


@pytest.fixture
def demo_user(app_url):
    """The demo team on the app's database; returns a function giving a user by username."""
    engine = db.make_engine(app_url)
    load_demo(engine, debtors=40)

    def user(username: str) -> User:
        with db.read_session(engine) as s:
            return s.exec(select(User).where(User.username == username)).one()

    yield user
    engine.dispose()


@pytest.mark.parametrize("role", ["agent", "lead", "admin"])
def test_every_page_renders_for_every_role(demo_user, role):
    # Given a signed-in demo user of this role
    user = demo_user(role)
    at = open_app(user=user)
    assert not at.exception
    for page in EVERYONE + LEADS + ADMINS:
        if page in VISIBLE[role]:
            # When they open a page they may see, it renders without an exception or error
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
            assert not at.error, (page, [e.value for e in at.error])
            assert at.title, page
        else:
            # and a page they may not see is not in their navigation at all
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                open_app(user=user).switch_page(page)
            # and, run anyway, the page refuses by itself (its service would refuse too)
            at.switch_page(page).run()
            assert not at.exception
            assert any(e.value.startswith("Only") for e in at.error), page
