"""Insight: do check-ins, wellbeing and income and spending statements go with better outcomes —
for vulnerable people as much as for anyone? Three fixed questions (leads and admins)."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core.followups import queries as followups
from core.insight import queries as insight
from core.insight.charts import chart_height, interval_chart
from core.insight.stats import TOO_FEW
from core.insight.views import ASSOCIATION, Group
from core.permissions import is_lead
from core.vocabulary import Role
from ui import auth
from ui.components import refreshers
from ui.session import read

user = auth.require_user()
st.title("Insight")
if not is_lead(user):
    st.error("Only leads and admins can see the outcome insight.")
    st.stop()

today = read(followups.office_today)
teams = read(followups.people).teams
st.caption("Three fixed questions about outcomes, counted from every plan in the period. "
           f"Each share comes with its 95 % interval; groups of fewer than {TOO_FEW} plans "
           "are shown as \"too few to say\".")
st.info(ASSOCIATION)

left, right = st.columns([2, 1])
period = left.date_input("Period (first and last day)",
                         value=(today - timedelta(days=270), today - timedelta(days=1)),
                         key="insight_period", format="DD/MM/YYYY")
team_options = [None, *teams]
team_id = right.selectbox("Team", team_options, key="insight_team",
                          index=team_options.index(user.team_id)
                          if user.team_id in team_options else 0,
                          format_func=lambda t: "All teams" if t is None else teams[t])
if not isinstance(period, tuple) or len(period) != 2:
    st.info("Pick the last day of the period too.")
    st.stop()
start, end = period
if user.role == Role.ADMIN:
    with st.expander("Refreshers for the team (admins keep them)"):
        refreshers.editor(user)
result = read(insight.insight_for, actor=user, start=start, end=end, team_id=team_id)
if result.empty:
    st.info(result.empty_reason)
    st.stop()


# Widths that fit a half of a 1366-pixel screen (nothing cut off).
COLUMNS = {"Group": st.column_config.TextColumn(width=222),
           "Plans": st.column_config.NumberColumn(width=50),
           "With the outcome": st.column_config.NumberColumn("Met", width=45,
                                                             help="With the outcome"),
           "Share (95 % interval)": st.column_config.TextColumn(
               "Share", width=118, help="The share with the outcome, and its 95 % interval")}


def _question(title: str, explain: str, groups: list[Group], key: str) -> None:
    st.subheader(title)
    st.caption(explain)
    chart_col, table_col = st.columns(2)
    chart_col.altair_chart(interval_chart(groups, title=groups[0].measure), key=f"{key}_chart",
                           width="stretch", height=chart_height(groups))
    table_col.dataframe(insight.group_records(groups), hide_index=True, key=f"{key}_table",
                        width="stretch", column_config=COLUMNS)


_question("1. Does a check-in before the first instalment help it get paid?",
          "First instalments that fell due in the period (and whose grace days have passed): "
          "paid in full on time, with or without a check-in in the 3 days before.",
          result.first_instalment, "insight_a")
_question("2. Do plans agreed with a struggling person last?",
          "Plans agreed in the period at least 90 days ago: still running after 90 days, by "
          "the wellbeing recorded when they were agreed and by whether an income and spending "
          "statement was used.", result.still_running, "insight_b")
st.subheader("3. Do vulnerable people get outcomes as good as others?")
st.caption("The two measures above, side by side for vulnerable and not-vulnerable debtors "
           "(the FCA expects outcomes as good as others').")
cols = st.columns(2)
for col, measure in zip(cols, ("First instalment paid on time",
                               "Plan still running after 90 days"), strict=True):
    groups = [g for g in result.parity if g.measure == measure]
    col.altair_chart(interval_chart(groups, title=measure), key=f"insight_c_{measure[:5]}",
                     width="stretch", height=chart_height(groups))
    col.dataframe(insight.group_records(groups), hide_index=True, width="stretch",
                  key=f"insight_c_table_{measure[:5]}", column_config=COLUMNS)
