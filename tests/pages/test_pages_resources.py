"""The shelf of free help on the pages (AppTest): the admin's page, sharing in a check-in and
a draft, "Did it help?", the profile and the stand-up."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlmodel import func, select

from core.messages.models import MessageTranslation
from core.resources import rules
from core.resources.models import Resource, ResourceShare
from core.store.models import CheckIn, utcnow
from core.vocabulary import Role
from tests.conftest import field_key, open_app
from tests.factories import make_account, make_debtor, make_resource, make_user
from ui import nav


@pytest.fixture
def ann(app_session):
    """An agent who owns Ann Lee (happy to be contacted at any hour), and a resource."""
    agent = make_user(app_session, "agent")
    debtor = make_debtor(app_session, agent, name="Ann Lee", preferred_name="Ann",
                         contact_window_start=time(0, 0), contact_window_end=time(23, 59))
    account = make_account(app_session, debtor, 50_000, reference="NW-1001")
    resource = make_resource(app_session, title="Grief line", organisation="Kind Ears",
                             topic="bereavement", summary="They listen when someone dies.",
                             phone="0800 111 2222", link="")
    app_session.commit()
    return agent, debtor, account, resource


def count(session, model, *where) -> int:
    """Rows in a table, read fresh."""
    session.expire_all()
    found = session.exec(select(func.count()).select_from(model).where(*where)).one()
    session.rollback()
    return found


def shown(element) -> str:
    """An element's markdown as read on screen (escapes taken out)."""
    return element.value.replace("\\", "")


def _type_resource(at, **fields) -> None:
    for name, value in fields.items():
        widget = at.text_area if name == "summary" else at.text_input
        widget(key=f"resources_{name}_0").input(value)
    at.button(key="FormSubmitter:resources_form_0-Save resource").click().run()


def test_the_admin_keeps_the_shelf_and_bad_input_saves_nothing(app_session):
    # Given an admin, the seeded shelf and one resource past its review
    admin = make_user(app_session, "admin")
    stale = make_resource(app_session, title="**Old** [leaflet](https://evil.example)",
                          reviewed_on=utcnow().date() - timedelta(days=rules.REVIEW_DAYS + 5))
    stale_id = stale.id
    app_session.commit()
    at = open_app("pages/resources.py", user=admin)
    assert not at.exception
    # Then the stale one is flagged, its title shown as typed (escaped, never a link)
    assert any("past the review date" in w.value for w in at.warning)
    assert any(r"\*\*Old\*\* \[leaflet\]" in m.value for m in at.markdown)
    before = count(app_session, Resource)
    # When they add a resource with no way to reach it, then one sentence, nothing saved
    _type_resource(at, title="Food bank", org="Town Food Bank",
                   summary="Free food when money is short.")
    assert [e.value for e in at.error] == [
        "Say how to reach them: a web address or a phone number."]
    assert count(app_session, Resource) == before
    # When the web address is not http(s), then the same: a sentence, nothing saved
    _type_resource(at, link="javascript:alert(1)")
    assert "must start with https://" in at.error[0].value
    assert count(app_session, Resource) == before
    # When it is right, then it is saved with its reading grade
    _type_resource(at, link="https://food.example.org")
    assert not at.exception and [e.value for e in at.error] == []
    assert count(app_session, Resource) == before + 1
    # When the admin marks the stale one checked, then it is offered again
    at.button(key=f"resources_reviewed_{stale_id}").click().run()
    assert not any("past the review date" in w.value for w in at.warning)
    assert count(app_session, Resource, Resource.id == stale_id,
                 Resource.reviewed_on >= utcnow().date() - timedelta(days=1)) == 1


def test_a_translation_missing_a_placeholder_is_refused_on_the_page(app_session):
    # Given an admin on the translations tab, on the Polish reminder
    admin = make_user(app_session, "admin")
    app_session.commit()
    at = open_app("pages/resources.py", user=admin)
    at.selectbox(key="translations_template").set_value("reminder").run()
    at.selectbox(key="translations_language").set_value("pl").run()
    old = at.text_area(key="translations_body_reminder_pl").value
    # When they drop {amount} and save, then a plain sentence, and nothing changed
    at.text_area(key="translations_body_reminder_pl").input("Dzień dobry {name}, tu {agent}. "
                                                            "Termin: {due}.")
    at.button(key="FormSubmitter:translations_form_reminder_pl-Save translation").click().run()
    assert any("missing {amount}" in e.value for e in at.error)
    app_session.expire_all()
    row = app_session.exec(select(MessageTranslation).where(
        MessageTranslation.template == "reminder", MessageTranslation.language == "pl")).one()
    app_session.rollback()
    assert row.body == old and row.version == 1


