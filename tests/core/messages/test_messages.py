"""Messages in their language: translations kept by an admin, drafts that use an approved one
and say plainly when they fall back to English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.errors import UserError
from core.messages import queries, service, templates
from core.messages.models import MessageTranslation
from core.store import settings
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
