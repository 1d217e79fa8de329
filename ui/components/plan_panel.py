"""The plans on an account, one opened with its instalments and the actions its status allows.

The buttons come from one table (status -> actions) and every widget is keyed by the plan's id,
so a decision only ever acts on the plan shown. The version sent with a decision is the one
the user saw: if someone changed the plan since, the service refuses with "reload".
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.lifecycle import LEAD_ACTIONS, NOT_STARTED, PlanAction, allowed_actions
from core.money import format_money
from core.payment_plans import approvals
from core.payment_plans import forbearance as fb
from core.payment_plans import service as pp
from core.payment_plans.charts import schedule_frame
from core.payment_plans.starting import StartPreview, preview_start
from core.vocabulary import InstalmentStatus, PlanStatus
from ui.components.plan_designer import for_the_debtor, when
from ui.format import md
from ui.session import read, write

# Money as £1,234.50 (Streamlit's number formats have no pound with thousands), right-aligned.
MONEY = {name: st.column_config.TextColumn(name, alignment="right")
         for name in ("Amount", "Paid", "Total payable", "Discount")}


# What each action says once done; which actions a plan offers comes from core.lifecycle.
DONE: dict[PlanAction, str] = {
    PlanAction.PROPOSE: "Proposed to the debtor.",
    PlanAction.ACTIVATE: "The plan has started.",
    PlanAction.RESCHEDULE: "Rescheduled: what is left now runs on from the next payment date.",
    PlanAction.CANCEL: "The plan is cancelled.",
}


def actions_for(status: str) -> list[PlanAction]:
    """The buttons a plan in `status` shows here (approving is done in the lead's queue)."""
    return [a for a in allowed_actions(status)
            if a not in LEAD_ACTIONS and a != PlanAction.RESCHEDULE]  # rescheduling: see below


def _run(action: str, *, actor, plan_id: int, version: int, note: str, today: date):
    if action == "propose":
        return write(lambda s: pp.propose_plan(s, actor=actor, plan_id=plan_id,
                                               expected_version=version))
    if action == "activate":
        return write(lambda s: pp.activate_plan(s, actor=actor, plan_id=plan_id,
                                                expected_version=version, today=today))
    if action == "reschedule":
        return write(lambda s: pp.reschedule_plan(s, actor=actor, plan_id=plan_id,
                                                  expected_version=version, today=today))
    return write(lambda s: pp.cancel_plan(s, actor=actor, plan_id=plan_id,
                                          expected_version=version, note=note))


def _plan_table(plans: list[pp.PlanRow], key: str, currency: str) -> None:
    st.dataframe(
        pd.DataFrame([{
            "Plan": p.plan_id, "Status": pp.STATUS_LABELS.get(p.status, p.status),
            "How often": pp.frequency_label(p.frequency), "Starts": when(p.start_on),
            "Discount": f"{p.discount_pct}%",
            "Total payable": format_money(p.payable_cents, currency),
            "Paid": format_money(p.paid_cents, currency), "Missed": p.missed,
        } for p in plans]),
        hide_index=True, width="stretch", column_config=MONEY, key=key,
    )


def _detail(detail: pp.PlanDetail) -> None:
    cur = detail.currency
    st.markdown(f"**Plan {detail.plan_id}: {pp.STATUS_LABELS.get(detail.status, detail.status)}"
                f"** · {pp.frequency_label(detail.frequency).lower()} from "
                f"{when(detail.start_on)} · {md(detail.discount_pct)}% discount")
    c1, c2, c3 = st.columns(3)
    c1.metric("Total payable", format_money(detail.payable_cents, cur))
    c2.metric("Paid", format_money(detail.paid_cents, cur))
    c3.metric("Missed instalments", detail.missed)
    if detail.approval_note:
        st.caption("Note from the lead:")
        st.text(detail.approval_note)
    st.dataframe(pd.DataFrame({
        "Payment": [i.seq for i in detail.instalments],
        "Date": [when(i.due_on) for i in detail.instalments],
        "Amount": [format_money(i.amount_cents, cur) for i in detail.instalments],
        "Paid": [format_money(i.paid_cents, cur) for i in detail.instalments],
        "Status": [InstalmentStatus(i.status).label for i in detail.instalments],
    }), hide_index=True, width="stretch", column_config=MONEY,
        key=f"plans_detail_table_{detail.plan_id}")


def _before_start(start: StartPreview) -> bool:
    """The offer's expiry and what starting today would store; False when it cannot start."""
    if start.offer_expires_on is not None and not start.expired:
        st.caption(f"The settlement offer stands until {when(start.offer_expires_on)}.")
    if start.refusal:
        st.warning(start.refusal)
        return False
    if start.schedule is None:
        return False
    first, last = start.schedule.instalments[0], start.schedule.last_instalment
    changed = (" The balance has changed since the plan was saved, so these figures are "
               "not the ones above.") if start.payable_changed else ""
    st.caption(f"Starting it today: {start.schedule.count} payments from {when(first.due)} "
               f"({format_money(first.amount_cents, start.currency)} first) to "
               f"{when(last.due)}, {format_money(start.schedule.payable_cents, start.currency)}"
               f" in all, on today's balance of "
               f"{format_money(start.balance_cents, start.currency)}.{changed}")
    return True


def _buttons(key: str, detail: pp.PlanDetail, *, actor, today: date) -> None:
    plan_id = detail.plan_id
    seen = st.session_state.setdefault(f"{key}_seen", {})
    version, status = seen.get(plan_id, (detail.version, detail.status))
    seen[plan_id] = (detail.version, detail.status)
    offered = actions_for(status)
    start = read(preview_start, plan_id=plan_id, today=today) if status in NOT_STARTED else None
    if start is not None and start.status == status:  # else a press is told to reload
        if status == PlanStatus.AWAITING_APPROVAL:
            who = read(approvals.who_approves, discount_pct=detail.discount_pct,
                       forgiven_cents=detail.forgiven_cents, currency=detail.currency)
            st.caption(f"Waiting for {who}'s approval of the discount.")
            if start.expired:
                st.warning(start.refusal)
        elif not _before_start(start):
            offered = [a for a in offered if a != PlanAction.ACTIVATE]
    if not offered:
        return
    with st.form(f"{key}_actions_{plan_id}", clear_on_submit=False):
        note = ""
        if PlanAction.CANCEL in offered:
            note = st.text_input("Note (for cancelling)", key=f"{key}_note_{plan_id}")
        cols = st.columns(len(offered))
        pressed = [a for col, a in zip(cols, offered, strict=True)
                   if col.form_submit_button(
                       f"{a.label} (plan {plan_id})", key=f"{key}_{a.value}_{plan_id}",
                       type="primary" if a == PlanAction.ACTIVATE else "secondary")]
    if pressed and _run(pressed[0], actor=actor, plan_id=plan_id, version=version,
                        note=note, today=today) is not None:
        st.session_state["plans_flash"] = DONE[pressed[0]]
        st.rerun()


def show(*, key: str, account: pp.AccountOption, actor, today: date) -> None:
    """The account's plans; the one opened with its schedule, downloads and actions."""
    plans = read(pp.plans_for_account, account_id=account.account_id)
    st.subheader("Plans on this account")
    if not plans:
        st.caption("No plans yet. Shape one above and save it.")
        return
    _plan_table(plans, f"{key}_table_{account.account_id}", account.currency)
    ids = [p.plan_id for p in plans]
    labels = {p.plan_id: f"Plan {p.plan_id} · {pp.STATUS_LABELS.get(p.status, p.status)}"
              for p in plans}
    plan_id = st.selectbox("Open a plan", ids, format_func=lambda i: labels[i],
                           key=f"{key}_open_{account.account_id}")
    try:
        detail = read(pp.plan_detail, plan_id=plan_id)
    except (ValueError, LookupError):
        st.warning("This plan cannot be opened; reload the page.")
        return
    _detail(detail)
    for_the_debtor(detail.schedule, detail.frequency, detail.currency, detail.debtor_name,
                   f"{key}_saved_{detail.plan_id}", account_id=detail.account_id, today=today)
    _buttons(key, detail, actor=actor, today=today)
    if PlanAction.RESCHEDULE in allowed_actions(detail.status):
        _forbearance(key, detail, actor=actor, today=today)


def _usual(detail: pp.PlanDetail) -> int:
    unpaid = [i.amount_cents for i in detail.instalments if i.status != "paid"]
    return detail.instalment_cents or max(unpaid or [100])


def _forbearance_choice(k: str, detail: pp.PlanDetail) -> fb.Forbearance:
    usual = _usual(detail)
    pounds = max(1, usual // 100)
    kind = st.radio("How", list(fb.KINDS), format_func=fb.KINDS.get, key=f"{k}_kind")
    if kind == "lower" and pounds > 1:
        new = st.slider("New instalment (£)", 1, pounds - 1, max(1, pounds // 2),
                        key=f"{k}_lower")
        return fb.Forbearance(kind="lower", instalment_cents=new * 100)
    if kind == "holiday":
        periods = st.slider("Payment holiday (payment periods)", 1, fb.MAX_HOLIDAY_PERIODS, 1,
                            key=f"{k}_holiday")
        return fb.Forbearance(kind="holiday", periods=periods)
    if kind == "token":
        token = st.slider("Token payment (£)", 1, pounds, max(1, pounds // 4), key=f"{k}_token")
        periods = st.slider("For how many payments", 1, 24, 3, key=f"{k}_token_periods")
        return fb.Forbearance(kind="token", token_cents=token * 100, periods=periods)
    return fb.Forbearance(kind="lower" if kind == "lower" else "same", instalment_cents=None)


def _forbearance(key: str, detail: pp.PlanDetail, *, actor, today: date) -> None:
    """Reschedule what is left, previewed with sliders before saving (FCA CONC 7.3)."""
    plan_id = detail.plan_id
    k = f"{key}_fb_{plan_id}"
    with st.expander(f"Reschedule what is left of plan {plan_id}: forbearance options"):
        left, right = st.columns([1, 2], gap="large")
        with left:
            choice = _forbearance_choice(k, detail)
        with right:
            try:
                schedule = fb.preview_plan(detail, choice, today=today)
            except UserError as exc:
                st.warning(str(exc))
                return
            c1, c2, c3 = st.columns(3)
            c1.metric("Payments left", schedule.count)
            c2.metric("First payment", format_money(schedule.instalments[0].amount_cents,
                                                    detail.currency))
            c3.metric("Last payment date", when(schedule.final_due))
            st.dataframe(schedule_frame(schedule, rows=12), hide_index=True, width="stretch",
                         key=f"{k}_table")
        version = st.session_state.get(f"{key}_seen", {}).get(plan_id, (detail.version,))[0]
        if st.button(f"Reschedule plan {plan_id} this way", key=f"{k}_save", type="primary"):
            done = write(lambda s: pp.reschedule_plan(s, actor=actor, plan_id=plan_id,
                                                      expected_version=version, today=today,
                                                      forbearance=choice))
            if done is not None:
                st.session_state["plans_flash"] = (
                    f"Plan {plan_id} rescheduled: {choice.describe(detail.currency).lower()}.")
                st.rerun()
