"""Debtors: search by name or account reference; a profile with one timeline."""

from __future__ import annotations

import streamlit as st

from core.checkins.charts import wellbeing_chart
from core.checkins.service import (
    CHANNELS,
    FieldErrors,
    WellbeingPoint,
    format_day,
    join_list,
    split_list,
)
from core.debtors import service as debtors
from core.money import format_money
from core.store.models import DebtorUpdate
from core.team.service import get_user
from ui import auth, nav
from ui.components import debtor_picker, table
from ui.format import md
from ui.session import reading, write

me = auth.require_user()
st.title("Debtors")

PREF_FIELDS = ("preferred_name", "email", "phone", "preferred_channel", "language", "timezone",
               "contact_window_start", "contact_window_end", "opted_out",
               "communication_notes", "cultural_notes", "circumstances", "needs")


@st.cache_data(ttl=60, show_spinner=False)
def _profile(debtor_id: int, actor_id: int) -> debtors.DebtorProfile:
    with reading() as s:
        return debtors.get_profile(s, actor=get_user(s, actor_id), debtor_id=debtor_id)


@st.cache_data(ttl=60, show_spinner=False)
def _timeline(debtor_id: int) -> list[debtors.TimelineEntry]:
    with reading() as s:
        return debtors.timeline(s, debtor_id=debtor_id)


@st.cache_data(ttl=60, show_spinner=False)
def _wellbeing(debtor_id: int) -> list[WellbeingPoint]:
    with reading() as s:
        return debtors.wellbeing_series(s, debtor_id=debtor_id)


if flash := st.session_state.pop("debtors_flash", None):
    st.success(flash)

# ---------------------------------------------------------------- search

search_col, mine_col = st.columns([4, 1])
query = search_col.text_input("Search by name or account reference", key="debtors_search",
                              placeholder="e.g. Lee or NW-1001")
st.session_state.setdefault("debtors_mine", me.role == "agent")
with mine_col:
    st.write("")
    mine = st.checkbox("Only my caseload", key="debtors_mine")
rows = debtor_picker.search(query.strip(), owner_id=me.id if mine else None, actor=me)
if rows:
    table.show(
        [{"Name": r.name, "Type": r.kind, "Owner": r.owner_name, "Accounts": r.references,
          "Left to pay": format_money(r.total_balance_cents)} for r in rows],
        key="debtors_results", file_name="debtors.csv",
    )
    if len(rows) == 50:
        st.caption("Showing the first 50: type more of a name or a reference to narrow it.")
else:
    st.info("No debtors match." + (" Untick 'Only my caseload' to search the whole team."
                                   if mine else ""))

names = {r.id: f"{r.name} ({r.references})" if r.references else r.name for r in rows}
current = st.session_state.get("debtors_selected_id")  # also set by nav.open_debtor
if current is not None and current not in names:
    label = debtor_picker.label(current)
    if label is None:
        current = None
    else:
        names = {current: label, **names}
# The choice lives in a plain key, mirrored into the select box, so it survives other pages.
st.session_state["debtors_selected_id"] = st.session_state["debtors_pick"] = current


def _picked() -> None:
    st.session_state["debtors_selected_id"] = st.session_state["debtors_pick"]


debtor_id = st.selectbox("Open a debtor", list(names), format_func=names.get, index=None,
                         placeholder="Choose a debtor to see their profile",
                         key="debtors_pick", on_change=_picked)
if debtor_id is None:
    st.stop()

# ---------------------------------------------------------------- profile

profile = _profile(debtor_id, me.id)
d = profile.debtor
st.header(d.name)
st.caption(f"{d.kind.capitalize()} · owned by {profile.owner_name} · {len(profile.accounts)} "
           f"account{'s' if len(profile.accounts) != 1 else ''} · "
           f"{format_money(profile.total_balance_cents)} left to pay"
           + (" · vulnerable (with consent)" if d.vulnerable else ""))

account_names = {a.id: f"{a.reference} · {a.creditor}" for a in profile.accounts}
if st.session_state.get("debtors_account") not in account_names:
    st.session_state["debtors_account"] = next(iter(account_names), None)
act_account, act_checkin, act_plan = st.columns([3, 1, 1])
chosen_account = act_account.selectbox("Account", list(account_names),
                                       format_func=account_names.get, key="debtors_account")
with act_checkin:
    st.write("")
    if st.button("Log a check-in", key="debtors_log_checkin", type="primary"):
        nav.open_checkin(debtor_id, account_id=chosen_account)
with act_plan:
    st.write("")
    if st.button("Payment plan", key="debtors_open_plan", disabled=chosen_account is None):
        nav.open_page("plans", plans_account_id=chosen_account)

timeline_tab, accounts_tab, prefs_tab, care_tab = st.tabs(
    ["Timeline", "Accounts and promises", "Contact preferences", "Wellbeing and vulnerability"])

with timeline_tab:
    entries = _timeline(debtor_id)
    if not entries:
        st.caption("Nothing has happened with this debtor yet.")
    else:
        table_rows = []
        for e in entries:
            table_rows.append({"When": e.when_text, "What": e.kind, "Summary": e.title,
                               "Details": e.detail, "By": e.who})
            table_rows.extend({"When": "", "What": "↳ correction", "Summary": text,
                               "Details": "", "By": ""} for text in e.amendments)
        table.show(table_rows, key="debtors_timeline", file_name="timeline.csv")

