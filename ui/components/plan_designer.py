"""The live plan designer: the sliders in a fragment and the schedule they drive.

Every widget key carries the account id (or "quick"), so switching the account can never leave
another account's numbers on the sliders. Only the designer reruns when a slider moves; the
pinned scenarios are drawn outside the fragment and change only when a scenario is pinned,
used or cleared.
"""

from __future__ import annotations

import functools
import math
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import streamlit as st

from core.affordability import assess, largest_affordable_instalment_cents
from core.money import format_money
from core.payment_plans import approvals
from core.payment_plans import service as pp
from core.payment_plans.charts import (
    balance_frame,
    balance_spec,
    schedule_frame,
)
from core.payment_plans.export import schedule_csv, summary_pdf
from core.payment_plans.letters import letter_for
from core.plain_language import TARGET_GRADE, reading_grade
from core.plans import MAX_INSTALMENTS, Frequency, PlanError, Schedule, plan_summary_text
from ui.components import plan_scenarios
from ui.components.plan_basis import Basis, pence, prefix_of, when
from ui.format import md
from ui.session import read, write

BY_AMOUNT = "Set the instalment"
BY_COUNT = "Set the number of instalments"
FREQUENCIES = [f.value for f in Frequency]
VISIBLE_ROWS = 12  # the schedule's first rows; the whole table on demand
LATEST_START_DAYS = 366
MONEY = {name: st.column_config.NumberColumn(name, format="%.2f")
         for name in ("Amount (£)", "Left to pay after (£)", "Interest (£)")}
MONEY["Date"] = st.column_config.DateColumn("Date", format="D MMM YYYY")


# ---------------------------------------------------------------- entry point


def show(*, key: str, basis: Basis, actor) -> pp.PlanInputs | None:
    """The designer for `basis`; returns the terms on the sliders (None when nothing to plan)."""
    prefix = prefix_of(key, basis)
    _keep(prefix)
    if basis.balance_cents <= 0:
        st.info("There is nothing to plan: the balance is £0.00. Type a balance above £0.")
        return None
    if basis.balance_cents < 100:
        st.info(f"A balance of {format_money(basis.balance_cents, basis.currency)} is too small "
                "to spread over a plan: ask for it as one payment.")
        return None
    # Pinned scenarios belong to one balance; a different balance starts afresh.
    if st.session_state.get(f"{prefix}_pins_for") != basis.balance_cents:
        st.session_state[f"{prefix}_pins_for"] = basis.balance_cents
        st.session_state[f"{prefix}_scenarios"] = []
    terms = _designer(prefix, basis, actor)
    plan_scenarios.compare(prefix, basis)
    return terms


def _keep(prefix: str) -> None:
    """Keep the sliders' values through a run that does not draw them (a £0 balance).

    Streamlit forgets a widget's value after a run without it; set again, it is kept.
    """
    state = st.session_state
    for field in plan_scenarios.DESIGN_FIELDS:
        name = f"{prefix}_{field}"
        if name in state:
            state[name] = state[name]


@st.fragment(key="plans_designer")
def _designer(prefix: str, basis: Basis, actor) -> pp.PlanInputs | None:
    """The live part: the sliders and everything they drive rerun on their own."""
    controls, results = st.columns([1, 2], gap="large")
    with controls:
        inputs = _controls(prefix, basis)
    with results:
        if inputs is None:
            return None
        try:
            schedule = inputs.schedule(basis.balance_cents)
        except PlanError as exc:
            st.warning(str(exc))
            st.caption("Change the controls to build a plan; nothing has been saved.")
            return None
        _results(prefix, basis, inputs, schedule, actor)
    return inputs


# ---------------------------------------------------------------- the controls


def _seed(prefix: str, basis: Basis) -> int:
    """Seed and clamp this account's slider values; return the instalment slider's top."""
    state = st.session_state
    top = max(2, math.ceil(basis.balance_cents / 100))
    state.setdefault(f"{prefix}_by", BY_AMOUNT)
    state.setdefault(f"{prefix}_instalment", max(1, math.ceil(basis.balance_cents / 12 / 100)))
    state[f"{prefix}_instalment"] = min(max(int(state[f"{prefix}_instalment"]), 1), top)
    state.setdefault(f"{prefix}_count", 12)
    state[f"{prefix}_count"] = min(max(int(state[f"{prefix}_count"]), 1), MAX_INSTALMENTS)
    state.setdefault(f"{prefix}_frequency", Frequency.MONTHLY.value)
    state.setdefault(f"{prefix}_start", basis.today + timedelta(days=7))
    state.setdefault(f"{prefix}_discount", 0)
    state.setdefault(f"{prefix}_upfront", 0.0)
    state.setdefault(f"{prefix}_round", False)
    state.setdefault(f"{prefix}_interest", False)
    state.setdefault(f"{prefix}_rate", 0.0)
    return top


