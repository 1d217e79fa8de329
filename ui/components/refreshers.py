"""Refreshers on screen: what is due for me (My day), the case of the week (Stand-up), and the
admin's editor."""

from __future__ import annotations

import streamlit as st

from core.learning import queries, service
from core.learning.views import CaseOfTheWeek
from core.store.models import User
from ui.format import md
from ui.session import read, write


def due_for_me(user: User) -> None:
    """My refreshers due, each readable in place and marked read with one click."""
    due = read(queries.due_for, user_id=user.id)
    st.subheader(f"Refreshers for you ({len(due)})")
    if not due:
        st.caption("Nothing to refresh: you are up to date.")
        return
    for item in due:
        r = item.refresher
        with st.expander(f"{r.topic} — {item.why}"):
            st.markdown(md(r.body))
            if r.source:
                st.caption(f"Source: {md(r.source)} · version {r.version}")
            if st.button("Mark as read", key=f"refresher_read_{r.id}_{r.version}") and write(
                    lambda s, rid=r.id: service.mark_read(s, actor=user, refresher_id=rid)):
                st.rerun()


def case_of_the_week(case: CaseOfTheWeek | None) -> None:
    """The stand-up's case of the week, name hidden, next to the refresher that fits."""
    st.subheader("Case of the week")
    if case is None:
        st.caption("No flagged override or broken plan last week: nothing to talk through.")
        return
    story, refresher = st.columns([3, 2])
    story.markdown(md(case.story))
    if case.refresher is not None:
        with refresher.container(border=True):
            st.markdown(f"**Refresher: {md(case.refresher.topic)}**")
            st.markdown(md(case.refresher.body))


def editor(user: User) -> None:
    """Admins keep the refreshers: pick one (or a new one), change it, save."""
    pieces = {r.id: r for r in read(queries.refreshers)}
    options = [None, *pieces]
    chosen = st.selectbox("Refresher", options, key="refresher_edit_pick",
                          format_func=lambda i: "A new refresher" if i is None else
                          f"{pieces[i].topic} (version {pieces[i].version})")
    current = pieces.get(chosen)
    with st.form(f"refresher_form_{chosen}", border=True):
        topic = st.text_input("Topic", value=current.topic if current else "", max_chars=120)
        rule = st.text_input("Rule or skill it covers (e.g. contact_limits)",
                             value=current.rule if current else "", max_chars=40)
        body = st.text_area("Text", value=current.body if current else "",
                            max_chars=service.MAX_BODY, height=160)
        source = st.text_input("Source", value=current.source if current else "",
                               max_chars=300)
        review_by = st.date_input("Review by", value=current.review_by if current else None,
                                  format="DD/MM/YYYY")
        if st.form_submit_button("Save the refresher") and write(
                lambda s: service.save_refresher(
                    s, actor=user, refresher_id=chosen, rule=rule, topic=topic, body=body,
                    source=source, review_by=review_by),
                success="Refresher saved. A changed text is due again for everyone."):
            st.rerun()
