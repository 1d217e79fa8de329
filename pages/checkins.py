"""Check-ins: the "Before you contact" card, the guided check-in form, drafts and corrections."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from core import plain_language
from core.checkins import service as checkins
from core.checkins.charts import wellbeing_chart
from core.checkins.service import (
    AMENDABLE_FIELDS,
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
    CheckInInput,
    CheckInValidationError,
)
from core.debtors import service as debtors
from core.store import settings
from core.store.models import utcnow
from core.team.service import get_user
from ui import auth, nav
from ui.components import debtor_picker
from ui.format import md
from ui.session import reading, write

me = auth.require_user()
st.title("Check-ins")

# What survives a saved check-in; every other checkin_* key belongs to the form. The chosen
# debtor and account live in plain keys (set by nav.open_checkin too), mirrored into the
# select boxes, so they stay chosen when the agent visits another page and comes back.
KEEP = {"checkin_debtor_id", "checkin_account_id", "checkin_search", "checkin_pick",
        "checkin_account_pick", "checkin_account_for", "checkin_followup_id",
        "checkin_form_for"}


@st.cache_data(ttl=60, show_spinner=False)
def _accounts(debtor_id: int, actor_id: int) -> dict[int, str]:
    with reading() as s:
        profile = debtors.get_profile(s, actor=get_user(s, actor_id), debtor_id=debtor_id)
    return {a.id: f"{a.reference} · {a.creditor}" for a in profile.accounts}


@st.cache_data(ttl=60, show_spinner=False)
def _card(debtor_id: int, account_id: int | None, actor_id: int,
          minute: datetime) -> checkins.ContactCard:
    with reading() as s:
        return checkins.before_contact_card(s, actor=get_user(s, actor_id), debtor_id=debtor_id,
                                            account_id=account_id, now=minute)


@st.cache_data(ttl=60, show_spinner=False)
def _suggestion(debtor_id: int, account_id: int | None, outcome: str, channel: str,
                direction: str, minute: datetime) -> checkins.FollowUpSuggestion:
    with reading() as s:
        return checkins.suggest_for(s, debtor_id=debtor_id, account_id=account_id,
                                    outcome=outcome, channel=channel, direction=direction,
                                    at=minute)


@st.cache_data(ttl=60, show_spinner=False)
def _recent(debtor_id: int) -> list[checkins.CheckInLine]:
    with reading() as s:
        return checkins.recent_checkins(s, debtor_id=debtor_id, limit=20)


@st.cache_data(ttl=60, show_spinner=False)
def _draft(debtor_id: int, account_id: int | None, actor_id: int, template: str,
           channel: str) -> str:
    with reading() as s:
        return checkins.draft_for(s, actor=get_user(s, actor_id), debtor_id=debtor_id,
                                  account_id=account_id, template=template, channel=channel)


def _followup_brief(followup_id: int) -> checkins.FollowUpBrief | None:
    with reading() as s:
        return checkins.get_followup_brief(s, followup_id=followup_id)


def _office_now() -> tuple[datetime, ZoneInfo]:
    with reading() as s:
        zone = settings.office_zone(s)
    return utcnow().astimezone(zone), zone


def _picked(widget: str, target: str) -> None:
    st.session_state[target] = st.session_state[widget]


def _clear_form() -> None:
    for key in [k for k in st.session_state if str(k).startswith("checkin_") and k not in KEEP]:
        del st.session_state[key]


if flash := st.session_state.pop("checkin_flash", None):
    st.success(flash)

# ---------------------------------------------------------------- who and which account

pick_left, pick_right, pick_account, pick_open = st.columns([2, 3, 3, 1.4])
query = pick_left.text_input("Find a debtor", key="checkin_search",
                             placeholder="Name or account reference")
# With nothing typed an agent sees their own caseload; a search looks at the whole team.
mine_only = me.role == "agent" and not query.strip()
rows = debtor_picker.search(query.strip(), owner_id=me.id if mine_only else None, actor=me)
names = {r.id: f"{r.name} ({r.references})" if r.references else r.name for r in rows}
current = st.session_state.get("checkin_debtor_id")
if current is not None and current not in names:
    label = debtor_picker.label(current)
    if label is None:
        current = None
    else:
        names = {current: label, **names}
st.session_state["checkin_debtor_id"] = st.session_state["checkin_pick"] = current
debtor_id = pick_right.selectbox("Debtor", list(names), format_func=names.get, index=None,
                                 placeholder="Choose a debtor", key="checkin_pick",
                                 on_change=_picked, args=("checkin_pick", "checkin_debtor_id"))
if debtor_id is None:
    st.info("Choose a debtor to see who they are and log a check-in.")
    st.stop()
if st.session_state.get("checkin_form_for") != debtor_id:
    _clear_form()  # never carry what was typed about one person over to another
    st.session_state["checkin_form_for"] = debtor_id

accounts: dict[int | None, str] = {**_accounts(debtor_id, me.id), None: "No particular account"}
chosen = st.session_state.get("checkin_account_id")
if chosen not in accounts or (chosen is None
                              and st.session_state.get("checkin_account_for") != debtor_id):
    chosen = next(iter(accounts))  # a new debtor starts on their first account
st.session_state["checkin_account_id"] = st.session_state["checkin_account_pick"] = chosen
st.session_state["checkin_account_for"] = debtor_id
account_id = pick_account.selectbox("Account", list(accounts), format_func=accounts.get,
                                    key="checkin_account_pick", on_change=_picked,
                                    args=("checkin_account_pick", "checkin_account_id"))
with pick_open:
    st.write("")
    if st.button("Open profile", key="checkin_open_profile"):
        nav.open_debtor(debtor_id)

minute = utcnow().replace(second=0, microsecond=0)
card = _card(debtor_id, account_id, me.id, minute)
verdicts = {v.channel: v for v in card.verdicts}

# ---------------------------------------------------------------- before you contact

st.subheader("Before you contact")
with st.container(border=True):
    who, rules, history = st.columns([3, 3, 4])
    with who:
        st.markdown(f"#### {md(card.name)}")
        st.markdown(f"Call them **{md(card.address_as)}** · {card.kind} · language "
                    f"**{md(card.language)}**")
        st.markdown(f"Prefers **{CHANNELS.get(card.preferred_channel, card.preferred_channel)}**"
                    f" · contact window {card.contact_window}")
        window = "inside" if card.in_window else "outside"
        st.markdown(f"Their time now: **{card.local_time:%H:%M}** on {card.local_time:%A} "
                    f"({md(card.timezone)}), {window} their window")
        if card.opted_out:
            st.markdown("Don't use: **" + ", ".join(CHANNELS.get(c, c) for c in card.opted_out)
                        + "**")
        if card.communication_notes:
            st.markdown(f"How to talk with them: {md(card.communication_notes)}")
        if card.cultural_notes:
            st.markdown(f"Good to know: {md(card.cultural_notes)}")
    with rules:
        st.markdown("**Can we contact them now?**")
        shared = checkins.shared_reasons(card.verdicts)
        if shared:
            st.markdown(":red[:material/block:] Not by any channel: " + md(" ".join(shared)))
        for labels, allowed, reasons in checkins.grouped_verdicts(card.verdicts):
            if allowed:
                st.markdown(f":green[:material/check_circle:] {', '.join(labels)}: allowed now")
            elif reasons:
                st.markdown(f":red[:material/block:] {', '.join(labels)}: "
                            + md(" ".join(reasons)))
            else:
                st.markdown(f":red[:material/block:] {', '.join(labels)}")
    with history:
        if card.wellbeing:
            st.altair_chart(wellbeing_chart(card.wellbeing), width="stretch")
        else:
            st.caption("No wellbeing recorded yet.")
        st.markdown("**Last three check-ins**")
        if card.last_checkins:
            for line in card.last_checkins:
                st.markdown(f"- {md(line)}")
        else:
            st.caption("No check-ins yet.")

    told, care, money = st.columns([3, 3, 4])
    with told:
        st.markdown("**What they told us**")
        st.markdown(f"Circumstances: {md(card.circumstances) or '—'}")
        st.markdown(f"What they need: {md(card.needs) or '—'}")
        for change in card.recent_life_changes:
            st.markdown(f"- {md(change)}")
    with care:
        st.markdown("**Vulnerability** (recorded with consent)")
        st.markdown(", ".join(card.vulnerabilities) if card.vulnerabilities else "None recorded.")
        st.markdown("**Holds**")
        st.markdown(md("; ".join(card.holds)) if card.holds else "None.")
    with money:
        st.markdown(f"**Account:** {md(card.account)}")
        st.markdown(f"**Plan:** {card.plan}")
        st.markdown("**Open promises to pay:** " + ("; ".join(card.promises) or "none."))
        st.markdown(f"**Next follow-up:** {card.next_followup}")

log_tab, draft_tab, amend_tab = st.tabs(["Log a check-in", "Draft a message",
                                         "Correct a check-in"])

# ---------------------------------------------------------------- log a check-in

with log_tab:
    guide, form_side = st.columns([1, 2])
    with guide:
        st.markdown("**If they share something difficult: TEXAS**")
        for letter, title, text in TEXAS_STEPS:
            st.markdown(f"**{letter}** · {title}: {text}")
        st.markdown("**Understanding a condition: IDEA**")
        for prompt in IDEA_PROMPTS.values():
            st.markdown(f"- {prompt}")
        st.markdown("**The four vulnerability drivers**")
        for key, label in VULNERABILITY_DRIVERS.items():
            st.markdown(f"- {label}: {VULNERABILITY_HINTS[key]}")

    with form_side:
        answering = None
        followup_id = st.session_state.get("checkin_followup_id")
        if followup_id is not None:
            answering = _followup_brief(followup_id)
            if answering is None or answering.debtor_id != debtor_id or \
                    answering.status != "open":
                answering = None
            else:
                st.info(f"Answering the follow-up due {checkins.format_day(answering.due_on)}: "
                        f"{FOLLOWUP_REASONS.get(answering.reason, answering.reason)} by "
                        f"{CHANNELS.get(answering.channel, answering.channel).lower()}. "
                        + md(answering.note))
                st.session_state.setdefault("checkin_channel", answering.channel)

        office_now, zone = _office_now()
        st.session_state.setdefault("checkin_channel", card.preferred_channel)
        st.session_state.setdefault("checkin_date", office_now.date())
        st.session_state.setdefault("checkin_time", office_now.time().replace(second=0,
                                                                               microsecond=0))
        errors: dict[str, str] = st.session_state.get("checkin_errors", {})

        def show_error(*fields: str) -> None:
            """The message for a field, right under it."""
            for name in fields:
                if name in errors:
                    st.error(errors[name])

        # Live choices: they change what the form asks and the suggested follow-up.
        c1, c2, c3 = st.columns(3)
        channel = c1.selectbox("Channel", list(CHANNELS), format_func=CHANNELS.get,
                               key="checkin_channel")
        direction = c2.radio("Who made contact?", list(DIRECTIONS), format_func=DIRECTIONS.get,
                             key="checkin_direction")
        outcome = c3.selectbox("Outcome", list(OUTCOMES), format_func=OUTCOMES.get,
                               key="checkin_outcome")
        show_error("channel", "direction", "outcome", "account_id", "followup_id")
        consent = st.checkbox("Explicit consent given", key="checkin_consent")
        st.caption("Tick only if they agreed that we record what they told us about their "
                   "health or circumstances; the vulnerability fields open when it is ticked.")
        rule = verdicts[channel]
        if direction == "outbound" and not rule.allowed:
            st.warning(f"Contacting them by {rule.label.lower()} now is against the contact rules: "
                       + md(" ".join(rule.reasons))
                       + " If it happened anyway, say why below; it will be flagged for a lead.")

        suggestion = _suggestion(debtor_id, account_id, outcome, channel, direction, minute)
        suggested = {"checkin_followup_on": suggestion.due_on,
                     "checkin_followup_channel": suggestion.channel,
                     "checkin_followup_reason": suggestion.reason}
        before = st.session_state.get("checkin_suggested", {})
        for key, value in suggested.items():
            # Follow the suggestion until the agent picks something else.
            if key not in st.session_state or st.session_state[key] == before.get(key):
                st.session_state[key] = value
        st.session_state["checkin_suggested"] = suggested

        with st.form("checkin_form", clear_on_submit=False):
            st.markdown("**Log a check-in**")
            if errors:
                st.error(f"Nothing was saved: please fix the {len(errors)} "
                         f"{'thing' if len(errors) == 1 else 'things'} marked below.")
            d1, d2, d3 = st.columns(3)
            day = d1.date_input("Date of contact", key="checkin_date", format="DD/MM/YYYY")
            at_time = d2.time_input("Time (office time)", key="checkin_time", step=60)
            right_party = d3.checkbox("Spoke to the right person", key="checkin_right_party")
            show_error("at")
            wellbeing = st.radio("How are they doing?", [None, *WELLBEING], horizontal=True,
                                 format_func=lambda w: "Not asked" if w is None else WELLBEING[w],
                                 key="checkin_wellbeing")
            show_error("wellbeing")
            life_changes = st.multiselect("What has changed in their life?", list(LIFE_CHANGES),
                                          format_func=LIFE_CHANGES.get,
                                          key="checkin_life_changes")
            show_error("life_changes")

            st.markdown("**Vulnerability** (only with explicit consent)")
            if not consent:
                st.caption("Tick 'Explicit consent given' above to record vulnerability.")
            drivers = st.multiselect("Vulnerability drivers", list(VULNERABILITY_DRIVERS),
                                     format_func=VULNERABILITY_DRIVERS.get, disabled=not consent,
                                     key="checkin_drivers")
            show_error("vulnerability_drivers")
            idea = {}
            i1, i2 = st.columns(2)
            for n, (key, prompt) in enumerate(IDEA_PROMPTS.items()):
                with i1 if n % 2 == 0 else i2:
                    idea[key] = st.text_area(prompt, key=f"checkin_{key}", height=80,
                                             disabled=not consent)
                    show_error(key)

            signposting = st.multiselect("Signposting given", list(SIGNPOSTING),
                                         format_func=SIGNPOSTING.get, key="checkin_signposting")
            show_error("signposting")
            needs = st.text_area("What do they need?", key="checkin_needs", height=80)
            show_error("needs")
            next_step = st.text_input("What did we agree? (the next step)",
                                      key="checkin_next_step")
            show_error("next_step")
            notes = st.text_area("Notes", key="checkin_notes", height=100,
                                 placeholder="Up to 5,000 characters")
            show_error("notes")

            st.markdown("**Promise to pay** (optional)")
            p1, p2 = st.columns(2)
            promise_amount = p1.number_input("Amount promised (£)", value=None, step=1.0,
                                             format="%.2f", key="checkin_promise_amount")
            show_error("promise_amount_cents")
            promise_date = p2.date_input("Promised by", value=None, format="DD/MM/YYYY",
                                         key="checkin_promise_date")
            with p2:
                show_error("promise_due_on")

            st.markdown("**What they asked for**")
            s1, s2 = st.columns(2)
            stop = s1.multiselect("Stop contacting them by",
                                  [c for c in CHANNELS if c not in card.opted_out],
                                  format_func=CHANNELS.get, key="checkin_stop_channels",
                                  placeholder="e.g. \"please don't text me\": Text message")
            with s1:
                show_error("stop_channels")
            preferred = s2.selectbox("Preferred channel from now on", [None, *CHANNELS],
                                     format_func=lambda c: "No change" if c is None
                                     else CHANNELS[c], key="checkin_preferred")
            with s2:
                show_error("preferred_channel")

            st.markdown("**Next follow-up**")
            f1, f2, f3 = st.columns(3)
            followup_on = f1.date_input("Next follow-up date", key="checkin_followup_on",
                                        format="DD/MM/YYYY")
            with f1:
                show_error("followup_on")
            followup_channel = f2.selectbox("Follow-up channel", list(CHANNELS),
                                            format_func=CHANNELS.get,
                                            key="checkin_followup_channel")
            with f2:
                show_error("followup_channel")
            followup_reason = f3.selectbox("Follow-up reason", list(FOLLOWUP_REASONS),
                                           format_func=FOLLOWUP_REASONS.get,
                                           key="checkin_followup_reason")
            with f3:
                show_error("followup_reason")
            st.caption(f"Suggested: {checkins.format_day(suggestion.due_on)}, "
                       f"{suggestion.why}. Keep it, and a promise or a hardship you record "
                       "here moves it to match; change it to choose your own.")
            override = st.text_area("If the contact rules said no: why was this contact needed?",
                                    key="checkin_override_reason", height=68)
            show_error("rule_override_reason")
            submitted = st.form_submit_button("Save check-in", type="primary")

        if submitted:
            keep = st.session_state.get("checkin_suggested", {})
            try:
                promise_cents = checkins.pounds_to_cents(promise_amount)
            except ValueError as exc:
                promise_cents = None
                st.error(str(exc))
            data = CheckInInput(
                debtor_id=debtor_id, account_id=account_id, channel=channel,
                direction=direction, outcome=outcome, right_party=right_party,
                at=checkins.to_utc(day, at_time, zone) if day and at_time else None,
                wellbeing=wellbeing, life_changes=life_changes, consent_given=consent,
                vulnerability_drivers=drivers if consent else [],
                **(idea if consent else {}),
                signposting=signposting, needs=needs, next_step=next_step, notes=notes,
                promise_amount_cents=promise_cents, promise_due_on=promise_date,
                followup_on=None if followup_on == keep.get("checkin_followup_on")
                else followup_on,
                followup_channel=None if followup_channel == keep.get("checkin_followup_channel")
                else followup_channel,
                followup_reason=None if followup_reason == keep.get("checkin_followup_reason")
                else followup_reason,
                stop_channels=stop, preferred_channel=preferred,
                rule_override_reason=override,
                followup_id=answering.id if answering else None,
            )
            found: dict[str, str] = {}

            def _save(session):
                try:
                    return checkins.log_checkin(session, actor=me, data=data)
                except CheckInValidationError as exc:
                    found.update(exc.errors)
                    raise

            saved = write(_save)
            if saved is not None:
                _clear_form()
                st.session_state["checkin_followup_id"] = None
                st.session_state["checkin_flash"] = "Check-in saved."
                st.rerun()
            elif found:
                st.session_state["checkin_errors"] = found
                st.rerun()

# ---------------------------------------------------------------- draft a message

with draft_tab:
    m1, m2 = st.columns(2)
    template = m1.selectbox("Template", list(plain_language.TEMPLATES),
                            format_func=plain_language.TEMPLATES.get,
                            key="checkin_draft_template")
    message_channel = m2.selectbox("Send by", list(plain_language.MESSAGE_CHANNELS),
                                   format_func=CHANNELS.get, key="checkin_draft_channel")
    source = (debtor_id, account_id, template, message_channel)
    if st.session_state.get("checkin_draft_source") != source:
        st.session_state["checkin_draft_text"] = _draft(debtor_id, account_id, me.id, template,
                                                        message_channel)
        st.session_state["checkin_draft_source"] = source
    text = st.text_area("Message (edit it as you like)", key="checkin_draft_text", height=220)
    report = plain_language.plain_language_report(text)
    r1, r2, r3 = st.columns(3)
    r1.metric("Reading grade", f"{report.grade:.1f}", help=f"Aim for {report.target:g} or below.")
    r2.metric("Characters", report.chars)
    if message_channel == "sms":
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
    if sentence := plain_language.OPT_OUT_SENTENCE.get(message_channel):
        st.caption(f"This sentence is always added when it is sent: “{sentence}”")
    message_rule = verdicts[message_channel]
    draft_override = ""
    if not message_rule.allowed:
        st.warning(f"Sending a {message_rule.label.lower()} now is against the contact rules: "
                   + md(" ".join(message_rule.reasons)))
        draft_override = st.text_input("Why send it anyway?", key="checkin_draft_override")
    if st.button("Mark as sent", key="checkin_draft_send"):
        sent = write(lambda s: checkins.mark_draft_sent(
            s, actor=me, debtor_id=debtor_id, account_id=account_id, channel=message_channel,
            text=text, rule_override_reason=draft_override))
        if sent is not None:
            st.session_state.pop("checkin_draft_source", None)
            st.session_state["checkin_flash"] = "The message was logged as sent."
            st.rerun()

# ---------------------------------------------------------------- corrections

with amend_tab:
    recent = _recent(debtor_id)
    if not recent:
        st.caption("No check-ins to correct yet.")
    else:
        st.caption("A check-in is never changed or deleted: a correction is kept next to it, "
                   "with who made it, when and why.")
        lines = {line.id: line.text for line in recent}
        with st.form("checkin_amend_form"):
            amend_id = st.selectbox("Check-in", list(lines), format_func=lines.get,
                                    key="checkin_amend_id")
            amend_field = st.selectbox("What to correct", list(AMENDABLE_FIELDS),
                                       format_func=AMENDABLE_FIELDS.get,
                                       key="checkin_amend_field")
            amend_value = st.text_area("What it should say", key="checkin_amend_value",
                                       height=80)
            amend_reason = st.text_input("Why the correction", key="checkin_amend_reason")
            if st.form_submit_button("Save correction"):
                amended = write(lambda s: checkins.amend_checkin(
                    s, actor=me, checkin_id=amend_id, field=amend_field, new_value=amend_value,
                    reason=amend_reason))
                if amended is not None:
                    for key in ("checkin_amend_value", "checkin_amend_reason"):
                        st.session_state.pop(key, None)
                    st.session_state["checkin_flash"] = "The correction was saved."
                    st.rerun()
