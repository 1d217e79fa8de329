"""Check-ins: the "Before you contact" card, the guided check-in form, drafts and corrections."""

from __future__ import annotations

import streamlit as st

from core.checkins import amendments, queries
from core.checkins.card import before_contact_card
from core.checkins.views import AMENDABLE_FIELDS
from core.clock import utcnow
from ui import auth, forms, nav
from ui.components import (
    checkin_form,
    contact_card,
    debtor_picker,
    message_draft,
    next_followup,
)
from ui.forms import Fields
from ui.session import read, write

AMEND = Fields("checkin_amend_")

me = auth.require_user()
st.title("Check-ins")

if flash := st.session_state.pop("checkin_flash", None):
    st.success(flash)
next_followup.show(me=me)

pick, account_col, open_col = st.columns([5, 3, 1.4])
with pick:
    debtor_id = debtor_picker.show("checkin", me=me, selected_key="checkin_debtor_id")
if debtor_id is None:
    st.info("Choose a debtor to see who they are and log a check-in.")
    st.stop()
forms.for_record("checkin_form_for", debtor_id, checkin_form.FIELDS, message_draft.FIELDS, AMEND)

accounts = {**read(queries.account_choices, debtor_id=debtor_id), None: "No particular account"}
chosen = st.session_state.get("checkin_account_id")
if chosen not in accounts or (chosen is None
                              and st.session_state.get("checkin_account_for") != debtor_id):
    chosen = next(iter(accounts))  # a new debtor starts on their first account
st.session_state["checkin_account_id"] = st.session_state["checkin_account_pick"] = chosen
st.session_state["checkin_account_for"] = debtor_id
account_id = account_col.selectbox(
    "Account", list(accounts), format_func=accounts.get, key="checkin_account_pick",
    on_change=lambda: st.session_state.update(
        checkin_account_id=st.session_state["checkin_account_pick"]))
with open_col:
    st.write("")
    if st.button("Open profile", key="checkin_open_profile"):
        nav.open_debtor(debtor_id)

minute = utcnow().replace(second=0, microsecond=0)
card = read(before_contact_card, actor=me, debtor_id=debtor_id, account_id=account_id,
            now=minute)
contact_card.show(card)

log_tab, draft_tab, amend_tab = st.tabs(["Log a check-in", "Draft a message",
                                         "Correct a check-in"])
with log_tab:
    guide, form_side = st.columns([1, 2])
    with guide:
        checkin_form.guide()
    with form_side:
        if checkin_form.show(me=me, debtor_id=debtor_id, account_id=account_id, card=card,
                             minute=minute):
            st.session_state["checkin_flash"] = "Check-in saved."
            next_followup.offer()
            st.rerun()

with draft_tab:
    if message_draft.show(me=me, debtor_id=debtor_id, account_id=account_id, card=card):
        st.session_state["checkin_flash"] = "The message was logged as sent."
        st.rerun()

with amend_tab:
    recent = read(queries.recent_checkins, debtor_id=debtor_id, limit=20)
    if not recent:
        st.caption("No check-ins to correct yet.")
        st.stop()
    st.caption("A check-in is never changed or deleted: a correction is kept next to it, with "
               "who made it, when and why, and is what the contact rules read from then on.")
    lines = {line.id: line.text for line in recent}
    with st.form("checkin_amend_form"):
        amend_id = st.selectbox("Check-in", list(lines), format_func=lines.get,
                                key=AMEND("id"))
        amend_field = st.selectbox("What to correct", list(AMENDABLE_FIELDS),
                                   format_func=AMENDABLE_FIELDS.get, key=AMEND("field"))
        amend_value = st.text_area("What it should say", key=AMEND("value"), height=80)
        amend_reason = st.text_input("Why the correction", key=AMEND("reason"))
        if st.form_submit_button("Save correction") and write(
                lambda s: amendments.amend_checkin(s, actor=me, checkin_id=amend_id,
                                                   field=amend_field, new_value=amend_value,
                                                   reason=amend_reason)) is not None:
            AMEND.afresh()
            st.session_state["checkin_flash"] = "The correction was saved."
            st.rerun()
