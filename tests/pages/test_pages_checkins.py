"""The Check-ins and Debtors pages (AppTest): log through the form, see the card and profile."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlmodel import func, select

from core.store.models import CheckIn, FollowUp, PromiseToPay, utcnow
from tests.conftest import field_key, open_app
from tests.factories import (
    make_account,
    make_checkin,
    make_debtor,
    make_followup,
    make_user,
    make_vulnerability,
)


@pytest.fixture
def ann(app_session):
    """An agent who owns Ann Lee, who is happy to be contacted at any hour of her day."""
    agent = make_user(app_session, "agent")
    debtor = make_debtor(app_session, agent, name="Ann Lee", preferred_name="Ann",
                         contact_window_start=time(0, 0), contact_window_end=time(23, 59))
    account = make_account(app_session, debtor, 50_000, reference="NW-1001")
    app_session.commit()
    return agent, debtor, account


def count(session, model) -> int:
    """Rows in a table, read fresh."""
    session.expire_all()
    found = session.exec(select(func.count()).select_from(model)).one()
    session.rollback()  # end the read, so the page can write (SQLite locks otherwise)
    return found


def markdown_text(at) -> str:
    """Every markdown element's text, joined."""
    return "\n".join(m.value for m in at.markdown)


def test_logging_a_check_in_through_the_form_updates_the_card(app_session, ann):
    agent, debtor, account = ann
    # Given the agent opens the Check-ins page for Ann (as the Debtors page does)
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    assert not at.exception
    assert "No check-ins yet." in [c.value for c in at.caption]
    assert "language **English**" in markdown_text(at)  # the name, never the code "en"
    # When they log an inbound call where Ann says she is getting by and needs time
    at.radio(key="checkin_direction").set_value("inbound")
    at.run()
    at.radio(key="checkin_wellbeing").set_value(3)
    at.multiselect(key="checkin_life_changes").set_value(["reduced_income"])
    at.text_input(key="checkin_next_step").input("Ann calls back after payday")
    at.text_area(key="checkin_notes").input("Hours cut at work")
    at.button(key="FormSubmitter:checkin_form-Save check-in").click()
    at.run()
    # Then it is saved, with a follow-up, and the card's last check-ins show it
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert count(app_session, CheckIn) == 1
    assert count(app_session, FollowUp) == 1
    assert "Check-in saved." in [s.value for s in at.success]
    text = markdown_text(at)
    assert "they contacted us · Spoke with them · wellbeing 3/5 · reduced income" in text
    assert "Ann calls back after payday" in text
    # And the form is ready for the next one
    assert at.text_area(key=field_key(at, "checkin_", "notes")).value == ""
    assert field_key(at, "checkin_", "notes") != "checkin_notes"  # a new box, not a cleared one


def test_bad_input_keeps_what_was_typed_and_shows_a_message_by_the_field(app_session, ann):
    agent, debtor, account = ann
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    # Given a promise of £0 and a follow-up date in the past
    at.text_area(key="checkin_notes").input("She will try")
    at.number_input(key="checkin_promise_amount").set_value(0.0)
    at.date_input(key="checkin_promise_date").set_value(utcnow().date() + timedelta(days=5))
    at.date_input(key="checkin_followup_on").set_value(utcnow().date() - timedelta(days=3))
    # When the form is submitted
    at.button(key="FormSubmitter:checkin_form-Save check-in").click()
    at.run()
    # Then each problem is shown, nothing is saved, and the typed values are still there
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "A promise to pay must be more than £0." in errors
    assert "The next follow-up can't be in the past." in errors
    assert count(app_session, CheckIn) == 0
    assert count(app_session, PromiseToPay) == 0
    assert at.text_area(key="checkin_notes").value == "She will try"
    assert at.number_input(key="checkin_promise_amount").value == 0.0


def test_a_future_check_in_is_refused(app_session, ann):
    agent, debtor, account = ann
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    at.date_input(key="checkin_date").set_value(utcnow().date() + timedelta(days=2))
    at.button(key="FormSubmitter:checkin_form-Save check-in").click()
    at.run()
    assert "The check-in can't be dated in the future." in [e.value for e in at.error]
    assert count(app_session, CheckIn) == 0


def test_answering_a_follow_up_closes_it(app_session, ann):
    agent, debtor, account = ann
    due = make_followup(app_session, debtor, agent, utcnow().date(), account_id=account.id,
                        channel="letter", note="Send the form")
    app_session.commit()
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id, checkin_followup_id=due.id)
    assert "Answering the follow-up" in at.info[0].value
    assert at.selectbox(key="checkin_channel").value == "letter"
    at.selectbox(key="checkin_outcome").set_value("message_sent")
    at.run()
    at.button(key="FormSubmitter:checkin_form-Save check-in").click()
    at.run()
    assert not at.exception
    app_session.expire_all()
    assert app_session.get(FollowUp, due.id).status == "done"


def test_a_draft_is_checked_and_marking_it_sent_logs_it(app_session, ann):
    agent, debtor, account = ann
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    at.selectbox(key="checkin_draft_channel").set_value("letter")
    at.run()
    assert at.text_area(key="checkin_draft_text").value.startswith("Dear Ann")
    at.text_area(key="checkin_draft_text").input("Your arrears are outstanding.")
    at.run()
    assert any("Jargon" in w.value for w in at.warning)
    # And the plain-language gate asks why it must go as it is
    at.button(key="checkin_draft_send").click()
    at.run()
    assert count(app_session, CheckIn) == 0
    assert any("not plain yet" in e.value for e in at.error)
    at.text_input(key="checkin_draft_plain_reason").input("Their solicitor asked for the term")
    at.button(key="checkin_draft_send").click()
    at.run()
    assert not at.exception
    app_session.expire_all()
    sent = app_session.exec(select(CheckIn)).one()
    assert sent.jargon == "arrears" and sent.reading_grade is not None
    assert sent.plain_language_reason == "Their solicitor asked for the term"
    assert (sent.outcome, sent.channel, sent.notes) == ("message_sent", "letter",
                                                        "Your arrears are outstanding.")


