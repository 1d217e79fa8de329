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


def test_roles_show_as_words_and_the_chosen_users_own_values(app_url, app_session):
    # Given an admin, a team lead and an agent
    admin = make_user(app_session, "admin")
    lead = make_user(app_session, "lead", username="grace")
    agent = make_user(app_session, "agent", username="tom")
    app_session.commit()
    at = open_app("pages/admin.py", user=admin)
    # Then the users table names roles in words and "Active" as Yes/No
    table = at.dataframe[0].value
    assert set(table["Role"]) == {"Admin", "Team lead", "Agent"}
    assert set(table["Active"]) == {"Yes"}
    # When the lead is picked and then the agent, the form shows the agent's own role
    chooser = at.selectbox(key="admin_user")
    chooser.set_value(next(o for o in chooser.options if "(grace)" in o)).run()
    assert at.selectbox(key=f"admin_edit_role_{lead.id}").value == "lead"
    chooser = at.selectbox(key="admin_user")
    chooser.set_value(next(o for o in chooser.options if "(tom)" in o)).run()
    role = at.selectbox(key=f"admin_edit_role_{agent.id}")
    assert role.value == "agent" and "Team lead" in role.options
    assert not at.exception
