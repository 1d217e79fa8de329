"""The guided check-in form: what happened, how they are, what they asked for, what next.

`show(…)` returns True when a check-in was saved; its fields' keys come from `FIELDS`, and
`FIELDS.afresh()` starts them afresh (after a save, or for another person).
Errors come back from the service by field and are shown right under each field; what was
typed stays.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from core.checkins import queries
from core.checkins.decide import CheckInInput, CheckInValidationError, pounds_to_cents, to_utc
from core.checkins.service import log_checkin
from core.checkins.views import (
    CHANNELS,
    DIRECTIONS,
    FOLLOWUP_REASONS,
    IDEA_PROMPTS,
    LIFE_CHANGES,
    OUTCOMES,
    SIGNPOSTING,
    TEXAS_STEPS,
    VULNERABILITY_DRIVERS,
    VULNERABILITY_HINTS,
    WELLBEING,
    ContactCard,
    FollowUpBrief,
    channel_in_sentence,
    format_day,
)
from core.resources import queries as resource_queries
from core.resources import service as resource_service
from core.store.models import User, utcnow
from core.vocabulary import CARE_REASONS
from ui.components import share_resource
from ui.format import md
from ui.forms import Fields
from ui.session import read, write

# Every field of the form (and its errors and suggestion) starts afresh together.
FIELDS = Fields("checkin_")



def _error(*fields: str) -> None:
    errors: dict[str, str] = FIELDS.get("errors", {})
    for name in fields:
        if name in errors:
            st.error(errors[name])


def guide() -> None:
    """TEXAS, IDEA and the four drivers, beside the form."""
    st.markdown("**If they share something difficult: TEXAS**")
    for letter, title, text in TEXAS_STEPS:
        st.markdown(f"**{letter}** · {title}: {text}")
    st.caption("At **A**, if they need us to do something differently (times, a channel, a "
               "helper, a format, more time), record it as an adjustment on their profile.")
    st.markdown("**Understanding a condition: IDEA**")
    for prompt in IDEA_PROMPTS.values():
        st.markdown(f"- {prompt}")
    st.markdown("**The four vulnerability drivers**")
    for key, label in VULNERABILITY_DRIVERS.items():
        st.markdown(f"- {label}: {VULNERABILITY_HINTS[key]}")


def _answering(debtor_id: int) -> FollowUpBrief | None:
    followup_id = st.session_state.get("checkin_followup_id")
    if followup_id is None:
        return None
    brief = read(queries.get_followup_brief, followup_id=followup_id)
    if brief is None or brief.debtor_id != debtor_id or brief.status != "open":
        return None
    consent = " They asked for this call." if brief.call_consented_at else ""
    st.info(f"Answering the follow-up due {format_day(brief.due_on)}: "
            f"{FOLLOWUP_REASONS.get(brief.reason, brief.reason)} by "
            f"{channel_in_sentence(brief.channel)}. " + md(brief.note) + consent)
    st.session_state.setdefault(FIELDS("channel"), brief.channel)
    return brief


def _live_choices(card: ContactCard) -> tuple[str, str, str, bool]:
    c1, c2, c3 = st.columns(3)
    channel = c1.selectbox("Channel", list(CHANNELS), format_func=CHANNELS.get,
                           key=FIELDS("channel"))
    direction = c2.radio("Who made contact?", list(DIRECTIONS), format_func=DIRECTIONS.get,
                         key=FIELDS("direction"))
    outcome = c3.selectbox("Outcome", list(OUTCOMES), format_func=OUTCOMES.get,
                           key=FIELDS("outcome"))
    _error("channel", "direction", "outcome", "account_id", "followup_id")
    consent = st.checkbox("Explicit consent given", key=FIELDS("consent"))
    st.caption("Tick only if they agreed that we record what they told us about their "
               "health or circumstances; the vulnerability fields open when it is ticked.")
    return channel, direction, outcome, consent


def _callback(card: ContactCard, office_zone: str) -> tuple[Any, Any]:
    """ "They asked us to call on … at …", their local time, shown in both zones."""
    st.markdown("**Did they ask us to call at a particular time?**")
    b1, b2 = st.columns(2)
    day = b1.date_input("They asked us to call on (their date)", value=None,
                        format="DD/MM/YYYY", key=FIELDS("callback_on"))
    at = b2.time_input("at (their time)", value=None, step=900, key=FIELDS("callback_time"))
    if day and at:
        when = to_utc(day, at, card.timezone)
        st.caption(queries.local_and_office(when, debtor_timezone=card.timezone,
                                            office_zone=office_zone)
                   + ". That call needs no override: they asked for it.")
    _error("callback_on")
    return day, at


def _follow_suggestion(suggestion) -> None:
    suggested = {"followup_on": suggestion.due_on, "followup_channel": suggestion.channel,
                 "followup_reason": suggestion.reason}
    before = FIELDS.get("suggested", {})
    for name, value in suggested.items():
        # Follow the suggestion until the agent picks something else.
        if FIELDS(name) not in st.session_state or FIELDS.get(name) == before.get(name):
            st.session_state[FIELDS(name)] = value
    st.session_state[FIELDS("suggested")] = suggested


def _what_happened(consent: bool) -> dict:
    d1, d2, d3 = st.columns(3)
    values = {"day": d1.date_input("Date of contact", key=FIELDS("date"), format="DD/MM/YYYY"),
              "time": d2.time_input("Time (office time)", key=FIELDS("time"), step=60),
              "right_party": d3.checkbox("Spoke to the right person",
                                         key=FIELDS("right_party"))}
    _error("at")
    values["wellbeing"] = st.radio(
        "How are they doing?", [None, *WELLBEING], horizontal=True,
        format_func=lambda w: "Not asked" if w is None else WELLBEING[w], key=FIELDS("wellbeing"))
    _error("wellbeing")
    values["life_changes"] = st.multiselect("What has changed in their life?", list(LIFE_CHANGES),
                                            format_func=LIFE_CHANGES.get,
                                            key=FIELDS("life_changes"))
    _error("life_changes")
    st.markdown("**Vulnerability** (only with explicit consent)")
    if not consent:
        st.caption("Tick 'Explicit consent given' above to record vulnerability.")
    values["drivers"] = st.multiselect("Vulnerability drivers", list(VULNERABILITY_DRIVERS),
                                       format_func=VULNERABILITY_DRIVERS.get,
                                       disabled=not consent, key=FIELDS("drivers"))
    _error("vulnerability_drivers")
    idea, (i1, i2) = {}, st.columns(2)
    for n, (key, prompt) in enumerate(IDEA_PROMPTS.items()):
        with i1 if n % 2 == 0 else i2:
            idea[key] = st.text_area(prompt, key=FIELDS(key), height=80,
                                     disabled=not consent)
            _error(key)
    values["idea"] = idea
    return values


def _what_was_said() -> dict:
    values = {"signposting": st.multiselect("Signposting given", list(SIGNPOSTING),
                                            format_func=SIGNPOSTING.get,
                                            key=FIELDS("signposting"))}
    _error("signposting")
    values["needs"] = st.text_area("What do they need?", key=FIELDS("needs"), height=80)
    _error("needs")
    values["next_step"] = st.text_input("What did we agree? (the next step)",
                                        key=FIELDS("next_step"))
    _error("next_step")
    values["notes"] = st.text_area("Notes", key=FIELDS("notes"), height=100,
                                   placeholder="Up to 5,000 characters")
    _error("notes")
    st.markdown("**Promise to pay** (optional)")
    p1, p2 = st.columns(2)
    values["promise_amount"] = p1.number_input("Amount promised (£)", value=None, step=1.0,
                                               format="%.2f", key=FIELDS("promise_amount"))
    with p1:
        _error("promise_amount_cents")
    values["promise_date"] = p2.date_input("Promised by", value=None, format="DD/MM/YYYY",
                                           key=FIELDS("promise_date"))
    with p2:
        _error("promise_due_on")
    return values


def _what_they_asked(card: ContactCard) -> dict:
    st.markdown("**What they asked for**")
    s1, s2 = st.columns(2)
    stop = s1.multiselect("Stop contacting them by",
                          [c for c in CHANNELS if c not in card.opted_out],
                          format_func=CHANNELS.get, key=FIELDS("stop_channels"),
                          placeholder="e.g. \"please don't text me\": Text message")
    with s1:
        _error("stop_channels")
    preferred = s2.selectbox("Preferred channel from now on", [None, *CHANNELS],
                             format_func=lambda c: "No change" if c is None else CHANNELS[c],
                             key=FIELDS("preferred"))
    with s2:
        _error("preferred_channel")
    return {"stop": stop, "preferred": preferred}


def _next(suggestion, *, care: int | None) -> dict:
    st.markdown("**Next follow-up**")
    # After-care is care, not collection work: answering it plans nothing more unless asked.
    wanted = st.checkbox("Plan a next follow-up", value=care is None,
                         key=FIELDS(f"followup_wanted_{care or 0}"),
                         help="Untick when nothing more is needed (an after-care check-in on a "
                              "paid account plans none unless you tick it).")
    f1, f2, f3 = st.columns(3)
    values = {"followup_wanted": wanted,
              "followup_on": f1.date_input("Next follow-up date", key=FIELDS("followup_on"),
                                            format="DD/MM/YYYY")}
    with f1:
        _error("followup_on")
    values["followup_channel"] = f2.selectbox("Follow-up channel", list(CHANNELS),
                                              format_func=CHANNELS.get,
                                              key=FIELDS("followup_channel"))
    with f2:
        _error("followup_channel")
    values["followup_reason"] = f3.selectbox("Follow-up reason", list(FOLLOWUP_REASONS),
                                             format_func=FOLLOWUP_REASONS.get,
                                             key=FIELDS("followup_reason"))
    with f3:
        _error("followup_reason")
    st.caption(f"Suggested: {format_day(suggestion.due_on)}, {suggestion.why}. Keep it, and a "
               "promise or a hardship you record here moves it to match; change it to choose "
               "your own. A channel they ask us to stop using is never used for it. A call-back "
               "they asked for (above) replaces it.")
    values["override"] = st.text_area(
        "If the contact rules said no: why was this contact needed?",
        key=FIELDS("override_reason"), height=68)
    _error("rule_override_reason")
    return values


def _unless_suggested(value, key: str):
    return None if value == FIELDS.get("suggested", {}).get(key) else value


def _input(*, debtor_id: int, account_id: int | None, office_zone: str, live: tuple,
           callback: tuple, v: dict, answering: FollowUpBrief | None) -> CheckInInput:
    channel, direction, outcome, consent = live
    try:
        promise_cents = pounds_to_cents(v["promise_amount"])
    except ValueError as exc:
        promise_cents = None
        st.error(str(exc))
    return CheckInInput(
        debtor_id=debtor_id, account_id=account_id, channel=channel, direction=direction,
        outcome=outcome, right_party=v["right_party"],
        at=to_utc(v["day"], v["time"], office_zone) if v["day"] and v["time"] else None,
        wellbeing=v["wellbeing"], life_changes=v["life_changes"], consent_given=consent,
        vulnerability_drivers=v["drivers"] if consent else [],
        **(v["idea"] if consent else {}),
        signposting=v["signposting"], needs=v["needs"], next_step=v["next_step"],
        notes=v["notes"], promise_amount_cents=promise_cents, promise_due_on=v["promise_date"],
        followup_on=_unless_suggested(v["followup_on"], "followup_on"),
        followup_channel=_unless_suggested(v["followup_channel"], "followup_channel"),
        followup_reason=_unless_suggested(v["followup_reason"], "followup_reason"),
        stop_channels=v["stop"], preferred_channel=v["preferred"],
        rule_override_reason=v["override"], followup_id=answering.id if answering else None,
        create_followup=v["followup_wanted"],
        callback_on=callback[0], callback_time=callback[1],
    )


def _save(data: CheckInInput, me: User, shared: list[int], answers: dict[int, str]) -> bool:
    found: dict[str, str] = {}

    def action(session):
        try:
            checkin = log_checkin(session, actor=me, data=data)
        except CheckInValidationError as exc:
            found.update(exc.errors)
            raise
        # The free help shared in it and "did it help?" answers: saved with it, or not at all.
        resource_service.record_checkin(session, actor=me, debtor_id=data.debtor_id,
                                        checkin_id=checkin.id, shared_ids=shared,
                                        answers=answers)
        return checkin

    saved = write(action)
    if saved is not None:
        FIELDS.afresh()
        st.session_state["checkin_followup_id"] = None
        return True
    if found:
        st.session_state[FIELDS("errors")] = found
        st.rerun()
    return False


def show(*, me: User, debtor_id: int, account_id: int | None, card: ContactCard,
         minute: datetime) -> bool:
    """The form; True when a check-in was saved."""
    answering = _answering(debtor_id)
    office_zone = read(queries.office_zone_name)
    office_now = utcnow().astimezone(ZoneInfo(office_zone))
    st.session_state.setdefault(FIELDS("channel"), card.preferred_channel)
    st.session_state.setdefault(FIELDS("date"), office_now.date())
    st.session_state.setdefault(FIELDS("time"), office_now.time().replace(second=0,
                                                                           microsecond=0))
    live = _live_choices(card)
    channel, direction, outcome, _ = live
    rule = {v.channel: v for v in card.verdicts}[channel]
    consented = answering is not None and answering.call_consented_at is not None
    if direction == "outbound" and not rule.allowed and not consented:
        st.warning(f"Contacting them by {channel_in_sentence(rule.channel)} now is against the "
                   "contact rules: " + md(" ".join(rule.reasons))
                   + " If it happened anyway, say why below; it will be flagged for a lead.")
    callback = _callback(card, office_zone)
    suggestion = read(queries.suggest_for, debtor_id=debtor_id, account_id=account_id,
                      outcome=outcome, channel=channel, direction=direction, at=minute)
    _follow_suggestion(suggestion)
    shared = share_resource.picker(key=FIELDS("share"),
                                   label="Share a resource (free help to tell them about)")
    awaiting = read(resource_queries.awaiting_answer, debtor_id=debtor_id)
    with st.form("checkin_form", clear_on_submit=False):
        st.markdown("**Log a check-in**")
        errors = FIELDS.get("errors", {})
        if errors:
            st.error(f"Nothing was saved: please fix the {len(errors)} "
                     f"{'thing' if len(errors) == 1 else 'things'} marked below.")
        values = {**_what_happened(live[3]), **_what_was_said()}
        answers = share_resource.ask(key=FIELDS("helped"), awaiting=awaiting)
        care = answering.id if answering and answering.reason in CARE_REASONS else None
        values.update({**_what_they_asked(card), **_next(suggestion, care=care)})
        submitted = st.form_submit_button("Save check-in", type="primary")
    if not submitted:
        return False
    return _save(_input(debtor_id=debtor_id, account_id=account_id, office_zone=office_zone,
                        live=live, callback=callback, v=values, answering=answering), me,
                 shared, answers)
