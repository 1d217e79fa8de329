"""Payment plans: shape a plan live in a meeting, compare scenarios, check it is affordable,
agree it, and track it until it is paid."""

import streamlit as st

from core.payment_plans import service as pp
from core.vocabulary import AccountStatus, Role
from ui import auth
from ui.components import (
    plan_accounts,
    plan_approvals,
    plan_basis,
    plan_designer,
    plan_panel,
    plan_payments,
)
from ui.session import read

ACCOUNT_MODE = "A debtor's account"
QUICK_MODE = "Quick model"

me = auth.require_user()
today = read(pp.office_today)
st.title("Payment plans")

if flash := st.session_state.pop("plans_flash", None):
    st.success(flash)
if me.role in (Role.LEAD, Role.ADMIN):
    plan_approvals.show(key="plans_queue", actor=me, today=today)

mode = st.radio("Plan for", [ACCOUNT_MODE, QUICK_MODE], key="plans_mode", horizontal=True)
if mode == QUICK_MODE:
    st.caption("Type any balance and shape a plan. Nothing is saved.")
    quick = st.number_input("Balance to model (£)", min_value=0.0, max_value=10_000_000.0,
                            value=1000.0, step=50.0, format="%.2f", key="plans_quick_balance")
    plan_designer.show(key="plans", actor=me, basis=plan_basis.quick_basis(
        plan_basis.pence(quick), actor=me, today=today))
    st.stop()

account = plan_accounts.show(key="plans_account", actor=me)
if account is None:
    st.stop()

plan_accounts.header(account)

if account.status == AccountStatus.PAID:
    st.success("This account is paid. There is nothing left to plan.")
else:
    plan_designer.show(key="plans", actor=me,
                       basis=plan_basis.basis_for(account, actor=me, today=today))

st.divider()
plan_panel.show(key="plans_plan", account=account, actor=me, today=today)
st.divider()
left, right = st.columns(2, gap="large")
with left:
    plan_payments.payment_form(key="plans_pay", account=account, actor=me, today=today)
with right:
    plan_payments.income_form(key="plans_ie", account=account, actor=me, today=today)
