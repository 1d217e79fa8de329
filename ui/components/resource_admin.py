"""The admin's shelf of free help and message translations: lists, flags and edit forms.

Every widget that edits a record is keyed by that record, so switching the record never
leaves another record's values on screen.
"""

from __future__ import annotations

import streamlit as st

from core import plain_language
from core.messages import queries as message_queries
from core.messages import service as message_service
from core.messages import templates
from core.resources import queries, service
from core.resources.models import ResourceInput
from core.resources.views import ResourceView
from core.store.models import User
from core.vocabulary import ResourceTopic, TranslationStatus, label_of, labels
from ui.format import day, md, plain
from ui.session import read, write

NEW = 0  # the "add a resource" choice


def _grade(view: ResourceView) -> str:
    return "not measured" if view.reading_grade is None else f"{view.reading_grade:.1f}"


def _rows(views: list[ResourceView]) -> list[dict]:
    """The shelf's table: what an admin scans for; the web address, language and reading grade
    are on demand (a click on the row opens the resource below)."""
    return [{"Resource": plain(v.title), "Organisation": plain(v.organisation),
             "Topic": label_of(ResourceTopic, v.topic, v.topic), "Phone": plain(v.phone),
             "Reviewed": day(v.reviewed_on),
             "Offered": "no: review due" if v.out_of_date else ("yes" if v.active else
                                                                "no: retired")}
            for v in views]


# Widths in pixels that fit the main column at 1366 px wide (about 900 px) with no sideways
# scroll; on a wider screen the table stretches.
SHELF_COLUMNS = {
    "Resource": st.column_config.TextColumn("Resource", width=235),
    "Organisation": st.column_config.TextColumn("Organisation", width=175),
    "Topic": st.column_config.TextColumn("Topic", width=115),
    "Phone": st.column_config.TextColumn("Phone", width=105),
    "Reviewed": st.column_config.TextColumn("Reviewed", width=110),
    "Offered": st.column_config.TextColumn("Offered", width=105),
}
TRANSLATION_COLUMNS = {
    "Language": st.column_config.TextColumn("Language", width=80),
    "Template": st.column_config.TextColumn("Template", width=215),
    "Status": st.column_config.TextColumn("Status", width=185),
    "Text": st.column_config.TextColumn("Text", width=355,
                                        help="Pick it below to read and change the whole text."),
}


def _flags(me: User, views: list[ResourceView]) -> None:
    due = [v for v in views if v.active and v.out_of_date]
    if not due:
        st.success("Every resource on the shelf was reviewed within the last year.")
        return
    st.warning(f"{len(due)} resource{'s are' if len(due) != 1 else ' is'} past the review "
               "date and not offered to agents until checked: is the number, the web address "
               "and the paragraph still right?")
    for v in due:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"**{md(v.title)}** ({md(v.organisation)}): due for review since "
                      f"{day(v.review_due_on)}")
        if right.button("Checked today", key=f"resources_reviewed_{v.id}") and write(
                lambda s, rid=v.id: service.mark_reviewed(s, actor=me, resource_id=rid),
                success="Marked as reviewed."):
            st.rerun()


def _form(me: User, chosen: ResourceView | None, today) -> None:
    k = chosen.id if chosen else NEW
    topics = labels(ResourceTopic)
    languages = templates.LANGUAGES
    with st.form(f"resources_form_{k}"):
        c1, c2 = st.columns(2)
        title = c1.text_input("Title", value=chosen.title if chosen else "",
                              key=f"resources_title_{k}")
        organisation = c2.text_input("Organisation", value=chosen.organisation if chosen
                                     else "", key=f"resources_org_{k}")
        c1, c2 = st.columns(2)
        link = c1.text_input("Web address (https://…)", value=chosen.link if chosen else "",
                             key=f"resources_link_{k}")
        phone = c2.text_input("Phone number", value=chosen.phone if chosen else "",
                              key=f"resources_phone_{k}")
        c1, c2, c3 = st.columns(3)
        topic = c1.selectbox("Topic", list(topics), format_func=topics.get,
                             index=list(topics).index(chosen.topic) if chosen else 0,
                             key=f"resources_topic_{k}")
        language = c2.selectbox("Language", list(languages), format_func=languages.get,
                                index=list(languages).index(chosen.language)
                                if chosen and chosen.language in languages else 0,
                                key=f"resources_language_{k}")
        reviewed = c3.date_input("Reviewed on", value=chosen.reviewed_on if chosen else today,
                                 format="DD/MM/YYYY", key=f"resources_reviewed_on_{k}")
        summary = st.text_area("What they do, in plain words (shared with the debtor)",
                               value=chosen.summary if chosen else "", height=90,
                               key=f"resources_summary_{k}")
        active = st.checkbox("On the shelf (offered to agents)",
                             value=chosen.active if chosen else True,
                             key=f"resources_active_{k}")
        submitted = st.form_submit_button("Save resource", type="primary")
    if chosen:
        st.caption(f"{md(templates.language_name(chosen.language))} · reading grade "
                   f"{_grade(chosen)} · shared as: " + md(chosen.paragraph))
    if not submitted:
        return
    data = ResourceInput(title=title, organisation=organisation, link=link, phone=phone,
                         topic=topic, language=language, summary=summary, reviewed_on=reviewed,
                         active=active, id=chosen.id if chosen else None,
                         version=chosen.version if chosen else None)
    saved = write(lambda s: service.save_resource(s, actor=me, data=data))
    if saved is None:
        return
    grade = saved.reading_grade
    st.session_state["resources_flash"] = (
        "Saved." if grade is None or grade <= plain_language.TARGET_GRADE else
        f"Saved, but its reading grade is {grade:.1f} (aim for "
        f"{plain_language.TARGET_GRADE:g} or below): try shorter sentences.")
    st.rerun()


