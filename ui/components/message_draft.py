"""A plain-language message draft: template, edit, check, and "Mark as sent" behind the gate.

The draft is in the debtor's language when an approved translation exists, and says plainly
when it falls back to English. Above reading grade 6 or with jargon, "Mark as sent" needs a
written reason; the grade (English only: other languages are not measured) and the jargon
found are kept on the check-in it logs. "Share a resource" adds its paragraph to the message.
The opt-out sentence shown is the one the check-in keeps: in their language when an approved
translation of it exists, otherwise in English, and then the screen says so.
"""

from __future__ import annotations

import streamlit as st

from core import plain_language
from core.checkins.views import CHANNELS, ContactCard, channel_in_sentence
from core.messages import queries, service, templates
from core.resources import service as resource_service
from core.store.models import User
from ui.components import share_resource
from ui.format import md
from ui.forms import Fields
from ui.session import read, write

FIELDS = Fields("checkin_draft_")



def _jargon(found: list[tuple[str, str]]) -> None:
    st.warning("Jargon spotted: say it plainly.")
    st.dataframe([{"Instead of": term, "Say": plain} for term, plain in found],
                 hide_index=True)


def _report(text: str, channel: str, language: str) -> bool:
    """The plain-language check beside the draft; True when it is plain."""
    report = plain_language.plain_language_report(text)
    r1, r2, r3 = st.columns(3)
    name = templates.language_name(language)
    if language != templates.ENGLISH:
        r1.metric("Reading grade", "not measured",
                  help=f"The reading grade is an English measure; it says nothing about {name}.")
    else:
        r1.metric("Reading grade", f"{report.grade:.1f}",
                  help=f"Aim for {report.target:g} or below.")
    r2.metric("Characters", report.chars)
    if channel == "sms":
        r3.metric("Text messages", report.sms_segments)
    if language != templates.ENGLISH:
        found = templates.find_jargon(text, language)
        if found is None:
            st.caption(f"Written in {name}: the reading grade is not measured, and there is no "
                       f"list of {name} words to avoid yet. Keep it short and friendly.")
        elif found:
            _jargon(found)
        return not found
    if report.grade <= report.target:
        st.success(f"Easy to read: grade {report.grade:.1f} (target {report.target:g} or below).")
    else:
        st.warning(f"Grade {report.grade:.1f} is above the target of {report.target:g}: "
                   "try shorter sentences and everyday words.")
    if report.jargon:
        _jargon(list(report.jargon))
    return report.ok


def _append(paragraph: str) -> None:
    text = FIELDS.get("text", "").rstrip()
    st.session_state[FIELDS("text")] = f"{text}\n\n{paragraph}" if text else paragraph


def show(*, me: User, debtor_id: int, account_id: int | None, card: ContactCard) -> bool:
    """The draft tab; True when a message was logged as sent."""
    m1, m2 = st.columns(2)
    template = m1.selectbox("Template", list(plain_language.TEMPLATES),
                            format_func=plain_language.TEMPLATES.get,
                            key=FIELDS("template"))
    channel = m2.selectbox("Send by", list(plain_language.MESSAGE_CHANNELS),
                           format_func=CHANNELS.get, key=FIELDS("channel"))
    source = (debtor_id, account_id, template, channel)
    if FIELDS.get("source") != source:
        draft = read(queries.draft, actor=me, debtor_id=debtor_id, account_id=account_id,
                     template=template, channel=channel)
        st.session_state[FIELDS("text")] = draft.text
        st.session_state[FIELDS("language")] = draft.language
        st.session_state[FIELDS("note")] = draft.note
        st.session_state[FIELDS("source")] = source
        share_resource.forget(FIELDS("share"))
    language = FIELDS.get("language", templates.ENGLISH)
    if note := FIELDS.get("note"):
        st.info(md(note), icon=":material/translate:")
    elif language != templates.ENGLISH:
        st.caption(f"Drafted in {templates.language_name(language)}, their language "
                   "(an approved translation).")
    shared = share_resource.picker(key=FIELDS("share"), on_add=_append)
    text = st.text_area("Message (edit it as you like)", key=FIELDS("text"), height=220)
    plain = _report(text, channel, language)
    ending = read(queries.opt_out, language=language, channel=channel)
    if ending.note:
        st.info(md(ending.note) + f": “{md(ending.sentence)}”",
                icon=":material/translate:")
    elif ending.sentence:
        where = ("" if ending.language == templates.ENGLISH else
                 f", in {templates.language_name(ending.language)},")
        st.caption(f"This sentence{where} is always added when it is sent: "
                   f"“{md(ending.sentence)}”")
    plain_reason = ""
    if not plain:
        plain_reason = st.text_input("It is not plain yet: why must it go as it is?",
                                     key=FIELDS("plain_reason"),
                                     help="Needed to mark it as sent; kept on the check-in.")
    rule = {v.channel: v for v in card.verdicts}[channel]
    override = ""
    if not rule.allowed:
        st.warning(f"Sending a {channel_in_sentence(rule.channel)} now is against the contact "
                   "rules: " + md(" ".join(rule.reasons)))
        override = st.text_input("Why send it anyway?", key=FIELDS("override"))
    if not st.button("Mark as sent", key=FIELDS("send")):
        return False

    def action(session):
        checkin = service.mark_sent(
            session, actor=me, debtor_id=debtor_id, account_id=account_id, channel=channel,
            text=text, language=language, rule_override_reason=override,
            plain_language_reason=plain_reason)
        resource_service.record_checkin(session, actor=me, debtor_id=debtor_id,
                                        checkin_id=checkin.id, shared_ids=shared, answers={})
        return checkin

    if write(action) is None:
        return False
    FIELDS.afresh()
    return True
