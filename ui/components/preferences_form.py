"""A debtor's contact preferences, edited in one form; errors shown beside each field."""

from __future__ import annotations

import streamlit as st

from core.checkins.views import CHANNELS, join_list, split_list
from core.debtors import service as debtors
from core.errors import FieldErrors
from core.store.models import DebtorPublic, DebtorUpdate, User
from ui.session import forget_reads, write

PREF_FIELDS = ("preferred_name", "email", "phone", "preferred_channel", "language", "timezone",
               "contact_window_start", "contact_window_end", "opted_out",
               "communication_notes", "cultural_notes", "circumstances", "needs")
NOTES = (("communication_notes", "How to talk with them"), ("cultural_notes", "Cultural notes"),
         ("circumstances", "Circumstances"), ("needs", "What they need"))


def _load(d: DebtorPublic) -> None:
    loaded = (d.id, d.version)
    if st.session_state.get("debtors_pref_loaded") == loaded:
        return
    for name in PREF_FIELDS:
        value = getattr(d, name)
        st.session_state[f"debtors_pref_{name}"] = split_list(value) if name == "opted_out" \
            else value
    st.session_state["debtors_pref_loaded"] = loaded
    st.session_state["debtors_pref_errors"] = {}


def _error(name: str) -> None:
    errors = st.session_state.get("debtors_pref_errors", {})
    if name in errors:
        st.error(errors[name])


def _fields() -> dict:
    p1, p2, p3 = st.columns(3)
    values = {"preferred_name": p1.text_input("Call them", key="debtors_pref_preferred_name"),
              "email": p2.text_input("Email", key="debtors_pref_email"),
              "phone": p3.text_input("Phone", key="debtors_pref_phone")}
    with p2:
        _error("email")
    q1, q2, q3 = st.columns(3)
    values["preferred_channel"] = q1.selectbox("Preferred channel", list(CHANNELS),
                                               format_func=CHANNELS.get,
                                               key="debtors_pref_preferred_channel")
    with q1:
        _error("preferred_channel")
    values["language"] = q2.text_input("Language", key="debtors_pref_language")
    with q2:
        _error("language")
    values["timezone"] = q3.text_input("Timezone (e.g. Europe/London)",
                                       key="debtors_pref_timezone")
    with q3:
        _error("timezone")
    w1, w2, w3 = st.columns(3)
    values["contact_window_start"] = w1.time_input(
        "Contact them from (their time)", key="debtors_pref_contact_window_start", step=900)
    values["contact_window_end"] = w2.time_input(
        "Until (their time)", key="debtors_pref_contact_window_end", step=900)
    with w2:
        _error("contact_window_end")
    values["opted_out"] = join_list(w3.multiselect(
        "Don't contact them by", list(CHANNELS), format_func=CHANNELS.get,
        key="debtors_pref_opted_out"))
    with w3:
        _error("opted_out")
    for name, label in NOTES:
        values[name] = st.text_area(label, key=f"debtors_pref_{name}", height=80)
        _error(name)
    return values


def show(*, me: User, d: DebtorPublic) -> bool:
    """The preferences form; True when saved."""
    _load(d)
    with st.form("debtors_prefs"):
        if st.session_state.get("debtors_pref_errors"):
            st.error("Nothing was saved: please fix what is marked below.")
        values = _fields()
        if not st.form_submit_button("Save preferences"):
            return False
    changes = {k: v for k, v in values.items() if v != getattr(d, k)}
    found: dict[str, str] = {}

    def save(session):
        try:
            return debtors.update_preferences(session, actor=me, debtor_id=d.id,
                                              expected_version=d.version,
                                              changes=DebtorUpdate(**changes))
        except FieldErrors as exc:
            found.update(exc.errors)
            raise

    if write(save) is not None:
        return True
    forget_reads()  # a stale version: read the versions again, so the newest copy is shown
    if found:
        st.session_state["debtors_pref_errors"] = found
        st.rerun()
    return False
