"""Debtors: search by name or account reference; a profile with one timeline, holds and
what we agreed to do differently."""

from __future__ import annotations

import streamlit as st

from core.checkins import adjustments, holds
from core.checkins.charts import wellbeing_chart
from core.checkins.views import format_day
from core.debtors import queries as debtors
from core.money import format_money
from ui import auth, forms, nav
from ui.components import (
    adjustment_panel,
    debtor_picker,
    hold_panel,
    preferences_form,
    relationship,
    table,
)
from ui.format import md
from ui.session import read, write

me = auth.require_user()
st.title("Debtors")

if flash := st.session_state.pop("debtors_flash", None):
    st.success(flash)

debtor_id = debtor_picker.show("debtors", me=me, selected_key="debtors_selected_id",
                               mine_toggle=True, results=True, label_text="Open a debtor",
                               placeholder="Choose a debtor to see their profile")
if debtor_id is None:
    st.stop()
forms.for_record("debtors_forms_for", debtor_id, hold_panel.FIELDS, adjustment_panel.FIELDS)


def done(message: str | None) -> None:
    """After a save: say so and draw the page again."""
    if message:
        st.session_state["debtors_flash"] = message
        st.rerun()


profile = read(debtors.get_profile, actor=me, debtor_id=debtor_id)
d = profile.debtor
st.header(md(d.name))
st.caption(f"{d.kind.capitalize()} · owned by {md(profile.owner_name)} · {len(profile.accounts)} "
           f"account{'s' if len(profile.accounts) != 1 else ''} · "
           f"{format_money(profile.total_balance_cents)} left to pay"
           + (" · vulnerable (with consent)" if d.vulnerable else ""))

account_names = {a.id: f"{a.reference} · {a.creditor}" for a in profile.accounts}
if st.session_state.get("debtors_account") not in account_names:
    st.session_state["debtors_account"] = next(iter(account_names), None)
act_account, act_checkin, act_plan = st.columns([3, 1, 1])
chosen_account = act_account.selectbox("Account", list(account_names),
                                       format_func=account_names.get, key="debtors_account")
with act_checkin:
    st.write("")
    if st.button("Log a check-in", key="debtors_log_checkin", type="primary"):
        nav.open_checkin(debtor_id, account_id=chosen_account)
with act_plan:
    st.write("")
    if st.button("Payment plan", key="debtors_open_plan", disabled=chosen_account is None):
        nav.open_page("plans", plans_account_id=chosen_account)

timeline_tab, accounts_tab, holds_tab, agreed_tab, prefs_tab, care_tab, ours_tab = st.tabs(
    ["Timeline", "Accounts and promises", "Holds", "What we agreed",
     "Contact preferences", "Wellbeing and vulnerability", "Our relationship"])

with timeline_tab:
    entries = read(debtors.timeline, debtor_id=debtor_id)
    if not entries:
        st.caption("Nothing has happened with this debtor yet.")
    else:
        rows = []
        for e in entries:
            rows.append({"When": e.when_text, "What": e.kind, "Summary": e.title,
                         "Details": e.detail, "By": e.who})
            rows.extend({"When": "", "What": "↳ correction", "Summary": text, "Details": "",
                         "By": ""} for text in e.amendments)
        table.show(rows, key="debtors_timeline", file_name="timeline.csv")

with accounts_tab:
    st.dataframe(
        [{"Reference": a.reference, "Creditor": a.creditor,
          "Left to pay": format_money(a.balance_cents, a.currency),
          "Original": format_money(a.original_balance_cents, a.currency),
          "Status": a.status.replace("_", " "),
          "Holds": "; ".join(h.text for h in a.holds) or "—",
          "Plan": a.plan.text if a.plan else "—"} for a in profile.accounts],
        hide_index=True, width="stretch", key="debtors_accounts",
    )
    references = {a.id: a.reference for a in profile.accounts}
    st.markdown("**Open promises to pay**")
    for p in profile.promises:
        st.markdown(f"- {format_money(p.amount_cents)} by {format_day(p.due_on)} "
                    f"({md(references.get(p.account_id, ''))})")
    if not profile.promises:
        st.caption("None.")
    ie = profile.income_expenditure
    st.markdown("**Income and expenditure**")
    st.markdown("No statement recorded yet." if ie is None else
                f"Recorded {format_day(ie.recorded_on)}: income {format_money(ie.income_cents)}"
                f" a month, spending {format_money(ie.expenses_cents)}, leaving "
                f"**{format_money(ie.disposable_cents)}**.")

with holds_tab:
    done(hold_panel.show(me=me, in_force=read(holds.debtor_holds, debtor_id=debtor_id),
                         accounts=account_names))

with agreed_tab:
    done(adjustment_panel.show(me=me, debtor_id=debtor_id,
                               rows=read(adjustments.debtor_adjustments, debtor_id=debtor_id)))

with prefs_tab:
    if preferences_form.show(me=me, d=d):
        done("Preferences saved.")

with care_tab:
    points = read(debtors.wellbeing_series, debtor_id=debtor_id)
    if points:
        st.altair_chart(wellbeing_chart(points), width="stretch")
    else:
        st.caption("No wellbeing recorded yet.")
    st.markdown("**Vulnerability** (recorded with the debtor's explicit consent)")
    for v in profile.vulnerabilities:
        st.markdown(f"- {v.label} (consent {format_day(v.consent_at.date())})")
    if not profile.vulnerabilities:
        st.caption("None recorded.")
    elif st.button("Show the IDEA notes (this is recorded in the audit trail)",
                   key="debtors_show_vulnerability"):
        for v in write(lambda s: debtors.read_vulnerabilities(
                s, actor=me, debtor_id=debtor_id, details=True)) or ():
            with st.container(border=True):
                st.markdown(f"**{v.label}**")
                for label, text in (("Impact", v.impact), ("Duration", v.duration),
                                    ("Episodes", v.episodes), ("Assistance needed", v.assistance)):
                    if text:
                        st.markdown(f"{label}: {md(text)}")

with ours_tab:
    done(relationship.show(debtor_id, me=me))
