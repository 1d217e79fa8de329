"""Check-ins: logging structured care, the guards, amendments, drafts and the card."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.checkins import queries, rules
from core.checkins import service as checkins
from core.checkins.amendments import amend_checkin
from core.checkins.card import before_contact_card
from core.checkins.charts import wellbeing_chart
from core.checkins.service import CheckInInput, CheckInValidationError
from core.debtors import queries as debtors
from core.errors import FieldErrors
from core.store.models import (
    AuditEvent,
    CheckIn,
    CheckInAmendment,
    Debtor,
    FollowUp,
    PromiseToPay,
    Vulnerability,
)
from tests.factories import (
    make_account,
    make_checkin,
    make_debtor,
    make_followup,
    make_hold,
    make_plan,
    make_user,
)

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 11:00 in London (GMT), a Tuesday
TODAY = date(2026, 3, 10)
COUNTED = (CheckIn, FollowUp, PromiseToPay, Vulnerability, CheckInAmendment, AuditEvent)


def counts(session) -> dict[str, int]:
    """How many rows each table a check-in writes to holds."""
    return {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m in COUNTED}


@pytest.fixture
def people(session):
    """An agent who owns a debtor with one account, and a lead."""
    agent = make_user(session, "agent")
    lead = make_user(session, "lead")
    debtor = make_debtor(session, agent, name="Ann Lee", preferred_name="Ann")
    account = make_account(session, debtor, 50_000, last_activity_at=NOW - timedelta(days=30))
    session.commit()
    return agent, lead, debtor, account


def base(debtor, account, **fields) -> CheckInInput:
    """A plain outbound phone conversation at NOW, plus `fields`."""
    values = {"debtor_id": debtor.id, "account_id": account.id, "channel": "phone",
              "direction": "outbound", "outcome": "spoke", "right_party": True, "at": NOW,
              "wellbeing": 3}
    values.update(fields)
    return CheckInInput(**values)


def test_a_check_in_with_a_promise_creates_the_promise_and_the_follow_up(session, people):
    agent, _, debtor, account = people
    # Given a conversation where Ann promises £40 by the 20th
    data = base(debtor, account, promise_amount_cents=4_000, promise_due_on=date(2026, 3, 20),
                next_step="Ann pays £40 on the 20th")
    # When it is logged
    checkin = checkins.log_checkin(session, actor=agent, data=data, now=NOW)
    session.commit()
    # Then the check-in, the promise and a follow-up the day after the promise exist
    promise = session.exec(select(PromiseToPay)).one()
    assert (promise.amount_cents, promise.due_on, promise.checkin_id) == (4_000,
                                                                         date(2026, 3, 20),
                                                                         checkin.id)
    followup = session.exec(select(FollowUp)).one()
    assert followup.due_on == date(2026, 3, 21)
    assert followup.reason == "promise_check"
    assert followup.owner_id == agent.id
    assert followup.checkin_id == checkin.id
    assert followup.note == "Ann pays £40 on the 20th"
    # And the account's last activity moved, and each change is audited
    session.refresh(account)
    assert account.last_activity_at == NOW
    actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["checkin.create", "promise.create", "followup.create"]


def test_the_agent_may_choose_the_follow_up_date_channel_and_reason(session, people):
    agent, _, debtor, account = people
    data = base(debtor, account, followup_on=date(2026, 3, 12), followup_channel="email",
                followup_reason="call_back", followup_note="Send the I&E form")
    checkins.log_checkin(session, actor=agent, data=data, now=NOW)
    followup = session.exec(select(FollowUp)).one()
    assert (followup.due_on, followup.channel, followup.reason, followup.note) == (
        date(2026, 3, 12), "email", "call_back", "Send the I&E form")


def test_an_opt_out_from_a_check_in_persists_and_guards_the_next_contact(session, people,
                                                                         engine):
    agent, _, debtor, account = people
    # Given Ann says "please don't text me"
    checkins.log_checkin(session, actor=agent, data=base(debtor, account, stop_channels=["sms"]),
                         now=NOW)
    session.commit()
    # Then her opt-out is saved at once
    from core.store.db import read_session

    with read_session(engine) as fresh:
        assert fresh.get(Debtor, debtor.id).opted_out == "sms"
    # And a text to her later is against the rules and needs a written reason
    text = base(debtor, account, channel="sms", outcome="message_sent",
                at=NOW + timedelta(hours=2))
    with pytest.raises(CheckInValidationError) as caught:
        checkins.log_checkin(session, actor=agent, data=text, now=NOW + timedelta(hours=2))
    assert "They asked us not to use sms." in caught.value.errors["rule_override_reason"]


def test_stopping_the_preferred_channel_asks_for_a_new_one(session, people):
    agent, _, debtor, account = people
    debtor.preferred_channel = "sms"
    session.add(debtor)
    session.commit()
    with pytest.raises(CheckInValidationError) as caught:
        checkins.log_checkin(session, actor=agent,
                             data=base(debtor, account, stop_channels=["sms"]), now=NOW)
    assert "choose a new preferred channel" in caught.value.errors["preferred_channel"]
    session.rollback()
    checkins.log_checkin(session, actor=agent, data=base(
        debtor, account, stop_channels=["sms"], preferred_channel="email"), now=NOW)
    session.commit()
    session.refresh(debtor)
    assert (debtor.opted_out, debtor.preferred_channel) == ("sms", "email")


def test_vulnerability_details_are_refused_without_consent_and_nothing_is_saved(session,
                                                                                people):
    agent, _, debtor, account = people
    before = counts(session)
    # Given an agent recording a health vulnerability without ticking consent
    data = base(debtor, account, vulnerability_drivers=["health"], impact="Anxiety on calls",
                consent_given=False)
    # When they log it
    with pytest.raises(CheckInValidationError) as caught:
        checkins.log_checkin(session, actor=agent, data=data, now=NOW)
    session.rollback()
    # Then it is refused with a plain message by the field, and nothing at all was saved
    assert "explicit consent" in caught.value.errors["vulnerability_drivers"]
    assert counts(session) == before
    assert session.get(Debtor, debtor.id).vulnerable is False


def test_vulnerability_with_consent_is_recorded_and_reading_details_is_audited(session, people):
    agent, _, debtor, account = people
    data = base(debtor, account, consent_given=True, vulnerability_drivers=["health",
                                                                            "life_events"],
                impact="Anxiety on calls", assistance="Prefers email first",
                life_changes=["bereavement"], signposting=["mental_health"])
    checkin = checkins.log_checkin(session, actor=agent, data=data, now=NOW)
    session.commit()
    rows = session.exec(select(Vulnerability).order_by(Vulnerability.driver)).all()
    assert [(v.driver, v.impact, v.checkin_id) for v in rows] == [
        ("health", "Anxiety on calls", checkin.id), ("life_events", "Anxiety on calls",
                                                     checkin.id)]
    assert session.get(Debtor, debtor.id).vulnerable is True
    # Hardship (a bereavement) → the follow-up is within a week
    assert session.exec(select(FollowUp.due_on)).one() == TODAY + timedelta(days=3)
    # The audit of the creation holds no details
    created = session.exec(select(AuditEvent).where(
        AuditEvent.action == "vulnerability.create")).all()
    assert all("Anxiety" not in e.after_json for e in created)
    # Reading the profile without details writes nothing; with details it is audited
    profile = debtors.get_profile(session, actor=agent, debtor_id=debtor.id)
    assert [v.label for v in profile.vulnerabilities] == ["Health", "Life events"]
    assert profile.vulnerabilities[0].impact is None
    detailed = debtors.get_profile(session, actor=agent, debtor_id=debtor.id,
                                   vulnerability_details=True)
    assert detailed.vulnerabilities[0].impact == "Anxiety on calls"
    reads = session.exec(select(AuditEvent).where(AuditEvent.action == "vulnerability.read")
                         ).all()
    assert len(reads) == 1 and reads[0].actor_id == agent.id


def test_amendments_keep_the_original(session, people):
    agent, lead, debtor, account = people
    checkin = checkins.log_checkin(session, actor=agent, data=base(
        debtor, account, notes="Said she'd pay Friday"), now=NOW)
    session.commit()
    # When the agent corrects the notes, and a lead corrects them again
    amend_checkin(session, actor=agent, checkin_id=checkin.id, field="notes",
                           new_value="Said she'd pay Monday", reason="Misheard the day")
    amend_checkin(session, actor=lead, checkin_id=checkin.id, field="notes",
                           new_value="Said she'd pay Monday 16th", reason="Added the date")
    session.commit()
    # Then the check-in still says what was first written, and each correction is kept
    session.refresh(checkin)
    assert checkin.notes == "Said she'd pay Friday"
    amendments = session.exec(select(CheckInAmendment).order_by(CheckInAmendment.id)).all()
    assert [(a.before, a.after, a.amended_by) for a in amendments] == [
        ("Said she'd pay Friday", "Said she'd pay Monday", agent.id),
        ("Said she'd pay Monday", "Said she'd pay Monday 16th", lead.id)]
    # And the timeline shows them with the check-in
    entry = next(e for e in debtors.timeline(session, debtor_id=debtor.id)
                 if e.kind == "check-in")
    assert len(entry.amendments) == 2 and "Misheard the day" in entry.amendments[0]
    # And there is no way to delete a check-in through the service
    assert not any(name.startswith("delete") for name in dir(checkins))


def test_only_the_author_or_a_lead_may_amend(session, people):
    agent, _, debtor, account = people
    other = make_user(session, "agent")
    checkin = checkins.log_checkin(session, actor=agent, data=base(debtor, account), now=NOW)
    with pytest.raises(PermissionError):
        amend_checkin(session, actor=other, checkin_id=checkin.id, field="notes",
                               new_value="x", reason="y")


@pytest.mark.parametrize("field,value,reason,key", [
    ("wellbeing", "7", "typo", "new_value"),
    ("notes", "fine", "", "reason"),
    ("colour", "red", "why not", "field"),
])
def test_bad_amendments_are_refused(session, people, field, value, reason, key):
    agent, _, debtor, account = people
    checkin = checkins.log_checkin(session, actor=agent, data=base(debtor, account), now=NOW)
    with pytest.raises(FieldErrors) as caught:
        amend_checkin(session, actor=agent, checkin_id=checkin.id, field=field,
                               new_value=value, reason=reason)
    assert key in caught.value.errors
    assert session.exec(select(func.count()).select_from(CheckInAmendment)).one() == 0


def test_a_refused_outbound_contact_needs_a_reason_and_is_flagged(session, people):
    agent, _, debtor, account = people
    # Given a call at 22:00 London time (after the 21:00 limit)
    late = datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
    data = base(debtor, account, at=late, outcome="no_answer", wellbeing=None)
    before = counts(session)
    # When it is logged without a reason, it is refused with the rule explained
    with pytest.raises(CheckInValidationError) as caught:
        checkins.log_checkin(session, actor=agent, data=data, now=late)
    session.rollback()
    assert "contact is allowed from 08:00 to 21:00" in caught.value.errors["rule_override_reason"]
    assert counts(session) == before
    # When the agent writes why it was needed
    data.rule_override_reason = "Ann asked us to call after her night shift"
    checkin = checkins.log_checkin(session, actor=agent, data=data, now=late)
    session.commit()
    # Then it is saved with the reason, and its audit event is flagged for a lead
    assert checkin.rule_override_reason == "Ann asked us to call after her night shift"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "checkin.create")).one()
    assert event.flagged is True
    assert "21:00" in json.loads(event.after_json)["rules_broken"][0]


def test_the_call_limit_and_holds_are_guarded_but_inbound_contacts_are_not(session, people):
    agent, _, debtor, account = people
    # Given 7 call attempts in the last 7 days
    for day in range(7):
        make_checkin(session, debtor, agent, account=account, outcome="no_answer",
                     at=NOW - timedelta(days=day, hours=1))
    session.commit()
    data = base(debtor, account, outcome="no_answer", wellbeing=None)
    with pytest.raises(CheckInValidationError) as caught:
        checkins.log_checkin(session, actor=agent, data=data, now=NOW)
    assert "7 call attempts" in caught.value.errors["rule_override_reason"]
    session.rollback()
    # But when Ann calls us, that is logged without any reason
    inbound = base(debtor, account, direction="inbound")
    assert checkins.log_checkin(session, actor=agent, data=inbound, now=NOW).id
    # And a hold refuses every outbound channel, letters too
    make_hold(session, account, "breathing_space")
    session.commit()
    letter = base(debtor, account, channel="letter", outcome="message_sent", wellbeing=None)
    with pytest.raises(CheckInValidationError) as caught:
        checkins.log_checkin(session, actor=agent, data=letter, now=NOW)
    assert "on hold (breathing space)" in caught.value.errors["rule_override_reason"]
    session.rollback()
    # And the card says so once, for every channel
    card = before_contact_card(session, actor=agent, debtor_id=debtor.id,
                                account_id=account.id, now=NOW)
    assert rules.shared_reasons(card.verdicts) == ("The account is on hold (breathing "
                                                      "space).",)
    (phone, allowed, why), others = rules.grouped_verdicts(card.verdicts)
    assert phone == ("Phone",) and not allowed and "7 call attempts" in why[0]
    assert others == (("Text message (SMS)", "Email", "Video call", "Letter"), False, ())


LONG = "x" * 5001


@pytest.mark.parametrize("fields,key,message", [
    ({"at": NOW + timedelta(hours=1)}, "at", "can't be dated in the future"),
    ({"followup_on": TODAY - timedelta(days=1)}, "followup_on", "can't be in the past"),
    ({"wellbeing": 0}, "wellbeing", "between 1 and 5"),
    ({"wellbeing": 6}, "wellbeing", "between 1 and 5"),
    ({"promise_amount_cents": 0, "promise_due_on": date(2026, 3, 20)},
     "promise_amount_cents", "more than £0"),
    ({"promise_amount_cents": -500, "promise_due_on": date(2026, 3, 20)},
     "promise_amount_cents", "more than £0"),
    ({"promise_amount_cents": 1000, "promise_due_on": date(2026, 3, 1)},
     "promise_due_on", "can't be in the past"),
    ({"promise_amount_cents": 60_000_00, "promise_due_on": date(2026, 3, 20)},
     "promise_amount_cents", "more than what is left to pay"),
    ({"notes": LONG}, "notes", "5,001 characters"),
    ({"needs": LONG}, "needs", "keep it to 5,000"),
    ({"outcome": "vanished"}, "outcome", "Choose an outcome"),
    ({"life_changes": ["lottery_win"]}, "life_changes", "Unknown life change"),
    ({"followup_channel": "pigeon"}, "followup_channel", "Choose a channel"),
])
def test_bad_input_is_refused_by_field_and_nothing_is_saved(session, people, fields, key,
                                                            message):
    agent, _, debtor, account = people
    before = counts(session)
    with pytest.raises(CheckInValidationError) as caught:
        checkins.log_checkin(session, actor=agent, data=base(debtor, account, **fields),
                             now=NOW)
    session.rollback()
    assert message in caught.value.errors[key]
    assert counts(session) == before


def test_every_problem_is_reported_at_once(session, people):
    agent, _, debtor, account = people
    data = base(debtor, account, wellbeing=9, notes=LONG, followup_on=date(2020, 1, 1),
                promise_amount_cents=0, promise_due_on=date(2026, 3, 20))
    with pytest.raises(CheckInValidationError) as caught:
        checkins.log_checkin(session, actor=agent, data=data, now=NOW)
    assert set(caught.value.errors) == {"wellbeing", "notes", "followup_on",
                                        "promise_amount_cents"}
    assert "Wellbeing must be between 1 and 5" in str(caught.value)


def test_an_inactive_user_cannot_log(session, people):
    _, _, debtor, account = people
    gone = make_user(session, "agent", active=False)
    with pytest.raises(PermissionError):
        checkins.log_checkin(session, actor=gone, data=base(debtor, account), now=NOW)


def test_any_active_agent_may_log_but_the_follow_up_goes_to_the_owner(session, people):
    owner, _, debtor, account = people
    colleague = make_user(session, "agent")
    checkins.log_checkin(session, actor=colleague, data=base(debtor, account), now=NOW)
    assert session.exec(select(FollowUp.owner_id)).one() == owner.id


def test_answering_a_follow_up_closes_it_and_opens_the_next(session, people):
    agent, _, debtor, account = people
    due = make_followup(session, debtor, agent, TODAY, account_id=account.id)
    session.commit()
    checkin = checkins.log_checkin(session, actor=agent,
                                   data=base(debtor, account, followup_id=due.id), now=NOW)
    session.commit()
    session.refresh(due)
    assert due.status == "done"
    assert due.checkin_id == checkin.id
    statuses = session.exec(select(FollowUp.status).order_by(FollowUp.id)).all()
    assert statuses == ["done", "open"]


def test_a_colleague_covering_logs_the_contact_and_the_owners_follow_up_stays_open(session,
                                                                                  people):
    owner, _, debtor, account = people
    due = make_followup(session, debtor, owner, TODAY, account_id=account.id)
    colleague = make_user(session, "agent")
    session.commit()
    checkins.log_checkin(session, actor=colleague,
                         data=base(debtor, account, followup_id=due.id), now=NOW)
    session.commit()
    session.refresh(due)
    assert due.status == "open"
    assert session.exec(select(func.count()).select_from(CheckIn)).one() == 1


def test_a_new_plan_moves_the_follow_up_before_its_first_instalment(session, people):
    agent, _, debtor, account = people
    make_plan(session, account, first_due=date(2026, 3, 27))
    session.commit()
    checkins.log_checkin(session, actor=agent, data=base(debtor, account), now=NOW)
    followup = session.exec(select(FollowUp)).one()
    assert (followup.due_on, followup.reason) == (date(2026, 3, 25), "review_plan")


def test_marking_a_draft_sent_logs_a_message_check_in(session, people):
    agent, _, debtor, account = people
    text = queries.draft_for(session, actor=agent, debtor_id=debtor.id, account_id=account.id,
                              template="checkin", channel="sms")
    assert text.startswith("Hi Ann") and text.endswith("Reply STOP to stop texts.")
    # The agent removes the opt-out sentence; it goes back on
    edited = text.replace(" Reply STOP to stop texts.", "")
    checkin = checkins.mark_draft_sent(session, actor=agent, debtor_id=debtor.id,
                                       account_id=account.id, channel="sms", text=edited,
                                       now=NOW)
    assert (checkin.outcome, checkin.channel, checkin.direction) == ("message_sent", "sms",
                                                                     "outbound")
    assert checkin.notes.endswith("Reply STOP to stop texts.")
    assert session.exec(select(func.count()).select_from(FollowUp)).one() == 0


def test_a_draft_to_an_opted_out_channel_needs_a_reason(session, people):
    agent, _, debtor, account = people
    debtor.opted_out = "email"
    session.add(debtor)
    session.commit()
    with pytest.raises(CheckInValidationError):
        checkins.mark_draft_sent(session, actor=agent, debtor_id=debtor.id,
                                 account_id=account.id, channel="email", text="Hi", now=NOW)


def test_the_before_you_contact_card(session, people):
    agent, _, debtor, account = people
    # Given a debtor in New York with a history, an open plan and a promise
    debtor.timezone = "America/New_York"
    debtor.contact_window_start = datetime(2026, 1, 1, 8, 0).time()
    debtor.opted_out = "sms"
    session.add(debtor)
    for day, score in ((20, 2), (10, 3), (3, 4)):
        make_checkin(session, debtor, agent, account=account, wellbeing=score,
                     at=NOW - timedelta(days=day), notes=f"talk {day}")
    make_plan(session, account, first_due=date(2026, 3, 20), amount_cents=2_500)
    session.commit()
    checkins.log_checkin(session, actor=agent, data=base(
        debtor, account, direction="inbound", promise_amount_cents=4_000,
        promise_due_on=date(2026, 3, 15), at=NOW - timedelta(hours=1)), now=NOW)
    session.commit()
    # When the card is built at 11:00 UTC (07:00 in New York, before 08:00)
    card = before_contact_card(session, actor=agent, debtor_id=debtor.id,
                                account_id=account.id, now=NOW)
    # Then it has their local time and the verdict of every channel with reasons
    assert card.local_time.hour == 7
    assert card.address_as == "Ann"
    verdicts = {v.channel: v for v in card.verdicts}
    assert set(verdicts) == {"phone", "sms", "email", "video", "letter"}
    assert not verdicts["phone"].allowed
    assert any("07:00" in r for r in verdicts["phone"].reasons)
    assert any("We spoke by phone" in r for r in verdicts["phone"].reasons)
    assert "They asked us not to use sms." in verdicts["sms"].reasons
    assert verdicts["letter"].allowed
    assert rules.shared_reasons(card.verdicts) == ()
    grouped = {labels: allowed for labels, allowed, _ in rules.grouped_verdicts(card.verdicts)}
    assert grouped[("Letter",)] is True and grouped[("Phone",)] is False
    # And the last three check-ins, newest first, the wellbeing points, the plan and promise
    assert len(card.last_checkins) == 3
    assert "they contacted us" in card.last_checkins[0]
    assert [p.wellbeing for p in card.wellbeing] == [2, 3, 4, 3]
    assert "Next instalment £25.00 on Fri 20 Mar 2026" in card.plan
    assert card.promises == ("£40.00 by Sun 15 Mar 2026",)


def test_the_wellbeing_chart_is_a_line_with_points_from_1_to_5():
    points = [(datetime(2026, 3, d, tzinfo=UTC), s) for d, s in ((1, 2), (5, 4))]
    spec = wellbeing_chart(points).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "point"]
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [1, 5]
    data = next(iter(spec["datasets"].values()))
    assert [row["Wellbeing"] for row in data] == [2, 4]
