"""Check-in charts: how a debtor has been doing over time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import altair as alt
import pandas as pd

WELLBEING_LABELS = {1: "struggling", 2: "finding it hard", 3: "getting by", 4: "doing fine",
                    5: "doing well"}


def wellbeing_chart(points: Iterable[tuple[datetime | date, int]], *,
                    height: int = 160) -> alt.LayerChart:
    """A small line with points of wellbeing (1 struggling … 5 doing well) over time."""
    rows = [{"When": when, "Wellbeing": int(score),
             "How they were": WELLBEING_LABELS.get(int(score), "")}
            for when, score in points]
    data = pd.DataFrame(rows, columns=["When", "Wellbeing", "How they were"])
    if not data.empty:
        # Altair wants naive or UTC timestamps; show them as dates.
        data["When"] = pd.to_datetime(data["When"], utc=True)
    base = alt.Chart(data).encode(
        x=alt.X("When:T", title=None, axis=alt.Axis(format="%d %b")),
        y=alt.Y("Wellbeing:Q", title="Wellbeing",
                scale=alt.Scale(domain=[1, 5], nice=False),
                axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        tooltip=[alt.Tooltip("When:T", title="When", format="%d %b %Y"),
                 alt.Tooltip("Wellbeing:Q", title="Wellbeing (1–5)"),
                 alt.Tooltip("How they were:N")],
    )
    line = base.mark_line(color="#4c78a8")
    dots = base.mark_point(filled=True, size=60, color="#4c78a8")
    return (line + dots).properties(height=height, title="How they have been (1–5)")
