"""Follow-up services: snooze, reassign, priority, complete, create, and My day."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from core.followups import queries
from core.followups import service as followups
from core.store.db import StaleRecordError
from core.store.models import AuditEvent, Debtor, FollowUp, FollowUpCreate
from tests.factories import (
    at_utc,
    make_account,
    make_checkin_at,
    make_debtor,
    make_followup,
    make_office,
)

TODAY = date(2026, 11, 23)


def _fresh(session: Session, followup_id: int) -> FollowUp:
    # Reading `f.id` after a rollback reloads it in `session`: end that read before the other
    # session asks SQLite for its write lock.
    session.commit()
    with Session(session.get_bind()) as other:
        return other.get(FollowUp, followup_id)


def _audit(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def office(session):
    office = make_office(session)
    session.commit()
    return office


def _followup(session, owner, due=TODAY, **fields) -> FollowUp:
    f = make_followup(session, make_debtor(session, owner), owner, due, **fields)
    session.commit()
    return f


# ---------------------------------------------------------------- snooze


@pytest.mark.parametrize("new_date", [TODAY, TODAY - timedelta(days=1), date(2020, 1, 1)])
def test_snoozing_into_the_past_or_today_is_refused(session, office, new_date):
    # Given an open follow-up of Ann's
    f = _followup(session, office.ann)
    # When Ann snoozes it to today or earlier
    with pytest.raises(ValueError, match="must be after today"):
        followups.snooze_followup(session, actor=office.ann, followup_id=f.id,
                                  expected_version=1, new_date=new_date, reason="Away",
                                  today=TODAY)
    session.rollback()
    # Then nothing changed
    fresh = _fresh(session, f.id)
    assert (fresh.due_on, fresh.snooze_count, fresh.version) == (TODAY, 0, 1)


def test_snooze_moves_the_date_counts_and_keeps_the_reason(session, office):
    # Given an open follow-up snoozed once before
    f = _followup(session, office.ann, snooze_count=1)
    # When Ann snoozes it to next week with a reason
    followups.snooze_followup(session, actor=office.ann, followup_id=f.id, expected_version=1,
                              new_date=TODAY + timedelta(days=7), reason="  Off sick  ",
                              today=TODAY)
    session.commit()
    # Then the date, the count and the reason are saved, the version went up, it was audited
    fresh = _fresh(session, f.id)
    assert (fresh.due_on, fresh.snooze_count, fresh.snooze_reason, fresh.version) == (
        TODAY + timedelta(days=7), 2, "Off sick", 2)
    (event,) = _audit(session, "followup.snooze")
    assert json.loads(event.after_json)["snooze_reason"] == "Off sick"
    assert json.loads(event.before_json)["due_on"] == TODAY.isoformat()


def test_snooze_needs_a_reason(session, office):
    f = _followup(session, office.ann)
    with pytest.raises(ValueError, match="snooze reason is empty"):
        followups.snooze_followup(session, actor=office.ann, followup_id=f.id,
                                  expected_version=1, new_date=TODAY + timedelta(days=1),
                                  reason="   ", today=TODAY)


def test_snooze_with_a_stale_version_is_refused(session, office):
    # Given a follow-up a lead already changed (version 2)
    f = _followup(session, office.ann)
    followups.set_priority(session, actor=office.lead, followup_id=f.id, expected_version=1,
                           priority=1)
    session.commit()
    # When Ann snoozes it from the version she read
    with pytest.raises(StaleRecordError, match="changed by someone else"):
        followups.snooze_followup(session, actor=office.ann, followup_id=f.id,
                                  expected_version=1, new_date=TODAY + timedelta(days=2),
                                  reason="Holiday", today=TODAY)
    session.rollback()
    # Then the lead's change stands and the date did not move
    fresh = _fresh(session, f.id)
    assert (fresh.priority, fresh.due_on, fresh.version) == (1, TODAY, 2)


# ---------------------------------------------------------------- who may change what


def test_an_agent_may_not_change_someone_elses_follow_up(session, office):
    f = _followup(session, office.bob)
    with pytest.raises(PermissionError, match="your own follow-ups"):
        followups.set_priority(session, actor=office.ann, followup_id=f.id,
                               expected_version=1, priority=1)
    with pytest.raises(PermissionError):
        followups.complete_followup(session, actor=office.ann, followup_id=f.id)


def test_a_lead_may_change_their_teams_but_not_another_teams(session, office):
    north = _followup(session, office.bob)
    south = _followup(session, office.dan)
    followups.set_priority(session, actor=office.lead, followup_id=north.id,
                           expected_version=1, priority=3)
    with pytest.raises(PermissionError, match="agents in your team"):
        followups.set_priority(session, actor=office.lead, followup_id=south.id,
                               expected_version=1, priority=3)
    followups.set_priority(session, actor=office.admin, followup_id=south.id,
                           expected_version=1, priority=1)
    session.commit()
    assert (_fresh(session, north.id).priority, _fresh(session, south.id).priority) == (3, 1)


@pytest.mark.parametrize("priority", [0, 4, True])
def test_priority_must_be_one_two_or_three(session, office, priority):
    f = _followup(session, office.ann)
    with pytest.raises(ValueError, match="Priority must be 1"):
        followups.set_priority(session, actor=office.ann, followup_id=f.id,
                               expected_version=1, priority=priority)


# ---------------------------------------------------------------- reassign


def test_an_agent_reassigning_is_refused(session, office):
    f = _followup(session, office.ann)
    with pytest.raises(PermissionError):
        followups.reassign_followups(session, actor=office.ann, followup_ids=[f.id],
                                     to_agent_id=office.bob.id)
    session.rollback()
    assert _fresh(session, f.id).owner_id == office.ann.id


@pytest.mark.parametrize("target", ["inactive", "unknown", "admin"])
def test_reassigning_to_an_inactive_or_unknown_agent_changes_nothing(session, office, target):
    # Given two open follow-ups of Ann's
    first, second = _followup(session, office.ann), _followup(session, office.ann)
    to = {"inactive": office.gone.id, "unknown": 999_999, "admin": office.admin.id}[target]
    # When the lead reassigns both to an inactive, unknown or non-agent user
    with pytest.raises(ValueError, match="no longer active|doesn't exist"):
        followups.reassign_followups(session, actor=office.lead,
                                     followup_ids=[first.id, second.id], to_agent_id=to)
    session.rollback()
    # Then neither moved
    assert [(_fresh(session, f.id).owner_id, _fresh(session, f.id).version)
            for f in (first, second)] == [(office.ann.id, 1), (office.ann.id, 1)]


def test_one_bad_follow_up_stops_the_whole_reassignment(session, office):
    # Given one of Ann's and one of Dan's (another team), and one already done
    ann = _followup(session, office.ann)
    dan = _followup(session, office.dan)
    done = _followup(session, office.bob, status="done")
    # When the North lead reassigns Ann's together with Dan's, or with a done one
    with pytest.raises(PermissionError):
        followups.reassign_followups(session, actor=office.lead,
                                     followup_ids=[ann.id, dan.id], to_agent_id=office.bob.id)
    session.rollback()
    with pytest.raises(ValueError, match="already done"):
        followups.reassign_followups(session, actor=office.lead,
                                     followup_ids=[ann.id, done.id], to_agent_id=office.cat.id)
    session.rollback()
    with pytest.raises(ValueError, match="doesn't exist"):
        followups.reassign_followups(session, actor=office.lead,
                                     followup_ids=[ann.id, 424242], to_agent_id=office.cat.id)
    session.rollback()
    # Then Ann's is still Ann's
    assert _fresh(session, ann.id).owner_id == office.ann.id
    assert _audit(session, "followup.reassign") == []


def test_a_lead_reassigns_many_at_once(session, office):
    # Given three of Ann's follow-ups
    made = [_followup(session, office.ann) for _ in range(3)]
    # When the lead gives them all to Bob
    moved = followups.reassign_followups(session, actor=office.lead,
                                         followup_ids=[f.id for f in made],
                                         to_agent_id=office.bob.id, today=TODAY)
    session.commit()
    # Then all three are Bob's, each with an audit event
    assert moved == 3
    assert {_fresh(session, f.id).owner_id for f in made} == {office.bob.id}
    assert len(_audit(session, "followup.reassign")) == 3


def test_a_lead_may_not_reassign_to_another_team(session, office):
    f = _followup(session, office.ann)
    with pytest.raises(PermissionError, match="agents in your team"):
        followups.reassign_followups(session, actor=office.lead, followup_ids=[f.id],
                                     to_agent_id=office.dan.id)


def test_reassigning_nothing_is_refused(session, office):
    with pytest.raises(ValueError, match="at least one"):
        followups.reassign_followups(session, actor=office.lead, followup_ids=[],
                                     to_agent_id=office.bob.id)


# ---------------------------------------------------------------- complete and create


def test_complete_marks_done_with_the_check_in_and_twice_is_harmless(session, office):
    f = _followup(session, office.ann)
    debtor_id = f.debtor_id
    checkin = make_checkin_at(session, session.get(Debtor, debtor_id), office.ann,
                           at_utc(2026, 11, 23, 10))
    followups.complete_followup(session, actor=office.ann, followup_id=f.id,
                                checkin_id=checkin.id)
    followups.complete_followup(session, actor=office.ann, followup_id=f.id)
    session.commit()
    fresh = _fresh(session, f.id)
    assert (fresh.status, fresh.checkin_id, fresh.version) == ("done", checkin.id, 2)
    assert fresh.done_at is not None
    assert len(_audit(session, "followup.complete")) == 1


def test_completing_a_cancelled_follow_up_changes_nothing(session, office):
    f = _followup(session, office.ann, status="cancelled")
    followups.complete_followup(session, actor=office.ann, followup_id=f.id)
    session.commit()
    assert (_fresh(session, f.id).status, _fresh(session, f.id).version) == ("cancelled", 1)


def test_create_for_yourself_but_not_for_others_as_an_agent(session, office):
    debtor = make_debtor(session, office.ann)
    account = make_account(session, debtor)
    data = FollowUpCreate(debtor_id=debtor.id, account_id=account.id, owner_id=office.ann.id,
                          due_on=TODAY + timedelta(days=3), reason="review_plan", priority=1)
    made = followups.create_followup(session, actor=office.ann, data=data, today=TODAY)
    assert (made.owner_id, made.created_by, made.status) == (office.ann.id, office.ann.id, "open")
    with pytest.raises(PermissionError):
        followups.create_followup(session, actor=office.ann,
                                  data=data.model_copy(update={"owner_id": office.bob.id}),
                                  today=TODAY)
    with pytest.raises(ValueError, match="in the past"):
        followups.create_followup(session, actor=office.ann,
                                  data=data.model_copy(update={"due_on": TODAY - timedelta(1)}),
                                  today=TODAY)
    with pytest.raises(ValueError, match="no longer active"):
        followups.create_followup(session, actor=office.lead,
                                  data=data.model_copy(update={"owner_id": office.gone.id}),
                                  today=TODAY)


# ---------------------------------------------------------------- My day


def test_my_day_lists_my_overdue_and_due_today_in_priority_order(session, office):
    # Given Ann's follow-ups: two overdue, two due today, one later, and one of Bob's
    debtor = make_debtor(session, office.ann, name="Ada")
    late_low = make_followup(session, debtor, office.ann, TODAY - timedelta(days=9), priority=3)
    late_high = make_followup(session, debtor, office.ann, TODAY - timedelta(days=1), priority=1)
    today_normal = make_followup(session, debtor, office.ann, TODAY, priority=2)
    today_high = make_followup(session, debtor, office.ann, TODAY, priority=1)
    make_followup(session, debtor, office.ann, TODAY + timedelta(days=1))
    make_followup(session, debtor, office.bob, TODAY - timedelta(days=1))
    # And twelve check-ins by Ann
    for hour in range(12):
        make_checkin_at(session, debtor, office.ann, at_utc(2026, 11, 20, 8 + hour))
    session.commit()
    # When Ann's day is read
    day = queries.my_day(session, user_id=office.ann.id, today=TODAY)
    # Then overdue and due today are hers, high priority first
    assert [r.id for r in day.overdue] == [late_high.id, late_low.id]
    assert [r.id for r in day.due_today] == [today_high.id, today_normal.id]
    assert (day.overdue_count, day.due_today_count, day.shown_all) == (2, 2, True)
    assert day.high_priority_count == 2
    # And her ten most recent check-ins, newest first
    assert len(day.recent_checkins) == 10
    assert day.recent_checkins[0].at == at_utc(2026, 11, 20, 19)
    assert day.recent_checkins[0].debtor_name == "Ada"
