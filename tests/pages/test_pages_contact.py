"""Holds and adjustments through the pages (AppTest on a real database)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlmodel import func, select

from core.store.models import Adjustment, FollowUp, Hold, utcnow
from tests.conftest import field_key, open_app
from tests.factories import make_account, make_debtor, make_followup, make_user


@pytest.fixture
def ann(app_session):
    agent = make_user(app_session, "agent")
    debtor = make_debtor(app_session, agent, name="Ann Lee", preferred_name="Ann",
                         contact_window_start=time(0, 0), contact_window_end=time(23, 59))
    account = make_account(app_session, debtor, 50_000, reference="NW-1001")
    app_session.commit()
    return agent, debtor, account


def count(session, model) -> int:
    found = session.exec(select(func.count()).select_from(model)).one()
    session.commit()  # end the read (keeping loaded objects), so the page can write
    return found


def markdown_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_an_agent_places_a_breathing_space_from_the_profile(app_session, ann):
    agent, debtor, account = ann
    today = utcnow().date()
    chase = make_followup(app_session, debtor, agent, today, account_id=account.id)
    app_session.commit()
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=debtor.id)
    assert not at.exception
    assert "No holds in force." in [c.value for c in at.caption]
    # Given a breathing space of 61 days, it is refused beside the form and nothing is saved
    at.selectbox(key="debtors_hold_kind").set_value("breathing_space")
    at.date_input(key="debtors_hold_ends").set_value(today + timedelta(days=61))
    at.text_area(key="debtors_hold_reason").input("<b>Debt advice</b> referral")
    at.button(key="FormSubmitter:debtors_hold_form-Place the hold").click()
    at.run()
    assert any("at most 60 days" in e.value for e in at.error)
    assert count(app_session, Hold) == 0
    # When the end is within 60 days
    at.date_input(key="debtors_hold_ends").set_value(today + timedelta(days=30))
    at.button(key="FormSubmitter:debtors_hold_form-Place the hold").click()
    at.run()
    # Then the hold is placed, shown (escaped), and the follow-up waits for its end
    assert not at.exception
    assert count(app_session, Hold) == 1
    assert any("Breathing space placed" in s.value for s in at.success)
    assert "\\<b\\>Debt advice\\</b\\> referral" in markdown_text(at)
    app_session.expire_all()
    assert app_session.get(FollowUp, chase.id).due_on == today + timedelta(days=31)


def test_adjustments_are_recorded_on_the_profile_and_shown_first_on_the_card(app_session, ann):
    agent, debtor, account = ann
    debtor_id, account_id = debtor.id, account.id  # read now: a later read would lock SQLite
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=debtor_id)
    at.selectbox(key="debtors_adj_kind").set_value("unavailable")
    at.run()
    at.selectbox(key="debtors_adj_start_day").set_value(4)
    at.selectbox(key="debtors_adj_end_day").set_value(5)
    at.text_input(key="debtors_adj_reason").input("Works nights on Fridays")
    at.date_input(key="debtors_adj_review").set_value(utcnow().date() + timedelta(days=90))
    # Without consent it is refused and nothing saved
    at.button(key="FormSubmitter:debtors_adj_form-Save the adjustment").click()
    at.run()
    assert any("only with their consent" in e.value for e in at.error)
    assert count(app_session, Adjustment) == 0
    at.checkbox(key="debtors_adj_consent").check()
    at.button(key="FormSubmitter:debtors_adj_form-Save the adjustment").click()
    at.run()
    assert not at.exception
    assert count(app_session, Adjustment) == 1
    # And the Check-ins card shows it first
    card = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor_id,
                    checkin_account_id=account_id)
    assert not card.exception
    lines = [m.value for m in card.markdown]
    agreed = lines.index("**What we agreed to do differently**")
    assert "Not available Friday 18\\:00 to Saturday 18\\:00" in lines[agreed + 1]
    assert agreed < next(i for i, line in enumerate(lines) if "Ann Lee" in line)


def test_after_saving_a_check_in_next_opens_the_next_person_who_can_be_contacted(app_session,
                                                                                   ann):
    agent, debtor, account = ann
    # Given Bob, also on the agent's list, with a call due today and happy to talk any time
    bob = make_debtor(app_session, agent, name="Bob Stone", contact_window_start=time(0, 0),
                      contact_window_end=time(23, 59))
    bob_account = make_account(app_session, bob, 1_000)
    due = make_followup(app_session, bob, agent, utcnow().date(), account_id=bob_account.id,
                        channel="letter")
    app_session.commit()
    at = open_app("pages/checkins.py", user=agent, checkin_debtor_id=debtor.id,
                  checkin_account_id=account.id)
    # When a check-in about Ann is saved
    at.radio(key="checkin_direction").set_value("inbound")
    at.run()
    at.button(key="FormSubmitter:checkin_form-Save check-in").click()
    at.run()
    assert "Check-in saved." in [s.value for s in at.success]
    # Then a Next button offers Bob, and it opens his check-in answering that follow-up
    assert "Bob Stone" in at.button(key="checkin_next").label
    at.button(key="checkin_next").click()
    at.run()
    assert not at.exception
    assert at.session_state["checkin_debtor_id"] == bob.id
    assert at.session_state["checkin_followup_id"] == due.id


def test_what_was_typed_about_one_debtor_is_not_carried_to_the_next(app_session, ann):
    agent, debtor, account = ann
    other = make_debtor(app_session, agent, name="Bo Park", preferred_name="Bo")
    make_account(app_session, other, 20_000, reference="NW-2002")
    app_session.commit()
    ann_id, bo_id = debtor.id, other.id
    today = utcnow().date()
    # Given Ann's hold and adjustment forms were refused with her details still in them
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=ann_id)
    at.selectbox(key="debtors_hold_kind").set_value("breathing_space")
    at.date_input(key="debtors_hold_ends").set_value(today + timedelta(days=61))
    at.text_area(key="debtors_hold_reason").input("Ann's debt adviser asked for it")
    at.button(key="FormSubmitter:debtors_hold_form-Place the hold").click()
    at.run()
    assert any("at most 60 days" in e.value for e in at.error)
    at.text_input(key="debtors_adj_reason").input("Ann's hearing loss")
    at.checkbox(key="debtors_adj_consent").check()
    at.button(key="FormSubmitter:debtors_adj_form-Save the adjustment").click()
    at.run()
    assert count(app_session, Adjustment) == 0 and count(app_session, Hold) == 0
    # When the agent opens Bo's profile
    at.session_state["debtors_selected_id"] = bo_id
    at.run()
    # Then Bo's forms start empty: no reason, no end date and no consent of Ann's
    assert not at.exception
    assert at.text_area(key=field_key(at, "debtors_hold_", "reason")).value == ""
    assert at.date_input(key=field_key(at, "debtors_hold_", "ends")).value is None
    assert at.text_input(key=field_key(at, "debtors_adj_", "reason")).value == ""
    assert at.checkbox(key=field_key(at, "debtors_adj_", "consent")).value is False


def test_the_hold_kinds_are_explained_without_repeating_their_names(app_session, ann):
    agent, debtor, _ = ann
    # Given the profile's "Place a hold" form
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=debtor.id)
    # Then each kind's line names it once ("Breathing space: …", never "Breathing space:
    # Standard breathing space: …")
    [line] = [c.value for c in at.caption if "Dispute" in c.value and "Breathing" in c.value]
    for part in line.split(" · "):
        name, text = part.split(": ", 1)
        assert f"{name.strip('*').lower()}:" not in text.lower(), part
