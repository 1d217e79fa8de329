"""Debtors: search, the profile, one timeline, and contact preferences with a version check."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from core.checkins import service as checkins
from core.checkins.amendments import amend_checkin
from core.checkins.service import CheckInInput
from core.debtors import queries as debtors
from core.debtors import service as debtor_service
from core.errors import FieldErrors
from core.store.db import StaleRecordError
from core.store.models import AuditEvent, Debtor, DebtorUpdate
from tests.factories import (
    make_account,
    make_checkin,
    make_debtor,
    make_followup,
    make_hold,
    make_payment,
    make_plan,
    make_promise,
    make_user,
    make_vulnerability,
)

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)


@pytest.fixture
def team(session):
    """Two agents with a few debtors and accounts."""
    sam = make_user(session, "agent")
    kim = make_user(session, "agent")
    ann = make_debtor(session, sam, name="Ann Lee")
    make_account(session, ann, 10_000, reference="NW-1001")
    make_account(session, ann, 2_550, reference="NW-1002")
    bob = make_debtor(session, kim, name="Bob Annan")
    make_account(session, bob, 7_000, reference="ZX-2001")
    cafe = make_debtor(session, kim, name="Corner Café 100% Ltd", kind="business")
    make_account(session, cafe, 99_900, reference="BZ-3001")
    session.commit()
    return sam, kim, ann, bob, cafe


def test_search_by_name_is_case_insensitive(session, team):
    sam, _, ann, bob, _ = team
    rows = debtors.search_debtors(session, actor=sam, query="ANN")
    assert [r.name for r in rows] == ["Ann Lee", "Bob Annan"]
    first = rows[0]
    assert (first.id, first.kind, first.accounts, first.total_balance_cents) == (ann.id,
                                                                                 "person", 2,
                                                                                 12_550)
    assert sorted(first.references.split(", ")) == ["NW-1001", "NW-1002"]
    assert first.owner_name == sam.display_name


def test_search_by_account_reference_lists_all_their_accounts(session, team):
    sam, _, ann, _, _ = team
    rows = debtors.search_debtors(session, actor=sam, query="nw-1002")
    assert [r.id for r in rows] == [ann.id]
    assert rows[0].accounts == 2


def test_search_wildcards_are_literal_and_owner_filters(session, team):
    sam, kim, _, _, cafe = team
    assert [r.id for r in debtors.search_debtors(session, actor=sam, query="100%")] == [cafe.id]
    assert debtors.search_debtors(session, actor=sam, query="_") == []
    assert debtors.search_debtors(session, actor=sam, query="1%l") == []  # not "100% L"
    mine = debtors.search_debtors(session, actor=sam, query="", owner_id=kim.id)
    assert [r.name for r in mine] == ["Bob Annan", "Corner Café 100% Ltd"]
    assert len(debtors.search_debtors(session, actor=sam, query="", limit=2)) == 2
    assert [r.name for r in debtors.search_debtors(session, actor=sam, query="", limit=2,
                                                   offset=2)] == ["Corner Café 100% Ltd"]


def test_search_needs_an_active_user(session, team):
    gone = make_user(session, "agent", active=False)
    with pytest.raises(PermissionError):
        debtors.search_debtors(session, actor=gone, query="Ann")


def test_the_timeline_is_one_list_newest_first(session, team):
    sam, _, ann, _, _ = team
    account = ann_account(session, ann)
    # Given a check-in (later amended), a plan, a payment, a follow-up and a promise
    first = make_checkin(session, ann, sam, account=account, at=NOW - timedelta(days=9),
                         notes="First call")
    amend_checkin(session, actor=sam, checkin_id=first.id, field="wellbeing",
                           new_value="2", reason="Forgot to record it")
    plan = make_plan(session, account, first_due=date(2026, 3, 5))
    plan.created_at = NOW - timedelta(days=8)
    make_payment(session, account, 10_000, date(2026, 3, 6))
    followup = make_followup(session, ann, sam, date(2026, 3, 12), note="Check payment")
    followup.created_at = NOW - timedelta(days=2)
    promise = make_promise(session, account, 5_000, date(2026, 3, 20))
    promise.created_at = NOW - timedelta(days=1)
    session.add_all([plan, followup, promise])
    session.commit()
    # When the timeline is read
    entries = debtors.timeline(session, debtor_id=ann.id)
    # Then everything is in one list, newest first, and the check-in carries its amendment
    assert [e.kind for e in entries] == ["promise", "follow-up", "payment", "plan", "check-in"]
    assert entries == sorted(entries, key=lambda e: e.when, reverse=True)
    check_in = entries[-1]
    assert "First call" in check_in.detail
    assert len(check_in.amendments) == 1 and "“” → “2”" in check_in.amendments[0]
    assert "£100.00" in entries[2].title
    assert debtors.timeline(session, debtor_id=ann.id, limit=2)[-1].kind == "follow-up"


def test_the_timeline_speaks_in_labels_not_stored_values(session, team):
    sam, _, ann, _, _ = team
    account = ann_account(session, ann)
    # Given a four-weekly settlement waiting for approval, and a kept promise
    plan = make_plan(session, account, first_due=date(2026, 3, 5), frequency="four_weekly",
                     status="awaiting_approval")
    promise = make_promise(session, account, 5_000, date(2026, 3, 20))
    promise.status = "kept"
    session.add_all([plan, promise])
    session.commit()
    # When the timeline is read
    titles = {e.kind: e.title for e in debtors.timeline(session, debtor_id=ann.id)}
    # Then each shows the words people use, never the stored value
    assert "every four weeks" in titles["plan"] and "awaiting approval" in titles["plan"]
    assert "four_weekly" not in titles["plan"] and "awaiting_approval" not in titles["plan"]
    assert titles["promise"].endswith("— kept")


def ann_account(session, ann):
    """Ann's first account."""
    from core.store.models import Account

    return session.exec(select(Account).where(Account.debtor_id == ann.id)
                        .order_by(Account.reference)).first()


