"""Settlements waiting for a lead: choose one, see its context, approve or reject that plan only.

The decision form, its note and its buttons are keyed by the plan's id. After a decision the
chooser itself is a new widget (ui.forms.Fields moves it to a new key), so it comes back empty:
clearing a kept widget's value leaves the browser showing the plan just decided (issue 11).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.money import format_money
from core.payment_plans import approvals
from core.payment_plans.starting import StartPreview, preview_start
from ui.components.plan_designer import when
from ui.format import md
from ui.forms import Fields
from ui.session import read, write


def _affordable(item: approvals.ApprovalItem) -> str:
    if item.affordability is None:
        return "No income and spending yet"
    verdict = "Yes" if item.affordability.affordable else "No"
    return f"{verdict} ({format_money(item.affordability.headroom_cents)} headroom a month)"


# Widths that fit the whole table on a 1366-pixel screen (nothing cut off).
COLUMNS = {
    "Plan": st.column_config.NumberColumn("Plan", width=45),
    "Debtor": st.column_config.TextColumn("Debtor", width=135),
    "Account": st.column_config.TextColumn("Account", width=100),
    "Discount": st.column_config.TextColumn("Discount", width=68),
    "Forgiven": st.column_config.TextColumn("Forgiven", width=75),
    "Asked by": st.column_config.TextColumn("Asked by", width=135),
    "Waiting": st.column_config.TextColumn("Waiting", width=62),
    "Affordable?": st.column_config.TextColumn("Affordable?", width=165,
                                               help="Headroom: what is left each month"),
    "Yours?": st.column_config.TextColumn("Yours?", width=55,
                                          help="Yes when your own limits let you approve it"),
}


def _affordable_short(item: approvals.ApprovalItem) -> str:
    if item.affordability is None:
        return "No income and spending"
    verdict = "Yes" if item.affordability.affordable else "No"
    return f"{verdict}, {format_money(item.affordability.headroom_cents)} to spare"


def _table(queue: list[approvals.ApprovalItem], key: str) -> None:
    st.dataframe(pd.DataFrame([{
        "Plan": i.plan.plan_id, "Debtor": i.plan.debtor_name,
        "Account": i.plan.account_reference, "Discount": f"{i.plan.discount_pct}%",
        "Forgiven": format_money(i.plan.forgiven_cents),
        "Asked by": i.plan.created_by_name, "Waiting": i.waited,
        "Affordable?": _affordable_short(i), "Yours?": "Yes" if i.refusal is None else "No",
    } for i in queue]), hide_index=True, width="stretch", column_config=COLUMNS,
        key=f"{key}_table")


def _context(item: approvals.ApprovalItem, start: StartPreview) -> None:
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
    if start.expired:
        st.warning(f"{start.refusal} It cannot be approved: reject it with a note.")
    elif start.offer_expires_on is not None:
        st.caption(f"The offer stands until {when(start.offer_expires_on)}.")
    if start.refusal and not start.expired and item.start_when_approved:
        st.caption(f"Approving will not start it: {start.refusal}")


def _decide(key: str, item: approvals.ApprovalItem, *, actor, today: date) -> None:
    """The decision on one plan: everything here is keyed by its id."""
    plan_id = item.plan.plan_id
    seen = st.session_state.setdefault(f"{key}_seen", {})
    version = seen.get(plan_id, item.plan.version)  # as the lead saw it: else "reload"
    seen[plan_id] = item.plan.version
    start = read(preview_start, plan_id=plan_id, today=today)
    _context(item, start)
    with st.form(f"{key}_form_{plan_id}", clear_on_submit=False):
        note = st.text_area("Note for the agent", key=f"{key}_note_{plan_id}", max_chars=5000)
        c1, c2 = st.columns(2)
        approve = c1.form_submit_button(f"Approve plan {plan_id}", key=f"{key}_approve_{plan_id}",
                                        type="primary",
                                        disabled=item.refusal is not None or start.expired)
        reject = c2.form_submit_button(f"Reject plan {plan_id}", key=f"{key}_reject_{plan_id}")
    if not (approve or reject):
        return
    done = write(lambda s: approvals.decide(s, actor=actor, plan_id=plan_id, approve=approve,
                                            note=note, expected_version=version, today=today))
    if done is not None:
        started = " and started" if approve and done.status == "active" else ""
        st.session_state["plans_flash"] = (
            f"Plan {plan_id} approved{started}." if approve else f"Plan {plan_id} rejected.")
        Fields(f"{key}_").afresh()  # a new, empty chooser: nothing stays open to act on
        st.rerun()


def show(*, key: str, actor, today: date) -> None:
    """The approval queue for leads and admins (nothing when it is empty)."""
    pick = Fields(f"{key}_")("pick")  # a new chooser after each decision
    queue = read(approvals.queue, actor=actor, today=today)
    if not queue:
        return
    waiting = read(approvals.queue_size)
    by_id = {item.plan.plan_id: item for item in queue}
    oldest = f", the oldest {len(queue)} shown" if waiting > len(queue) else ""
    with st.expander(f"Settlements waiting for approval ({waiting:,}{oldest})", expanded=True):
        _table(queue, key)
        if st.session_state.get(pick) not in by_id:  # decided elsewhere meanwhile
            st.session_state.pop(pick, None)
        plan_id = st.selectbox(
            "Plan to decide", list(by_id), index=None, key=pick,
            placeholder="Choose a plan to open it",
            format_func=lambda i: (f"Plan {i}: {by_id[i].plan.debtor_name}, "
                                   f"{by_id[i].plan.discount_pct}% off"),
        )
        if plan_id is not None:
            _decide(key, by_id[plan_id], actor=actor, today=today)