def _start_date(prefix: str, basis: Basis) -> date | None:
    """The first payment date, never before today (a page left open overnight included)."""
    state = st.session_state
    start = state.get(f"{prefix}_start")
    latest = basis.today + timedelta(days=LATEST_START_DAYS)
    moved = None
    if isinstance(start, date) and start < basis.today:
        moved = "The first payment date cannot be in the past"
        state[f"{prefix}_start"] = basis.today
    elif isinstance(start, date) and start > latest:
        moved = "The first payment date must be within a year"
        state[f"{prefix}_start"] = latest
    chosen = st.date_input("First payment date", key=f"{prefix}_start", format="DD/MM/YYYY",
                           min_value=basis.today, max_value=latest)
    st.caption(f"Today or later, up to {when(latest)}: an earlier date is not taken.")
    if moved:
        st.warning(f"{moved}: it is now {when(state[f'{prefix}_start'])}.")
    if not isinstance(chosen, date):
        st.warning("Choose the first payment date: today or later, within a year.")
        return None
    return chosen


def _controls(prefix: str, basis: Basis) -> pp.PlanInputs | None:
    top = _seed(prefix, basis)
    state = st.session_state
    by = st.radio("How do you want to shape the plan?", [BY_AMOUNT, BY_COUNT],
                  key=f"{prefix}_by", horizontal=True)
    if by == BY_AMOUNT:
        st.slider("Instalment (£)", min_value=1, max_value=top, step=1,
                  key=f"{prefix}_instalment", help="The number of instalments follows from this.")
    else:
        st.slider("Number of instalments", min_value=1, max_value=MAX_INSTALMENTS, step=1,
                  key=f"{prefix}_count", help="The instalment follows from this.")
    st.selectbox("How often", FREQUENCIES, key=f"{prefix}_frequency",
                 format_func=lambda f: Frequency(f).label)
    start = _start_date(prefix, basis)
    st.slider("Settlement discount (%)", min_value=0, max_value=99, step=1,
              key=f"{prefix}_discount")
    if Decimal(state[f"{prefix}_discount"]) > basis.discount_limit:
        st.caption(f"Above your limit of {basis.discount_limit}%: this plan needs approval "
                   "before it can start (saving says whose).")
    st.number_input("Money up front (£)", min_value=0.0, step=10.0, format="%.2f",
                    key=f"{prefix}_upfront")
    st.checkbox("Round to whole pounds", key=f"{prefix}_round",
                help="Instalments are rounded up to whole pounds; the last one is the remainder.")
    st.checkbox("Add interest", key=f"{prefix}_interest",
                help="Interest is usually frozen on arrangements, so it is off unless you add it.")
    if state[f"{prefix}_interest"]:
        st.number_input("Interest rate (% a year)", min_value=0.0, max_value=100.0, step=0.1,
                        format="%.2f", key=f"{prefix}_rate")
    else:
        st.caption("Interest is frozen on arrangements (off).")
    if start is None:
        return None
    return pp.PlanInputs(
        account_id=basis.account_id,
        frequency=state[f"{prefix}_frequency"],
        start_on=start,
        instalment_cents=state[f"{prefix}_instalment"] * 100 if by == BY_AMOUNT else None,
        count=state[f"{prefix}_count"] if by == BY_COUNT else None,
        discount_pct=state[f"{prefix}_discount"],
        upfront_cents=pence(state[f"{prefix}_upfront"]),
        annual_rate_pct=str(state[f"{prefix}_rate"]) if state[f"{prefix}_interest"] else "0",
        step_cents=100 if state[f"{prefix}_round"] else 1,
    )


# ---------------------------------------------------------------- what the sliders drive


