"""Router: page config, sign-in, and the navigation each role may see."""

import streamlit as st

import ui
from core.store.models import Role

st.set_page_config(page_title="Recovery team dashboard", page_icon=":material/handshake:",
                   layout="wide")

ui.engine()
user = ui.current_user()

if user is None:
    page = st.navigation([st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:")],
                         position="hidden")
else:
    work = [
        st.Page(ui.PAGES["home"], title="My day", icon=":material/home:", default=True),
        st.Page(ui.PAGES["debtors"], title="Debtors", icon=":material/groups:"),
        st.Page(ui.PAGES["checkins"], title="Check-ins", icon=":material/forum:"),
        st.Page(ui.PAGES["plans"], title="Payment plans", icon=":material/calendar_month:"),
        st.Page(ui.PAGES["followups"], title="Follow-ups", icon=":material/checklist:"),
        st.Page(ui.PAGES["standup"], title="Stand-up", icon=":material/monitoring:"),
    ]
    sections = {"Work": work}
    if user.role in (Role.LEAD, Role.ADMIN):
        sections["Oversight"] = [
            st.Page(ui.PAGES["import"], title="Import data", icon=":material/upload_file:"),
            st.Page(ui.PAGES["audit"], title="Audit trail", icon=":material/receipt_long:"),
        ]
    if user.role == Role.ADMIN:
        sections.setdefault("Oversight", []).append(
            st.Page(ui.PAGES["admin"], title="Admin", icon=":material/settings:"))
    # Our own sidebar links: the built-in menu would first flash every file in pages/.
    page = st.navigation(sections, position="hidden")
    with st.sidebar:
        for section, entries in sections.items():
            st.caption(section)
            for entry in entries:
                st.page_link(entry)
        st.divider()
        st.caption(f"Signed in as **{ui.md(user.display_name)}** ({user.role})")
        if st.button("Sign out", key="app_sign_out"):
            ui.sign_out()
            st.rerun()

page.run()