def test_a_correction_is_saved_beside_the_check_in(app_session, ann):
    agent, debtor, account = ann
    make_checkin(app_session, debtor, agent, account=account, notes="Pays Friday",
                 at=utcnow() - timedelta(days=10))
    app_session.commit()
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id)
    at.text_area(key="checkin_amend_value").input("Pays Monday")
    at.text_input(key="checkin_amend_reason").input("Misheard")
    at.button(key="FormSubmitter:checkin_amend_form-Save correction").click()
    at.run()
    assert not at.exception
    assert "The correction was saved." in [s.value for s in at.success]


@pytest.mark.parametrize("role", ["agent", "lead"])
def test_the_debtors_page_searches_and_shows_the_profile(app_session, ann, role):
    agent, debtor, account = ann
    user = agent if role == "agent" else make_user(app_session, "lead")
    make_checkin(app_session, debtor, agent, account=account, wellbeing=2, notes="Lost job",
                 at=utcnow() - timedelta(days=3))
    make_vulnerability(app_session, debtor, "health", impact="Panic attacks")
    other = make_debtor(app_session, user, name="Bob Stone")
    make_account(app_session, other, 1_000, reference="ZX-9")
    app_session.commit()
    # Given the Debtors page
    at = open_app("pages/debtors.py", user=user)
    assert not at.exception
    # When they search by an account reference
    if role == "lead":
        assert at.checkbox(key="debtors_mine").value is False
    else:
        at.checkbox(key="debtors_mine").uncheck()
    at.text_input(key="debtors_search").input("nw-10")
    at.run()
    # Then only Ann is found, and opening her shows the profile and one timeline
    names = at.dataframe[0].value["Name"].tolist()
    assert names == ["Ann Lee"]
    at.selectbox(key="debtors_pick").set_value(debtor.id)
    at.run()
    assert not at.exception
    assert at.header[0].value == "Ann Lee"
    timeline = at.dataframe[1].value  # results, timeline, accounts
    assert "Lost job" in " ".join(timeline["Details"].tolist())
    assert "Health" in markdown_text(at)
    assert "Panic attacks" not in markdown_text(at)  # details only on request
    assert at.text_input(key="debtors_pref_timezone").value == "Europe/London"


def test_the_debtors_page_refuses_a_made_up_timezone_beside_the_field(app_session, ann):
    agent, debtor, _ = ann
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=debtor.id)
    at.text_input(key="debtors_pref_timezone").input("Mars/Base")
    at.button(key="FormSubmitter:debtors_prefs-Save preferences").click()
    at.run()
    assert not at.exception
    assert ("'Mars/Base' is not a real timezone; use a name like Europe/London."
            in [e.value for e in at.error])
    assert at.text_input(key="debtors_pref_timezone").value == "Mars/Base"
    app_session.expire_all()
    assert app_session.get(type(debtor), debtor.id).timezone == "Europe/London"


def _open_followups(session, debtor_id: int) -> list[FollowUp]:
    session.expire_all()
    found = list(session.exec(select(FollowUp).where(
        FollowUp.debtor_id == debtor_id, FollowUp.status == "open")).all())
    session.rollback()
    return found


def test_answering_after_care_plans_no_collection_follow_up(app_session, ann):
    # Given an after-care "how are you doing" check-in due today, on an account paid in full
    agent, debtor, _ = ann
    account = make_account(app_session, debtor, 0, reference="NW-1002", status="paid")
    care = make_followup(app_session, debtor, agent, utcnow().date(), account_id=account.id,
                         channel="email", reason="after_care", note="How are you doing?")
    app_session.commit()
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id, checkin_followup_id=care.id)
    # Then the form does not plan a next follow-up unless the agent asks for one
    assert "Answering the follow-up" in at.info[0].value
    [wanted] = [c for c in at.checkbox if c.label == "Plan a next follow-up"]
    assert wanted.value is False
    # When the agent logs the conversation
    at.selectbox(key="checkin_outcome").set_value("message_sent")
    at.run()
    at.button(key="FormSubmitter:checkin_form-Save check-in").click()
    at.run()
    # Then the after-care check-in is done and nothing new is waiting
    assert not at.exception
    assert _open_followups(app_session, debtor.id) == []


def test_an_ordinary_follow_up_still_plans_the_next_one(app_session, ann):
    # Given an ordinary follow-up being answered
    agent, debtor, account = ann
    due = make_followup(app_session, debtor, agent, utcnow().date(), account_id=account.id,
                        channel="email", note="Ask about the form")
    app_session.commit()
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id, checkin_followup_id=due.id)
    [wanted] = [c for c in at.checkbox if c.label == "Plan a next follow-up"]
    assert wanted.value is True
    at.selectbox(key="checkin_outcome").set_value("message_sent")
    at.run()
    at.button(key="FormSubmitter:checkin_form-Save check-in").click()
    at.run()
    # Then the next follow-up is planned, as before
    assert not at.exception
    assert len(_open_followups(app_session, debtor.id)) == 1
