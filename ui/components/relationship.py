"""Our relationship (the debtor's profile): after-care once an account is paid, goodwill,
milestones reached; and on My day, the milestones to send and the after-care check-ins due."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from core.followups.views import NOW
from core.relationship import queries, service
from core.relationship.views import AfterCareView, PaidAccount, Relationship
from core.store.models import User
from core.vocabulary import FollowUpStatus, GoodwillKind, label_of, labels
from ui import nav
from ui.components import shared_resources
from ui.format import day, md
from ui.session import read, write

GOODWILL_KINDS = labels(GoodwillKind)
ANSWERS = {"yes": "Yes, they would like the two check-ins", "no": "No thanks"}


def _checkins(care: AfterCareView) -> str:
    return " · ".join(f"{day(c.due_on)} ({label_of(FollowUpStatus, c.status, c.status).lower()})"
                      for c in care.checkins) or "none"


def _after_care(me: User, paid: PaidAccount) -> str | None:
    care = paid.after_care
    key = f"debtors_care_{paid.account_id}"
    if care is None:
        st.markdown("**After-care** — offer it once: two friendly “how are you doing” check-ins, "
                    "30 and 90 days on. They never mention money.")
        with st.form(f"{key}_form"):
            answer = st.radio("Their answer", list(ANSWERS), format_func=ANSWERS.get,
                              key=f"{key}_answer", horizontal=True)
            on = st.date_input("On which day did they answer?", value=None,
                               format="DD/MM/YYYY", key=f"{key}_on")
            if not st.form_submit_button("Record their answer", type="primary"):
                return None
        done = write(lambda s: service.record_after_care(
            s, actor=me, account_id=paid.account_id, consented=answer == "yes", consent_on=on))
        if done is None:
            return None
        return ("After-care arranged: two check-ins are on the owner's list." if answer == "yes"
                else "Recorded: they said no thanks to after-care.")
    if not care.consented:
        st.markdown(f"**After-care**: they said no thanks on {day(care.consent_on)}.")
        return None
    if care.withdrawn_at is not None:
        st.markdown(f"**After-care**: agreed on {day(care.consent_on)}, consent withdrawn on "
                    f"{day(care.withdrawn_at)}. Check-ins: {_checkins(care)}.")
        return None
    st.markdown(f"**After-care**: agreed on {day(care.consent_on)} (recorded by "
                f"{md(care.recorded_by)}). Check-ins: {_checkins(care)}.")
    if st.button("They withdrew their consent", key=f"{key}_withdraw",
                 help="Cancels the check-ins still open, at once."):
        cancelled = write(lambda s: service.withdraw_after_care(
            s, actor=me, after_care_id=care.id, expected_version=care.version))
        if cancelled is not None:
            return f"Consent withdrawn; {cancelled} check-in{'s' if cancelled != 1 else ''} " \
                   "cancelled."
    return None


def _paid(me: User, paid: PaidAccount) -> str | None:
    with st.container(border=True):
        st.markdown(f"**Paid in full: {md(paid.reference)} · {md(paid.creditor)}** — debt-free "
                    f"since {day(paid.debt_free_on)}")
        st.code(paid.draft, language=None, wrap_lines=True)
        grade = f"Reading grade {paid.grade:.1f}"
        st.caption(f"{grade}: easy to read." if paid.grade_ok else
                   f"{grade}: above the target; make it simpler before it goes.")
        if paid.standing_note:
            st.markdown("**Back in good standing** — a note for the creditor")
            st.code(paid.standing_note, language=None, wrap_lines=True)
        return _after_care(me, paid)


def _goodwill(me: User, view: Relationship) -> str | None:
    st.markdown("**Goodwill**")
    for g in view.goodwill:
        st.markdown(f"- {day(g.happened_on)} · **{g.label}** — {md(g.note)} "
                    f"(recorded by {md(g.recorded_by)})")
    if not view.goodwill:
        st.caption("Nothing recorded yet.")
    key = f"debtors_goodwill_{view.debtor_id}"
    with st.form(f"{key}_form", clear_on_submit=True):
        g1, g2 = st.columns([1, 1])
        kind = g1.selectbox("Kind", list(GOODWILL_KINDS), format_func=GOODWILL_KINDS.get,
                            key=f"{key}_kind")
        on = g2.date_input("When", value="today", format="DD/MM/YYYY", key=f"{key}_on")
        note = st.text_input("What happened", key=f"{key}_note",
                             placeholder="e.g. sent a thank-you card; referred a friend")
        if not st.form_submit_button("Add goodwill"):
            return None
    if write(lambda s: service.add_goodwill(s, actor=me, debtor_id=view.debtor_id, kind=kind,
                                            note=note, happened_on=on)) is None:
        return None
    return "Goodwill recorded."


def _milestones(view: Relationship) -> None:
    st.markdown("**Milestones reached**")
    for m in view.milestones:
        st.markdown(f"- {day(m.offered_on)} · {md(m.account_reference)} · {md(m.line)} "
                    f"({m.status_label.lower()})")
    if not view.milestones:
        st.caption("No plan milestone yet.")


def resources_shared(debtor_id: int, *, me: User) -> str | None:
    """RESOURCES SHARED AND HOW THEY WENT: the shelf of free help (issue 15 item 2) draws its
    part of "Our relationship" here (ui/components/shared_resources.py)."""
    shared_resources.show(debtor_id)
    return None


def show(debtor_id: int, *, me: User) -> str | None:
    """The "Our relationship" section; a message when something was saved."""
    view = read(queries.relationship, debtor_id=debtor_id)
    st.subheader("Our relationship")
    if not view.paid:
        st.caption("After-care is offered here once an account is paid in full.")
    for paid in view.paid:
        if done := _paid(me, paid):
            return done
    if done := _goodwill(me, view):
        return done
    if done := resources_shared(debtor_id, me=me):  # the shelf of free help (issue 15 item 2)
        return done
    _milestones(view)
    return None


# ---------------------------------------------------------------- My day


def my_day(me: User, *, today: date, at: datetime) -> None:
    """My milestones to send (a short draft each, "Mark sent" / "Dismiss") and my after-care
    check-ins due, judged by the contact rules; care and encouragement, not load."""
    milestones = read(queries.my_milestones, user_id=me.id, today=today)
    care = read(queries.care_due, user_id=me.id, today=today, at=at)
    if not milestones and not care:
        return
    st.subheader(f"Encouragement and after-care ({len(milestones) + len(care)})")
    st.caption("Not collection work: milestones of a plan to celebrate, and the “how are you "
               "doing” check-ins people asked for.")
    for due in care:
        item = due.item
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f"**{md(item.row.debtor_name)}** — after-care check-in, due "
                      f"{day(item.row.due_on)}")
        if item.group != NOW:
            text.caption(f"Not now: {md(item.why)}")
        with text.expander("A “how are you doing” message (never about money)"):
            st.code(due.draft, language=None, wrap_lines=True)
        if button.button("Open check-in", key=f"home_care_{item.row.id}"):
            nav.open_checkin(item.row.debtor_id, account_id=item.row.account_id,
                             followup_id=item.row.id)
    for m in milestones:
        text, sent_col, dismiss_col = st.columns([4, 1, 1], vertical_alignment="center")
        text.markdown(f"**{md(m.debtor_name)}** · {md(m.account_reference)} — “{md(m.line)}”")
        with text.expander(f"The message (reading grade {m.grade:.1f})"):
            st.code(m.draft, language=None, wrap_lines=True)
        for col, sent, label in ((sent_col, True, "Mark sent"), (dismiss_col, False, "Dismiss")):
            if col.button(label, key=f"home_milestone_{m.id}_{label.split()[0].lower()}") \
                    and write(lambda s, sent=sent, m=m: service.mark_milestone(
                        s, actor=me, milestone_id=m.id, expected_version=m.version,
                        sent=sent)) is not None:
                st.rerun()
