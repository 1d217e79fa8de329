"""A plain-language message draft: template, edit, check, and "Mark as sent" behind the gate.

Above reading grade 6 or with jargon, "Mark as sent" needs a written reason; the grade and
the jargon found are kept on the check-in it logs.
"""

from __future__ import annotations

import streamlit as st

from core import plain_language
from core.checkins import queries
from core.checkins.service import mark_draft_sent
from core.checkins.views import CHANNELS, ContactCard
from core.store.models import User
from ui.format import md
from ui.session import read, write


def _report(text: str, channel: str) -> plain_language.PlainReport:
    report = plain_language.plain_language_report(text)
    r1, r2, r3 = st.columns(3)
    r1.metric("Reading grade", f"{report.grade:.1f}", help=f"Aim for {report.target:g} or below.")
    r2.metric("Characters", report.chars)
    if channel == "sms":
        r3.metric("Text messages", report.sms_segments)
    if report.grade <= report.target:
        st.success(f"Easy to read: grade {report.grade:.1f} (target {report.target:g} or below).")
    else:
        st.warning(f"Grade {report.grade:.1f} is above the target of {report.target:g}: "
                   "try shorter sentences and everyday words.")
    if report.jargon:
        st.warning("Jargon spotted: say it plainly.")
        st.dataframe([{"Instead of": term, "Say": plain} for term, plain in report.jargon],
                     hide_index=True)
    return report


def show(*, me: User, debtor_id: int, account_id: int | None, card: ContactCard) -> bool:
    """The draft tab; True when a message was logged as sent."""
    m1, m2 = st.columns(2)
    template = m1.selectbox("Template", list(plain_language.TEMPLATES),
                            format_func=plain_language.TEMPLATES.get,
                            key="checkin_draft_template")
    channel = m2.selectbox("Send by", list(plain_language.MESSAGE_CHANNELS),
                           format_func=CHANNELS.get, key="checkin_draft_channel")
    source = (debtor_id, account_id, template, channel)
    if st.session_state.get("checkin_draft_source") != source:
        st.session_state["checkin_draft_text"] = read(
            queries.draft_for, actor=me, debtor_id=debtor_id, account_id=account_id,
            template=template, channel=channel)
        st.session_state["checkin_draft_source"] = source
    text = st.text_area("Message (edit it as you like)", key="checkin_draft_text", height=220)
    report = _report(text, channel)
    if sentence := plain_language.OPT_OUT_SENTENCE.get(channel):
        st.caption(f"This sentence is always added when it is sent: “{sentence}”")
    plain_reason = ""
    if not report.ok:
        plain_reason = st.text_input("It is not plain yet: why must it go as it is?",
                                     key="checkin_draft_plain_reason",
                                     help="Needed to mark it as sent; kept on the check-in.")
    rule = {v.channel: v for v in card.verdicts}[channel]
    override = ""
    if not rule.allowed:
        st.warning(f"Sending a {rule.label.lower()} now is against the contact rules: "
                   + md(" ".join(rule.reasons)))
        override = st.text_input("Why send it anyway?", key="checkin_draft_override")
    if not st.button("Mark as sent", key="checkin_draft_send"):
        return False
    sent = write(lambda s: mark_draft_sent(
        s, actor=me, debtor_id=debtor_id, account_id=account_id, channel=channel, text=text,
        rule_override_reason=override, plain_language_reason=plain_reason))
    if sent is None:
        return False
    st.session_state.pop("checkin_draft_source", None)
    st.session_state.pop("checkin_draft_plain_reason", None)
    return True
