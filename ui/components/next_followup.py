"""After a check-in is saved: one button to the next follow-up that can be done now."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import streamlit as st

from core.followups import queries
from core.followups.views import REASON_LABELS
from core.store.models import User, utcnow
from ui import nav
from ui.format import md
from ui.session import read

OFFER = "checkin_next_offer"  # set when a check-in was saved; cleared when followed


def offer() -> None:
    """Offer the Next button on the following runs (until it is used)."""
    st.session_state[OFFER] = True


def show(*, me: User) -> None:
    """The "Next" button, if a check-in was just saved and someone can be contacted now."""
    if not st.session_state.get(OFFER):
        return
    zone = ZoneInfo(read(queries.office_zone_name))
    now = utcnow().replace(second=0, microsecond=0)
    _, grouped = read(queries.my_day_now, user_id=me.id, today=now.astimezone(zone).date(),
                      at=now, limit=25)
    current = st.session_state.get("checkin_debtor_id")
    nxt = next((d for d in grouped.now if d.row.debtor_id != current), None)
    if nxt is None:
        st.caption("Nobody else on your list can be contacted right now.")
        return
    row = nxt.row
    label = f"Next: {row.debtor_name} — {REASON_LABELS.get(row.reason, row.reason)}"
    if st.button(md(label), key="checkin_next", type="primary", icon=":material/skip_next:"):
        st.session_state.pop(OFFER, None)
        nav.open_checkin(row.debtor_id, account_id=row.account_id, followup_id=row.id)
