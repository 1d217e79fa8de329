"""What free help was shared with a debtor and how it went (the profile), and the stand-up's
"resources that helped this month"."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.resources import queries
from core.vocabulary import ResourceAnswer, label_of
from ui.format import day, md, plain
from ui.session import read


def show(debtor_id: int) -> None:
    """The resources shared with this debtor, newest first, with whether they helped."""
    st.markdown("**Free help shared, and how it went**")
    shares = read(queries.shared_with, debtor_id=debtor_id)
    if not shares:
        st.caption("No free help shared yet: share a resource in a check-in or a message.")
        return
    for s in shares:
        if s.answer:
            went = (f"did it help? **{label_of(ResourceAnswer, s.answer).lower()}** "
                    f"({day(s.answered_at)}, asked by {md(s.answered_by)})")
        else:
            went = "not asked yet whether it helped"
        st.markdown(f"- **{md(s.title)}** ({md(s.organisation)}): shared {day(s.shared_at)} "
                    f"by {md(s.shared_by)}; {went}")


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
