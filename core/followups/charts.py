"""Backlog and stand-up charts: agents × lateness buckets, and the 14-day contact trend."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from core.followups.backlog import BUCKET_LABELS, BUCKETS, BucketRow
from core.followups.standup import TrendPoint

PICK = "pick"  # the selection's name: st.altair_chart(..., on_select="rerun") reports it
# Red for the most overdue through to grey for later: the eye goes to the left end first.
BUCKET_COLOURS = ("#b2182b", "#ef8a62", "#f4a582", "#92c5de", "#bababa")
ROW_HEIGHT = 28
AXES_AND_LEGEND = 150  # pixels under the bars for the axis title and the legend


def bucket_records(rows: Sequence[BucketRow]) -> list[dict]:
    """One record per agent and bucket (the chart's data, also handy for tables)."""
    return [
        {"agent": r.name, "agent_id": r.agent_id, "bucket": bucket,
         "bucket_label": BUCKET_LABELS[bucket], "bucket_order": i, "count": getattr(r, bucket)}
        for r in rows for i, bucket in enumerate(BUCKETS)
    ]


TREND_HEIGHT = 300


def bar_height(rows: Sequence[BucketRow]) -> int:
    """Pixels for the stacked bar (pass to st.altair_chart: it does not take the chart's own)."""
    return max(220, ROW_HEIGHT * len(rows) + AXES_AND_LEGEND)


def backlog_bar(rows: Sequence[BucketRow]) -> alt.Chart:
    """A horizontal stacked bar per agent; clicking a segment selects that agent and bucket."""
    pick = alt.selection_point(name=PICK, fields=["agent_id", "bucket"], on="click",
                               clear="dblclick")
    labels = [BUCKET_LABELS[b] for b in BUCKETS]
    return (
        alt.Chart(alt.Data(values=bucket_records(rows)))
        .mark_bar()
        .encode(
            y=alt.Y("agent:N", title=None, sort=[r.name for r in rows]),
            x=alt.X("count:Q", title="Open follow-ups", stack="zero"),
            color=alt.Color("bucket_label:N", title="How late",
                            scale=alt.Scale(domain=labels, range=list(BUCKET_COLOURS)),
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("bucket_order:Q"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=[alt.Tooltip("agent:N", title="Agent"),
                     alt.Tooltip("bucket_label:N", title="How late"),
                     alt.Tooltip("count:Q", title="Follow-ups")],
        )
        .add_params(pick)
        .properties(height=bar_height(rows))
    )


def trend_records(points: Sequence[TrendPoint]) -> list[dict]:
    """Two records per day: check-ins and conversations."""
    return [
        {"day": p.day.isoformat(), "label": f"{p.day:%a %d %b}", "series": series,
         "count": count}
        for p in points
        for series, count in (("Check-ins", p.checkins), ("Conversations", p.conversations))
    ]


def trend_chart(points: Sequence[TrendPoint]) -> alt.Chart:
    """Check-ins and conversations per working day, as two lines."""
    return (
        alt.Chart(alt.Data(values=trend_records(points)))
        .mark_line(point=True, strokeWidth=3)
        .encode(
            # Ordinal, not time: the trend's days are working days, so a weekend leaves no gap.
            x=alt.X("label:O", title=None, sort=None, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("count:Q", title="Per day"),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=["Check-ins", "Conversations"],
                                            range=["#2166ac", "#1b7837"])),
            tooltip=[alt.Tooltip("label:N", title="Day"),
                     alt.Tooltip("series:N", title="What"),
                     alt.Tooltip("count:Q", title="How many")],
        )
        .properties(height=TREND_HEIGHT)
    )
