"""Stand-up: the last working day's results, today's load, blockers and the 14-day trend.

Built to be read from the shared screen across the room: big numbers first, tables after.
"""

from __future__ import annotations

import streamlit as st

from core.followups import backlog, commitments, queries, standup, wobble
from core.followups.charts import TREND_HEIGHT, trend_chart
from core.learning import queries as learning
from core.money import format_money
from core.permissions import is_lead
from core.relationship import queries as relationship
from ui import auth, daily, nav
from ui.components import refreshers, shared_resources, table
from ui.format import md
from ui.session import read

user = auth.require_user()
lead = is_lead(user)
today = read(queries.office_today)
teams = read(queries.people).teams
team_options = [None, *teams]

head, pick = st.columns([3, 1], vertical_alignment="bottom")
team_id = pick.selectbox(
    "Team", team_options, key="standup_team",
    index=team_options.index(user.team_id) if user.team_id in team_options else 0,
    format_func=lambda t: "All teams" if t is None else teams[t])
report = read(queries.standup_report, today=today, team_id=team_id)
head.title("Stand-up")
head.markdown(f"### Results of {report.day:%A %d %B} · today's load for {today:%A %d %B}")
if daily.running():
    st.info("Today's rules (missed instalments, broken plans, promises, holds) are still "
            "running: these figures change when they finish. Refresh in a moment.",
            icon=":material/hourglass_top:")

t = report.total
st.subheader(f"{md(t.name)} — {report.day:%A}")
m = st.columns(4)
m[0].metric("Check-ins logged", f"{t.checkins:,}", border=True)
m[1].metric("Conversations reached", f"{t.conversations:,}", border=True)
m[2].metric("Plans agreed", f"{t.plans_agreed:,}", border=True,
            help=f"Worth {format_money(t.plans_value_cents)} in total.")
m[3].metric("Payments received", format_money(t.payments_cents, drop_zero_cents=True),
            f"{t.payments:,} payment{'s' if t.payments != 1 else ''}", delta_color="off",
            delta_arrow="off", border=True)
m = st.columns(4)
m[0].metric("Promises kept", f"{t.promises_kept:,}", border=True)
m[1].metric("Promises broken", f"{t.promises_broken:,}", border=True)
m[2].metric("Average wellbeing (1–5)",
            "–" if t.wellbeing_avg is None else f"{t.wellbeing_avg:.1f}", border=True)
m[3].metric("Plans agreed, value", format_money(t.plans_value_cents, drop_zero_cents=True),
            border=True)

st.subheader("Today's load")
m = st.columns(3)
m[0].metric("Due today", f"{t.due_today:,}", border=True)
m[1].metric("Overdue", f"{t.overdue:,}", border=True)
m[2].metric("More than 7 days overdue", f"{t.overdue_7plus:,}", border=True)
care_today = read(relationship.after_care_due_today, today=today, team_id=team_id)
st.caption(f"After-care due today: {care_today:,} “how are you doing” check-in"
           f"{'s' if care_today != 1 else ''} people asked for (care, not load: not counted "
           "above).")

for hint in report.hints:
    st.warning(md(hint.message), icon=":material/balance:")
    if lead and st.button(f"Show {md(hint.agent_name)}'s follow-ups",
                          key=f"standup_hint_{hint.agent_id}"):
        nav.open_page("followups", followups_team=None, followups_agent=hint.agent_id)

if report.agents:
    st.markdown("#### By agent")
    table.show(standup.agent_records(report.agents), key="standup_agents",
             file_name="standup-agents.csv")
    if len(report.teams) > 1:
        st.markdown("#### By team")
        table.show(standup.agent_records(report.teams), key="standup_teams",
                 file_name="standup-teams.csv")
else:
    st.info("Nobody in this team owns a caseload yet.")

st.subheader("Blockers")
b1, b2, b3 = st.columns(3)
b1.metric("Follow-ups more than 7 days overdue", f"{report.overdue_7plus_count:,}", border=True)
b2.metric(f"Plans broken since {report.day:%A}", f"{report.broken_plans_count:,}", border=True)
b3.metric(f"Vulnerable, quiet for {standup.QUIET_DAYS} days", f"{report.quiet_vulnerable_count:,}",
          border=True, help="Still owing, and no check-in with them in that time.")
with st.expander(f"Oldest overdue follow-ups ({report.overdue_7plus_count:,})"):
    if report.overdue_7plus:
        st.dataframe(backlog.display_records(report.overdue_7plus), hide_index=True,
                     key="standup_overdue")
    else:
        st.info("Nothing more than a week overdue.")
with st.expander(f"Broken plans ({report.broken_plans_count:,})"):
    if report.broken_plans:
        st.dataframe(standup.broken_plan_records(report.broken_plans), hide_index=True,
                     key="standup_broken")
    else:
        st.info(f"No plan has broken since {report.day:%A}.")
with st.expander(f"Vulnerable debtors to contact ({report.quiet_vulnerable_count:,})"):
    if report.quiet_vulnerable:
        st.dataframe(standup.quiet_records(report.quiet_vulnerable), hide_index=True,
                     key="standup_quiet")
    else:
        st.info(f"Every vulnerable debtor has had a check-in in the last {standup.QUIET_DAYS} "
                "days.")

owed = report.commitments
st.subheader("What we owe people")
o = st.columns(3)
o[0].metric("Our promises kept", f"{owed.callbacks.kept:,} of {owed.callbacks.due:,}",
            border=True, help=owed.callbacks.sentence)
o[1].metric("Holds ending in the next 7 days", f"{len(owed.holds_ending):,}", border=True)
o[2].metric("Adjustments past their review date", f"{owed.adjustments_to_review_count:,}",
            border=True, help="A line per person and review date.")
with st.expander(f"Holds ending in the next 7 days ({len(owed.holds_ending):,})"):
    if owed.holds_ending:
        table.show(commitments.hold_records(owed.holds_ending), key="standup_holds_ending",
                   file_name="holds-ending.csv")
    else:
        st.info("No hold ends or comes up for review in the next 7 days.")
with st.expander(f"Adjustments past their review date ({owed.adjustments_to_review_count:,})"):
    if owed.adjustments_to_review_count > commitments.REVIEW_LINES:
        st.caption(f"The {commitments.REVIEW_LINES} longest past their review date.")
    if owed.adjustments_to_review:
        table.show(commitments.review_records(owed.adjustments_to_review),
                   key="standup_adjustments_review", file_name="adjustments-to-review.csv")
    else:
        st.info("Every adjustment in force is within its review date.")

st.subheader(f"Plans wobbling ({report.wobbling_count:,})")
st.caption("Early signs a plan may break: a reason for a supportive check-in, never a chase. "
           + wobble.SUGGESTION)
if report.wobbling:
    st.dataframe(standup.wobbling_records(report.wobbling), hide_index=True, width="stretch",
                 key="standup_wobbling",
                 column_config={"Signs": st.column_config.TextColumn(width="large")})
else:
    st.info("No plan shows signs of wobbling.")
st.caption(report.wobble_outcome.sentence)

refreshers.case_of_the_week(read(learning.case_of_the_week, today=today, team_id=team_id))
shared_resources.helped_this_month(today=today, team_id=team_id)

st.subheader(f"The last {standup.TREND_DAYS} working days")
st.altair_chart(trend_chart(report.trend), key="standup_trend", width="stretch",
                height=TREND_HEIGHT)
