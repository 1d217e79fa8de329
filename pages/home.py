"""My day: my due follow-ups sorted by what can be done now, each one click from its check-in."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from core.followups import queries
from core.permissions import is_lead
from ui import auth
from ui.components import followup_groups, refreshers, relationship
from ui.format import md
from ui.session import read

SHOWN = 25  # per list; the rest are on the Follow-ups page

user = auth.require_user()
zone = ZoneInfo(read(queries.office_zone_name))
now = datetime.now(UTC).replace(second=0, microsecond=0)  # one cached verdict per minute
today = now.astimezone(zone).date()
day, grouped = read(queries.my_day_now, user_id=user.id, today=today, at=now, limit=SHOWN)

st.title("My day")
st.subheader(f"{queries.greeting(now, zone)}, {md(user.display_name)}")
st.caption(f"{today:%A %d %B %Y} · {now.astimezone(zone):%H:%M} office time")

c1, c2, c3, c4 = st.columns(4)
c1.metric("Overdue", f"{day.overdue_count:,}")
c2.metric("Due today", f"{day.due_today_count:,}")
c3.metric("High priority among them", f"{day.high_priority_count:,}")
c4.metric("Waiting on a hold", f"{day.on_hold_count:,}",
          help="Due follow-ups about an account under a hold: not counted as overdue.")
if is_lead(user):
    st.page_link("pages/standup.py", label="Open the team stand-up",
                 icon=":material/monitoring:")

followup_groups.show(grouped, key="home_open")
if not day.shown_all:
    st.caption(f"Showing the {SHOWN} most urgent overdue and {SHOWN} due today; the rest are "
               "on the Follow-ups page.")

relationship.my_day(user, today=today, at=now)
refreshers.due_for_me(user)

st.subheader("My recent check-ins")
if day.recent_checkins:
    st.dataframe(queries.checkin_records(day.recent_checkins, zone), hide_index=True,
                 key="home_recent")
else:
    st.info("No check-ins logged yet.")
