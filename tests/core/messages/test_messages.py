"""Messages in their language: translations kept by an admin, drafts that use an approved one
and say plainly when they fall back to English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import plain_language
from core.errors import UserError
from core.messages import queries, service, templates
from core.messages.models import MessageTranslation
from core.store import audit, settings
from core.store.models import CheckIn
from tests.factories import make_account, make_debtor, make_office, make_plan


def _count(session) -> int:
    return session.execute(select(func.count()).select_from(MessageTranslation)).scalar_one()


def _draft(session, actor, debtor, template="checkin", account=None, channel="letter"):
    return queries.draft(session, actor=actor, debtor_id=debtor.id,
                         account_id=account.id if account else None, template=template,
                         channel=channel)


def test_a_polish_debtor_gets_the_approved_polish_draft(session):
    # Given a Polish-speaking debtor with a plan instalment coming up
    office = make_office(session)
    debtor = make_debtor(session, office.ann, name="Katarzyna Nowak", preferred_name="Kasia",
                         language="pl")
    account = make_account(session, debtor)
    today = settings.office_today(session)
    make_plan(session, account, first_due=today + timedelta(days=10), amount_cents=4_250)
    # When the agent drafts a reminder
    draft = _draft(session, office.ann, debtor, "reminder", account)
    # Then it is in Polish, with their name, the amount and the date, and no fallback note
    assert draft.language == "pl" and draft.note == ""
    assert draft.text.startswith("Dzień dobry Kasia, tu Agent. Następna płatność: £42.50")
    due = today + timedelta(days=10)
    assert f"termin: {due.day} " in draft.text and "{" not in draft.text
    assert not draft.grade_measured


def test_a_draft_translation_is_not_used_and_the_fallback_is_said_plainly(session):
    # Given a Welsh-speaking debtor, and a Welsh check-in text that is only a draft
    office = make_office(session)
    debtor = make_debtor(session, office.ann, language="cy")
    # When the agent drafts a check-in message
    draft = _draft(session, office.ann, debtor)
    # Then it is the English draft, and says why in a plain sentence
    assert draft.language == "en" and draft.text.startswith("Dear D")
    assert draft.note == ("They read Welsh, but there is no approved Welsh translation of "
                          "“Friendly check-in” yet, so this draft is in English.")
    assert draft.grade_measured
    # When an admin approves the Welsh text, then the next draft is in Welsh
    body = templates.REFERENCE["checkin"].replace("Hi", "Helo")
    service.save_translation(session, actor=office.admin, template="checkin", language="cy",
                             body=body, status="approved")
    welsh = _draft(session, office.ann, debtor)
    assert welsh.language == "cy" and welsh.note == "" and welsh.text.startswith("Helo D")


def test_a_translation_needing_an_amount_falls_back_when_there_is_none(session):
    # Given a Spanish speaker with no plan (so no amount or date to fill in)
    office = make_office(session)
    debtor = make_debtor(session, office.ann, language="es")
    account = make_account(session, debtor)
    # When a reminder is drafted, then it is English, saying what was missing
    draft = _draft(session, office.ann, debtor, "reminder", account)
    assert draft.language == "en"
    assert draft.note.startswith("The Spanish “Payment reminder” needs amount and due")


@pytest.mark.parametrize("body,sentence", [
    ("Hola {name}, soy {agent}. Su pago vence el {due}.", "missing {amount}"),
    ("Hola {name}. Su pago de {amount} vence el {due}.", "missing {agent}"),
    ("Hola {nombre}, soy {agent}. {amount} {due}", "missing {name}"),
    ("Hola {name}, soy {agent}. {amount} {due} {iban}", "has {iban}"),
    ("Hola {name, soy {agent}. {amount} {due}", "curly bracket"),
    ("   ", "The translation is empty."),
])
def test_a_bad_translation_gets_one_sentence_and_nothing_is_saved(session, body, sentence):
    # Given an admin and the seeded translations
    office = make_office(session)
    before = _count(session)
    old = queries.approved(session, template="reminder", language="es")
    # When they save a reminder translation with a placeholder wrong, then a plain sentence
    with pytest.raises(UserError, match=sentence.replace("{", r"\{").replace("}", r"\}")):
        service.save_translation(session, actor=office.admin, template="reminder",
                                 language="es", body=body, status="approved")
    # And nothing changed
    assert _count(session) == before
    assert queries.approved(session, template="reminder", language="es") == old


def test_only_an_admin_keeps_translations_and_a_change_can_go_back_to_draft(session):
    # Given an agent and an admin
    office = make_office(session)
    body = "Hola {name}, soy {agent}. ¿Cómo está?"
    with pytest.raises(PermissionError):
        service.save_translation(session, actor=office.ann, template="checkin",
                                 language="es", body=body, status="approved")
    # When the admin sets the approved Spanish check-in back to draft
    row = service.save_translation(session, actor=office.admin, template="checkin",
                                   language="es", body=body, status="draft")
    # Then it is kept, but no longer used
    assert (row.status, row.approved_by, row.version) == ("draft", None, 2)
    assert queries.approved(session, template="checkin", language="es") is None


def test_a_message_in_another_language_is_logged_without_a_grade(session):
    # Given a Spanish speaker and a Spanish draft
    office = make_office(session)
    debtor = make_debtor(session, office.ann, language="es")
    text = _draft(session, office.ann, debtor, channel="email").text
    # When it is logged as sent
    checkin = service.mark_sent(session, actor=office.ann, debtor_id=debtor.id,
                                account_id=None, channel="email", text=text, language="es")
    # Then the check-in holds the text, and no reading grade (it was not measured)
    saved = session.get(CheckIn, checkin.id)
    assert saved.notes.startswith("Hola D") and saved.reading_grade is None
    # And Spanish jargon holds a message back until the agent says why
    before = session.execute(select(func.count()).select_from(CheckIn)).scalar_one()
    with pytest.raises(UserError, match=r"it uses jargon \(moroso\)"):
        service.mark_sent(session, actor=office.ann, debtor_id=debtor.id, account_id=None,
                          channel="sms", text="Su cuenta está en estado moroso.", language="es")
    assert session.execute(select(func.count()).select_from(CheckIn)).scalar_one() == before


def test_jargon_lists_exist_where_known():
    # Given a Polish message with jargon, and a Welsh one (no list yet)
    assert templates.find_jargon("Wierzyciel prosi o kontakt.", "pl") == [("wierzyciel",
                                                                            "firma")]
    assert templates.find_jargon("Helo", "cy") is None
    assert templates.find_jargon("You are in arrears.", "en") == [("arrears", "missed payments")]


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_a_translated_message_ends_with_the_opt_out_sentence_in_its_language(session,
                                                                             channel):
    # Given a Spanish speaker, and the approved Spanish opt-out sentence for the channel
    office = make_office(session)
    debtor = make_debtor(session, office.ann, language="es")
    spanish = queries.approved(session, template=templates.OPT_OUT[channel], language="es")
    english = plain_language.OPT_OUT_SENTENCE[channel]
    # When the agent drafts a check-in message
    draft = _draft(session, office.ann, debtor, channel=channel)
    ending = queries.opt_out(session, language=draft.language, channel=channel)
    # Then the draft, and the sentence the screen shows, are in Spanish, with no English one
    assert draft.language == "es" and spanish and draft.text.endswith(spanish)
    assert (ending.sentence, ending.language, ending.note) == (spanish, "es", "")
    assert english not in draft.text
    # When it is marked as sent, then the check-in keeps that text, with the sentence once
    checkin = service.mark_sent(session, actor=office.ann, debtor_id=debtor.id,
                                account_id=None, channel=channel, text=draft.text,
                                language=draft.language)
    saved = session.get(CheckIn, checkin.id)
    assert saved.notes == draft.text and saved.notes.count(spanish) == 1
    # And a text the agent cut the sentence from still goes with it, in Spanish
    cut = draft.text.replace(spanish, "").rstrip()
    again = service.mark_sent(session, actor=office.ann, debtor_id=debtor.id, account_id=None,
                              channel=channel, text=cut, language="es")
    assert session.get(CheckIn, again.id).notes.endswith(spanish)


def test_without_an_approved_opt_out_sentence_it_goes_in_english_and_says_so(session):
    # Given a Polish speaker, and the Polish opt-out sentence for texts set back to a draft
    office = make_office(session)
    debtor = make_debtor(session, office.ann, language="pl")
    body = queries.approved(session, template="opt_out_sms", language="pl")
    service.save_translation(session, actor=office.admin, template="opt_out_sms",
                             language="pl", body=body, status="draft")
    english = plain_language.OPT_OUT_SENTENCE["sms"]
    # When the agent drafts a check-in text
    draft = _draft(session, office.ann, debtor, channel="sms")
    ending = queries.opt_out(session, language=draft.language, channel="sms")
    # Then the message is in Polish, and the screen says plainly the sentence goes in English
    assert draft.language == "pl" and draft.text.endswith(english) and body not in draft.text
    assert ending.sentence == english and ending.language == "en"
    assert ending.note == ("There is no approved Polish opt-out sentence for text messages "
                           "yet, so the one always added when it is sent goes in English")
    # When it is sent, then the check-in keeps exactly what the screen said: the English one
    checkin = service.mark_sent(session, actor=office.ann, debtor_id=debtor.id,
                                account_id=None, channel="sms", text=draft.text, language="pl")
    assert session.get(CheckIn, checkin.id).notes == draft.text
    # And a letter has no opt-out sentence in any language
    assert queries.opt_out(session, language="pl", channel="letter").sentence == ""


def test_an_edit_to_an_approved_translation_waits_for_approval_again(session):
    # Given a Spanish speaker, and the approved Spanish check-in text in their drafts
    office = make_office(session)
    debtor = make_debtor(session, office.ann, language="es")
    assert _draft(session, office.ann, debtor).language == "es"
    row = session.execute(select(MessageTranslation).where(
        MessageTranslation.template == "checkin",
        MessageTranslation.language == "es")).scalar_one()
    edited = row.body.replace("Hola", "Buenos días")
    # When the admin changes its text, leaving the status on "approved"
    saved = service.save_translation(session, actor=office.admin, template="checkin",
                                     language="es", body=edited, status="approved",
                                     version=row.version)
    # Then it waits for approval again, and the next draft falls back to English, saying so
    assert (saved.status, saved.approved_by, saved.approved_at) == ("draft", None, None)
    draft = _draft(session, office.ann, debtor)
    assert draft.language == "en" and "Buenos" not in draft.text
    assert draft.note == ("They read Spanish, but there is no approved Spanish translation of "
                          "“Friendly check-in” yet, so this draft is in English.")
    # And the trail says so in a plain sentence
    line = audit.trail(session, actor=office.admin, actor_id=office.admin.id)[0]
    assert line.sentence.startswith(
        f"{office.admin.display_name} edited an approved translation, so it needs approving "
        "again at ")
    # When the admin approves the text as it now reads, then drafts use it again
    service.save_translation(session, actor=office.admin, template="checkin", language="es",
                             body=edited, status="approved", version=saved.version)
    again = _draft(session, office.ann, debtor)
    assert again.language == "es" and again.text.startswith("Buenos días D")
    line = audit.trail(session, actor=office.admin, actor_id=office.admin.id)[0]
    assert line.sentence.startswith(
        f"{office.admin.display_name} approved a message translation at ")


def test_saving_an_approved_translation_unchanged_keeps_it_approved(session):
    # Given the approved Polish thanks text
    office = make_office(session)
    body = queries.approved(session, template="thanks", language="pl")
    # When the admin saves it with the same text (say, after reading it again)
    saved = service.save_translation(session, actor=office.admin, template="thanks",
                                     language="pl", body=f"  {body} ", status="approved")
    # Then it stays approved: only a change of text needs approval again
    assert saved.status == "approved"
    assert queries.approved(session, template="thanks", language="pl") == body
