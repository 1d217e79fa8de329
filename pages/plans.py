"""Payment plans: shape a plan live in a meeting, compare scenarios, check it is affordable,
agree it, and track it until it is paid."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import streamlit as st

from core.affordability import (
    CATEGORY_LABELS,
    FIXED_COST_CATEGORIES,
    FLEXIBLE_COST_CATEGORIES,
    INCOME_CATEGORIES,
    assess,
    largest_affordable_instalment_cents,
)
from core.money import format_money
from core.payment_plans import service as pp
from core.payment_plans.charts import balance_frame, balance_spec, scenarios_frame, scenarios_spec
from core.payment_plans.export import schedule_csv, summary_pdf
from core.plain_language import TARGET_GRADE, reading_grade
from core.plans import MAX_INSTALMENTS, Frequency, PlanError, Schedule, plan_summary_text
from core.store import settings
from core.store.models import AccountStatus, PlanStatus, Role
from ui import auth
from ui.format import md
from ui.session import reading, write

ACCOUNT_MODE = "A debtor's account"
QUICK_MODE = "Quick model"
BY_AMOUNT = "Set the instalment"
BY_COUNT = "Set the number of instalments"
MAX_PINNED = 3
SCENARIO_NAMES = ("Scenario A", "Scenario B", "Scenario C")
FREQUENCIES = [f.value for f in Frequency]
# Widget keys that make up one scenario (put back on the sliders by "Use Scenario A").
DESIGN_KEYS = ("plans_by", "plans_instalment", "plans_count", "plans_frequency", "plans_start",
               "plans_discount", "plans_upfront", "plans_round", "plans_interest", "plans_rate")


# ---------------------------------------------------------------- cached reads (ids in, data out)


@st.cache_data(ttl=60, show_spinner=False)
def _today() -> date:
    with reading() as session:
        return pp.office_today(session)


@st.cache_data(ttl=60, show_spinner=False)
def _discount_limit(role: str) -> Decimal:
    with reading() as session:
        return settings.discount_limit(session, role)


@st.cache_data(ttl=60, show_spinner=False)
def _search(query: str) -> list[pp.AccountOption]:
    with reading() as session:
        return pp.search_accounts(session, query=query)


@st.cache_data(ttl=60, show_spinner=False)
def _account(account_id: int) -> pp.AccountOption | None:
    with reading() as session:
        return pp.account_option(session, account_id=account_id)


@st.cache_data(ttl=60, show_spinner=False)
def _statement(debtor_id: int) -> pp.IncomeStatement | None:
    with reading() as session:
        return pp.latest_income_expenditure(session, debtor_id=debtor_id)


@st.cache_data(ttl=60, show_spinner=False)
def _plans(account_id: int) -> list[pp.PlanRow]:
    with reading() as session:
        return pp.plans_for_account(session, account_id=account_id)


@st.cache_data(ttl=60, show_spinner=False)
def _detail(plan_id: int) -> pp.PlanDetail | None:
    with reading() as session:
        try:
            return pp.plan_detail(session, plan_id=plan_id)
        except ValueError:
            return None


@st.cache_data(ttl=60, show_spinner=False)
def _queue() -> list[pp.PlanRow]:
    with reading() as session:
        return pp.plans_awaiting_approval(session)


@st.cache_data(ttl=60, show_spinner=False)
def _payments(account_id: int) -> list[pp.PaymentRow]:
    with reading() as session:
        return pp.payments_for_account(session, account_id=account_id)


@st.cache_data(ttl=60, show_spinner=False)
def _promises(account_id: int) -> list[pp.PromiseRow]:
    with reading() as session:
        return pp.promises_for_account(session, account_id=account_id)


# ---------------------------------------------------------------- small display helpers


def _pence(pounds: float | None) -> int:
    """A pounds figure from a number box as whole pence."""
    if pounds is None:
        return 0
    return int((Decimal(str(pounds)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _when(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _schedule_frame(schedule: Schedule) -> pd.DataFrame:
    data = {
        "Payment": [i.seq for i in schedule.instalments],
        "Date": [i.due for i in schedule.instalments],
        "Amount (£)": [i.amount_cents / 100 for i in schedule.instalments],
        "Left to pay after (£)": [i.balance_after_cents / 100 for i in schedule.instalments],
    }
    if schedule.interest_cents:
        data["Interest (£)"] = [i.interest_cents / 100 for i in schedule.instalments]
    return pd.DataFrame(data)


MONEY_COLUMNS = {
    name: st.column_config.NumberColumn(name, format="%.2f")
    for name in ("Amount (£)", "Left to pay after (£)", "Interest (£)", "Paid (£)",
                 "Total payable (£)", "Forgiven (£)")
}


@dataclass(frozen=True, slots=True)
class Context:
    """What the live designer needs from outside it (read once per full rerun)."""

    account_id: int | None
    balance_cents: int
    currency: str
    debtor_name: str
    income_cents: int | None
    expenses_cents: int | None
    discount_limit: Decimal
    today: date


# ---------------------------------------------------------------- the live designer


def _set_defaults(ctx: Context) -> tuple[int, int]:
    """Seed and clamp the sliders' values in session state; return the instalment range."""
    state = st.session_state
    top = max(1, math.ceil(ctx.balance_cents / 100))
    state.setdefault("plans_by", BY_AMOUNT)
    state.setdefault("plans_instalment", max(1, math.ceil(ctx.balance_cents / 12 / 100)))
    state["plans_instalment"] = min(max(int(state["plans_instalment"]), 1), top)
    state.setdefault("plans_count", 12)
    state["plans_count"] = min(max(int(state["plans_count"]), 1), MAX_INSTALMENTS)
    state.setdefault("plans_frequency", Frequency.MONTHLY.value)
    state.setdefault("plans_start", ctx.today + timedelta(days=7))
    state.setdefault("plans_discount", 0)
    state.setdefault("plans_upfront", 0.0)
    state.setdefault("plans_round", False)
    state.setdefault("plans_interest", False)
    state.setdefault("plans_rate", 0.0)
    return 1, top


