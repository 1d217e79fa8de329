""""Share a resource" in a check-in or a message draft, and "Did it help?" at the next one.

`picker(key=…)` keeps the chosen resource ids in `st.session_state[f"{key}_ids"]` and
returns them; the page records them with the check-in or the message it saves.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.resources import queries
from core.resources.views import ShareView
from core.vocabulary import ResourceAnswer, ResourceTopic, labels
from ui.format import day, md, plain
from ui.session import read

TOPICS = labels(ResourceTopic)
ANSWERS = labels(ResourceAnswer)


def _add(key: str, resource_id: int, paragraph: str,
         on_add: Callable[[str], None] | None) -> None:
    chosen = st.session_state.setdefault(f"{key}_ids", [])
    if resource_id in chosen:
        return
    chosen.append(resource_id)
    if on_add is not None:
        on_add(paragraph)


def forget(key: str) -> None:
    """Nothing chosen to share any more (the text it was added to was drafted again)."""
    st.session_state[f"{key}_ids"] = []


def picker(*, key: str, label: str = "Share a resource",
           on_add: Callable[[str], None] | None = None) -> list[int]:
    """Choose resources on offer (by topic) to share; returns the ids chosen so far."""
    chosen: list[int] = st.session_state.setdefault(f"{key}_ids", [])
    with st.expander(label, expanded=bool(chosen)):
        t, r, b = st.columns([2, 4, 1.3], vertical_alignment="bottom")
        topic = t.selectbox("Topic", [None, *TOPICS], key=f"{key}_topic",
                            format_func=lambda v: "Any topic" if v is None else TOPICS[v])
        offered = read(queries.offered, topic=topic)
        by_id = {v.id: v for v in read(queries.offered)}
        if offered:
            names = {v.id: f"{v.title} · {v.organisation}" for v in offered}
            pick = r.selectbox("Resource", list(names), format_func=lambda i: plain(names[i]),
                               key=f"{key}_pick")
            b.button("Share", key=f"{key}_add", on_click=_add,
                     args=(key, pick, by_id[pick].paragraph if pick in by_id else "", on_add))
        else:
            r.caption("Nothing on this topic is on offer right now.")
        for resource_id in chosen:
            view = by_id.get(resource_id)
            if view is not None:
                st.markdown(f"**{md(view.title)}** ({md(view.organisation)}): "
                            f"{md(view.paragraph)}")
        if chosen:
            st.caption("Recorded as shared when you save; the next follow-up asks whether it "
                       "helped.")
    return list(chosen)


def ask(*, key: str, awaiting: list[ShareView]) -> dict[int, str]:
    """Inside a form: "Did it help?" for each resource shared earlier; {share id: answer}."""
    if not awaiting:
        return {}
    st.markdown("**Did it help?** (free help we shared before)")
    answers = {}
    for share in awaiting:
        again = " They said not yet last time." if share.answer == ResourceAnswer.NOT_YET else ""
        answers[share.id] = st.radio(
            f"{md(share.title)} ({md(share.organisation)}), shared {day(share.shared_at)}."
            + again, [None, *ANSWERS], horizontal=True, key=f"{key}_{share.id}",
            format_func=lambda a: "Not asked" if a is None else ANSWERS[a])
    return {share_id: said for share_id, said in answers.items() if said}