def _results(prefix: str, basis: Basis, inputs: pp.PlanInputs, schedule: Schedule,
             actor) -> None:
    cur = basis.currency
    regular = schedule.regular_instalments
    last = schedule.last_instalment
    if inputs.instalment_cents is not None:
        st.caption(f"{len(regular)} instalments follow from this instalment.")
    else:
        rounding = " rounded up to whole pounds" if inputs.step_cents == 100 else ""
        st.caption(f"The instalment follows from the number{rounding}: "
                   f"{format_money(regular[0].amount_cents, cur)}; the last one is the "
                   "remainder.")
    row1 = st.columns(3)
    row1[0].metric("Instalment", format_money(regular[0].amount_cents, cur))
    row1[1].metric("Number of instalments", schedule.count,
                   help="Including the money up front." if schedule.upfront_cents else None)
    row1[2].metric("Last instalment", format_money(last.amount_cents, cur),
                   help=f"Due {when(last.due)}")
    row2 = st.columns(3)
    row2[0].metric("Total payable", format_money(schedule.payable_cents, cur))
    row2[1].metric("Amount forgiven", format_money(schedule.forgiven_cents, cur))
    row2[2].metric("End date", when(schedule.final_due))
    st.caption(f"Last instalment {format_money(last.amount_cents, cur)} on {when(last.due)}.")

    _affordability(prefix, basis, schedule, inputs.frequency)
    st.vega_lite_chart(balance_frame(schedule), balance_spec(schedule), width="stretch",
                       key=f"{prefix}_balance_chart")
    _schedule_table(prefix, schedule)
    with st.expander("For the debtor: summary and downloads"):
        for_the_debtor(schedule, inputs.frequency, cur, basis.debtor_name, f"{prefix}_debtor",
                       account_id=basis.account_id, today=basis.today)

    plan_scenarios.pin_button(prefix, schedule, inputs)
    _save_buttons(prefix, basis, inputs, schedule, actor)


def _visible_rows(schedule: Schedule, rows: int | None) -> pd.DataFrame:
    """The schedule's first rows in words and pounds, as people read them."""
    instalments = schedule.instalments if rows is None else schedule.instalments[:rows]
    data = {"Payment": [str(i.seq) for i in instalments],
            "Date": [when(i.due) for i in instalments],
            "Amount": [format_money(i.amount_cents) for i in instalments],
            "Left to pay after": [format_money(i.balance_after_cents) for i in instalments]}
    if schedule.interest_cents:
        data["Interest"] = [format_money(i.interest_cents) for i in instalments]
    return pd.DataFrame(data)


def _schedule_table(prefix: str, schedule: Schedule) -> None:
    """The first rows of the schedule; every payment on demand (a 520-row table is slow)."""
    total = len(schedule.instalments)
    everything = total > VISIBLE_ROWS and st.toggle(
        f"Show all {total} payments", key=f"{prefix}_all_rows")
    rows = None if everything or total <= VISIBLE_ROWS else VISIBLE_ROWS
    if everything:  # every row: the scrolling, sortable table (and its own CSV is off)
        st.dataframe(schedule_frame(schedule), hide_index=True, width="stretch",
                     column_config=MONEY, key=f"{prefix}_schedule_table")
    else:  # a few rows: plain HTML, which the browser redraws far faster on each slider move
        st.table(_visible_rows(schedule, rows), hide_index=True)
    if rows is not None:
        st.caption(f"The first {rows} of {total} payments; the last is "
                   f"{format_money(schedule.last_instalment.amount_cents)} on "
                   f"{when(schedule.last_instalment.due)}.")


def _use_instalment(prefix: str, pounds: int) -> None:
    st.session_state[f"{prefix}_by"] = BY_AMOUNT
    st.session_state[f"{prefix}_instalment"] = pounds