def _controls(ctx: Context) -> pp.PlanInputs:
    lo, hi = _set_defaults(ctx)
    by = st.radio("How do you want to shape the plan?", [BY_AMOUNT, BY_COUNT], key="plans_by",
                  horizontal=True)
    if by == BY_AMOUNT:
        st.slider("Instalment (£)", min_value=lo, max_value=hi, step=1, key="plans_instalment",
                  help="The number of instalments follows from this.")
    else:
        st.slider("Number of instalments", min_value=1, max_value=MAX_INSTALMENTS, step=1,
                  key="plans_count", help="The instalment follows from this.")
    st.selectbox("How often", FREQUENCIES, key="plans_frequency",
                 format_func=lambda f: Frequency(f).label)
    st.date_input("First payment date", key="plans_start", format="DD/MM/YYYY")
    st.slider("Settlement discount (%)", min_value=0, max_value=99, step=1, key="plans_discount")
    if Decimal(st.session_state["plans_discount"]) > ctx.discount_limit:
        st.caption(f"Above your limit of {ctx.discount_limit}%: a lead must approve this plan "
                   "before it can start.")
    st.number_input("Money up front (£)", min_value=0.0, step=10.0, format="%.2f",
                    key="plans_upfront")
    st.checkbox("Round to whole pounds", key="plans_round",
                help="Instalments are rounded up to whole pounds; the last one is the remainder.")
    st.checkbox("Add interest", key="plans_interest",
                help="Interest is usually frozen on arrangements, so it is off unless you add it.")
    if st.session_state["plans_interest"]:
        st.number_input("Interest rate (% a year)", min_value=0.0, max_value=100.0, step=0.1,
                        format="%.2f", key="plans_rate")
    else:
        st.caption("Interest is frozen on arrangements (off).")
    state = st.session_state
    return pp.PlanInputs(
        account_id=ctx.account_id,
        frequency=state["plans_frequency"],
        start_on=state["plans_start"],
        instalment_cents=state["plans_instalment"] * 100 if by == BY_AMOUNT else None,
        count=state["plans_count"] if by == BY_COUNT else None,
        discount_pct=state["plans_discount"],
        upfront_cents=_pence(state["plans_upfront"]),
        annual_rate_pct=str(state["plans_rate"]) if state["plans_interest"] else "0",
        step_cents=100 if state["plans_round"] else 1,
    )


