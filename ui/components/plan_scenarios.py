"""Pinned plan scenarios: up to three designs kept aside and compared side by side.

Drawn outside the designer's fragment, so a slider never redraws them; "Use Scenario A" puts a
scenario's values back on the sliders.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.affordability import assess
from core.money import format_money
from core.payment_plans import service as pp
from core.payment_plans.charts import scenarios_frame, scenarios_spec
from core.plans import Frequency, Schedule
from ui.components.plan_basis import Basis, when

MAX_PINNED = 3
SCENARIO_NAMES = ("Scenario A", "Scenario B", "Scenario C")
# Widget names that make up one scenario (put back on the sliders by "Use Scenario A").
DESIGN_FIELDS = ("by", "instalment", "count", "frequency", "start", "discount", "upfront",
                 "round", "interest", "rate")


def pin_button(prefix: str, schedule: Schedule, inputs: pp.PlanInputs) -> None:
    """The button that pins the design on the sliders (disabled once three are pinned)."""
    pinned = st.session_state.get(f"{prefix}_scenarios", [])
    if st.button("Pin this scenario", key=f"{prefix}_pin", disabled=len(pinned) >= MAX_PINNED,
                 help=f"Keep up to {MAX_PINNED} scenarios to compare."):
        _pin(prefix, schedule, inputs)
        st.rerun(scope="app")  # the comparison lives outside the designer


def _pin(prefix: str, schedule: Schedule, inputs: pp.PlanInputs) -> None:
    pinned = st.session_state.setdefault(f"{prefix}_scenarios", [])
    if len(pinned) >= MAX_PINNED:
        return
    used = {s["label"] for s in pinned}
    label = next(name for name in SCENARIO_NAMES if name not in used)
    pinned.append({
        "label": label,
        "schedule": schedule,
        "frequency": inputs.frequency,
        "widgets": {f: st.session_state.get(f"{prefix}_{f}") for f in DESIGN_FIELDS},
    })


def _unpin_all(prefix: str) -> None:
    st.session_state[f"{prefix}_scenarios"] = []


def _load(prefix: str, widgets: dict) -> None:
    for field, value in widgets.items():
        if value is not None:
            st.session_state[f"{prefix}_{field}"] = value


def figures(schedule: Schedule, frequency: str, basis: Basis) -> dict[str, str]:
    """One scenario's figures for the comparison table, with its affordability when known."""
    currency = basis.currency
    regular = schedule.regular_instalments
    last = schedule.last_instalment
    rows = {
        "Instalment": format_money(regular[0].amount_cents, currency),
        "How often": Frequency(frequency).label,
        "Number of instalments": str(schedule.count),
        "Money up front": format_money(schedule.upfront_cents, currency),
        "Last instalment": format_money(last.amount_cents, currency),
        "Last payment date": when(last.due),
        "Total payable": format_money(schedule.payable_cents, currency),
        "Amount forgiven": format_money(schedule.forgiven_cents, currency),
    }
    if basis.income_cents is not None and basis.expenses_cents is not None:
        verdict = assess(basis.income_cents, basis.expenses_cents,
                         schedule.regular_instalment_cents, frequency,
                         other_commitments_cents=basis.other_commitments_cents)
        rows["Affordable?"] = "Yes" if verdict.affordable else "No"
        rows["Headroom a month"] = format_money(verdict.headroom_cents, currency)
    return rows


def compare(prefix: str, basis: Basis) -> None:
    """The pinned scenarios side by side (outside the fragment: a slider never redraws them)."""
    pinned = st.session_state.get(f"{prefix}_scenarios", [])
    if not pinned:
        st.caption(f"Pin up to {MAX_PINNED} scenarios to compare them side by side.")
        return
    st.subheader("Scenarios side by side")
    table = pd.DataFrame(
        {s["label"]: figures(s["schedule"], s["frequency"], basis) for s in pinned})
    table.index.name = "Figure"
    st.dataframe(table, width="stretch", key=f"{prefix}_compare_table")
    lines = tuple((s["label"], s["schedule"]) for s in pinned)
    st.vega_lite_chart(scenarios_frame(lines), scenarios_spec([s["label"] for s in pinned]),
                       width="stretch", key=f"{prefix}_compare_chart")
    cols = st.columns(len(pinned) + 1)
    for col, scenario in zip(cols, pinned, strict=False):
        col.button(f"Use {scenario['label']}", help="Put this scenario back on the sliders.",
                   key=f"{prefix}_load_{scenario['label'][-1]}", on_click=_load,
                   args=(prefix, scenario["widgets"]))
    cols[-1].button("Clear pinned scenarios", key=f"{prefix}_clear_pins", on_click=_unpin_all,
                    args=(prefix,))