def test_the_profile_has_accounts_holds_plan_promises_and_consented_vulnerability(session,
                                                                                   team):
    sam, _, ann, _, _ = team
    account = ann_account(session, ann)
    make_hold(session, account, "dispute", reason="Says the bill is wrong")
    make_hold(session, account, "breathing_space", ends_on=date(2020, 2, 1))  # ended
    make_plan(session, account, first_due=date(2030, 1, 1), amount_cents=2_000)
    make_promise(session, account, 3_000, date(2030, 1, 15))
    make_vulnerability(session, ann, "health")
    make_vulnerability(session, ann, "capability", active=False)
    session.commit()
    profile = debtors.get_profile(session, actor=sam, debtor_id=ann.id)
    assert profile.debtor.name == "Ann Lee" and profile.owner_name == sam.display_name
    view = next(a for a in profile.accounts if a.id == account.id)
    assert [h.kind for h in view.holds] == ["dispute"]
    assert view.plan is not None and view.plan.next_amount_cents == 2_000
    assert view.plan.next_due == date(2030, 1, 1)
    assert [p.amount_cents for p in profile.promises] == [3_000]
    assert [v.driver for v in profile.vulnerabilities] == ["health"]
    assert profile.total_balance_cents == 12_550
    # Nothing about vulnerability was read in detail, so nothing was audited
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "vulnerability.read")
                        ).all() == []


def test_wellbeing_series_is_oldest_first(session, team):
    sam, _, ann, _, _ = team
    for days, score in ((1, 4), (5, 2), (3, None)):
        make_checkin(session, ann, sam, at=NOW - timedelta(days=days), wellbeing=score)
    session.commit()
    assert [p.wellbeing for p in debtors.wellbeing_series(session, debtor_id=ann.id)] == [2, 4]


