"""Admin page: settings, users and passwords through the page (AppTest on a real database)."""

from core.store import settings
from core.team import passwords
from tests.conftest import open_app
from tests.factories import make_user


def test_an_admin_changes_a_setting_on_the_page(app_url, app_session):
    admin = make_user(app_session, "admin")
    app_session.commit()
    at = open_app("pages/admin.py", user=admin)
    at.text_input(key="admin_setting_grace_days").input("5")
    at.button(key=next(b.key for b in at.button if "admin_settings" in (b.key or "")
                       or b.label == "Save settings")).click().run()
    assert not at.exception
    app_session.expire_all()
    assert settings.get(app_session, "grace_days") == "5"


def test_a_common_password_is_refused_with_a_sentence_on_the_page(app_url, app_session):
    admin = make_user(app_session, "admin")
    app_session.commit()
    at = open_app("pages/admin.py", user=admin)
    at.text_input(key="admin_add_username").input("newbie")
    at.text_input(key="admin_add_name").input("New Bie")
    at.text_input(key="admin_add_password").input("Password1234")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception
    assert passwords.TOO_COMMON in [e.value for e in at.error]