def test_an_edit_to_an_approved_translation_on_the_page_waits_for_approval(app_session):
    # Given an admin on the translations tab, on the approved Spanish thanks
    admin = make_user(app_session, "admin")
    app_session.commit()
    at = open_app("pages/resources.py", user=admin)
    at.selectbox(key="translations_template").set_value("thanks").run()
    at.selectbox(key="translations_language").set_value("es").run()
    assert at.radio(key="translations_status_thanks_es").value == "approved"
    assert any("puts it back to waiting for approval" in c.value for c in at.caption)
    # When they change a word and save, leaving the status on "Approved"
    body = at.text_area(key="translations_body_thanks_es").value
    at.text_area(key="translations_body_thanks_es").input(body.replace("Gracias", "Muchas "
                                                                       "gracias"))
    at.button(key="FormSubmitter:translations_form_thanks_es-Save translation").click().run()
    # Then the page says it waits for approval again, and so does the table and the database
    assert not at.exception and [e.value for e in at.error] == []
    assert any("waiting for approval again" in s.value for s in at.success)
    table = next(d.value for d in at.dataframe if "Template" in d.value.columns)
    row = table[(table["Language"] == "Spanish") & (table["Template"] == "Thanks for a payment")]
    assert list(row["Status"]) == ["Draft, waiting for approval"]
    assert count(app_session, MessageTranslation, MessageTranslation.template == "thanks",
                 MessageTranslation.language == "es",
                 MessageTranslation.status == "approved") == 0


def test_only_an_admin_sees_the_shelf_page():
    # Given the page table, then the shelf is an admin's page (the services check it too)
    entry = next(e for e in nav.PAGE_TABLE if e.key == "resources")
    assert (entry.path, entry.roles) == ("pages/resources.py", frozenset({Role.ADMIN}))


def test_a_resource_shared_in_a_check_in_is_asked_about_next_time(app_session, ann):
    agent, debtor, account, resource = ann
    # Given the agent on Ann's check-in, sharing the grief line
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    at.selectbox(key="checkin_share_topic").set_value("bereavement").run()
    at.selectbox(key="checkin_share_pick").set_value(resource.id).run()
    at.button(key="checkin_share_add").click().run()
    assert any("Grief line" in m.value and "They listen when someone dies" in m.value
               and "0800 111 2222" in m.value for m in at.markdown)
    # When the check-in is saved, then the share is recorded with it
    at.button(key="FormSubmitter:checkin_form-Save check-in").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert count(app_session, ResourceShare, ResourceShare.checkin_id.is_not(None)) == 1
    share_id = app_session.exec(select(ResourceShare.id)).one()
    app_session.rollback()
    # When the next check-in (they call us) answers "Did it help?" with yes
    at.radio(key=field_key(at, "checkin_", "direction")).set_value("inbound").run()
    at.radio(key=f"{field_key(at, 'checkin_', 'helped')}_{share_id}").set_value("yes")
    at.button(key="FormSubmitter:checkin_form-Save check-in").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    # Then the answer is kept, and the stand-up counts it this month
    assert count(app_session, ResourceShare, ResourceShare.answer == "yes") == 1
    assert count(app_session, CheckIn) == 2
    app_session.refresh(agent)
    app_session.expunge(agent)  # keep it loaded: the page must not wait on this session
    app_session.rollback()
    standup = open_app("pages/standup.py", user=agent, standup_team=None)
    assert any("Resources that helped this month (1)" in s.value for s in standup.subheader)


