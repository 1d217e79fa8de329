"""My day: my overdue and due-today follow-ups, each one click from its check-in."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core import clock
from core.followups import service as followups
from core.followups.backlog import PRIORITY_LABELS, REASON_LABELS, BacklogRow
from core.permissions import is_lead
from core.store import settings
from core.store.models import utcnow
from ui import auth, nav
from ui.format import md
from ui.session import reading

SHOWN = 25  # per list; the rest are on the Follow-ups page

user = auth.require_user()


@st.cache_data(ttl=60, show_spinner=False)
def _my_day(user_id: int, today: date) -> followups.MyDay:
    with reading() as session:
        return followups.my_day(session, user_id=user_id, today=today, limit=SHOWN)


with reading() as session:
    zone = settings.office_zone(session)
now = utcnow()
today = clock.today_in(zone, now)
day = _my_day(user.id, today)

st.title("My day")
st.subheader(f"{followups.greeting(now, zone)}, {md(user.display_name)}")
st.caption(f"{today:%A %d %B %Y}")

c1, c2, c3 = st.columns(3)
c1.metric("Overdue", f"{day.overdue_count:,}")
c2.metric("Due today", f"{day.due_today_count:,}")
c3.metric("High priority among them", f"{day.high_priority_count:,}")
if is_lead(user):
    st.page_link("pages/standup.py", label="Open the team stand-up", icon="📊")


def _follow_up_list(title: str, rows: list[BacklogRow], count: int, empty: str) -> None:
    st.subheader(title)
    if not rows:
        st.info(empty)
        return
    for row in rows:
        text_col, button_col = st.columns([5, 1], vertical_alignment="center")
        late = f"{row.days_overdue} day{'s' if row.days_overdue != 1 else ''} late · " \
            if row.days_overdue else ""
        ref = f" · {md(row.account_reference)}" if row.account_reference else ""
        text_col.markdown(
            f"**{md(row.debtor_name)}**{ref} — {REASON_LABELS.get(row.reason, row.reason)} "
            f"by {row.channel} · {late}{PRIORITY_LABELS.get(row.priority, '')} priority"
            + (" · vulnerable" if row.vulnerable else ""))
        if button_col.button("Open check-in", key=f"home_open_{row.id}"):
            nav.open_checkin(row.debtor_id, account_id=row.account_id, followup_id=row.id)
    if count > len(rows):
        st.caption(f"Showing {len(rows)} of {count:,}; the rest are on the Follow-ups page.")
        st.page_link("pages/followups.py", label="See all my follow-ups", icon="📌")


_follow_up_list("Overdue", day.overdue, day.overdue_count, "Nothing overdue. Well done.")
_follow_up_list("Due today", day.due_today, day.due_today_count, "Nothing else due today.")

st.subheader("My recent check-ins")
if day.recent_checkins:
    st.dataframe(followups.checkin_records(day.recent_checkins, zone), hide_index=True,
                 key="home_recent")
else:
    st.info("No check-ins logged yet.")
