"""Audit trail: who did what to whose record, in sentences and office time (leads and admins);
failed sign-ins and locked accounts, which a lead may unlock for their own agents."""

from datetime import UTC, datetime, timedelta

import streamlit as st

from core.permissions import is_lead
from core.team import queries, service
from ui import auth
from ui.components import debtor_picker, table
from ui.session import read, write

me = auth.require_user()
st.title("Audit trail")
if not is_lead(me):
    st.error("Only leads and admins can see the audit trail.")
    st.stop()

trail_tab, sign_ins_tab = st.tabs(["What happened", "Sign-ins"])

with trail_tab:
    people = read(queries.user_names)
    cols = st.columns([2, 2, 1, 1])
    who = cols[0].selectbox("Person", [None, *people], key="audit_actor",
                            format_func=lambda i: "Anyone" if i is None else people[i])
    search = cols[1].text_input("Debtor (name or account reference)", key="audit_debtor_q")
    days = cols[2].number_input("Last N days", 1, 3650, 30, key="audit_days")
    flagged = cols[3].checkbox("Flagged only", key="audit_flagged")
    debtor_id = None
    if search.strip():
        found = {r.id: r.name for r in debtor_picker.search(search, owner_id=None, actor=me)}
        debtor_id = st.selectbox("Which debtor", list(found), format_func=found.get,
                                 key=f"audit_debtor_{search.strip()}") if found else -1
        if not found:
            st.caption("No debtor matches that search.")
    since = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=int(days))
    lines = read(queries.audit_trail, actor=me, actor_id=who, debtor_id=debtor_id,
                 since=since, flagged_only=flagged, limit=500)
    if not lines:
        st.info("Nothing matches these filters.")
    else:
        st.caption(f"The {len(lines)} most recent events (up to 500), in office time.")
        table.show([{"Day": line.day, "What happened": line.sentence,
                     "Flagged": "Yes" if line.flagged else ""} for line in lines],
                   key="audit_lines", file_name="audit.csv")
        by_id = {line.id: line for line in lines}
        shown = st.selectbox("Show what changed in", [None, *by_id], key="audit_detail",
                             format_func=lambda i: "Choose an event" if i is None
                             else f"{by_id[i].day}: {by_id[i].sentence}")
        if shown is not None:
            changes = by_id[shown].changes
            st.dataframe([{"Field": f, "Before": "" if b is None else str(b),
                           "After": "" if a is None else str(a)} for f, b, a in changes],
                         hide_index=True, width="stretch", key=f"audit_changes_{shown}")
            if not changes:
                st.caption("This event changed no stored values.")

with sign_ins_tab:
    locked = read(queries.locked_accounts, actor=me)
    st.subheader("Locked accounts")
    if not locked:
        st.caption("No account you look after is locked.")
    for account in locked:
        left, right = st.columns([4, 1])
        left.text(f"{account.name} ({account.username}): {account.failures} wrong passwords, "
                  f"locked until {account.until:%H:%M} UTC")
        if right.button("Unlock", key=f"audit_unlock_{account.user_id}") and write(
                lambda s, uid=account.user_id: service.unlock(s, actor=me, user_id=uid),
                success=f"{account.username} can sign in again."):
            st.rerun()
    st.subheader("Failed sign-ins, last 7 days")
    failed = read(queries.failed_sign_ins, actor=me,
                  since=datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
                  - timedelta(days=7))
    if failed:
        table.show([{"When": f"{r.at:%d %b %H:%M} UTC", "Username": r.username, "Name": r.name,
                     "What happened": r.outcome, "From": r.client or "unknown"} for r in failed],
                   key="audit_sign_ins", file_name="failed-sign-ins.csv")
    else:
        st.caption("No failed sign-ins.")
