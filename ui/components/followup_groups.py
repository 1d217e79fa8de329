"""Follow-ups grouped by what can be done now, each row one click from its check-in."""

from __future__ import annotations

import streamlit as st

from core.followups.views import (
    CONTACT_GROUPS,
    LATER_TODAY,
    NOT_TODAY,
    NOW,
    REASON_LABELS,
    Doable,
    Grouped,
)
from core.vocabulary import PRIORITY_LABELS, Channel, label_of
from ui import nav
from ui.format import md

EMPTY = {
    NOW: "Nobody on your list can be contacted right now.",
    LATER_TODAY: "Nothing waits for later today.",
    NOT_TODAY: "Everything due can be done today.",
}
KIND_WORDS = {"hold": "Hold", "opt-out": "Opted out", "window": "Outside their hours",
              "adjustment": "What we agreed", "rule": "Contact rule", "due": "Not due yet"}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def line(item: Doable) -> str:
    """One follow-up in a sentence (markdown, data escaped)."""
    row = item.row
    late = (f" · {row.days_overdue} day{'s' if row.days_overdue != 1 else ''} late"
            if row.days_overdue else "")
    ref = f" · {md(row.account_reference)}" if row.account_reference else ""
    parts = [f"**{md(row.debtor_name)}**{ref} — {REASON_LABELS.get(row.reason, row.reason)}"
             f" by {_lower_first(label_of(Channel, row.channel, row.channel))}{late} · "
             f"{PRIORITY_LABELS.get(row.priority, '').lower()} priority"]
    if row.vulnerable:
        parts.append("vulnerable")
    if item.holds:
        parts.append(f"on hold: {md(item.holds)}")
    if item.opted_out:
        # Each label lower-cased at its start only: "text message (SMS)", never "(sms)".
        channels = ", ".join(_lower_first(c) for c in item.opted_out.split(", "))
        parts.append(f"opted out of {md(channels)}")
    return " · ".join(parts)


def _why(item: Doable) -> str:
    if item.group == LATER_TODAY:
        return f"From {item.from_local} their time. {md(item.why)}"
    return f"{KIND_WORDS.get(item.kind, 'Why')}: {md(item.why)}"


def show(grouped: Grouped, *, key: str, open_label: str = "Open check-in") -> None:
    """The three groups with a heading and a count each; rows that can't be done now say why."""
    for name in (NOW, LATER_TODAY, NOT_TODAY):
        items = grouped.group(name)
        st.subheader(f"{CONTACT_GROUPS[name]} ({len(items)})")
        if not items:
            st.caption(EMPTY[name])
            continue
        for item in items:
            text_col, button_col = st.columns([5, 1], vertical_alignment="center")
            text_col.markdown(line(item))
            if item.group != NOW:
                text_col.caption(_why(item))
            if button_col.button(open_label, key=f"{key}_{item.row.id}",
                                 type="primary" if item.group == NOW else "secondary"):
                nav.open_checkin(item.row.debtor_id, account_id=item.row.account_id,
                                 followup_id=item.row.id)