with accounts_tab:
    st.dataframe(
        [{"Reference": a.reference, "Creditor": a.creditor,
          "Left to pay": format_money(a.balance_cents, a.currency),
          "Original": format_money(a.original_balance_cents, a.currency),
          "Status": a.status.replace("_", " "),
          "Holds": "; ".join(h.text for h in a.holds) or "—",
          "Plan": a.plan.text if a.plan else "—"} for a in profile.accounts],
        hide_index=True, width="stretch", key="debtors_accounts",
    )
    st.markdown("**Open promises to pay**")
    references = {a.id: a.reference for a in profile.accounts}
    if profile.promises:
        for p in profile.promises:
            st.markdown(f"- {format_money(p.amount_cents)} by {format_day(p.due_on)} "
                        f"({references.get(p.account_id, '')})")
    else:
        st.caption("None.")
    ie = profile.income_expenditure
    st.markdown("**Income and expenditure**")
    if ie is None:
        st.caption("No statement recorded yet.")
    else:
        st.markdown(f"Recorded {format_day(ie.recorded_on)}: income "
                    f"{format_money(ie.income_cents)} a month, spending "
                    f"{format_money(ie.expenses_cents)}, leaving "
                    f"**{format_money(ie.disposable_cents)}**.")

with prefs_tab:
    loaded = (d.id, d.version)
    if st.session_state.get("debtors_pref_loaded") != loaded:
        for name in PREF_FIELDS:
            value = getattr(d, name)
            if name == "opted_out":
                value = split_list(value)
            st.session_state[f"debtors_pref_{name}"] = value
        st.session_state["debtors_pref_loaded"] = loaded
        st.session_state["debtors_pref_errors"] = {}
    errors: dict[str, str] = st.session_state.get("debtors_pref_errors", {})

    def show_error(name: str) -> None:
        """The message for a field, right under it."""
        if name in errors:
            st.error(errors[name])

    with st.form("debtors_prefs"):
        if errors:
            st.error("Nothing was saved: please fix what is marked below.")
        p1, p2, p3 = st.columns(3)
        values = {
            "preferred_name": p1.text_input("Call them", key="debtors_pref_preferred_name"),
            "email": p2.text_input("Email", key="debtors_pref_email"),
            "phone": p3.text_input("Phone", key="debtors_pref_phone"),
        }
        with p2:
            show_error("email")
        q1, q2, q3 = st.columns(3)
        values["preferred_channel"] = q1.selectbox(
            "Preferred channel", list(CHANNELS), format_func=CHANNELS.get,
            key="debtors_pref_preferred_channel")
        with q1:
            show_error("preferred_channel")
        values["language"] = q2.text_input("Language", key="debtors_pref_language")
        with q2:
            show_error("language")
        values["timezone"] = q3.text_input("Timezone (e.g. Europe/London)",
                                           key="debtors_pref_timezone")
        with q3:
            show_error("timezone")
        w1, w2, w3 = st.columns(3)
        values["contact_window_start"] = w1.time_input("Contact them from (their time)",
                                                       key="debtors_pref_contact_window_start",
                                                       step=900)
        values["contact_window_end"] = w2.time_input("Until (their time)",
                                                     key="debtors_pref_contact_window_end",
                                                     step=900)
        with w2:
            show_error("contact_window_end")
        opted = w3.multiselect("Don't contact them by", list(CHANNELS), format_func=CHANNELS.get,
                               key="debtors_pref_opted_out")
        values["opted_out"] = join_list(opted)
        with w3:
            show_error("opted_out")
        for name, label in (("communication_notes", "How to talk with them"),
                            ("cultural_notes", "Cultural notes"),
                            ("circumstances", "Circumstances"), ("needs", "What they need")):
            values[name] = st.text_area(label, key=f"debtors_pref_{name}", height=80)
            show_error(name)
        if st.form_submit_button("Save preferences"):
            changes = {k: v for k, v in values.items() if v != getattr(d, k)}
            found: dict[str, str] = {}

            def _save(session):
                try:
                    return debtors.update_preferences(
                        session, actor=me, debtor_id=d.id, expected_version=d.version,
                        changes=DebtorUpdate(**changes))
                except FieldErrors as exc:
                    found.update(exc.errors)
                    raise

            if write(_save) is not None:
                st.session_state["debtors_flash"] = "Preferences saved."
                st.rerun()
            _profile.clear()  # a stale version needs the newest copy on the next run
            if found:
                st.session_state["debtors_pref_errors"] = found
                st.rerun()

with care_tab:
    points = _wellbeing(debtor_id)
    if points:
        st.altair_chart(wellbeing_chart(points), width="stretch")
    else:
        st.caption("No wellbeing recorded yet.")
    st.markdown("**Vulnerability** (recorded with the debtor's explicit consent)")
    if not profile.vulnerabilities:
        st.caption("None recorded.")
    else:
        for v in profile.vulnerabilities:
            st.markdown(f"- {v.label} (consent {format_day(v.consent_at.date())})")
        if st.button("Show the IDEA notes (this is recorded in the audit trail)",
                     key="debtors_show_vulnerability"):
            details = write(lambda s: debtors.read_vulnerabilities(
                s, actor=me, debtor_id=debtor_id, details=True))
            for v in details or ():
                with st.container(border=True):
                    st.markdown(f"**{v.label}**")
                    for label, text in (("Impact", v.impact), ("Duration", v.duration),
                                        ("Episodes", v.episodes),
                                        ("Assistance needed", v.assistance)):
                        if text:
                            st.markdown(f"{label}: {md(text)}")
