"""What we agreed to do differently: the adjustments in force, and recording a new one."""

from __future__ import annotations

from datetime import time

import streamlit as st

from core.checkins import adjustments
from core.checkins.views import ADJUSTMENT_KINDS, CHANNELS, AdjustmentView, format_day
from core.contact_rules import DAY_NAMES
from core.store.models import AdjustmentKind, User
from ui.format import md
from ui.forms import Fields
from ui.session import write

DAYS = dict(enumerate(DAY_NAMES))

FIELDS = Fields("debtors_adj_")


def _listing(me: User, rows: tuple[AdjustmentView, ...]) -> str | None:
    if not rows:
        st.caption("Nothing agreed yet.")
    for a in rows:
        with st.container(border=True):
            review = (f":orange[review was due {format_day(a.review_on)}]" if a.overdue_review
                      else f"review {format_day(a.review_on)}")
            st.markdown(f"**{md(a.text)}** — {md(a.reason)} · consent "
                        f"{format_day(a.consent_at.date())} · {review}")
            why = st.text_input("Why it ends", key=FIELDS(f"{a.id}_why"))
            if st.button("End it", key=FIELDS(f"{a.id}_end")) and write(
                    lambda s, a=a, why=why: adjustments.end_adjustment(
                        s, actor=me, adjustment_id=a.id, reason=why)) is not None:
                return "The adjustment was ended."
    return None



def _details(kind: str) -> dict:
    """The fields the chosen kind needs (the rest are left empty)."""
    values: dict = {}
    if kind == AdjustmentKind.UNAVAILABLE:
        st.caption("Their local time. A window runs forward from its start to its end; one that "
                   "ends before it starts wraps round the week (Friday 18:00 to Monday 08:00 is "
                   "one window). For \"no calls before 2 pm\" add one window a day.")
        w1, w2, w3, w4 = st.columns(4)
        values["start_day"] = w1.selectbox("From day", list(DAYS), format_func=DAYS.get,
                                           key=FIELDS("start_day"), index=4)
        values["start_time"] = w2.time_input("from time", value=time(18, 0), step=900,
                                             key=FIELDS("start_time"))
        values["end_day"] = w3.selectbox("To day", list(DAYS), format_func=DAYS.get,
                                         key=FIELDS("end_day"), index=5)
        values["end_time"] = w4.time_input("to time", value=time(18, 0), step=900,
                                           key=FIELDS("end_time"))
    elif kind == AdjustmentKind.CHANNEL_ONLY:
        values["channels"] = st.multiselect("Only by", list(CHANNELS), format_func=CHANNELS.get,
                                            key=FIELDS("channels"))
    elif kind == AdjustmentKind.EXTRA_TIME:
        values["extra_days"] = int(st.number_input("Extra days", min_value=0, max_value=60,
                                                   value=7, key=FIELDS("extra_days")))
    elif kind in adjustments.NEEDS_DETAIL:
        values["detail"] = st.text_input(adjustments.NEEDS_DETAIL[kind],
                                         key=FIELDS("detail"))
    return values


def _add(me: User, debtor_id: int) -> str | None:
    st.markdown("**Record what we agreed**")
    kind = st.selectbox("What we agreed", list(ADJUSTMENT_KINDS),
                        format_func=ADJUSTMENT_KINDS.get, key=FIELDS("kind"))
    with st.form("debtors_adj_form"):
        values = _details(kind)
        reason = st.text_input("Why (in their words if you can)", key=FIELDS("reason"))
        r1, r2 = st.columns(2)
        review_on = r1.date_input("Review by", value=None, format="DD/MM/YYYY",
                                  key=FIELDS("review"))
        consent = r2.checkbox("They agreed that we record this (and, for a helper, that we "
                              "talk to them)", key=FIELDS("consent"))
        if not st.form_submit_button("Save the adjustment", type="primary"):
            return None
    data = adjustments.AdjustmentInput(debtor_id=debtor_id, kind=kind, reason=reason,
                                       consent=consent, review_on=review_on, **values)
    if write(lambda s: adjustments.add_adjustment(s, actor=me, data=data)) is None:
        return None
    FIELDS.afresh()
    return "The adjustment was saved: the contact rules follow it from now on."


def show(*, me: User, debtor_id: int, rows: tuple[AdjustmentView, ...]) -> str | None:
    """The adjustments tab; returns a message when something was saved."""
    return _listing(me, rows) or _add(me, debtor_id)
