"""Money on an account: record a payment, and the debtor's income and spending.

Each form's widgets are keyed by the record they write to (the account, the debtor), so what
was typed for one never shows against another.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.affordability import (
    CATEGORY_LABELS,
    FIXED_COST_CATEGORIES,
    FLEXIBLE_COST_CATEGORIES,
    INCOME_CATEGORIES,
)
from core.money import format_money
from core.payment_plans import service as pp
from core.vocabulary import Role
from ui.components.plan_basis import pence, when
from ui.forms import Fields
from ui.session import read, write

GROUPS = (("Income", INCOME_CATEGORIES), ("Fixed costs", FIXED_COST_CATEGORIES),
          ("Flexible costs", FLEXIBLE_COST_CATEGORIES))


PAYMENT_COLUMNS = {
    "Received on": st.column_config.TextColumn("Received on", width=115),
    "Amount": st.column_config.TextColumn("Amount", width=85),
    "Method": st.column_config.TextColumn("Method", width=120),
    "Reference": st.column_config.TextColumn("Reference", width="medium"),
    "Reversed": st.column_config.TextColumn("Reversed", width=75),
}


def payment_form(*, key: str, account: pp.AccountOption, actor, today: date) -> None:
    """Record a payment on this account; its recent payments below (and, for a lead or an
    admin, taking one back)."""
    k = f"{key}_{account.account_id}"
    st.subheader("Record a payment")
    f = Fields(f"{k}_")
    with st.form(f"{k}_form", clear_on_submit=False):
        c1, c2 = st.columns(2)
        amount = c1.number_input("Amount (£)", min_value=0.0, step=10.0, format="%.2f",
                                 key=f("amount"))
        received = c2.date_input("Received on", value=today, max_value=today, key=f("date"),
                                 format="DD/MM/YYYY")
        c3, c4 = st.columns(2)
        method = c3.selectbox("Method", list(pp.PAYMENT_METHODS), key=f("method"),
                              format_func=lambda m: pp.PAYMENT_METHODS[m])
        reference = c4.text_input("Reference (optional)", key=f("reference"), max_chars=60)
        submitted = st.form_submit_button("Record payment", key=f("submit"))
    if submitted:
        amount_cents = pence(amount)
        done = write(lambda s: pp.record_payment(
            s, actor=actor, account_id=account.account_id, amount_cents=amount_cents,
            received_on=received, method=method, reference=reference, today=today))
        if done is not None:
            st.session_state["plans_flash"] = (
                f"Payment of {format_money(amount_cents, account.currency)} recorded.")
            f.afresh()  # an empty form: a second click saves nothing
            st.rerun()
    payments = read(pp.payments_for_account, account_id=account.account_id)
    if not payments:
        return
    st.dataframe(pd.DataFrame([{
        "Received on": when(p.received_on),
        "Amount": format_money(p.amount_cents, account.currency),
        "Method": pp.PAYMENT_METHODS.get(p.method, p.method),
        "Reference": p.reference or "—", "Reversed": "Yes" if p.reversed else "",
    } for p in payments]), hide_index=True, width="stretch", key=f"{k}_table",
        column_config=PAYMENT_COLUMNS,
        column_order=[c for c in PAYMENT_COLUMNS
                      if c != "Reversed" or any(p.reversed for p in payments)])
    if actor.role in (Role.LEAD, Role.ADMIN):
        reversal_form(key=k, account=account, actor=actor, today=today, payments=payments)


def _payment_line(p: pp.PaymentRow, currency: str) -> str:
    ref = f", {p.reference}" if p.reference else ""
    return (f"{format_money(p.amount_cents, currency)} received on {when(p.received_on)} "
            f"({pp.PAYMENT_METHODS.get(p.method, p.method).lower()}{ref})")


def reversal_form(*, key: str, account: pp.AccountOption, actor, today: date,
                  payments: list[pp.PaymentRow]) -> None:
    """Take back a payment that bounced or was charged back: a lead or an admin, with a reason
    and a plain confirmation; what it paid is owed again (the service audits it)."""
    standing = {p.payment_id: p for p in payments if not p.reversed and p.reversible}
    if not standing:
        return
    unrecorded = sum(1 for p in payments if not p.reversed and not p.reversible)
    state = st.session_state
    fresh = Fields(f"{key}_reverse_")  # a new, empty chooser after each reversal
    with st.expander("Reverse a payment (a bounced direct debit or a chargeback)"):
        payment_id = st.selectbox(
            "Payment to reverse", list(standing), index=None, key=fresh("pick"),
            placeholder="Choose the payment that did not arrive",
            format_func=lambda i: _payment_line(standing[i], account.currency))
        if unrecorded:
            st.caption(f"{unrecorded} older payment(s) were loaded without a record of what "
                       "they paid (an import), so they are not listed: correct those by hand.")
        if payment_id is None:
            return
        chosen = standing[payment_id]
        with st.form(f"{key}_reverse_{payment_id}", clear_on_submit=False):
            reason = st.text_input("Why is it reversed?", max_chars=500,
                                   key=f"{key}_reverse_reason_{payment_id}",
                                   placeholder="For example: the direct debit bounced")
            sure = st.checkbox(
                f"Yes, take back {_payment_line(chosen, account.currency)}. What it paid "
                "is owed again.", key=f"{key}_reverse_sure_{payment_id}")
            pressed = st.form_submit_button("Reverse this payment",
                                            key=f"{key}_reverse_go_{payment_id}")
        if not pressed:
            return
        if not sure:
            st.warning("Tick the box to confirm that this payment is taken back.")
            return
        done = write(lambda s: pp.reverse_payment(s, actor=actor, payment_id=payment_id,
                                                  reason=reason, today=today))
        if done is not None:
            money = format_money(chosen.amount_cents, account.currency)
            state["plans_flash"] = f"Payment of {money} reversed: what it paid is owed again."
            fresh.afresh()
            st.rerun()


def income_form(*, key: str, account: pp.AccountOption, actor, today: date) -> None:
    """The debtor's income and spending a month, by the Standard Financial Statement."""
    k = f"{key}_{account.debtor_id}"
    statement = read(pp.latest_income_expenditure, debtor_id=account.debtor_id)
    cur = account.currency
    st.subheader("Income and spending")
    if statement:
        st.caption(f"Last recorded {when(statement.recorded_on)}: income "
                   f"{format_money(statement.income_cents, cur)}, spending "
                   f"{format_money(statement.expenses_cents, cur)}, disposable "
                   f"{format_money(statement.disposable_cents, cur)} a month.")
    else:
        st.caption("Nothing recorded yet. Amounts are per month.")
    current = statement.items if statement else {}
    with st.form(f"{k}_form", clear_on_submit=False):
        values: dict[str, float] = {}
        for title, keys in GROUPS:
            st.markdown(f"**{title}** (£ a month)")
            cols = st.columns(3)
            for n, item in enumerate(keys):
                values[item] = cols[n % 3].number_input(
                    CATEGORY_LABELS[item], min_value=0.0, step=10.0, format="%.2f",
                    value=current.get(item, 0) / 100, key=f"{k}_{item}")
        recorded_on = st.date_input("Date of this statement", value=today, max_value=today,
                                    key=f"{k}_date", format="DD/MM/YYYY")
        submitted = st.form_submit_button("Save income and spending", key=f"{k}_submit")
    if submitted:
        items = {item: pence(value) for item, value in values.items()}
        done = write(lambda s: pp.save_income_expenditure(
            s, actor=actor, debtor_id=account.debtor_id, items=items, recorded_on=recorded_on,
            today=today))
        if done is not None:
            st.session_state["plans_flash"] = "Income and spending saved."
            st.rerun()