def shelf(me: User, today) -> None:
    """The resources: what is due for review, the list, and the add / change form."""
    views = read(queries.all_resources, today=today)
    _flags(me, views)
    st.caption("Click a row to see its web address, language and reading grade, and to "
               "change it.")
    event = st.dataframe(_rows(views), hide_index=True, width="stretch",
                         column_config=SHELF_COLUMNS, key="resources_table",
                         on_select="rerun", selection_mode="single-row")
    clicked = [views[i].id for i in event.selection.rows if i < len(views)]
    if clicked and st.session_state.get("resources_clicked") != clicked[0]:
        st.session_state["resources_pick"] = clicked[0]  # the row clicked opens below
    st.session_state["resources_clicked"] = clicked[0] if clicked else None
    choices = {NEW: "Add a new resource", **{v.id: f"{v.title} · {v.organisation}"
                                             for v in views}}
    pick = st.selectbox("Add or change", list(choices), format_func=lambda i: plain(choices[i]),
                        key="resources_pick")
    _form(me, next((v for v in views if v.id == pick), None), today)


def translations(me: User) -> None:
    """Message templates per language: the English text, the translation, draft or approved."""
    if flash := st.session_state.pop("translations_flash", None):
        st.success(flash)  # inside the tab, so the page keeps this tab open
    st.caption("Drafts use a translation only once it is approved; until then they fall back "
               "to English and say so. The reading grade is an English measure: other "
               "languages are not measured. Keep every {placeholder} exactly as in English.")
    rows = read(message_queries.translations)
    st.dataframe([{"Language": r.language_name,
                   "Template": templates.template_name(r.template),
                   "Status": label_of(TranslationStatus, r.status, r.status),
                   "Text": plain(r.body)} for r in rows],
                 hide_index=True, width="stretch", column_config=TRANSLATION_COLUMNS,
                 key="translations_table")
    c1, c2 = st.columns(2)
    template = c1.selectbox("Template", list(templates.REFERENCE),
                            format_func=templates.template_name, key="translations_template")
    others = [code for code in templates.LANGUAGES if code != templates.ENGLISH]
    language = c2.selectbox("Language", others, format_func=templates.LANGUAGES.get,
                            key="translations_language")
    current = next((r for r in rows if (r.template, r.language) == (template, language)), None)
    st.markdown("**English text**")
    st.text(templates.REFERENCE[template])
    k = f"{template}_{language}"
    statuses = labels(TranslationStatus)
    with st.form(f"translations_form_{k}"):
        body = st.text_area(f"{templates.LANGUAGES[language]} text",
                            value=current.body if current else "", height=120,
                            key=f"translations_body_{k}")
        status = st.radio("Status", list(statuses), format_func=statuses.get, horizontal=True,
                          index=list(statuses).index(current.status) if current else 0,
                          key=f"translations_status_{k}",
                          help="Approve only a text a fluent speaker has checked.")
        jargon = templates.JARGON.get(language)
        st.caption("Words to avoid: " + ", ".join(jargon) if jargon else
                   "No list of words to avoid in this language yet.")
        submitted = st.form_submit_button("Save translation", type="primary")
    if current and current.status == TranslationStatus.APPROVED:
        st.caption("A change to the text puts it back to waiting for approval: drafts use the "
                   "English text until a fluent speaker has checked it and it is approved again.")
    if not submitted:
        return
    saved = write(lambda s: message_service.save_translation(
        s, actor=me, template=template, language=language, body=body, status=status,
        version=current.version if current else None))
    if saved is None:
        return
    st.session_state["translations_flash"] = (
        "Translation saved. Its text changed, so it is waiting for approval again: drafts "
        "use English until it is approved." if saved.status != status else "Translation saved.")
    st.rerun()
