"""Settlements waiting for a lead: choose one, see it, approve or reject that plan only.

The decision form, its note and its buttons are keyed by the plan's id and the choice is
cleared after a decision, so a decision can never fall on a plan the lead did not open.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.money import format_money
from core.payment_plans import service as pp
from ui.format import md
from ui.session import read, write

MONEY = {name: st.column_config.NumberColumn(name, format="%.2f")
         for name in ("Forgiven (£)", "Total payable (£)")}


def _table(queue: list[pp.PlanRow], key: str) -> None:
    st.dataframe(pd.DataFrame([{
        "Plan": row.plan_id, "Debtor": row.debtor_name, "Account": row.account_reference,
        "Discount (%)": row.discount_pct, "Forgiven (£)": row.forgiven_cents / 100,
        "Total payable (£)": row.payable_cents / 100, "Asked by": row.created_by_name,
    } for row in queue]), hide_index=True, width="stretch", column_config=MONEY,
        key=f"{key}_table")


def _decide(key: str, row: pp.PlanRow, *, actor) -> None:
    """The decision on one plan: everything here is keyed by its id."""
    plan_id = row.plan_id
    seen = st.session_state.setdefault(f"{key}_seen", {})
    version = seen.get(plan_id, row.version)
    seen[plan_id] = row.version
    st.markdown(f"**Plan {plan_id}** for **{md(row.debtor_name)}** ({md(row.account_reference)}):"
                f" {md(row.discount_pct)}% off, {format_money(row.forgiven_cents)} forgiven, "
                f"{format_money(row.payable_cents)} to pay; asked by "
                f"{md(row.created_by_name or 'someone')}.")
    with st.form(f"{key}_form_{plan_id}", clear_on_submit=False):
        note = st.text_area("Note for the agent", key=f"{key}_note_{plan_id}", max_chars=5000)
        c1, c2 = st.columns(2)
        approve = c1.form_submit_button(f"Approve plan {plan_id}", key=f"{key}_approve_{plan_id}",
                                        type="primary")
        reject = c2.form_submit_button(f"Reject plan {plan_id}", key=f"{key}_reject_{plan_id}")
    if not (approve or reject):
        return
    # The version the lead saw: a plan someone changed since is refused with "reload".
    if approve:
        done = write(lambda s: pp.approve_plan(s, actor=actor, plan_id=plan_id, note=note,
                                               expected_version=version))
    else:
        done = write(lambda s: pp.reject_plan(s, actor=actor, plan_id=plan_id, note=note,
                                              expected_version=version))
    if done is not None:
        st.session_state["plans_flash"] = (
            f"Plan {plan_id} approved." if approve else f"Plan {plan_id} rejected.")
        st.session_state[f"{key}_clear"] = True
        st.rerun()


def show(*, key: str, actor) -> None:
    """The approval queue for leads and admins (nothing when it is empty)."""
    if st.session_state.pop(f"{key}_clear", False):
        st.session_state.pop(f"{key}_pick", None)
    queue = read(pp.plans_awaiting_approval)
    if not queue:
        return
    by_id = {row.plan_id: row for row in queue}
    with st.expander(f"Settlements waiting for approval ({len(queue)})", expanded=True):
        _table(queue, key)
        if st.session_state.get(f"{key}_pick") not in by_id:
            st.session_state.pop(f"{key}_pick", None)
        plan_id = st.selectbox(
            "Plan to decide", list(by_id), index=None, key=f"{key}_pick",
            placeholder="Choose a plan to open it",
            format_func=lambda i: f"Plan {i}: {by_id[i].debtor_name}, {by_id[i].discount_pct}% off",
        )
        if plan_id is not None:
            _decide(key, by_id[plan_id], actor=actor)
