"""The "Before you contact" card: what we agreed first, then who they are and the rules now."""

from __future__ import annotations

import streamlit as st

from core.checkins import rules
from core.checkins.charts import wellbeing_chart
from core.checkins.views import CHANNELS, ContactCard, format_day
from core.messages import templates
from ui.format import md


def _agreed(card: ContactCard) -> None:
    st.markdown("**What we agreed to do differently**")
    if not card.adjustments:
        st.caption("Nothing agreed yet. Record adjustments on their profile.")
        return
    for a in card.adjustments:
        review = (f":orange[review was due {format_day(a.review_on)}]" if a.overdue_review
                  else f"review {format_day(a.review_on)}")
        st.markdown(f"- **{md(a.text)}** — {md(a.reason)} ({review})")


def _who(card: ContactCard) -> None:
    st.markdown(f"#### {md(card.name)}")
    st.markdown(f"Call them **{md(card.address_as)}** · {card.kind} · language "
                f"**{md(templates.language_name(card.language))}**")
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


def _rules(card: ContactCard) -> None:
    st.markdown("**Can we contact them now?**")
    shared = rules.shared_reasons(card.verdicts)
    if shared:
        st.markdown(":red[:material/block:] Not by any channel: " + md(" ".join(shared)))
    for labels, allowed, reasons in rules.grouped_verdicts(card.verdicts):
        if allowed:
            st.markdown(f":green[:material/check_circle:] {', '.join(labels)}: allowed now")
        else:
            st.markdown(f":red[:material/block:] {', '.join(labels)}"
                        + (": " + md(" ".join(reasons)) if reasons else ""))


def _history(card: ContactCard) -> None:
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


def _told_and_money(card: ContactCard) -> None:
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
        st.markdown(f"**Plan:** {md(card.plan)}")
        st.markdown("**Open promises to pay:** " + (md("; ".join(card.promises)) or "none."))
        st.markdown(f"**Next follow-up:** {md(card.next_followup)}")


def show(card: ContactCard) -> None:
    """Draw the card (what we agreed first)."""
    st.subheader("Before you contact")
    with st.container(border=True):
        _agreed(card)
        who, verdicts, history = st.columns([3, 3, 4])
        with who:
            _who(card)
        with verdicts:
            _rules(card)
        with history:
            _history(card)
        _told_and_money(card)