def _use_instalment(pounds: int) -> None:
    st.session_state["plans_by"] = BY_AMOUNT
    st.session_state["plans_instalment"] = pounds


def _pin(schedule: Schedule, inputs: pp.PlanInputs) -> None:
    pinned = st.session_state.setdefault("plans_scenarios", [])
    if len(pinned) >= MAX_PINNED:
        return
    used = {s["label"] for s in pinned}
    label = next(name for name in SCENARIO_NAMES if name not in used)
    pinned.append({
        "label": label,
        "schedule": schedule,
        "frequency": inputs.frequency,
        "widgets": {k: st.session_state.get(k) for k in DESIGN_KEYS},
    })


def _unpin_all() -> None:
    st.session_state["plans_scenarios"] = []


def _load(widgets: dict) -> None:
    for key, value in widgets.items():
        if value is not None:
            st.session_state[key] = value


def _figures(schedule: Schedule, frequency: str, currency: str) -> dict[str, str]:
    regular = schedule.regular_instalments
    last = schedule.last_instalment
    return {
        "Instalment": format_money(regular[0].amount_cents, currency),
        "How often": Frequency(frequency).label,
        "Number of instalments": str(schedule.count),
        "Money up front": format_money(schedule.upfront_cents, currency),
        "Last instalment": format_money(last.amount_cents, currency),
        "Last payment date": _when(last.due),
        "Total payable": format_money(schedule.payable_cents, currency),
        "Amount forgiven": format_money(schedule.forgiven_cents, currency),
    }


