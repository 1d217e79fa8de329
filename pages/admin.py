"""Admin: users, teams and team-wide settings."""

import streamlit as st

from core.team import queries
from core.team import service as users
from core.team.views import UserCreate, UserUpdate
from core.vocabulary import Role
from ui import auth
from ui.format import md
from ui.session import reading, write

me = auth.require_user()
st.title("Admin")
if me.role != Role.ADMIN:
    st.error("Only an admin can open this page.")
    st.stop()

with reading() as session:
    everyone = users.list_users(session, actor=me)
    teams = users.list_teams(session)
    current = queries.team_settings(session)

team_names = {t.id: t.name for t in teams}
roles = [r.value for r in Role]

tab_users, tab_add, tab_teams, tab_settings = st.tabs(["Users", "Add a user", "Teams", "Settings"])

with tab_users:
    st.dataframe(
        [{"Username": u.username, "Name": u.display_name, "Role": Role(u.role).label,
          "Team": team_names.get(u.team_id, "—"), "Active": "Yes" if u.active else "No"}
         for u in everyone],
        hide_index=True, width="stretch",
    )
    by_label = {f"{u.display_name} ({u.username})": u for u in everyone}
    chosen_label = st.selectbox("Choose a user to change", list(by_label), key="admin_user")
    chosen = by_label[chosen_label]
    # Every widget of the form is keyed by the chosen user, so it shows that user's values.
    with st.form(f"admin_edit_user_{chosen.id}"):
        role = st.selectbox("Role", roles, index=roles.index(chosen.role),
                            format_func=lambda r: Role(r).label,
                            key=f"admin_edit_role_{chosen.id}")
        team_options = [None, *team_names]
        team_id = st.selectbox(
            "Team", team_options, index=team_options.index(chosen.team_id),
            format_func=lambda t: "No team" if t is None else team_names[t],
            key=f"admin_edit_team_{chosen.id}",
        )
        active = st.checkbox("Active (can sign in)", value=chosen.active,
                             key=f"admin_edit_active_{chosen.id}")
        if st.form_submit_button("Save changes"):
            update = UserUpdate(role=role, team_id=team_id, active=active)
            if write(lambda s: users.update_user(s, actor=me, user_id=chosen.id,
                                                 user_update=update),
                     success=f"Saved {chosen.username}."):
                st.rerun()
    with st.form(f"admin_reset_password_{chosen.id}", clear_on_submit=True):
        new_password = st.text_input(
            f"New password for {chosen.username}", type="password",
            key=f"admin_new_password_{chosen.id}",
            help="At least 12 characters and not a common password; a short sentence works well.")
        if st.form_submit_button("Reset password"):
            write(lambda s: users.reset_password(s, actor=me, user_id=chosen.id,
                                                 new_password=new_password),
                  success=f"Password reset for {chosen.username}; their sessions are ended.")

with tab_add, st.form("admin_add_user"):
    username = st.text_input("Username", key="admin_add_username")
    display_name = st.text_input("Full name", key="admin_add_name")
    password = st.text_input("Password", type="password", key="admin_add_password",
                             help="At least 12 characters and not a common password.")
    role = st.selectbox("Role", roles, key="admin_add_role", format_func=lambda r: Role(r).label)
    team_id = st.selectbox("Team", [None, *team_names], key="admin_add_team",
                           format_func=lambda t: "No team" if t is None else team_names[t])
    if st.form_submit_button("Add user"):
        create = UserCreate(username=username, display_name=display_name, password=password,
                            role=role, team_id=team_id)
        if write(lambda s: users.create_user(s, actor=me, user_create=create),
                    success=f"Added {username}."):
            st.rerun()

with tab_teams:
    st.write(", ".join(md(name) for name in team_names.values()) or "No teams yet.")
    with st.form("admin_add_team", clear_on_submit=True):
        name = st.text_input("New team name", key="admin_team_name")
        if st.form_submit_button("Add team") and write(
                lambda s: users.create_team(s, actor=me, name=name), success="Team added."):
            st.rerun()

with tab_settings, st.form("admin_settings"):
    values = {key: st.text_input(label, value=value, key=f"admin_setting_{key}")
              for key, (label, value) in current.items()}
    if st.form_submit_button("Save settings"):
        write(lambda s: users.change_settings(s, actor=me, values=values),
              success="Settings saved.")
