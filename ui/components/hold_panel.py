"""Holds on the profile: the holds in force, "Place a hold", extend and (leads) release."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core.checkins import holds
from core.checkins.views import HOLD_KINDS, HoldView
from core.permissions import is_lead
from core.store.models import HoldKind, User
from ui.format import md
from ui.forms import Fields
from ui.session import write

KIND_HELP = {
    HoldKind.DISPUTE: "They dispute the debt: no contact or collection until it is resolved.",
    HoldKind.BREATHING_SPACE: "The standard one: at most 60 days; give its end date.",
    HoldKind.CRISIS_BREATHING_SPACE: (
        "No fixed end; give a review date at most 30 days ahead. A lead renews it."),
    HoldKind.CEASE_COMMUNICATION: "They asked us to stop contacting them.",
    HoldKind.REPRESENTED: "An adviser or solicitor acts for them: contact goes to them.",
}

FIELDS = Fields("debtors_hold_")



def _place(me: User, accounts: dict[int, str]) -> str | None:
    with st.form("debtors_hold_form"):
        st.markdown("**Place a hold**")
        h1, h2 = st.columns(2)
        account_id = h1.selectbox("Account", list(accounts), format_func=accounts.get,
                                  key=FIELDS("account"))
        kind = h2.selectbox("Kind", list(HOLD_KINDS), format_func=HOLD_KINDS.get,
                            key=FIELDS("kind"))
        st.caption(" · ".join(f"**{HOLD_KINDS[k]}**: {text}" for k, text in KIND_HELP.items()))
        d1, d2, d3 = st.columns(3)
        starts_on = d1.date_input("Starts on (empty: today)", value=None, format="DD/MM/YYYY",
                                  key=FIELDS("starts"))
        ends_on = d2.date_input("Ends on (if it has an end)", value=None, format="DD/MM/YYYY",
                                key=FIELDS("ends"))
        review_on = d3.date_input("Review by (crisis breathing space)", value=None,
                                  format="DD/MM/YYYY", key=FIELDS("review"))
        representative = st.text_input("Who represents them (name and firm)",
                                       key=FIELDS("representative"))
        reason = st.text_area("Reason", key=FIELDS("reason"), height=68)
        if not st.form_submit_button("Place the hold", type="primary"):
            return None
    data = holds.HoldInput(account_id=account_id, kind=kind, starts_on=starts_on,
                           ends_on=ends_on, review_on=review_on, reason=reason,
                           representative=representative)
    if write(lambda s: holds.place_hold(s, actor=me, data=data)) is None:
        return None
    FIELDS.afresh()
    return (f"{HOLD_KINDS[kind]} placed; that account's follow-ups wait until it ends "
            "(or its review).")


def _row(me: User, hold: HoldView) -> str | None:
    with st.container(border=True):
        st.markdown(f"**{md(hold.reference)}** · {md(hold.text)}"
                    + (f" — {md(hold.reason)}" if hold.reason else ""))
        left, right = st.columns(2)
        crisis = hold.kind == HoldKind.CRISIS_BREATHING_SPACE
        if hold.ends_on is not None or crisis:
            label = "New review date" if crisis else "New end date"
            base = hold.review_on if crisis else hold.ends_on
            new = left.date_input(label, value=base + timedelta(days=7), format="DD/MM/YYYY",
                                  key=FIELDS(f"{hold.id}_new"))
            can = not crisis or is_lead(me)
            if left.button("Renew" if crisis else "Extend", key=FIELDS(f"{hold.id}_extend"),
                           disabled=not can, help=None if can else "A lead renews it."):
                done = write(lambda s: holds.extend_hold(
                    s, actor=me, hold_id=hold.id, ends_on=None if crisis else new,
                    review_on=new if crisis else None))
                if done is not None:
                    return "The hold was extended."
        if is_lead(me):
            why = right.text_input("Why release it early?", key=FIELDS(f"{hold.id}_why"))
            if right.button("Release", key=FIELDS(f"{hold.id}_release")) and write(
                    lambda s: holds.release_hold(s, actor=me, hold_id=hold.id,
                                                 reason=why)) is not None:
                return "The hold was released; a welcome-back check-in is on their owner's list."
    return None


def show(*, me: User, in_force: tuple[HoldView, ...], accounts: dict[int, str]) -> str | None:
    """The holds tab; returns a message when something was saved."""
    if not in_force:
        st.caption("No holds in force.")
    for hold in in_force:
        done = _row(me, hold)
        if done:
            return done
    if not accounts:
        return None
    return _place(me, accounts)