def _affordability(ctx: Context, schedule: Schedule, frequency: str) -> None:
    """Disposable income, the plan's monthly equivalent and the headroom, with a verdict."""
    if ctx.income_cents is None or ctx.expenses_cents is None:
        st.caption("Add income and spending below to check this plan is affordable.")
        return
    verdict = assess(ctx.income_cents, ctx.expenses_cents,
                     schedule.regular_instalment_cents, frequency)
    c1, c2, c3 = st.columns(3)
    c1.metric("Disposable income a month", format_money(verdict.disposable_cents, ctx.currency))
    c2.metric("This plan a month", format_money(verdict.monthly_equivalent_cents, ctx.currency))
    c3.metric("Headroom a month", format_money(verdict.headroom_cents, ctx.currency))
    if verdict.affordable:
        st.success("This plan is affordable: it fits what is left each month.")
        return
    largest = largest_affordable_instalment_cents(verdict.disposable_cents, frequency, 100)
    if largest < 100:
        st.error("This plan is not affordable: nothing is left after essential spending. "
                 "Talk about breathing space or free debt advice before agreeing a plan.")
        return
    st.error(f"This plan is not affordable: it asks "
             f"{format_money(verdict.monthly_equivalent_cents, ctx.currency)} a month but only "
             f"{format_money(verdict.disposable_cents, ctx.currency)} is left after spending.")
    pounds = min(largest // 100, max(1, math.ceil(ctx.balance_cents / 100)))
    st.button(f"Use the largest affordable instalment ({format_money(pounds * 100, ctx.currency)}"
              f" {Frequency(frequency).label.lower()})", key="plans_use_affordable",
              on_click=_use_instalment, args=(pounds,))


def _scenarios(ctx: Context) -> None:
    pinned = st.session_state.get("plans_scenarios", [])
    if not pinned:
        st.caption(f"Pin up to {MAX_PINNED} scenarios to compare them side by side.")
        return
    table = pd.DataFrame(
        {s["label"]: _figures(s["schedule"], s["frequency"], ctx.currency) for s in pinned}
    )
    table.index.name = "Figure"
    st.dataframe(table, width="stretch", key="plans_compare_table")
    # The Altair spec comes validated once; only the data changes (see core.payment_plans.charts).
    lines = tuple((s["label"], s["schedule"]) for s in pinned)
    st.vega_lite_chart(scenarios_frame(lines), scenarios_spec([s["label"] for s in pinned]),
                       width="stretch", key="plans_compare_chart")
    cols = st.columns(len(pinned) + 1)
    for col, scenario in zip(cols, pinned, strict=False):
        col.button(f"Use {scenario['label']}", help="Put this scenario back on the sliders.",
                   key=f"plans_load_{scenario['label'][-1]}", on_click=_load,
                   args=(scenario["widgets"],))
    cols[-1].button("Clear pinned scenarios", key="plans_clear_pins", on_click=_unpin_all)


def _save_buttons(ctx: Context, inputs: pp.PlanInputs) -> None:
    if ctx.account_id is None:
        st.caption("Quick model: nothing is saved. Pick a debtor's account to save a plan.")
        return
    with st.form("plans_save_form", border=False):
        c1, c2, c3 = st.columns(3)
        draft = c1.form_submit_button("Save as draft", key="plans_save_draft")
        propose = c2.form_submit_button("Propose to the debtor", key="plans_save_propose")
        activate = c3.form_submit_button("Save and start the plan", key="plans_save_activate",
                                         type="primary")
    if not (draft or propose or activate):
        return
    if activate:
        plan = write(lambda s: pp.save_and_activate(s, actor=me, inputs=inputs,
                                                       today=ctx.today))
    else:
        status = PlanStatus.DRAFT if draft else PlanStatus.PROPOSED
        plan = write(lambda s: pp.save_plan(s, actor=me, inputs=inputs, status=status))
    if plan is None:
        return
    messages = {
        PlanStatus.DRAFT: "Saved as a draft.",
        PlanStatus.PROPOSED: "Saved as proposed to the debtor.",
        PlanStatus.ACTIVE: "The plan has started.",
        PlanStatus.AWAITING_APPROVAL: "Saved. The discount is above your limit, so the plan is "
                                      "waiting for a lead's approval.",
    }
    st.session_state["plans_flash"] = messages.get(plan.status, "Saved.")
    st.session_state["plans_open_pick"] = plan.id
    st.rerun()


@st.fragment(key="plans_designer")
def designer(ctx: Context) -> None:
    """The live part: sliders and everything they drive rerun on their own."""
    controls, results = st.columns([1, 2], gap="large")
    with controls:
        inputs = _controls(ctx)
    with results:
        try:
            schedule = inputs.schedule(ctx.balance_cents)
        except PlanError as exc:
            st.warning(str(exc))
            st.caption("Change the controls to build a plan; nothing has been saved.")
            return
        _results(ctx, inputs, schedule)


def _results(ctx: Context, inputs: pp.PlanInputs, schedule: Schedule) -> None:
    cur = ctx.currency
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
                   help=f"Due {_when(last.due)}")
    row2 = st.columns(3)
    row2[0].metric("Total payable", format_money(schedule.payable_cents, cur))
    row2[1].metric("Amount forgiven", format_money(schedule.forgiven_cents, cur))
    row2[2].metric("End date", _when(schedule.final_due))
    st.caption(f"Last instalment {format_money(last.amount_cents, cur)} on {_when(last.due)}.")

    _affordability(ctx, schedule, inputs.frequency)
    st.vega_lite_chart(balance_frame(schedule), balance_spec(schedule), width="stretch",
                       key="plans_balance_chart")
    st.dataframe(_schedule_frame(schedule), hide_index=True, width="stretch", height=280,
                 column_config=MONEY_COLUMNS, key="plans_schedule_table")
    with st.expander("For the debtor: summary and downloads"):
        _for_the_debtor(schedule, inputs.frequency, cur, ctx.debtor_name, "plans_designer")

    pinned = st.session_state.get("plans_scenarios", [])
    st.button("Pin this scenario", key="plans_pin", on_click=_pin, args=(schedule, inputs),
              disabled=len(pinned) >= MAX_PINNED,
              help=f"Keep up to {MAX_PINNED} scenarios to compare.")
    _scenarios(ctx)
    _save_buttons(ctx, inputs)


