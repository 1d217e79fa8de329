"""Sign in; on a brand-new database, create the first admin or load the demo team."""

import streamlit as st

from core.team import queries
from core.team import service as users
from core.team.views import UserCreate
from ui import auth
from ui.session import engine, log, reading, write

st.title(":material/handshake: Recovery team dashboard")

with reading() as session:
    user_count = users.count_users(session)
    demo_mode = queries.demo_mode(session)

if reason := st.session_state.pop("signed_out_reason", None):
    st.info(reason)

if user_count == 0:
    st.subheader("Welcome — let's set up")
    st.write("There are no users yet. Create the first admin, or load a demo team to explore.")
    left, right = st.columns(2)
    with left, st.form("setup_admin"):
        st.markdown("**Create the first admin**")
        display_name = st.text_input("Your name", key="setup_display_name")
        username = st.text_input("Username", key="setup_username")
        password = st.text_input("Password", type="password", key="setup_password",
                                 help="At least 12 characters; a short sentence works well.")
        if st.form_submit_button("Create admin"):
            created = write(lambda s: users.create_first_admin(s, user_create=UserCreate(
                username=username, display_name=display_name or username, password=password)))
            if created:
                auth.start_session(created)
    with right:
        st.markdown("**Or load the demo team**")
        st.caption("About 400 debtors, six months of history, users admin / lead / agent "
                   "with password demo.")
        if st.button("Load the demo team", key="setup_demo"):
            with st.spinner("Loading the demo team…"):
                try:
                    from core.demo.loader import load_demo

                    load_demo(engine())
                except Exception:
                    log.exception("Demo load failed")
                    st.error("The demo team could not be loaded. Please try again.")
                else:
                    st.rerun()
    st.stop()

with st.form("sign_in"):
    username = st.text_input("Username", key="sign_in_username")
    password = st.text_input("Password", type="password", key="sign_in_password")
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted and (refusal := auth.sign_in(username, password)):
    st.error(refusal)

if demo_mode:
    st.info("Demo mode: sign in as **admin**, **lead** or **agent** (or priya, tom, amara …) "
            "with the password **demo**.")
