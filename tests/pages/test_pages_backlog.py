"""Follow-ups, Stand-up and Home (My day) pages through AppTest, for an agent and a lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from core.followups import backlog
from core.store.models import FollowUp
from tests.conftest import open_app
from tests.factories import (
    make_account,
    make_adjustment,
    make_debtor,
    make_followup,
    make_hold,
    make_office,
)


@pytest.fixture
def office(app_session):
    """North (a lead, Ann, Bob, Cat) and South (Dan); Ann has two overdue and one due today."""
    o = make_office(app_session)
    today = backlog.office_today(app_session)
    ada = make_debtor(app_session, o.ann, name="Ada Overdue")
    o.late = make_followup(app_session, ada, o.ann, today - timedelta(days=3), priority=1)
    o.later = make_followup(app_session, ada, o.ann, today - timedelta(days=10), priority=2)
    o.due = make_followup(app_session, make_debtor(app_session, o.ann, name="Tess Today"), o.ann,
                          today)
    o.future = make_followup(app_session, ada, o.ann, today + timedelta(days=20))
    o.bobs = make_followup(app_session, make_debtor(app_session, o.bob, name="Bo"), o.bob,
                           today - timedelta(days=1))
    o.dans = make_followup(app_session, make_debtor(app_session, o.dan, name="Di"), o.dan, today)
    o.today = today
    app_session.commit()
    return o


def _button(at, label):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def _read(app_session: Session, followup_id: int) -> FollowUp:
    """The follow-up as saved; the read transaction ends so the app can write again."""
    app_session.expire_all()
    followup = app_session.get(FollowUp, followup_id)
    app_session.commit()
    return followup


# ---------------------------------------------------------------- Follow-ups


def test_follow_ups_for_an_agent_show_their_list_without_reassign(app_url, office):
    # When Ann opens the Follow-ups page
    at = open_app("pages/followups.py", user=office.ann)
    # Then it shows her four open follow-ups, high priority first, and no reassign controls
    assert not at.exception
    assert at.title[0].value == "Follow-ups"
    table = at.dataframe[0].value
    assert list(table["Follow-up"]) == [office.late.id, office.later.id, office.due.id,
                                        office.future.id]
    assert "Reassign" not in [b.label for b in at.button]
    assert not [m for m in at.multiselect if m.key.startswith("followups_reassign_ids")]
    assert "Open check-in" in [b.label for b in at.button]


def test_lead_reassigns_a_follow_up_to_another_agent(app_url, app_session, office):
    # Given the North lead on the Follow-ups page, showing Ann's follow-ups
    at = open_app("pages/followups.py", user=office.lead)
    assert not at.exception
    at.selectbox(key="followups_agent").set_value(office.ann.id).run()
    # When they reassign Ann's most urgent follow-up to Bob
    at.multiselect(key=f"followups_reassign_ids_{office.late.id}").set_value([office.late.id])
    at.selectbox(key="followups_reassign_to").set_value(office.bob.id)
    _button(at, "Reassign").click().run()
    # Then it is Bob's, and the page says so
    assert not at.exception and not at.error
    assert _read(app_session, office.late.id).owner_id == office.bob.id
    assert any("Reassigned 1 follow-up" in s.value for s in at.success)
    # And it has left Ann's list
    assert office.late.id not in list(at.dataframe[0].value["Follow-up"])


def test_a_filter_that_matches_nothing_says_so(app_url, office):
    at = open_app("pages/followups.py", user=office.ann)
    at.selectbox(key="followups_channel").set_value("letter").run()
    assert not at.exception
    assert [i.value for i in at.info] == ["No follow-ups match these filters."]
    assert not at.dataframe


def test_a_page_past_the_end_gets_a_plain_message(app_url, office):
    at = open_app("pages/followups.py", user=office.ann)
    at.number_input(key="followups_page").set_value(5).run()
    assert not at.exception
    assert any("Page 5 is past the end" in w.value for w in at.warning)


def test_snoozing_into_the_past_is_refused_on_the_page(app_url, app_session, office):
    # Given Ann with her most urgent follow-up picked
    at = open_app("pages/followups.py", user=office.ann)
    at.selectbox(key="followups_selected").set_value(office.late.id)
    # When she snoozes it to yesterday
    at.date_input(key=f"followups_snooze_date_{office.late.id}").set_value(
        office.today - timedelta(days=1))
    at.text_input(key=f"followups_snooze_reason_{office.late.id}").input("Away")
    _button(at, "Snooze").click().run()
    # Then a plain message, and nothing changed
    assert not at.exception
    assert any("must be after today" in e.value for e in at.error)
    assert _read(app_session, office.late.id).snooze_count == 0
    # When she snoozes it to next week with a reason, Then it moves
    at.date_input(key=f"followups_snooze_date_{office.late.id}").set_value(
        office.today + timedelta(days=7))
    _button(at, "Snooze").click().run()
    assert not at.error
    saved = _read(app_session, office.late.id)
    assert (saved.due_on, saved.snooze_count, saved.snooze_reason) == (
        office.today + timedelta(days=7), 1, "Away")


def test_done_opens_a_check_in_for_that_debtor(app_url, office):
    at = open_app("pages/followups.py", user=office.ann)
    at.selectbox(key="followups_selected").set_value(office.due.id).run()
    _button(at, "Open check-in").click().run()
    assert at.session_state["checkin_followup_id"] == office.due.id
    assert at.session_state["checkin_debtor_id"] == office.due.debtor_id


def test_csv_download_is_offered(app_url, office):
    at = open_app("pages/followups.py", user=office.ann)
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == ["Download CSV"]


# ---------------------------------------------------------------- Stand-up


@pytest.mark.parametrize("who", ["ann", "lead"])
def test_stand_up_renders_for_an_agent_and_a_lead(app_url, office, who):
    at = open_app("pages/standup.py", user=getattr(office, who))
    assert not at.exception
    assert at.title[0].value == "Stand-up"
    labels = [m.label for m in at.metric]
    for label in ("Check-ins logged", "Conversations reached", "Plans agreed",
                  "Payments received", "Promises kept", "Promises broken",
                  "Average wellbeing (1–5)", "Due today", "Overdue"):
        assert label in labels
    load = {m.label: m.value for m in at.metric}
    # North's load today: Ann's 1 due today + 2 overdue, Bob's 1 overdue
    assert (load["Due today"], load["Overdue"]) == ("1", "3")


def test_stand_up_shows_what_we_owe_people(app_url, app_session, office):
    # Given one of Ann's debtors has a breathing space ending in 4 days and an adjustment
    # whose review was due last week
    ada = make_debtor(app_session, office.ann, name="Ada Held")
    make_hold(app_session, make_account(app_session, ada), "breathing_space",
              starts_on=office.today - timedelta(days=50),
              ends_on=office.today + timedelta(days=4))
    make_adjustment(app_session, ada, "channel_only", channels="letter",
                    review_on=office.today - timedelta(days=7))
    app_session.commit()
    # When the lead opens the stand-up
    at = open_app("pages/standup.py", user=office.lead)
    assert not at.exception
    # Then the holds ending and the adjustments to review are counted and listed
    figures = {m.label: m.value for m in at.metric}
    assert figures["Holds ending in the next 7 days"] == "1"
    assert figures["Adjustments past their review date"] == "1"
    assert figures["Our promises kept"] == "0 of 0"
    assert "Holds ending in the next 7 days (1)" in [e.label for e in at.expander]
    holds = next(t.value for t in at.dataframe if "Ends or review" in t.value.columns)
    assert list(holds["Debtor"]) == ["Ada Held"]
    review = next(t.value for t in at.dataframe if "What we agreed" in t.value.columns)
    assert list(review["What we agreed"]) == ["Only by letter"]


# ---------------------------------------------------------------- Home


def test_home_shows_my_overdue_and_due_today_each_one_click_from_a_check_in(app_url, office):
    # When Ann opens My day
    at = open_app("pages/home.py", user=office.ann)
    assert not at.exception
    # Then her two overdue and one due today each have a button, most urgent first
    keys = [b.key for b in at.button if b.key and b.key.startswith("home_open_")]
    assert keys == [f"home_open_{office.late.id}", f"home_open_{office.later.id}",
                    f"home_open_{office.due.id}"]
    assert {m.label: m.value for m in at.metric}["Overdue"] == "2"
    assert any("Ada Overdue" in m.value for m in at.markdown)
    # When she clicks the one due today, Then the check-in opens prefilled from it
    at.button(key=f"home_open_{office.due.id}").click().run()
    assert at.session_state["checkin_followup_id"] == office.due.id


def test_home_links_leads_to_the_stand_up(app_url, office):
    lead = open_app("pages/home.py", user=office.lead)
    agent = open_app("pages/home.py", user=office.ann)
    assert not lead.exception and not agent.exception
    assert len(lead.get("page_link")) == 1
    assert len(agent.get("page_link")) == 0


def test_changing_a_filter_goes_back_to_page_one(app_url, office):
    at = open_app("pages/followups.py", user=office.ann)
    at.number_input(key="followups_page").set_value(3).run()
    at.selectbox(key="followups_priority").set_value(1).run()
    assert not at.exception and not at.warning
    assert at.number_input(key="followups_page").value == 1


def test_overload_hint_takes_the_lead_to_that_agents_follow_ups(app_url, app_session, office):
    # Given Ann carries far more overdue follow-ups than the rest of North
    debtor = make_debtor(app_session, office.ann)
    for _ in range(6):
        make_followup(app_session, debtor, office.ann, office.today - timedelta(days=2))
    app_session.commit()
    # When the lead opens the stand-up
    at = open_app("pages/standup.py", user=office.lead)
    assert not at.exception
    # Then a hint suggests moving some of Ann's to someone with fewer
    assert any("Consider moving" in w.value for w in at.warning)
    # When they follow it, Then the Follow-ups page shows Ann's
    at.button(key=f"standup_hint_{office.ann.id}").click().run()
    assert not at.exception
    assert at.selectbox(key="followups_agent").value == office.ann.id


def test_my_day_is_grouped_by_what_can_be_done_now(app_url, office):
    # When Ann opens My day
    at = open_app("pages/home.py", user=office.ann)
    assert not at.exception
    # Then her due follow-ups sit under the three headings, with a count each, adding up
    headings = [h.value for h in at.subheader]
    groups = [h for h in headings if h.startswith(("Can contact now", "Later today",
                                                    "Not today, and why"))]
    assert len(groups) == 3
    assert sum(int(h.rsplit("(", 1)[1].rstrip(")")) for h in groups) == 3


def test_snooze_defaults_to_the_next_working_day(app_url, office):
    from core import workdays

    at = open_app("pages/followups.py", user=office.ann)
    assert not at.exception
    assert at.date_input(key=f"followups_snooze_date_{office.late.id}").value == \
        workdays.next_working_day(office.today)


def test_my_day_shows_refreshers_due_and_marks_one_read(app_url, office):
    at = open_app("pages/home.py", user=office.ann)
    assert not at.exception
    assert any(h.value.startswith("Refreshers for you (7)") for h in at.subheader)
    read_buttons = [b for b in at.button if (b.key or "").startswith("refresher_read_")]
    read_buttons[0].click().run()
    assert not at.exception and not at.error
    assert any(h.value.startswith("Refreshers for you (6)") for h in at.subheader)


def test_my_day_names_an_opted_out_channel_by_its_label(app_url, app_session, office):
    # Given Ann's debtor who opted out of text messages, with a follow-up due today
    today = backlog.office_today(app_session)
    debtor = make_debtor(app_session, office.ann, name="Sol Optout", opted_out="sms")
    make_followup(app_session, debtor, office.ann, today)
    app_session.commit()
    # When Ann opens My day
    at = open_app("pages/home.py", user=office.ann)
    # Then the line says "text message (SMS)", never the raw "sms"
    [line] = [m.value for m in at.markdown if "Sol Optout" in m.value]
    assert r"opted out of text message \(SMS\)" in line and "sms" not in line


def test_a_snooze_reason_typed_for_one_follow_up_is_not_used_for_another(app_url, app_session,
                                                                         office):
    # Given Ann typing a reason to snooze her most urgent follow-up, without saving it
    at = open_app("pages/followups.py", user=office.ann)
    at.selectbox(key="followups_selected").set_value(office.late.id).run()
    at.text_input(key=f"followups_snooze_reason_{office.late.id}").input("On holiday").run()
    # When she picks another follow-up and snoozes it with no reason of its own
    at.selectbox(key="followups_selected").set_value(office.due.id).run()
    [reason] = [t for t in at.text_input if t.label == "Reason for snoozing"]
    # Then its reason box is empty: the snooze asks for its own reason instead of taking the
    # first one's, and neither follow-up moves
    assert reason.value == ""
    _button(at, "Snooze").click().run()
    assert not at.exception
    assert any("snooze reason is empty" in e.value for e in at.error)
    assert _read(app_session, office.due.id).snooze_count == 0
    assert _read(app_session, office.late.id).snooze_count == 0