def _for_the_debtor(schedule: Schedule, frequency: str, currency: str, debtor_name: str,
                    key: str) -> None:
    summary = plan_summary_text(schedule, frequency=frequency, currency=currency)
    st.info(md(summary))
    grade = reading_grade(summary)
    verdict = "plain enough" if grade <= TARGET_GRADE else "try to simplify"
    st.caption(f"Reading grade {grade:.1f} (aim for {TARGET_GRADE:.0f} or below: {verdict}).")
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the summary (PDF)",
        data=functools.partial(summary_pdf, summary, schedule, debtor_name=debtor_name,
                               currency=currency),
        file_name="payment-plan.pdf", mime="application/pdf", key=f"{key}_pdf",
        on_click="ignore",
    )
    c2.download_button(
        "Download the schedule (CSV)", data=functools.partial(schedule_csv, schedule),
        file_name="payment-schedule.csv", mime="text/csv", key=f"{key}_csv", on_click="ignore",
    )


# ---------------------------------------------------------------- outside the designer


def _approval_queue() -> None:
    queue = _queue()
    by_id = {row.plan_id: row for row in queue}
    # Versions as the lead last saw them: a decision on a plan someone changed since is
    # refused with "changed by someone else — reload" instead of applying to the new state.
    seen: dict[int, int] = st.session_state.get("plans_queue_seen", {})
    st.session_state["plans_queue_seen"] = {row.plan_id: row.version for row in queue}
    if not queue and not seen:
        return
    with st.expander(f"Settlements waiting for approval ({len(queue)})", expanded=True):
        if queue:
            st.dataframe(
                pd.DataFrame([{
                    "Plan": row.plan_id, "Debtor": row.debtor_name,
                    "Account": row.account_reference, "Discount (%)": row.discount_pct,
                    "Forgiven (£)": row.forgiven_cents / 100,
                    "Total payable (£)": row.payable_cents / 100,
                    "Asked by": row.created_by_name,
                } for row in queue]),
                hide_index=True, width="stretch", column_config=MONEY_COLUMNS,
                key="plans_queue_table",
            )
        else:
            st.caption("Nothing is waiting for approval now.")
        options = [*by_id, *(i for i in seen if i not in by_id)]
        plan_id = st.selectbox(
            "Plan to decide", options, key="plans_queue_pick",
            format_func=lambda i: (f"Plan {i}: {by_id[i].debtor_name}, {by_id[i].discount_pct}%"
                                   " off" if i in by_id else f"Plan {i} (changed since)"),
        )
        with st.form("plans_queue_form", clear_on_submit=False):
            note = st.text_area("Note for the agent", key="plans_queue_note", max_chars=5000)
            c1, c2 = st.columns(2)
            approve = c1.form_submit_button("Approve", key="plans_approve", type="primary")
            reject = c2.form_submit_button("Reject", key="plans_reject")
        version = seen.get(plan_id, by_id[plan_id].version if plan_id in by_id else 0)
        done = None
        if approve:
            done = write(lambda s: pp.approve_plan(s, actor=me, plan_id=plan_id, note=note,
                                                      expected_version=version))
        elif reject:
            done = write(lambda s: pp.reject_plan(s, actor=me, plan_id=plan_id, note=note,
                                                     expected_version=version))
        if done is not None:
            st.session_state["plans_flash"] = (
                f"Plan {plan_id} approved." if approve else f"Plan {plan_id} rejected.")
            st.rerun()


def _account_changed() -> None:
    st.session_state["plans_account_id"] = st.session_state["plans_account_pick"]
    st.session_state.pop("plans_open_pick", None)