def _affordability(prefix: str, basis: Basis, schedule: Schedule, frequency: str) -> None:
    """Disposable income, the plan's monthly equivalent and the headroom, with a verdict."""
    if basis.income_cents is None or basis.expenses_cents is None:
        if basis.may_save:
            st.caption("Add income and spending below to check this plan is affordable.")
        return
    cur = basis.currency
    verdict = assess(basis.income_cents, basis.expenses_cents,
                     schedule.regular_instalment_cents, frequency,
                     other_commitments_cents=basis.other_commitments_cents)
    if basis.other_commitments_cents:
        st.caption(f"Their other active plans already take "
                   f"{format_money(basis.other_commitments_cents, cur)} a month; that is "
                   "counted before this plan.")
    c1, c2, c3 = st.columns(3)
    c1.metric("Disposable income a month", format_money(verdict.disposable_cents, cur))
    c2.metric("This plan a month", format_money(verdict.monthly_equivalent_cents, cur))
    c3.metric("Headroom a month", format_money(verdict.headroom_cents, cur))
    if verdict.affordable:
        st.success("This plan is affordable: it fits what is left each month.")
        return
    largest = largest_affordable_instalment_cents(verdict.disposable_cents, frequency, 100)
    if largest < 100:
        st.error("This plan is not affordable: nothing is left after essential spending. "
                 "Talk about breathing space or free debt advice before agreeing a plan.")
        return
    st.error(f"This plan is not affordable: it asks "
             f"{format_money(verdict.monthly_equivalent_cents, cur)} a month but only "
             f"{format_money(verdict.disposable_cents, cur)} is left after spending.")
    pounds = min(largest // 100, max(1, math.ceil(basis.balance_cents / 100)))
    st.button(f"Use the largest affordable instalment ({format_money(pounds * 100, cur)}"
              f" {Frequency(frequency).label.lower()})", key=f"{prefix}_use_affordable",
              on_click=_use_instalment, args=(prefix, pounds))


def for_the_debtor(schedule: Schedule, frequency: str, currency: str, debtor_name: str,
                   key: str, *, account_id: int | None = None, today: date | None = None) -> None:
    """The plain-language summary (with our reading check) and the debtor's downloads.

    On an account the PDF is a letter (creditor, reference, how to pay, who to contact, free
    advice); our reading check stays on this screen, never on their copy.
    """
    summary = plan_summary_text(schedule, frequency=frequency, currency=currency)
    st.info(md(summary))
    grade = reading_grade(summary)
    verdict = "plain enough" if grade <= TARGET_GRADE else "try to simplify"
    st.caption(f"For us, not on their copy: reading grade {grade:.1f} (aim for "
               f"{TARGET_GRADE:.0f} or below: {verdict}).")
    letter = (read(letter_for, account_id=account_id, today=today)
              if account_id is not None else None)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the letter (PDF)" if letter else "Download the summary (PDF)",
        data=functools.partial(summary_pdf, summary, schedule, debtor_name=debtor_name,
                               currency=currency, today=today, letter=letter),
        file_name="payment-plan.pdf", mime="application/pdf", key=f"{key}_pdf",
        on_click="ignore",
    )
    c2.download_button(
        "Download the schedule (CSV)", data=functools.partial(schedule_csv, schedule),
        file_name="payment-schedule.csv", mime="text/csv", key=f"{key}_csv", on_click="ignore",
    )


# ---------------------------------------------------------------- saving


def _save_buttons(prefix: str, basis: Basis, inputs: pp.PlanInputs, schedule: Schedule,
                  actor) -> None:
    if not basis.may_save:
        st.caption("Quick model: nothing is saved. Pick a debtor's account to save a plan.")
        return
    above = read(pp.authority_refusal, role=str(actor.role), discount_pct=str(inputs.discount_pct),
                 forgiven_cents=schedule.forgiven_cents, currency=basis.currency)
    with st.form(f"{prefix}_save_form", border=False):
        reason = ""
        if above:
            who = read(approvals.who_approves, discount_pct=str(inputs.discount_pct),
                       forgiven_cents=schedule.forgiven_cents, currency=basis.currency)
            st.caption(f"{above} {who.capitalize()} must approve this settlement before it "
                       "can start.")
            reason = st.text_area(f"Why is this settlement fair? (for {who})",
                                  key=f"{prefix}_reason", max_chars=2000, height=80)
        expires = None
        if schedule.forgiven_cents:  # a settlement offer may stand only until a set day
            expires = st.date_input(
                "The offer stands until (optional)", value=None, min_value=basis.today,
                key=f"{prefix}_expires", format="DD/MM/YYYY",
                help="After this day the settlement cannot be started or approved.")
        c1, c2, c3 = st.columns(3)
        draft = c1.form_submit_button("Save as draft", key=f"{prefix}_save_draft")
        propose = c2.form_submit_button("Propose to the debtor", key=f"{prefix}_save_propose")
        start = c3.form_submit_button("Save and start the plan", key=f"{prefix}_save_start",
                                      type="primary")
    if not (draft or propose or start):
        return
    status = "proposed" if propose else "draft"
    plan = write(lambda s: approvals.save(s, actor=actor, inputs=inputs, status=status,
                                          start=start, reason=reason, today=basis.today,
                                          offer_expires_on=expires))
    if plan is None:
        return
    if plan.status == "awaiting_approval":
        then = " It will start once approved." if start else ""
        who = read(approvals.who_approves, discount_pct=str(plan.discount_pct),
                   forgiven_cents=plan.forgiven_cents, currency=basis.currency)
        message = f"Plan {plan.id} is saved and waiting for {who}'s approval.{then}"
    elif plan.status == "active":
        message = f"Plan {plan.id} has started."
    elif plan.status == "proposed":
        message = f"Plan {plan.id} is saved as proposed to the debtor."
    else:
        message = "Saved as a draft."
    st.session_state["plans_flash"] = message
    st.rerun(scope="app")