def test_preferences_are_saved_and_audited(session, team):
    sam, _, ann, _, _ = team
    changes = DebtorUpdate(timezone="America/Chicago", preferred_channel="email",
                           opted_out="SMS, letter", contact_window_start=time(10, 0),
                           contact_window_end=time(16, 0))
    debtor_service.update_preferences(session, actor=sam, debtor_id=ann.id, expected_version=1,
                               changes=changes)
    session.commit()
    saved = session.get(Debtor, ann.id)
    assert (saved.timezone, saved.preferred_channel, saved.opted_out, saved.version) == (
        "America/Chicago", "email", "letter,sms", 2)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "debtor.update")).one()
    assert "America/Chicago" in event.after_json and "Europe/London" in event.before_json


def test_a_stale_preferences_update_is_refused(session, team):
    sam, kim, ann, _, _ = team
    # Given two agents opened Ann's profile at version 1, and Kim saved first
    debtor_service.update_preferences(session, actor=kim, debtor_id=ann.id, expected_version=1,
                               changes=DebtorUpdate(language="cy"))
    session.commit()
    # When Sam saves his change made on version 1
    with pytest.raises(StaleRecordError, match="changed by someone else"):
        debtor_service.update_preferences(session, actor=sam, debtor_id=ann.id, expected_version=1,
                                   changes=DebtorUpdate(language="fr"))
    session.rollback()
    # Then Kim's change stands
    assert session.get(Debtor, ann.id).language == "cy"


@pytest.mark.parametrize("changes,key,message", [
    ({"timezone": "Mars/Base"}, "timezone",
     "'Mars/Base' is not a real timezone; use a name like Europe/London."),
    ({"contact_window_start": time(18, 0), "contact_window_end": time(9, 0)},
     "contact_window_end", "must start before it ends"),
    ({"opted_out": "phone", "preferred_channel": "phone"}, "preferred_channel",
     "can't be their preferred channel"),
    ({"opted_out": "fax"}, "opted_out", "Unknown channel"),
    ({"communication_notes": "x" * 5001}, "communication_notes", "keep it to 5,000"),
    ({"preferred_name": "Ann \u202eeeL"}, "preferred_name", "hidden character that reverses"),
    ({"name": "Ann \u2066Lee"}, "name", "hidden character that reverses"),
])
def test_bad_preferences_are_refused_with_a_message_by_the_field(session, team, changes, key,
                                                                 message):
    sam, _, ann, _, _ = team
    with pytest.raises(FieldErrors) as caught:
        debtor_service.update_preferences(session, actor=sam, debtor_id=ann.id, expected_version=1,
                                   changes=DebtorUpdate(**changes))
    session.rollback()
    assert message in caught.value.errors[key]
    assert session.get(Debtor, ann.id).version == 1


def test_only_a_lead_may_change_the_owner(session, team):
    sam, kim, ann, _, _ = team
    with pytest.raises(PermissionError):
        debtor_service.update_preferences(session, actor=sam, debtor_id=ann.id, expected_version=1,
                                   changes=DebtorUpdate(owner_id=kim.id))
    lead = make_user(session, "lead")
    debtor_service.update_preferences(session, actor=lead, debtor_id=ann.id, expected_version=1,
                               changes=DebtorUpdate(owner_id=kim.id))
    assert session.get(Debtor, ann.id).owner_id == kim.id


def test_a_check_in_appears_on_the_timeline(session, team):
    sam, _, ann, _, _ = team
    account = ann_account(session, ann)
    checkins.log_checkin(session, actor=sam, now=NOW, data=CheckInInput(
        debtor_id=ann.id, account_id=account.id, at=NOW, wellbeing=4, notes="Doing better",
        signposting=["debt_advice"]))
    session.commit()
    kinds = [(e.kind, e.detail) for e in debtors.timeline(session, debtor_id=ann.id)]
    assert ("check-in", "Signposted: Free debt advice · Notes: Doing better") in kinds
    assert any(kind == "follow-up" for kind, _ in kinds)
