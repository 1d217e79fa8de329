"""Settlements waiting for a lead: choose one, see its context, approve or reject that plan only.

The decision form, its note and its buttons are keyed by the plan's id and the choice is
cleared after a decision, so a decision can never fall on a plan the lead did not open.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.money import format_money
from core.payment_plans import approvals
from ui.format import md
from ui.session import read, write


def _affordable(item: approvals.ApprovalItem) -> str:
    if item.affordability is None:
        return "No income and spending yet"
    verdict = "Yes" if item.affordability.affordable else "No"
    return f"{verdict} ({format_money(item.affordability.headroom_cents)} headroom a month)"


def _table(queue: list[approvals.ApprovalItem], key: str) -> None:
    st.dataframe(pd.DataFrame([{
        "Plan": i.plan.plan_id, "Debtor": i.plan.debtor_name,
        "Account": i.plan.account_reference, "Discount": f"{i.plan.discount_pct}%",
        "Forgiven": format_money(i.plan.forgiven_cents),
        "Asked by": i.plan.created_by_name, "Waiting": i.waited,
        "Affordable?": _affordable(i), "You may approve": "Yes" if i.refusal is None else "No",
    } for i in queue]), hide_index=True, width="stretch", key=f"{key}_table")


def _context(item: approvals.ApprovalItem) -> None:
    row = item.plan
    st.markdown(f"**Plan {row.plan_id}** for **{md(row.debtor_name)}** "
                f"({md(row.account_reference)}): {md(row.discount_pct)}% off, "
                f"{format_money(row.forgiven_cents)} forgiven, {format_money(row.payable_cents)}"
                f" to pay; asked by {md(row.created_by_name or 'someone')}, waiting {item.waited}.")
    st.caption("The agent's reason:")
    st.text(item.reason or "(none given)")
    st.caption(f"Affordable? {_affordable(item)}. "
               + ("Approving starts the plan, as the agent asked." if item.start_when_approved
                  else "Approving makes it a proposal the agent can start."))
    if item.refusal is None:
        st.caption(item.who_may_approve)
    else:
        st.warning(item.who_may_approve)


def _decide(key: str, item: approvals.ApprovalItem, *, actor, today: date) -> None:
    """The decision on one plan: everything here is keyed by its id."""
    plan_id = item.plan.plan_id
    seen = st.session_state.setdefault(f"{key}_seen", {})
    version = seen.get(plan_id, item.plan.version)  # as the lead saw it: else "reload"
    seen[plan_id] = item.plan.version
    _context(item)
    with st.form(f"{key}_form_{plan_id}", clear_on_submit=False):
        note = st.text_area("Note for the agent", key=f"{key}_note_{plan_id}", max_chars=5000)
        c1, c2 = st.columns(2)
        approve = c1.form_submit_button(f"Approve plan {plan_id}", key=f"{key}_approve_{plan_id}",
                                        type="primary", disabled=item.refusal is not None)
        reject = c2.form_submit_button(f"Reject plan {plan_id}", key=f"{key}_reject_{plan_id}")
    if not (approve or reject):
        return
    done = write(lambda s: approvals.decide(s, actor=actor, plan_id=plan_id, approve=approve,
                                            note=note, expected_version=version, today=today))
    if done is not None:
        started = " and started" if approve and done.status == "active" else ""
        st.session_state["plans_flash"] = (
            f"Plan {plan_id} approved{started}." if approve else f"Plan {plan_id} rejected.")
        st.session_state[f"{key}_clear"] = True
        st.rerun()


def show(*, key: str, actor, today: date) -> None:
    """The approval queue for leads and admins (nothing when it is empty)."""
    if st.session_state.pop(f"{key}_clear", False):
        st.session_state.pop(f"{key}_pick", None)
    queue = read(approvals.queue, actor=actor, today=today)
    if not queue:
        return
    waiting = read(approvals.queue_size)
    by_id = {item.plan.plan_id: item for item in queue}
    oldest = f", the oldest {len(queue)} shown" if waiting > len(queue) else ""
    with st.expander(f"Settlements waiting for approval ({waiting:,}{oldest})", expanded=True):
        _table(queue, key)
        if st.session_state.get(f"{key}_pick") not in by_id:
            st.session_state.pop(f"{key}_pick", None)
        plan_id = st.selectbox(
            "Plan to decide", list(by_id), index=None, key=f"{key}_pick",
            placeholder="Choose a plan to open it",
            format_func=lambda i: (f"Plan {i}: {by_id[i].plan.debtor_name}, "
                                   f"{by_id[i].plan.discount_pct}% off"),
        )
        if plan_id is not None:
            _decide(key, by_id[plan_id], actor=actor, today=today)
