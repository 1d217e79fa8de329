"""Free help and translations (admins): the shelf of resources agents share, and the
message templates in each language."""

from __future__ import annotations

import streamlit as st

from core.resources import queries
from core.vocabulary import Role
from ui import auth
from ui.components import resource_admin
from ui.session import read

me = auth.require_user()
st.title("Free help and translations")
if me.role != Role.ADMIN:
    st.error("Only an admin can open this page.")
    st.stop()

if flash := st.session_state.pop("resources_flash", None):
    st.success(flash)

today = read(queries.office_today)
shelf_tab, translations_tab = st.tabs(["Shelf of free help", "Messages in their language"])
with shelf_tab:
    resource_admin.shelf(me, today)
with translations_tab:
    resource_admin.translations(me)