def _pick_account() -> pp.AccountOption | None:
    state = st.session_state
    query = st.text_input("Find a debtor by name or account reference", key="plans_search")
    options = _search(query)
    wanted = state.get("plans_account_id")  # set by other pages, or by picking below
    ids = [o.account_id for o in options]
    if wanted is not None and wanted not in ids:
        extra = _account(wanted)
        if extra is not None:
            options = [extra, *options]
            ids = [extra.account_id, *ids]
    if not options:
        st.info("No account matches. Try another name or reference, or use Quick model.")
        return None
    if wanted in ids:
        state["plans_account_pick"] = wanted
    elif state.get("plans_account_pick") not in ids:
        state.pop("plans_account_pick", None)
    labels = {o.account_id: f"{o.debtor_name} · {o.reference} · "
                            f"{format_money(o.balance_cents, o.currency)} · {o.status}"
              for o in options}
    chosen = st.selectbox("Account", ids, format_func=lambda i: labels[i],
                          key="plans_account_pick", on_change=_account_changed)
    if chosen != wanted:
        state["plans_account_id"] = chosen
        state.pop("plans_open_pick", None)
    return _account(chosen)


def _plan_actions(detail: pp.PlanDetail) -> None:
    # The buttons and the version are those the user saw before clicking: if someone changed
    # the plan since, the service refuses with "changed by someone else — reload".
    seen = st.session_state.setdefault("plans_seen", {})
    version, status = seen.get(detail.plan_id, (detail.version, detail.status))
    seen[detail.plan_id] = (detail.version, detail.status)
    if status == PlanStatus.AWAITING_APPROVAL:
        st.caption("Waiting for a lead's approval of the discount.")
        return
    if status not in (*pp.OPEN_PLAN_STATUSES, PlanStatus.ACTIVE, PlanStatus.BROKEN):
        return
    with st.form(f"plans_actions_{detail.plan_id}", clear_on_submit=False):
        note = st.text_input("Note (for cancelling)", key="plans_action_note")
        cols = st.columns(4)
        propose = activate = reschedule = False
        if status == PlanStatus.DRAFT:
            propose = cols[0].form_submit_button("Propose", key="plans_propose")
        if status in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
            activate = cols[1].form_submit_button("Start the plan", key="plans_activate",
                                                  type="primary")
        if status in (PlanStatus.ACTIVE, PlanStatus.BROKEN):
            reschedule = cols[2].form_submit_button("Reschedule what is left",
                                                    key="plans_reschedule")
        cancel = False
        if status != PlanStatus.BROKEN:
            cancel = cols[3].form_submit_button("Cancel the plan", key="plans_cancel")
    plan_id = detail.plan_id
    result = None
    if propose:
        result = write(lambda s: pp.propose_plan(s, actor=me, plan_id=plan_id,
                                                    expected_version=version))
        message = "Proposed to the debtor."
    elif activate:
        result = write(lambda s: pp.activate_plan(s, actor=me, plan_id=plan_id,
                                                     expected_version=version, today=today))
        message = "The plan has started."
    elif reschedule:
        result = write(lambda s: pp.reschedule_plan(s, actor=me, plan_id=plan_id,
                                                       expected_version=version, today=today))
        message = "Rescheduled: what is left now runs on from the next payment date."
    elif cancel:
        result = write(lambda s: pp.cancel_plan(s, actor=me, plan_id=plan_id,
                                                   expected_version=version, note=note))
        message = "The plan is cancelled."
    if result is not None:
        st.session_state["plans_flash"] = message
        st.rerun()


