"""Work on one follow-up: open its check-in, snooze it, change its priority, reassign (leads)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from core import workdays
from core.followups import service as followups
from core.followups.views import BUCKET_LABELS, BacklogRow
from core.store.models import User
from core.vocabulary import PRIORITY_LABELS
from ui import nav
from ui.format import md
from ui.forms import Fields
from ui.session import write

# Keyed by the follow-up, and started afresh after each change: a date or a reason typed for
# one follow-up never shows (or is saved) for another, nor twice.
FIELDS = Fields("followups_")


def _finished(done: Callable[[str], None]) -> Callable[[str], None]:
    def finish(message: str) -> None:
        FIELDS.afresh()
        done(message)
    return finish


def _summary(row: BacklogRow) -> str:
    snoozed = (f" Snoozed {row.snooze_count} time{'s' if row.snooze_count != 1 else ''}"
               + (f" — last reason: {md(row.snooze_reason)}" if row.snooze_reason else "")
               + "." if row.snooze_count else " Never snoozed.")
    return (f"**{md(row.debtor_name)}** · {md(row.owner_name)} · due {row.due_on:%d %b %Y} · "
            f"{BUCKET_LABELS[row.bucket].lower()} ·{snoozed}")


def show(row: BacklogRow, *, user: User, today: date, working: frozenset[int],
         done: Callable[[str], None]) -> None:
    """Done / snooze / priority for `row`; `done(message)` after a successful change.

    Every widget is keyed by the follow-up, so a form never acts on another one than it shows.
    """
    allowed = followups.may_change(user, owner_id=row.owner_id, owner_team_id=row.team_id)
    done = _finished(done)
    st.markdown(_summary(row))
    if row.note:
        st.text(row.note)
    if not allowed:
        st.caption("This follow-up belongs to someone else; only they or a lead can change it.")
    done_col, snooze_col, priority_col = st.columns(3)
    with done_col:
        st.markdown("**Done**")
        st.caption("Log the check-in; saving it marks this follow-up done.")
        if st.button("Open check-in", key="followups_done", disabled=not allowed,
                     type="primary"):
            nav.open_checkin(row.debtor_id, account_id=row.account_id, followup_id=row.id)
    with snooze_col, st.form(f"followups_snooze_form_{row.id}", border=True):
        st.markdown("**Snooze**")
        new_date = st.date_input(
            "New date", value=workdays.next_working_day(today, working),
            key=FIELDS(f"snooze_date_{row.id}"), format="DD/MM/YYYY",
            help="Starts on the next working day; the calendar's week follows your browser's "
                 "language (English (UK) starts on Monday).")
        why = st.text_input("Reason for snoozing", key=FIELDS(f"snooze_reason_{row.id}"),
                            max_chars=followups.MAX_REASON_CHARS)
        if st.form_submit_button("Snooze", disabled=not allowed) and write(
            lambda s: followups.snooze_followup(
                s, actor=user, followup_id=row.id, expected_version=row.version,
                new_date=new_date, reason=why, today=today),
        ):
            done(f"Snoozed to {new_date:%A %d %b %Y}.")
    with priority_col, st.form(f"followups_priority_form_{row.id}", border=True):
        st.markdown("**Priority**")
        new_priority = st.selectbox("New priority", list(PRIORITY_LABELS),
                                    index=list(PRIORITY_LABELS).index(row.priority),
                                    key=FIELDS(f"new_priority_{row.id}"),
                                    format_func=lambda p: PRIORITY_LABELS[p])
        if st.form_submit_button("Change priority", disabled=not allowed) and write(
            lambda s: followups.set_priority(
                s, actor=user, followup_id=row.id, expected_version=row.version,
                priority=new_priority),
        ):
            done(f"Priority changed to {PRIORITY_LABELS[new_priority].lower()}.")


def reassign(rows: dict[int, BacklogRow], targets: dict[int, str], *, user: User, today: date,
             selected: int, done: Callable[[str], None]) -> None:
    """Reassign one or many of the page's follow-ups (leads and admins); it starts from the
    follow-up picked above, and from it again when another is picked."""
    done = _finished(done)
    with st.form("followups_reassign_form", border=True):
        st.markdown("**Reassign** (one or many from this page)")
        chosen_ids = st.multiselect("Follow-ups to reassign", list(rows), default=[selected],
                                    key=FIELDS(f"reassign_ids_{selected}"),
                                    format_func=lambda i: rows[i].label)
        to_agent = st.selectbox("Reassign to", list(targets), key=FIELDS("reassign_to"),
                                index=None, placeholder="Choose an agent",
                                format_func=lambda a: targets[a])
        if st.form_submit_button("Reassign"):
            if to_agent is None:
                st.error("Choose the agent to reassign to.")
                return
            moved = write(lambda s: followups.reassign_followups(
                s, actor=user, followup_ids=chosen_ids, to_agent_id=to_agent, today=today))
            if moved is not None:
                done(f"Reassigned {moved} follow-up{'s' if moved != 1 else ''} to "
                     f"{md(targets[to_agent])}.")
