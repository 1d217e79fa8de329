"""Audit trail: who did what, when, with the values before and after (leads and admins)."""

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from core.export import to_csv
from core.permissions import is_lead
from core.store import audit
from core.team import service as users
from ui import auth
from ui.session import reading

me = auth.require_user()
st.title("Audit trail")
if not is_lead(me):
    st.error("Only leads and admins can see the audit trail.")
    st.stop()

with reading() as session:
    kinds = audit.entities(session)
    people = users.user_names(session)

cols = st.columns(5)
entity = cols[0].selectbox("Record", ["All", *kinds], key="audit_entity")
who = cols[1].selectbox("Who", [None, *people], key="audit_actor",
                        format_func=lambda i: "Anyone" if i is None else people[i])
action = cols[2].text_input("Action starts with", key="audit_action", placeholder="checkin.")
days = cols[3].number_input("Last N days", 1, 3650, 30, key="audit_days")
flagged = cols[4].checkbox("Flagged only", key="audit_flagged")
since = datetime.combine(datetime.now(UTC).date() - timedelta(days=int(days)), time(), UTC)

with reading() as session:
    rows = audit.list_events(session, actor=me, entity=None if entity == "All" else entity,
                             actor_id=who, action=action.strip() or None, since=since,
                             flagged_only=flagged, limit=500)

if not rows:
    st.info("No audit events match these filters.")
else:
    st.caption(f"{len(rows)} most recent events (up to 500).")
    st.dataframe(rows, hide_index=True, width="stretch")
    st.download_button("Download CSV", to_csv(rows), file_name="audit.csv",
                       mime="text/csv", key="audit_download")
