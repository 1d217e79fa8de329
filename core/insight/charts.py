"""Insight charts: each group's share as a point with its 95 % interval as a bar (pure)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from core.insight.views import Group


def interval_records(groups: Sequence[Group]) -> list[dict]:
    """One record per group; groups under 30 carry no share (drawn as "too few to say")."""
    out = []
    for g in groups:
        r = g.result
        shown = not r.too_few and r.rate is not None
        out.append({"group": g.name, "measure": g.measure, "n": r.n, "hits": r.hits,
                    "rate": r.rate if shown else None, "low": r.low if shown else None,
                    "high": r.high if shown else None,
                    "label": r.describe()})
    return out


def chart_height(groups: Sequence[Group]) -> int:
    """Pixels for the chart (pass to st.altair_chart: it does not take the chart's own)."""
    return 70 + 44 * max(2, len(groups))


def interval_chart(groups: Sequence[Group], *, title: str) -> alt.LayerChart:
    """Share with the good outcome per group, with its 95 % interval; too-few groups are
    listed with the words instead of a point."""
    data = alt.Data(values=interval_records(groups))
    base = alt.Chart(data).encode(
        # An explicit domain keeps every group on its own line, also those with no point.
        y=alt.Y("group:N", title=None, sort=None,
                scale=alt.Scale(domain=[g.name for g in groups]),
                axis=alt.Axis(labelLimit=320)),
        tooltip=[alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("label:N", title="Share (95 % interval)")],
    )
    scale = alt.Scale(domain=[0, 1])
    bars = base.mark_rule(strokeWidth=6, color="#92c5de").encode(
        x=alt.X("low:Q", title="Share with the outcome (95 % interval)", scale=scale,
                axis=alt.Axis(format="%")),
        x2="high:Q")
    points = base.mark_point(filled=True, size=120, color="#2166ac").encode(
        x=alt.X("rate:Q", scale=scale))
    words = base.mark_text(align="left", dx=6, color="#555").encode(
        x=alt.value(0), text="label:N").transform_filter("datum.rate === null")
    return (bars + points + words).properties(title=title, height=chart_height(groups))