def test_a_polish_draft_says_not_measured_and_a_share_adds_its_paragraph(app_session, ann):
    agent, debtor, account, resource = ann
    # Given Ann reads Polish
    debtor.language = "pl"
    app_session.add(debtor)
    app_session.commit()
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    # Then the check-in draft is in Polish, and its reading grade is not measured
    assert at.text_area(key="checkin_draft_text").value.startswith("Dzień dobry Ann")
    assert "not measured" in [m.value for m in at.metric]
    # When the agent shares the grief line, then its paragraph is added to the message
    at.selectbox(key="checkin_draft_share_pick").set_value(resource.id).run()
    at.button(key="checkin_draft_share_add").click().run()
    assert at.text_area(key="checkin_draft_text").value.endswith(
        "They listen when someone dies. Call them on 0800 111 2222.")
    # When it is marked as sent, then the message and the share are both recorded
    at.button(key="checkin_draft_send").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert count(app_session, CheckIn, CheckIn.reading_grade.is_(None)) == 1
    assert count(app_session, ResourceShare, ResourceShare.checkin_id.is_not(None)) == 1


def test_a_spanish_text_says_and_sends_its_opt_out_sentence_in_spanish(app_session, ann):
    agent, debtor, account, _ = ann
    # Given Ann reads Spanish
    debtor.language = "es"
    app_session.add(debtor)
    app_session.commit()
    spanish = "Responda STOP para dejar de recibir mensajes."
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    # When the agent drafts a check-in by text message
    at.selectbox(key="checkin_draft_channel").set_value("sms").run()
    # Then the draft and the sentence "always added" are in Spanish, with no English one
    text = at.text_area(key="checkin_draft_text").value
    assert text.startswith("Hola Ann") and text.endswith(spanish)
    assert any(f", in Spanish, is always added when it is sent: “{spanish}”" in shown(c)
               for c in at.caption)
    assert not any("Reply STOP" in c.value for c in [*at.caption, *at.info])
    # When it is marked as sent, then the check-in holds what the screen said
    at.button(key="checkin_draft_send").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert count(app_session, CheckIn, CheckIn.notes == text) == 1


def test_without_a_polish_opt_out_sentence_the_screen_says_it_goes_in_english(app_session,
                                                                              ann):
    agent, debtor, account, _ = ann
    # Given Ann reads Polish, and there is no approved Polish opt-out sentence for emails
    debtor.language = "pl"
    app_session.add(debtor)
    row = app_session.exec(select(MessageTranslation).where(
        MessageTranslation.template == "opt_out_email",
        MessageTranslation.language == "pl")).one()
    row.status = "draft"
    app_session.add(row)
    app_session.commit()
    english = "If you'd rather not get emails from us, just reply and tell us."
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    # When the agent drafts a check-in email
    at.selectbox(key="checkin_draft_channel").set_value("email").run()
    # Then the message is Polish, and the screen says plainly its last sentence goes in English
    text = at.text_area(key="checkin_draft_text").value
    assert text.startswith("Dzień dobry Ann") and text.endswith(english)
    assert any("no approved Polish opt-out sentence for emails" in shown(i)
               and "goes in English" in shown(i) and english in shown(i) for i in at.info)
    # When it is marked as sent, then the check-in holds exactly that text
    at.button(key="checkin_draft_send").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert count(app_session, CheckIn, CheckIn.notes == text) == 1


def test_a_welsh_draft_falls_back_to_english_and_says_so(app_session, ann):
    agent, debtor, account, _ = ann
    debtor.language = "cy"
    app_session.add(debtor)
    app_session.commit()
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    assert any("no approved Welsh translation" in i.value and "in English" in i.value
               for i in at.info)
    assert at.text_area(key="checkin_draft_text").value.startswith("Hi Ann")


def test_the_profile_shows_what_was_shared_and_how_it_went(app_session, ann):
    agent, debtor, account, resource = ann
    # Given the grief line shared with Ann, who said it helped
    from core.resources import service

    [shared] = service.share(app_session, actor=agent, debtor_id=debtor.id,
                             resource_ids=[resource.id])
    service.answer(app_session, actor=agent, share_id=shared.id, answer="yes")
    debtor_id = debtor.id
    app_session.commit()
    # When the agent opens her profile
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=debtor_id)
    assert not at.exception
    # Then it shows what was shared, by whom, and that it helped
    line = next(m.value for m in at.markdown if "Grief line" in m.value)
    assert "(Kind Ears): shared" in line and f"by {agent.display_name}" in line
    assert "did it help? **yes**" in line
