"""Router: page config, sign-in, and the navigation each role may see."""

import streamlit as st

from ui import auth, nav, session
from ui.daily import ensure_daily_run

st.set_page_config(page_title="Recovery team dashboard", page_icon=":material/handshake:",
                   layout="wide")

session.engine()
ensure_daily_run()
user = auth.current_user()
sections = nav.pages_for(user)
page = st.navigation(sections, position="hidden")
if user is not None and nav.sidebar(sections, user):
    auth.sign_out()
    st.rerun()
page.run()
