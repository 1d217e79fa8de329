"""Follow-ups: the team's backlog by agent and lateness, with done, snooze, reassign, priority."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import streamlit as st

from core.followups import backlog
from core.followups import service as followups
from core.followups.backlog import (
    BUCKET_LABELS,
    BUCKETS,
    PRIORITY_LABELS,
    REASON_LABELS,
    BacklogFilter,
    BacklogRow,
    BacklogSummary,
    Page,
)
from core.followups.charts import PICK, backlog_bar, bar_height
from core.permissions import is_lead
from core.store.models import Channel, FollowUpReason
from core.team import service as users
from ui import auth, nav
from ui.format import md
from ui.session import reading, write

user = auth.require_user()
lead = is_lead(user)


# ---------------------------------------------------------------- cached reads


@st.cache_data(ttl=60, show_spinner=False)
def _today() -> date:
    with reading() as session:
        return backlog.office_today(session)


@st.cache_data(ttl=60, show_spinner=False)
def _people() -> tuple[dict[int, str], dict[int, tuple[str, int | None, bool]]]:
    with reading() as session:
        teams = {t.id: t.name for t in users.list_teams(session)}
        agents = {a.id: (a.display_name, a.team_id, a.active)
                  for a in users.list_agents(session, active_only=False)}
    return teams, agents


@st.cache_data(ttl=60, show_spinner=False)
def _summary(filters: BacklogFilter, today: date) -> BacklogSummary:
    with reading() as session:
        return backlog.bucket_summary(session, filters=filters, today=today)


@st.cache_data(ttl=60, show_spinner=False)
def _page(filters: BacklogFilter, today: date, page: int) -> Page:
    with reading() as session:
        return backlog.backlog_page(session, filters=filters, today=today, page=page)


@st.cache_data(ttl=60, show_spinner=False)
def _targets(actor_id: int) -> dict[int, str]:
    with reading() as session:
        actor = users.get_user(session, actor_id)
        return {a.id: a.display_name for a in followups.reassign_targets(session, actor=actor)}


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


today = _today()
teams, agents = _people()

st.title("Follow-ups")
st.caption(f"Every open follow-up, by agent and how late it is. Today is "
           f"{today:%A %d %B %Y} (office time).")
if flash := st.session_state.pop("followups_flash", None):
    st.success(flash)

# ---------------------------------------------------------------- filters

ANY = None
with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    team_options = [ANY, *teams]
    team_id = c1.selectbox(
        "Team", team_options, key="followups_team", on_change=_first_page,
        index=_default("followups_team", team_options.index(user.team_id)
                       if user.team_id in team_options else 0),
        format_func=lambda t: "All teams" if t is None else teams[t])
    agent_options = [ANY, *[a for a, (_, t, _) in agents.items()
                            if team_id is None or t == team_id]]
    agent_id = c2.selectbox(
        "Agent", agent_options, key="followups_agent", on_change=_first_page,
        index=_default("followups_agent", agent_options.index(user.id)
                       if not lead and user.id in agent_options else 0),
        format_func=lambda a: "Everyone" if a is None else
        agents[a][0] + ("" if agents[a][2] else " (inactive)"))
    bucket = c3.selectbox("How late", [ANY, *BUCKETS], key="followups_bucket",
                          on_change=_first_page,
                          format_func=lambda b: "Any" if b is None else BUCKET_LABELS[b])
    priority = c4.selectbox("Priority", [ANY, *PRIORITY_LABELS], key="followups_priority",
                            on_change=_first_page,
                            format_func=lambda p: "Any" if p is None else PRIORITY_LABELS[p])
    c5, c6, c7 = st.columns([1, 1, 2])
    reason = c5.selectbox("Reason", [ANY, *FollowUpReason], key="followups_reason",
                          on_change=_first_page,
                          format_func=lambda r: "Any" if r is None else REASON_LABELS[r])
    channel = c6.selectbox("Channel", [ANY, *Channel], key="followups_channel",
                           on_change=_first_page,
                           format_func=lambda c: "Any" if c is None else c.capitalize())
    vulnerable = c7.checkbox("Vulnerable debtors only", key="followups_vulnerable",
                             on_change=_first_page)

filters = BacklogFilter(team_id=team_id, agent_id=agent_id, reason=reason, priority=priority,
                        channel=channel, vulnerable_only=vulnerable, bucket=bucket)

# ---------------------------------------------------------------- the picture

summary = _summary(filters, today)
cols = st.columns(len(BUCKETS))
for col, name in zip(cols, BUCKETS, strict=True):
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

# ---------------------------------------------------------------- the list

st.subheader("The list")
page_no = st.number_input("Page", min_value=1, step=1, key="followups_page")
try:
    page = _page(filters, today, int(page_no))
except ValueError as exc:
    st.warning(str(exc))
    page = Page(rows=[], total=0, page=int(page_no), pages=0)

if page.total == 0 and page.pages:
    st.info(backlog.NO_MATCHES)
elif page.rows:
    st.caption(f"Follow-ups {page.first_number:,}–{page.first_number + len(page.rows) - 1:,} "
               f"of {page.total:,} · page {page.page} of {page.pages} · high priority first, "
               "then the most overdue.")
    st.dataframe(backlog.display_records(page.rows), hide_index=True, key="followups_table")
    st.download_button("Download CSV", backlog.to_csv(page.rows), key="followups_csv",
                       file_name=f"follow-ups-{today.isoformat()}-page-{page.page}.csv",
                       mime="text/csv", help="The follow-ups shown above, as a spreadsheet.")

# ---------------------------------------------------------------- actions

rows: dict[int, BacklogRow] = {r.id: r for r in page.rows}
if rows:
    st.subheader("Work on a follow-up")
    selected_id = st.selectbox("Follow-up", list(rows), key="followups_selected",
                               format_func=lambda i: rows[i].label)
    row = rows[selected_id]
    allowed = followups.may_change(user, owner_id=row.owner_id, owner_team_id=row.team_id)
    snoozed = (f" Snoozed {row.snooze_count} time{'s' if row.snooze_count != 1 else ''}"
               + (f" — last reason: {md(row.snooze_reason)}" if row.snooze_reason else "")
               + "." if row.snooze_count else " Never snoozed.")
    st.markdown(f"**{md(row.debtor_name)}** · {md(row.owner_name)} · due "
                f"{row.due_on:%d %b %Y} · {BUCKET_LABELS[row.bucket].lower()} ·{snoozed}")
    if row.note:
        st.text(row.note)
    if not allowed:
        st.caption("This follow-up belongs to someone else; only they or a lead can change it.")

    done_col, snooze_col, priority_col = st.columns(3)
    with done_col:
        st.markdown("**Done**")
        st.caption("Log the check-in; saving it marks this follow-up done.")
        if st.button("Open check-in", key="followups_done", disabled=not allowed,
                     type="primary"):
            nav.open_checkin(row.debtor_id, account_id=row.account_id, followup_id=row.id)
    with snooze_col, st.form("followups_snooze_form", clear_on_submit=False, border=True):
        st.markdown("**Snooze**")
        new_date = st.date_input("New date", value=today + timedelta(days=1),
                                 key="followups_snooze_date", format="DD/MM/YYYY")
        why = st.text_input("Reason for snoozing", key="followups_snooze_reason",
                            max_chars=followups.MAX_REASON_CHARS)
        if st.form_submit_button("Snooze", disabled=not allowed) and write(
            lambda s: followups.snooze_followup(
                s, actor=user, followup_id=row.id, expected_version=row.version,
                new_date=new_date, reason=why, today=today),
        ):
            _done(f"Snoozed to {new_date:%d %b %Y}.")
    with priority_col, st.form("followups_priority_form", clear_on_submit=False, border=True):
        st.markdown("**Priority**")
        new_priority = st.selectbox("New priority", list(PRIORITY_LABELS),
                                    index=list(PRIORITY_LABELS).index(row.priority),
                                    key="followups_new_priority",
                                    format_func=lambda p: PRIORITY_LABELS[p])
        if st.form_submit_button("Change priority", disabled=not allowed) and write(
            lambda s: followups.set_priority(
                s, actor=user, followup_id=row.id, expected_version=row.version,
                priority=new_priority),
        ):
            _done(f"Priority changed to {PRIORITY_LABELS[new_priority].lower()}.")

    if lead:
        targets = _targets(user.id)
        with st.form("followups_reassign_form", clear_on_submit=False, border=True):
            st.markdown("**Reassign** (one or many from this page)")
            chosen_ids = st.multiselect("Follow-ups to reassign", list(rows),
                                        default=[row.id], key="followups_reassign_ids",
                                        format_func=lambda i: rows[i].label)
            to_agent = st.selectbox("Reassign to", list(targets), key="followups_reassign_to",
                                    index=None, placeholder="Choose an agent",
                                    format_func=lambda a: targets[a])
            if st.form_submit_button("Reassign"):
                if to_agent is None:
                    st.error("Choose the agent to reassign to.")
                else:
                    moved = write(lambda s: followups.reassign_followups(
                        s, actor=user, followup_ids=chosen_ids, to_agent_id=to_agent,
                        today=today))
                    if moved is not None:
                        _done(f"Reassigned {moved} follow-up{'s' if moved != 1 else ''} to "
                              f"{md(targets[to_agent])}.")
