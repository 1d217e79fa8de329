"""Payment plan charts: what is left to pay over time, for one plan or side by side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd

from core.plans import Schedule

_Y_TITLE = "Left to pay (£)"


def _points(schedule: Schedule) -> list[dict[str, object]]:
    """Left to pay just before the first instalment, then after each one (pounds)."""
    left = schedule.payable_cents
    first = schedule.instalments[0]
    points: list[dict[str, object]] = [_point(first.due, left, 0, 0)]
    for inst in schedule.instalments:
        left -= inst.amount_cents
        points.append(_point(inst.due, left, inst.seq, inst.amount_cents))
    return points


def _point(due: date, left_cents: int, seq: int, paid_cents: int) -> dict[str, object]:
    return {"date": due.isoformat(), "left": left_cents / 100, "payment": seq,
            "paid": paid_cents / 100}


def balance_chart(schedule: Schedule, *, title: str = "What is left to pay") -> alt.Chart:
    """A step line of what is left to pay, falling at each instalment's date."""
    # A DataFrame, not inline values: Altair validates inline values row by row (slow).
    data = pd.DataFrame(_points(schedule))
    return (
        alt.Chart(data, title=title)
        .mark_line(interpolate="step-after", point=len(schedule.instalments) <= 60)
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y("left:Q", title=_Y_TITLE, axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                alt.Tooltip("payment:Q", title="Payment no."),
                alt.Tooltip("paid:Q", title="Paid (£)", format=",.2f"),
                alt.Tooltip("left:Q", title="Left to pay (£)", format=",.2f"),
            ],
        )
        .properties(height=260)
    )


def scenarios_chart(
    scenarios: Sequence[tuple[str, Schedule]], *, title: str = "Scenarios side by side"
) -> alt.Chart:
    """One step line per scenario of what is left to pay, coloured by scenario label."""
    values: list[dict[str, object]] = []
    labels: list[str] = []
    for label, schedule in scenarios:
        labels.append(label)
        values.extend(dict(point, scenario=label) for point in _points(schedule))
    data = pd.DataFrame(values)
    return (
        alt.Chart(data, title=title)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y("left:Q", title=_Y_TITLE, axis=alt.Axis(format=",.0f")),
            color=alt.Color("scenario:N", title="Scenario", sort=labels),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                alt.Tooltip("left:Q", title="Left to pay (£)", format=",.2f"),
            ],
        )
        .properties(height=260)
    )