def _plan_panel(account: pp.AccountOption) -> None:
    plans = _plans(account.account_id)
    st.subheader("Plans on this account")
    if not plans:
        st.caption("No plans yet. Shape one above and save it.")
        return
    st.dataframe(
        pd.DataFrame([{
            "Plan": p.plan_id, "Status": pp.STATUS_LABELS.get(p.status, p.status),
            "How often": pp.frequency_label(p.frequency), "Starts": p.start_on,
            "Discount (%)": p.discount_pct, "Total payable (£)": p.payable_cents / 100,
            "Paid (£)": p.paid_cents / 100, "Missed": p.missed,
        } for p in plans]),
        hide_index=True, width="stretch", column_config=MONEY_COLUMNS,
        key="plans_existing_table",
    )
    ids = [p.plan_id for p in plans]
    if st.session_state.get("plans_open_pick") not in ids:
        st.session_state.pop("plans_open_pick", None)
    labels = {p.plan_id: f"Plan {p.plan_id} · {pp.STATUS_LABELS.get(p.status, p.status)}"
              for p in plans}
    plan_id = st.selectbox("Open a plan", ids, format_func=lambda i: labels[i],
                           key="plans_open_pick")
    detail = _detail(plan_id)
    if detail is None:
        st.warning("This plan cannot be opened; reload the page.")
        return
    cur = detail.currency
    st.markdown(f"**Plan {detail.plan_id}: {pp.STATUS_LABELS.get(detail.status, detail.status)}"
                f"** · {pp.frequency_label(detail.frequency).lower()} from "
                f"{_when(detail.start_on)} · {md(detail.discount_pct)}% discount")
    c1, c2, c3 = st.columns(3)
    c1.metric("Total payable", format_money(detail.payable_cents, cur))
    c2.metric("Paid", format_money(detail.paid_cents, cur))
    c3.metric("Missed instalments", detail.missed)
    if detail.approval_note:
        st.caption("Note from the lead:")
        st.text(detail.approval_note)
    frame = pd.DataFrame({
        "Payment": [i.seq for i in detail.instalments],
        "Date": [i.due_on for i in detail.instalments],
        "Amount (£)": [i.amount_cents / 100 for i in detail.instalments],
        "Paid (£)": [i.paid_cents / 100 for i in detail.instalments],
        "Status": [i.status.replace("_", " ") for i in detail.instalments],
    })
    st.dataframe(frame, hide_index=True, width="stretch", column_config=MONEY_COLUMNS,
                 key="plans_detail_table")
    _for_the_debtor(detail.schedule, detail.frequency, cur, detail.debtor_name,
                    f"plans_saved_{detail.plan_id}")
    _plan_actions(detail)


def _payment_form(account: pp.AccountOption) -> None:
    st.subheader("Record a payment")
    with st.form("plans_payment_form", clear_on_submit=False):
        c1, c2, c3 = st.columns(3)
        amount = c1.number_input("Amount (£)", min_value=0.0, step=10.0, format="%.2f",
                                 key="plans_pay_amount")
        received = c2.date_input("Received on", value=today, key="plans_pay_date",
                                 format="DD/MM/YYYY")
        method = c3.selectbox("Method", list(pp.PAYMENT_METHODS), key="plans_pay_method",
                              format_func=lambda m: pp.PAYMENT_METHODS[m])
        reference = st.text_input("Reference (optional)", key="plans_pay_reference",
                                  max_chars=60)
        submitted = st.form_submit_button("Record payment", key="plans_pay_submit")
    if submitted:
        pence = _pence(amount)
        done = write(lambda s: pp.record_payment(
            s, actor=me, account_id=account.account_id, amount_cents=pence,
            received_on=received, method=method, reference=reference, today=today))
        if done is not None:
            st.session_state["plans_flash"] = (
                f"Payment of {format_money(pence, account.currency)} recorded.")
            st.rerun()
    payments = _payments(account.account_id)
    if payments:
        st.dataframe(pd.DataFrame([{
            "Received": p.received_on, "Amount (£)": p.amount_cents / 100,
            "Method": pp.PAYMENT_METHODS.get(p.method, p.method), "Reference": p.reference,
        } for p in payments]), hide_index=True, width="stretch", column_config=MONEY_COLUMNS,
            key="plans_payments_table")


