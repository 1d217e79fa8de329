"""Payment plan charts: what is left to pay over time, for one plan or side by side.

`balance_chart` and `scenarios_chart` return Altair charts. For a slider that redraws on
every move there is also a fast path: the same Vega-Lite spec without its data
(`balance_spec`, `scenarios_spec`, built and validated by Altair once) and the data as a
DataFrame (`balance_frame`, `scenarios_frame`), for `st.vega_lite_chart(frame, spec)`.
Altair re-validates a whole chart on every `to_dict()`, which costs more than the rest
of a rerun.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from functools import lru_cache

import altair as alt
import pandas as pd

from core.plans import Schedule

_Y_TITLE = "Left to pay (£)"
_HEIGHT = 260
_POINTS_UP_TO = 60  # mark each instalment with a dot on short plans only


def balance_frame(schedule: Schedule) -> pd.DataFrame:
    """What is left to pay just before the first instalment, then after each one (pounds)."""
    instalments = schedule.instalments
    left = schedule.payable_cents
    lefts = [left / 100]
    for inst in instalments:
        left -= inst.amount_cents
        lefts.append(left / 100)
    return pd.DataFrame({
        "date": [instalments[0].due.isoformat()] + [i.due.isoformat() for i in instalments],
        "left": lefts,
        "payment": [0] + [i.seq for i in instalments],
        "paid": [0.0] + [i.amount_cents / 100 for i in instalments],
    })


@lru_cache(maxsize=16)
def scenarios_frame(scenarios: tuple[tuple[str, Schedule], ...]) -> pd.DataFrame:
    """The balance frames of several scenarios stacked, with a `scenario` label column."""
    frames = [balance_frame(schedule).assign(scenario=label) for label, schedule in scenarios]
    return pd.concat(frames, ignore_index=True)


def _balance_base(data: object, *, title: str, points: bool) -> alt.Chart:
    return (
        alt.Chart(data, title=title)
        .mark_line(interpolate="step-after", point=points)
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
        .properties(height=_HEIGHT)
    )


def _scenarios_base(data: object, *, labels: Sequence[str], title: str) -> alt.Chart:
    return (
        alt.Chart(data, title=title)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y("left:Q", title=_Y_TITLE, axis=alt.Axis(format=",.0f")),
            color=alt.Color("scenario:N", title="Scenario", sort=list(labels)),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                alt.Tooltip("left:Q", title="Left to pay (£)", format=",.2f"),
            ],
        )
        .properties(height=_HEIGHT)
    )


def balance_chart(schedule: Schedule, *, title: str = "What is left to pay") -> alt.Chart:
    """A step line of what is left to pay, falling at each instalment's date."""
    return _balance_base(balance_frame(schedule), title=title,
                         points=len(schedule.instalments) <= _POINTS_UP_TO)


def scenarios_chart(
    scenarios: Sequence[tuple[str, Schedule]], *, title: str = "Scenarios side by side"
) -> alt.Chart:
    """One step line per scenario of what is left to pay, coloured by scenario label."""
    labels = [label for label, _ in scenarios]
    return _scenarios_base(scenarios_frame(tuple(scenarios)), labels=labels, title=title)


@lru_cache(maxsize=4)
def _balance_spec(title: str, points: bool) -> dict:
    return _balance_base(alt.Data(values=[]), title=title, points=points).to_dict()


@lru_cache(maxsize=16)
def _scenarios_spec(labels: tuple[str, ...], title: str) -> dict:
    return _scenarios_base(alt.Data(values=[]), labels=labels, title=title).to_dict()


def _without_data(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    spec.pop("data", None)
    spec.pop("datasets", None)
    return spec


def balance_spec(schedule: Schedule, *, title: str = "What is left to pay") -> dict:
    """`balance_chart`'s Vega-Lite spec without data; pair it with `balance_frame`."""
    return _without_data(_balance_spec(title, len(schedule.instalments) <= _POINTS_UP_TO))


def scenarios_spec(labels: Sequence[str], *, title: str = "Scenarios side by side") -> dict:
    """`scenarios_chart`'s Vega-Lite spec without data; pair it with `scenarios_frame`."""
    return _without_data(_scenarios_spec(tuple(labels), title))


def schedule_frame(schedule: Schedule, *, rows: int | None = None) -> pd.DataFrame:
    """The schedule as a table (pounds); only the first `rows` instalments when given."""
    instalments = schedule.instalments if rows is None else schedule.instalments[:rows]
    data = {
        "Payment": [i.seq for i in instalments],
        "Date": [i.due for i in instalments],
        "Amount (£)": [i.amount_cents / 100 for i in instalments],
        "Left to pay after (£)": [i.balance_after_cents / 100 for i in instalments],
    }
    if schedule.interest_cents:
        data["Interest (£)"] = [i.interest_cents / 100 for i in instalments]
    return pd.DataFrame(data)
