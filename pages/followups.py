"""Follow-ups: the team's backlog by agent and lateness, with done, snooze, reassign, priority."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from core.followups import backlog, queries
from core.followups.charts import PICK, backlog_bar, bar_height
from core.followups.views import BUCKET_LABELS, BUCKETS, REASON_LABELS, BacklogFilter, Page
from core.permissions import is_lead
from core.vocabulary import PRIORITY_LABELS, Channel, FollowUpReason, label_of
from ui import auth
from ui.components import followup_actions
from ui.format import md
from ui.session import read

user = auth.require_user()
lead = is_lead(user)
ANY = None


def _done(message: str) -> None:
    """Remember a success for the next rerun, then rerun so every count is fresh."""
    st.session_state["followups_flash"] = message
    st.rerun()


def _first_page() -> None:
    """New filters start again from page 1."""
    st.session_state["followups_page"] = 1


def _default(key: str, index: int) -> int:
    """The starting choice, unless another page already set this widget (e.g. the stand-up)."""
    return 0 if key in st.session_state else index


def _select(col, label: str, options: list, key: str, words, index: int = 0):
    return col.selectbox(label, options, key=key, on_change=_first_page,
                         index=_default(key, index), format_func=words)


zone = ZoneInfo(read(queries.office_zone_name))
now = datetime.now(UTC).replace(second=0, microsecond=0)
today = now.astimezone(zone).date()
people = read(queries.people)
teams, agents = people.teams, people.agents

st.title("Follow-ups")
st.caption(f"Every open follow-up, by agent and how late it is. Today is "
           f"{today:%A %d %B %Y} (office time).")
if flash := st.session_state.pop("followups_flash", None):
    st.success(flash)

with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    team_options = [ANY, *teams]
    team_id = _select(c1, "Team", team_options, "followups_team",
                      lambda t: "All teams" if t is None else teams[t],
                      team_options.index(user.team_id) if user.team_id in team_options else 0)
    agent_options = [ANY, *[a for a, (_, t, _) in agents.items() if team_id in (None, t)]]
    agent_id = _select(c2, "Agent", agent_options, "followups_agent",
                       lambda a: "Everyone" if a is None else
                       agents[a][0] + ("" if agents[a][2] else " (inactive)"),
                       agent_options.index(user.id) if not lead and user.id in agent_options
                       else 0)
    bucket = _select(c3, "How late", [ANY, *BUCKETS], "followups_bucket",
                     lambda b: "Any" if b is None else BUCKET_LABELS[b])
    priority = _select(c4, "Priority", [ANY, *PRIORITY_LABELS], "followups_priority",
                       lambda p: "Any" if p is None else PRIORITY_LABELS[p])
    c5, c6, c7 = st.columns([1, 1, 2])
    reason = _select(c5, "Reason", [ANY, *FollowUpReason], "followups_reason",
                     lambda r: "Any" if r is None else REASON_LABELS[r])
    channel = _select(c6, "Channel", [ANY, *Channel], "followups_channel",
                      lambda c: "Any" if c is None else label_of(Channel, c))
    vulnerable = c7.checkbox("Vulnerable debtors only", key="followups_vulnerable",
                             on_change=_first_page)

filters = BacklogFilter(team_id=team_id, agent_id=agent_id, reason=reason, priority=priority,
                        channel=channel, vulnerable_only=vulnerable, bucket=bucket)

summary = read(queries.backlog_summary, filters=filters, today=today)
for col, name in zip(st.columns(len(BUCKETS)), BUCKETS, strict=True):
    col.metric(BUCKET_LABELS[name], f"{getattr(summary.total, name):,}")

picked: dict = {}
if summary.agents:
    event = st.altair_chart(backlog_bar(summary.agents), on_select=_first_page,
                            key="followups_chart", width="stretch",
                            height=bar_height(summary.agents))
    chosen = (event or {}).get("selection", {}).get(PICK) or []
    picked = chosen[0] if chosen else {}
    if len(summary.teams) > 1:
        with st.expander("By team"):
            st.dataframe(backlog.bucket_records(summary.teams), hide_index=True,
                         key="followups_team_table")
if picked.get("agent_id") is not None:
    filters = replace(filters, agent_id=int(picked["agent_id"]),
                      bucket=picked.get("bucket") or filters.bucket)
    st.info(f"Showing the bar you picked: {md(agents.get(filters.agent_id, ('?',))[0])}, "
            f"{BUCKET_LABELS.get(filters.bucket, 'any lateness').lower()}. "
            "Double-click the chart to show everything again.")

st.subheader("The list")
page_no = st.number_input("Page", min_value=1, step=1, key="followups_page")
try:
    page, now_by_id = read(queries.backlog_page_now, filters=filters, today=today,
                           page=int(page_no), at=now)
except ValueError as exc:
    st.warning(str(exc))
    page, now_by_id = Page(rows=[], total=0, page=int(page_no), pages=0), {}

if page.total == 0 and page.pages:
    st.info(backlog.NO_MATCHES)
elif page.rows:
    st.caption(f"Follow-ups {page.first_number:,}–{page.first_number + len(page.rows) - 1:,} "
               f"of {page.total:,} · page {page.page} of {page.pages} · high priority first, "
               "then the most overdue. \"Now?\" says whether contact is allowed at "
               f"{now.astimezone(zone):%H:%M}, and why not.")
    st.dataframe(backlog.display_records(page.rows, now_by_id), hide_index=True,
                 key="followups_table", column_order=backlog.SCREEN_ORDER)
    st.download_button("Download CSV", backlog.to_csv(page.rows, now_by_id),
                       key="followups_csv", mime="text/csv",
                       file_name=f"follow-ups-{today.isoformat()}-page-{page.page}.csv",
                       help="The follow-ups shown above, as a spreadsheet.")

rows = {r.id: r for r in page.rows}
if rows:
    st.subheader("Work on a follow-up")
    selected_id = st.selectbox("Follow-up", list(rows), key="followups_selected",
                               format_func=lambda i: rows[i].label)
    working = read(queries.working_days)
    followup_actions.show(rows[selected_id], user=user, today=today, working=working,
                          done=_done)
    if lead:
        targets = read(queries.reassign_target_names, actor=user)
        followup_actions.reassign(rows, targets, user=user, today=today,
                                  selected=selected_id, done=_done)
