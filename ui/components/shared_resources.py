"""What free help was shared with a debtor and how it went (the profile), and the stand-up's
"resources that helped this month"."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.resources import queries
from core.vocabulary import ResourceAnswer, label_of
from ui.format import day, plain
from ui.session import read


def show(debtor_id: int) -> None:
    """The resources shared with this debtor, newest first, with whether they helped."""
    st.markdown("**Free help shared, and how it went**")
    shares = read(queries.shared_with, debtor_id=debtor_id)
    if not shares:
        st.caption("No free help shared yet: share a resource in a check-in or a message.")
        return
    st.dataframe(
        [{"Shared": day(s.shared_at), "Resource": plain(s.title),
          "Organisation": plain(s.organisation), "By": plain(s.shared_by),
          "Did it help?": label_of(ResourceAnswer, s.answer, "Not asked yet"),
          "Asked": day(s.answered_at) if s.answered_at else "—",
          "Asked by": plain(s.answered_by)} for s in shares],
        hide_index=True, width="stretch", key=f"shared_resources_{debtor_id}")


def helped_this_month(*, today: date, team_id: int | None) -> None:
    """The stand-up's "resources that helped this month", by resource."""
    helped = read(queries.helped_this_month, today=today, team_id=team_id)
    total = sum(h.helped for h in helped)
    st.subheader(f"Resources that helped this month ({total:,})")
    if not helped:
        st.caption("No one has told us yet this month that a resource we shared helped.")
        return
    st.dataframe([{"Resource": plain(h.title), "Organisation": plain(h.organisation),
                   "Said it helped": h.helped} for h in helped],
                 hide_index=True, width="stretch", key="standup_resources_helped")