def _income_form(account: pp.AccountOption, statement: pp.IncomeStatement | None) -> None:
    st.subheader("Income and spending")
    if statement:
        st.caption(f"Last recorded {_when(statement.recorded_on)}: income "
                   f"{format_money(statement.income_cents, account.currency)}, spending "
                   f"{format_money(statement.expenses_cents, account.currency)}, disposable "
                   f"{format_money(statement.disposable_cents, account.currency)} a month.")
    else:
        st.caption("Nothing recorded yet. Amounts are per month.")
    current = statement.items if statement else {}
    if st.session_state.get("plans_ie_for") != account.debtor_id:
        # The boxes keep what was typed; another debtor starts from their own statement.
        st.session_state["plans_ie_for"] = account.debtor_id
        for key in CATEGORY_LABELS:
            st.session_state.pop(f"plans_ie_{key}", None)
    groups = (("Income", INCOME_CATEGORIES), ("Fixed costs", FIXED_COST_CATEGORIES),
              ("Flexible costs", FLEXIBLE_COST_CATEGORIES))
    with st.form("plans_income_form", clear_on_submit=False):
        values: dict[str, float] = {}
        for title, keys in groups:
            st.markdown(f"**{title}** (£ a month)")
            cols = st.columns(3)
            for n, key in enumerate(keys):
                values[key] = cols[n % 3].number_input(
                    CATEGORY_LABELS[key], min_value=0.0, step=10.0, format="%.2f",
                    value=current.get(key, 0) / 100, key=f"plans_ie_{key}")
        recorded_on = st.date_input("Date of this statement", value=today, key="plans_ie_date",
                                    format="DD/MM/YYYY")
        submitted = st.form_submit_button("Save income and spending", key="plans_ie_submit")
    if submitted:
        items = {key: _pence(value) for key, value in values.items()}
        done = write(lambda s: pp.save_income_expenditure(
            s, actor=me, debtor_id=account.debtor_id, items=items, recorded_on=recorded_on,
            today=today))
        if done is not None:
            st.session_state["plans_flash"] = "Income and spending saved."
            st.rerun()


# ---------------------------------------------------------------- the page

me = auth.require_user()
today = _today()
st.title("Payment plans")
flash = st.session_state.pop("plans_flash", None)
if flash:
    st.success(flash)
if me.role in (Role.LEAD, Role.ADMIN):
    _approval_queue()

mode = st.radio("Plan for", [ACCOUNT_MODE, QUICK_MODE], key="plans_mode", horizontal=True)
account: pp.AccountOption | None = None
statement: pp.IncomeStatement | None = None
if mode == QUICK_MODE:
    st.caption("Type any balance and shape a plan. Nothing is saved.")
    quick = st.number_input("Balance to model (£)", min_value=0.0, value=1000.0, step=50.0,
                            format="%.2f", key="plans_quick_balance")
    ctx = Context(account_id=None, balance_cents=_pence(quick), currency="GBP", debtor_name="",
                  income_cents=None, expenses_cents=None,
                  discount_limit=_discount_limit(me.role), today=today)
else:
    account = _pick_account()
    if account is None:
        st.stop()
    statement = _statement(account.debtor_id)
    ctx = Context(
        account_id=account.account_id, balance_cents=account.balance_cents,
        currency=account.currency, debtor_name=account.debtor_name,
        income_cents=statement.income_cents if statement else None,
        expenses_cents=statement.expenses_cents if statement else None,
        discount_limit=_discount_limit(me.role), today=today,
    )
    st.markdown(f"**{md(account.debtor_name)}** · {md(account.reference)} · "
                f"{md(account.creditor)} · balance "
                f"**{md(format_money(account.balance_cents, account.currency))}** · "
                f"{md(account.status)}")
    open_promises = [p for p in _promises(account.account_id) if p.status == "open"]
    for promise in open_promises:
        st.caption(f"Promise to pay {format_money(promise.amount_cents, account.currency)} by "
                   f"{_when(promise.due_on)} ({format_money(promise.paid_cents, account.currency)}"
                   " paid so far).")

# Pinned scenarios belong to one balance; a different account or balance starts afresh.
basis = (ctx.account_id, ctx.balance_cents)
if st.session_state.get("plans_scenarios_basis") != basis:
    st.session_state["plans_scenarios_basis"] = basis
    st.session_state["plans_scenarios"] = []

if account is not None and account.status == AccountStatus.PAID:
    st.success("This account is paid. There is nothing left to plan.")
else:
    designer(ctx)

if account is not None:
    st.divider()
    _plan_panel(account)
    st.divider()
    left, right = st.columns(2, gap="large")
    with left:
        _payment_form(account)
    with right:
        _income_form(account, statement)
