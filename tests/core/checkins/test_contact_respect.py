"""Contact that respects the person (issue 13) and corrections that count (issue 10, item 5).

Services on SQLite and PostgreSQL (the `session` fixture), written as the user stories.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import func, select

from core.checkins import adjustments, holds, queries
from core.checkins import service as checkins
from core.checkins.adjustments import AdjustmentInput
from core.checkins.amendments import amend_checkin
from core.checkins.card import before_contact_card
from core.checkins.holds import HoldInput
from core.checkins.service import CheckInInput, CheckInValidationError
from core.errors import UserError
from core.payment_plans import service as pp
from core.store.models import Adjustment, AuditEvent, CheckIn, FollowUp, Hold
from tests.factories import (
    make_account,
    make_checkin,
    make_debtor,
    make_followup,
    make_hold,
    make_user,
    plan_inputs_for,
)

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 11:00 in London (GMT), a Tuesday
TODAY = date(2026, 3, 10)


@pytest.fixture
def people(session):
    """An agent who owns Ann (two accounts), and a lead."""
    agent = make_user(session, "agent")
    lead = make_user(session, "lead")
    debtor = make_debtor(session, agent, name="Ann Lee", preferred_name="Ann",
                         contact_window_start=time(8, 0), contact_window_end=time(21, 0))
    first = make_account(session, debtor, 50_000)
    second = make_account(session, debtor, 20_000)
    session.commit()
    return agent, lead, debtor, first, second


def call(debtor, account, at, **fields) -> CheckInInput:
    """An outbound phone call at `at` (no answer unless told otherwise)."""
    values = {"debtor_id": debtor.id, "account_id": account.id, "channel": "phone",
              "direction": "outbound", "outcome": "no_answer", "at": at,
              "create_followup": False}
    values.update(fields)
    return CheckInInput(**values)


def rows(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


# ---------------------------------------------------------------- holds


def test_a_hold_ending_yesterday_allows_contact_and_a_plan(session, people):
    agent, _, debtor, account, _ = people
    # Given a breathing space that ended yesterday (and a stored status an old version wrote)
    make_hold(session, account, "breathing_space", starts_on=TODAY - timedelta(days=40),
              ends_on=TODAY - timedelta(days=1))
    account.status = "on_hold"
    plan = pp.save_plan(session, actor=agent, inputs=plan_inputs_for(account), status="proposed")
    # When the agent looks at the card today and starts the plan
    card = before_contact_card(session, actor=agent, debtor_id=debtor.id,
                               account_id=account.id, now=NOW)
    # Then a call is allowed and the account is not shown on hold
    assert {v.channel: v.allowed for v in card.verdicts}["phone"] is True
    assert "on hold" not in card.account
    pp.activate_plan(session, actor=agent, plan_id=plan.id, expected_version=plan.version,
                     today=TODAY)
    assert plan.status == "active"


def test_a_hold_in_force_refuses_a_plan_and_contact(session, people):
    agent, _, debtor, account, _ = people
    holds.place_hold(session, actor=agent, now=NOW, data=HoldInput(
        account_id=account.id, kind="breathing_space", ends_on=TODAY + timedelta(days=60)))
    plan = pp.save_plan(session, actor=agent, inputs=plan_inputs_for(account), status="proposed")
    with pytest.raises(UserError, match="on hold"):
        pp.activate_plan(session, actor=agent, plan_id=plan.id, expected_version=plan.version,
                         today=TODAY)
    card = before_contact_card(session, actor=agent, debtor_id=debtor.id,
                               account_id=account.id, now=NOW)
    assert not any(v.allowed for v in card.verdicts)
    assert "on hold" in card.account


def test_placing_a_hold_snoozes_that_accounts_follow_ups(session, people):
    agent, _, debtor, account, other = people
    # Given a call-back and a plan review due on the account, a friendly check-in, and a
    # call-back on the other account
    chase = make_followup(session, debtor, agent, TODAY, account_id=account.id,
                          reason="call_back")
    review = make_followup(session, debtor, agent, TODAY + timedelta(days=3),
                           account_id=account.id, reason="review_plan")
    friendly = make_followup(session, debtor, agent, TODAY, account_id=account.id,
                             reason="check_in")
    elsewhere = make_followup(session, debtor, agent, TODAY, account_id=other.id,
                              reason="call_back")
    # When a 30-day breathing space is placed on the account
    holds.place_hold(session, actor=agent, now=NOW, data=HoldInput(
        account_id=account.id, kind="breathing_space", ends_on=TODAY + timedelta(days=30),
        reason="Debt advice referral"))
    # Then that account's collection follow-ups wait until the day after it ends, with why
    end = TODAY + timedelta(days=31)
    assert (chase.due_on, review.due_on) == (end, end)
    assert chase.snooze_reason.startswith("On hold (breathing space) until")
    assert friendly.due_on == end  # a hold pauses every contact about the account
    assert elsewhere.due_on == TODAY
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "followup.snooze_for_hold")).all()


def test_a_crisis_breathing_space_waits_for_its_review_which_a_lead_renews(session, people):
    agent, lead, debtor, account, _ = people
    chase = make_followup(session, debtor, agent, TODAY, account_id=account.id)
    hold = holds.place_hold(session, actor=agent, now=NOW, data=HoldInput(
        account_id=account.id, kind="crisis_breathing_space",
        review_on=TODAY + timedelta(days=30)))
    assert chase.due_on == TODAY + timedelta(days=30)
    with pytest.raises(PermissionError, match="team lead"):
        holds.extend_hold(session, actor=agent, hold_id=hold.id,
                          review_on=TODAY + timedelta(days=20), now=NOW)
    holds.extend_hold(session, actor=lead, hold_id=hold.id, review_on=TODAY + timedelta(days=30),
                      now=NOW + timedelta(days=20))
    assert hold.review_on == TODAY + timedelta(days=30)


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": "breathing_space", "ends_on": TODAY + timedelta(days=61)}, "at most 60 days"),
    ({"kind": "breathing_space"}, "needs its end date"),
    ({"kind": "crisis_breathing_space"}, "needs a review date"),
    ({"kind": "crisis_breathing_space", "review_on": TODAY + timedelta(days=31)},
     "at most 30 days"),
    ({"kind": "represented"}, "Say who represents them"),
    ({"kind": "dispute", "ends_on": TODAY - timedelta(days=1)}, "can't end before it starts"),
])
def test_bad_holds_are_refused_plainly_and_nothing_is_saved(session, people, fields, message):
    agent, _, _, account, _ = people
    with pytest.raises(UserError, match=message):
        holds.place_hold(session, actor=agent, now=NOW,
                         data=HoldInput(account_id=account.id, **fields))
    assert rows(session, Hold) == 0


def test_only_a_lead_releases_a_hold_early_and_one_welcome_back_follows(session, people):
    agent, lead, debtor, account, _ = people
    hold = holds.place_hold(session, actor=agent, now=NOW, data=HoldInput(
        account_id=account.id, kind="dispute"))
    with pytest.raises(PermissionError):
        holds.release_hold(session, actor=agent, hold_id=hold.id, reason="Resolved", now=NOW)
    holds.release_hold(session, actor=lead, hold_id=hold.id, reason="Dispute resolved", now=NOW)
    welcome = session.exec(select(FollowUp).where(FollowUp.debtor_id == debtor.id)).all()
    assert len(welcome) == 1
    assert welcome[0].reason == "check_in" and welcome[0].owner_id == agent.id
    assert welcome[0].note.startswith("Welcome back")


def test_a_hold_that_ends_gets_one_welcome_back_however_often_the_day_runs(session, people):
    _, _, debtor, account, _ = people
    make_hold(session, account, "breathing_space", starts_on=TODAY - timedelta(days=60),
              ends_on=TODAY - timedelta(days=1))
    make_hold(session, account, "dispute", starts_on=TODAY - timedelta(days=5))  # no end
    assert holds.end_expired_holds(session, TODAY, now=NOW) == holds.HoldsEnded(1, 1)
    assert holds.end_expired_holds(session, TODAY, now=NOW) == holds.HoldsEnded(0, 0)
    assert holds.end_expired_holds(session, TODAY + timedelta(days=1), now=NOW) == \
        holds.HoldsEnded(0, 0)
    assert rows(session, FollowUp) == 1


# ---------------------------------------------------------------- calls per person, call-backs


def test_seven_calls_about_two_accounts_refuse_the_eighth_on_either(session, people):
    agent, _, debtor, first, second = people
    # Given seven unanswered calls this week, four about one account and three the other
    for n in range(7):
        account = first if n < 4 else second
        checkins.log_checkin(session, actor=agent, now=NOW,
                             data=call(debtor, account, NOW - timedelta(days=6 - n, hours=1)))
    # When an eighth is considered, about either account
    for account in (first, second):
        verdicts = queries.contact_verdicts(session, debtor=debtor, account_id=account.id,
                                            at=NOW)
        phone = {v.channel: v for v in verdicts}["phone"]
        # Then it is refused, counting all seven
        assert not phone.allowed
        assert "7 call attempts already in the last 7 days" in " ".join(phone.reasons)
    with pytest.raises(CheckInValidationError) as refused:
        checkins.log_checkin(session, actor=agent, now=NOW, data=call(debtor, second, NOW))
    assert "rule_override_reason" in refused.value.errors


def test_a_call_back_they_asked_for_two_days_after_a_conversation_is_allowed(session, people):
    agent, _, debtor, account, _ = people
    # Given a conversation on Tuesday where Ann asked us to call on Thursday at 18:00 her time
    checkins.log_checkin(session, actor=agent, now=NOW, data=call(
        debtor, account, NOW, outcome="spoke", callback_on=TODAY + timedelta(days=2),
        callback_time=time(18, 0)))
    followup = session.exec(select(FollowUp)).one()
    thursday_six = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)  # London is on GMT
    assert (followup.due_on, followup.due_at, followup.call_consented_at) == (
        TODAY + timedelta(days=2), thursday_six, NOW)
    assert followup.reason == "call_back" and followup.channel == "phone"
    # When the agent makes that call on Thursday at 18:00, answering the follow-up
    checkin = checkins.log_checkin(session, actor=agent, now=thursday_six, data=call(
        debtor, account, thursday_six, outcome="spoke", followup_id=followup.id))
    # Then it is allowed, needs no reason and is not flagged
    assert checkin.rule_override_reason == ""
    assert checkin.call_consented_at == NOW
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "checkin.create",
                                                  AuditEvent.entity_id == checkin.id)).one()
    assert event.flagged is False
    # And the same call without their consent would have broken the 7-day pause
    verdicts = queries.contact_verdicts(session, debtor=debtor, account_id=account.id,
                                        at=thursday_six - timedelta(minutes=1))
    assert not {v.channel: v for v in verdicts}["phone"].allowed


@pytest.mark.parametrize(("day", "at", "message"), [
    (TODAY - timedelta(days=1), time(10, 0), "can't be in the past"),
    (TODAY + timedelta(days=1), time(21, 30), "inside the quiet hours"),
    (TODAY + timedelta(days=1), None, "both the day and the time"),
])
def test_a_bad_call_back_is_refused_and_nothing_saved(session, people, day, at, message):
    agent, _, debtor, account, _ = people
    with pytest.raises(CheckInValidationError, match=message):
        checkins.log_checkin(session, actor=agent, now=NOW, data=call(
            debtor, account, NOW, outcome="spoke", callback_on=day, callback_time=at))
    assert (rows(session, CheckIn), rows(session, FollowUp)) == (0, 0)


def test_opting_out_of_texts_in_a_check_in_keeps_its_follow_up_off_texts(session, people):
    agent, _, debtor, account, _ = people
    debtor.preferred_channel = "sms"
    # When Ann, who prefers texts, asks us to stop texting her and prefers email now... but
    # the agent leaves the suggested follow-up channel as it is
    checkins.log_checkin(session, actor=agent, now=NOW, data=call(
        debtor, account, NOW, outcome="spoke", stop_channels=["sms"], preferred_channel="email",
        create_followup=True))
    # Then the follow-up it creates is not by text
    followup = session.exec(select(FollowUp)).one()
    assert followup.channel != "sms"
    assert "sms" in debtor.opted_out


# ---------------------------------------------------------------- adjustments


def window(**fields) -> AdjustmentInput:
    values = {"kind": "unavailable", "reason": "Keeps the Sabbath", "consent": True,
              "review_on": TODAY + timedelta(days=90), "start_day": 4,
              "start_time": time(18, 0), "end_day": 5, "end_time": time(18, 0)}
    values.update(fields)
    return AdjustmentInput(**values)


def test_an_unavailable_window_binds_the_rules_and_moves_the_suggestion(session, people):
    agent, _, debtor, account, _ = people
    # Given Ann told us: no contact Friday 08:00 to Saturday 18:00
    adjustments.add_adjustment(session, actor=agent, now=NOW,
                               data=window(debtor_id=debtor.id, start_time=time(8, 0)))
    # Then on Saturday at 11:00 nothing but a letter is allowed, naming the window
    saturday = datetime(2026, 3, 14, 11, 0, tzinfo=UTC)
    verdicts = {v.channel: v for v in queries.contact_verdicts(
        session, debtor=debtor, account_id=account.id, at=saturday)}
    assert not verdicts["phone"].allowed and verdicts["letter"].allowed
    assert "Friday 08:00 to Saturday 18:00" in " ".join(verdicts["email"].reasons)
    # And a follow-up that would fall on Friday moves to Saturday, when 18:00-21:00 is free
    thursday = datetime(2026, 3, 12, 11, 0, tzinfo=UTC)
    suggestion = queries.suggest_for(session, debtor_id=debtor.id, account_id=account.id,
                                     outcome="wrong_number", at=thursday)
    assert suggestion.due_on == date(2026, 3, 14)
    assert "moved past a time they are unavailable" in suggestion.why
    card = before_contact_card(session, actor=agent, debtor_id=debtor.id,
                               account_id=account.id, now=NOW)
    assert card.adjustments[0].text.startswith("Not available Friday 08:00 to Saturday 18:00")


def test_channel_only_and_extra_time_bind_naming_the_adjustment(session, people):
    agent, _, debtor, account, _ = people
    base = {"debtor_id": debtor.id, "reason": "Finds calls distressing", "consent": True,
            "review_on": TODAY + timedelta(days=90)}
    adjustments.add_adjustment(session, actor=agent, now=NOW, data=AdjustmentInput(
        kind="channel_only", channels=["letter"], **base))
    adjustments.add_adjustment(session, actor=agent, now=NOW, data=AdjustmentInput(
        kind="extra_time", extra_days=7, **base))
    phone = {v.channel: v for v in queries.contact_verdicts(
        session, debtor=debtor, account_id=account.id, at=NOW)}["phone"]
    assert "We agreed to contact them only by letter (adjustment: channel only)." in phone.reasons
    suggestion = queries.suggest_for(session, debtor_id=debtor.id, account_id=account.id,
                                     outcome="message_sent", channel="letter", at=NOW)
    assert suggestion.due_on == TODAY + timedelta(days=7 + 7)
    assert suggestion.channel == "letter"


def test_a_window_ending_before_it_starts_wraps_the_week_and_is_allowed(session, people):
    agent, _, debtor, _, _ = people
    row = adjustments.add_adjustment(session, actor=agent, now=NOW, data=window(
        debtor_id=debtor.id, start_day=4, start_time=time(18, 0), end_day=4,
        end_time=time(8, 0)))
    assert adjustments.describe(row) == ("Not available Friday 18:00 to Friday 08:00 "
                                         "(their time)")


@pytest.mark.parametrize(("fields", "message"), [
    ({"consent": False}, "only with their consent"),
    ({"reason": ""}, "Say why"),
    ({"review_on": None}, "when to review"),
    ({"end_time": time(18, 0), "end_day": 4}, "cannot end when it starts"),
    ({"kind": "channel_only"}, "Choose the channel"),
    ({"kind": "helper_present"}, "helper's name"),
])
def test_bad_adjustments_are_refused_and_nothing_saved(session, people, fields, message):
    agent, _, debtor, _, _ = people
    with pytest.raises(UserError, match=message):
        adjustments.add_adjustment(session, actor=agent, now=NOW,
                                   data=window(debtor_id=debtor.id, **fields))
    assert rows(session, Adjustment) == 0


def test_contact_now_says_why_not_and_from_when_later_today(session, people):
    agent, _, debtor, account, _ = people
    other = make_debtor(session, agent, contact_window_start=time(14, 0),
                        contact_window_end=time(20, 0))
    held = make_debtor(session, agent)
    make_hold(session, make_account(session, held), "dispute")
    found = queries.contact_now(session, debtor_ids=[debtor.id, other.id, held.id], at=NOW)
    assert found[debtor.id].allowed and found[debtor.id].reason == "Can contact now."
    assert not found[other.id].allowed
    assert found[other.id].later_today == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert found[held.id].on_hold and found[held.id].later_today is None


# ---------------------------------------------------------------- plain language, corrections


def test_mark_as_sent_above_grade_six_or_with_jargon_needs_a_reason(session, people):
    agent, _, debtor, account, _ = people
    text = "Your arrears are outstanding."
    with pytest.raises(UserError, match="not plain yet"):
        checkins.mark_draft_sent(session, actor=agent, debtor_id=debtor.id,
                                 account_id=account.id, channel="letter", text=text, now=NOW)
    assert rows(session, CheckIn) == 0
    sent = checkins.mark_draft_sent(session, actor=agent, debtor_id=debtor.id,
                                    account_id=account.id, channel="letter", text=text, now=NOW,
                                    plain_language_reason="A legal notice")
    assert sent.jargon == "arrears" and sent.reading_grade is not None
    line = queries.recent_checkins(session, debtor_id=debtor.id)[0].text
    assert "reading grade" in line and "jargon: arrears" in line


def test_correcting_no_answer_to_spoke_starts_the_seven_day_pause(session, people):
    agent, _, debtor, account, _ = people
    # Given an unanswered call logged yesterday, and a call today allowed because of it
    first = checkins.log_checkin(session, actor=agent, now=NOW - timedelta(days=1),
                                 data=call(debtor, account, NOW - timedelta(days=1)))
    assert {v.channel: v for v in queries.contact_verdicts(
        session, debtor=debtor, account_id=account.id, at=NOW)}["phone"].allowed
    # When it is corrected to "spoke with them"
    amend_checkin(session, actor=agent, checkin_id=first.id, field="outcome",
                           new_value="spoke", reason="We did talk; I ticked the wrong box")
    # Then a call today is refused by the 7-day pause, and the timeline keeps the original
    phone = {v.channel: v for v in queries.contact_verdicts(
        session, debtor=debtor, account_id=account.id, at=NOW)}["phone"]
    assert not phone.allowed and "7-day rule" in " ".join(phone.reasons)
    assert session.get(CheckIn, first.id).outcome == "no_answer"


def test_a_corrected_wellbeing_is_charted_at_its_new_value(session, people):
    agent, _, debtor, account, _ = people
    first = make_checkin(session, debtor, agent, account=account, wellbeing=2,
                         at=NOW - timedelta(days=2))
    make_checkin(session, debtor, agent, account=account, at=NOW - timedelta(days=1))
    second = make_checkin(session, debtor, agent, account=account, at=NOW)
    amend_checkin(session, actor=agent, checkin_id=first.id, field="wellbeing",
                           new_value="4", reason="Misheard")
    amend_checkin(session, actor=agent, checkin_id=second.id, field="wellbeing",
                           new_value="3", reason="Asked at the end")
    assert [p.wellbeing for p in queries.wellbeing_points(session, debtor_id=debtor.id)] == [4, 3]


def test_a_draft_greets_someone_addressed_by_title_with_title_and_surname(session, people):
    agent, _, debtor, account, _ = people
    debtor.preferred_name = "Mr Kamiński"
    text = queries.draft_for(session, actor=agent, debtor_id=debtor.id, account_id=account.id,
                             template="checkin", channel="sms")
    assert text.startswith("Hi Mr Kamiński,")
