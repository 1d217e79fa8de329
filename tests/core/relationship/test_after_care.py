"""After-care: the paid-in-full draft, the one-time opt-in, two check-ins that are care, not
load, withdrawal, the contact rules, the small business's note, and goodwill."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.errors import UserError
from core.followups import backlog, doable, queries, standup
from core.followups.views import NOT_TODAY, BacklogFilter
from core.plain_language import TARGET_GRADE, plain_language_report
from core.relationship import queries as rq
from core.relationship import service, texts
from core.relationship.models import AfterCare, Goodwill
from core.store.models import FollowUp
from core.vocabulary import FollowUpReason, FollowUpStatus
from tests.factories import (
    make_account,
    make_active_plan,
    make_debtor,
    make_followup,
    make_hold,
    make_office,
    make_paid_account,
)

LONDON = ZoneInfo("Europe/London")
PAID_ON = date(2026, 5, 1)
CONSENT = date(2026, 5, 4)


def _care(session) -> list[FollowUp]:
    session.expire_all()
    return list(session.execute(select(FollowUp).where(
        FollowUp.reason == FollowUpReason.AFTER_CARE).order_by(FollowUp.due_on)).scalars())


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def paid(session):
    """Ann's debtor Sam, whose account was paid in full on 1 May 2026."""
    o = make_office(session)
    o.debtor = make_debtor(session, o.ann, name="Sam Lee", preferred_name="Sam")
    o.account = make_paid_account(session, o.debtor, 240_000, paid_on=PAID_ON,
                                  creditor="Northwind Energy")
    session.commit()
    return o


def test_a_plan_paid_in_full_shows_a_plain_draft_with_the_debt_free_date(session):
    # Given Ann's debtor on a plan of three £50 instalments
    from core.payment_plans import service as pp

    o = make_office(session)
    debtor = make_debtor(session, o.ann, preferred_name="Sam")
    account = make_account(session, debtor, 15_000)
    make_active_plan(session, o.ann, account)
    # When the last money arrives and the plan completes
    pp.record_payment(session, actor=o.ann, account_id=account.id, amount_cents=15_000,
                      received_on=date(2027, 3, 1), today=date(2027, 3, 1))
    session.commit()
    # Then the profile offers a "paid in full" draft with the date, a thank-you, plain words
    view = rq.relationship(session, debtor_id=debtor.id)
    [shown] = view.paid
    assert shown.account_id == account.id and shown.debt_free_on == date(2027, 3, 1)
    assert "debt-free since 1 March 2027" in shown.draft and "Thank you" in shown.draft
    report = plain_language_report(shown.draft)
    assert report.grade <= TARGET_GRADE and not report.jargon and shown.grade_ok
    assert shown.after_care is None and shown.standing_note == ""


def test_consent_adds_two_check_ins_at_30_and_90_days_that_never_mention_money(session, paid):
    # When Ann records that Sam said yes on 4 May
    service.record_after_care(session, actor=paid.ann, account_id=paid.account.id,
                              consented=True, consent_on=CONSENT, today=CONSENT)
    session.commit()
    # Then two after-care follow-ups are Ann's, 30 and 90 days on, with no money word
    care = _care(session)
    assert [f.due_on for f in care] == [CONSENT + timedelta(days=30),
                                        CONSENT + timedelta(days=90)]
    assert {f.owner_id for f in care} == {paid.ann.id}
    assert {f.account_id for f in care} == {paid.account.id}
    assert all(texts.money_words(f.note) == [] for f in care)
    for days in texts.AFTER_CARE_DAYS:
        message = texts.after_care_message(first_name="Sam", agent_name="Ann", days=days)
        assert texts.money_words(message) == []
        assert plain_language_report(message).ok
    # And the profile shows the consent with its date and the two check-ins
    [shown] = rq.relationship(session, debtor_id=paid.debtor.id).paid
    assert shown.after_care.active and shown.after_care.consent_on == CONSENT
    assert [c.due_on for c in shown.after_care.checkins] == [f.due_on for f in care]


def test_after_care_is_never_load_overdue_work_or_backlog(session, paid):
    # Given Sam's two after-care check-ins, and one ordinary call-back of Ann's
    service.record_after_care(session, actor=paid.ann, account_id=paid.account.id,
                              consented=True, consent_on=CONSENT, today=CONSENT)
    other = make_debtor(session, paid.ann)
    make_followup(session, other, paid.ann, CONSENT)
    session.commit()
    # When it is 100 days later: both check-ins are past their dates
    today = CONSENT + timedelta(days=100)
    # Then every count sees only the call-back
    summary = backlog.bucket_summary(session, today=today)
    assert summary.total.total == 1 and summary.total.overdue == 1
    day = queries.my_day(session, user_id=paid.ann.id, today=today)
    assert (day.overdue_count, day.due_today_count, day.on_hold_count) == (1, 0, 0)
    assert [r.reason for r in day.overdue] == [FollowUpReason.CALL_BACK]
    ann = next(a for a in standup.agent_days(session, day=today - timedelta(days=1),
                                               today=today, zone=LONDON)
               if a.agent_id == paid.ann.id)
    assert (ann.due_today, ann.overdue, ann.overdue_7plus) == (0, 1, 1)
    report = standup.standup_report(session, today=today, zone=LONDON)
    assert report.overdue_7plus_count == 1 and report.total.overdue == 1
    assert backlog.backlog_page(session, today=today).total == 1
    # And they are listed apart, as care, when asked for by name or on My day
    asked = backlog.backlog_page(session, today=today,
                                 filters=BacklogFilter(reason=FollowUpReason.AFTER_CARE))
    assert asked.total == 2
    care = rq.care_due(session, user_id=paid.ann.id, today=today,
                       at=datetime(2026, 8, 12, 10, tzinfo=UTC))
    assert len(care) == 2
    assert [texts.money_words(c.draft) for c in care] == [[], []]
    assert "a month since" in care[0].draft and "a few months since" in care[1].draft


def test_the_stand_up_says_how_much_after_care_is_due_today(session, paid):
    service.record_after_care(session, actor=paid.ann, account_id=paid.account.id,
                              consented=True, consent_on=CONSENT, today=CONSENT)
    session.commit()
    first = CONSENT + timedelta(days=30)
    assert rq.after_care_due_today(session, today=first) == 1
    assert rq.after_care_due_today(session, today=first, team_id=paid.north.id) == 1
    assert rq.after_care_due_today(session, today=first, team_id=paid.south.id) == 0
    assert rq.after_care_due_today(session, today=first + timedelta(days=1)) == 0


def test_withdrawing_consent_cancels_the_check_ins_at_once(session, paid):
    # Given Sam agreed to after-care
    care = service.record_after_care(session, actor=paid.ann, account_id=paid.account.id,
                                     consented=True, consent_on=CONSENT, today=CONSENT)
    session.commit()
    # When Sam withdraws it
    cancelled = service.withdraw_after_care(session, actor=paid.ann, after_care_id=care.id,
                                            expected_version=care.version)
    session.commit()
    # Then both check-ins are cancelled and the profile says consent was withdrawn
    assert cancelled == 2
    assert {f.status for f in _care(session)} == {FollowUpStatus.CANCELLED}
    [shown] = rq.relationship(session, debtor_id=paid.debtor.id).paid
    assert shown.after_care.withdrawn_at is not None and not shown.after_care.active
    # And withdrawing again is refused in a sentence
    with pytest.raises(UserError, match="already withdrawn"):
        service.withdraw_after_care(session, actor=paid.ann, after_care_id=care.id,
                                    expected_version=session.get(AfterCare, care.id).version)


@pytest.mark.parametrize("consent_on,message", [
    (None, "only recorded with its date"),
    ("2026-05-04", "only recorded with its date"),
    (datetime(2026, 5, 4, 10, tzinfo=UTC), "only recorded with its date"),
    (CONSENT + timedelta(days=1), "can't be in the future"),
])
def test_consent_without_a_proper_date_is_refused_and_nothing_is_written(session, paid,
                                                                         consent_on, message):
    with pytest.raises(UserError, match=message):
        service.record_after_care(session, actor=paid.ann, account_id=paid.account.id,
                                  consented=True, consent_on=consent_on, today=CONSENT)
    session.rollback()
    assert _count(session, AfterCare) == 0 and _care(session) == []


def test_after_care_is_offered_once_and_only_on_a_paid_account(session, paid):
    # Given Sam said no thanks
    service.record_after_care(session, actor=paid.ann, account_id=paid.account.id,
                              consented=False, consent_on=CONSENT, today=CONSENT)
    session.commit()
    # Then nothing is arranged, and the offer is not made again
    assert _care(session) == []
    with pytest.raises(UserError, match="offered once"):
        service.record_after_care(session, actor=paid.ann, account_id=paid.account.id,
                                  consented=True, consent_on=CONSENT, today=CONSENT)
    session.rollback()
    # And an account with money left to pay is not offered after-care
    owing = make_account(session, paid.debtor, 5_000)
    with pytest.raises(UserError, match="paid in full"):
        service.record_after_care(session, actor=paid.ann, account_id=owing.id,
                                  consented=True, consent_on=CONSENT, today=CONSENT)


def test_the_contact_rules_still_apply_to_after_care(session):
    # Given a debtor who prefers the phone but opted out of it, paid up, agreeing to after-care
    o = make_office(session)
    debtor = make_debtor(session, o.ann, preferred_channel="phone", opted_out="phone")
    account = make_paid_account(session, debtor, paid_on=PAID_ON)
    service.record_after_care(session, actor=o.ann, account_id=account.id, consented=True,
                              consent_on=CONSENT, today=CONSENT)
    # Then the check-ins are not by phone
    assert {f.channel for f in _care(session)} == {"sms"}
    # When a dispute is then put on the account
    make_hold(session, account, "dispute")
    session.commit()
    # Then on the day a check-in is due it can't be done: the hold says why
    today = CONSENT + timedelta(days=30)
    [due] = rq.care_due(session, user_id=o.ann.id, today=today,
                        at=datetime(2026, 6, 3, 11, tzinfo=UTC))
    assert due.item.group == NOT_TODAY and due.item.kind == "hold"
    assert doable.kind_of(due.item.why) == "hold"


def test_someone_who_opted_out_of_every_channel_gets_no_check_ins(session):
    o = make_office(session)
    debtor = make_debtor(session, o.ann, opted_out="phone,sms,email,video,letter")
    account = make_paid_account(session, debtor, paid_on=PAID_ON)
    with pytest.raises(UserError, match="any channel"):
        service.record_after_care(session, actor=o.ann, account_id=account.id, consented=True,
                                  consent_on=CONSENT, today=CONSENT)
    session.rollback()
    assert _count(session, AfterCare) == 0


def test_a_small_business_gets_a_back_in_good_standing_note_for_the_creditor(session):
    o = make_office(session)
    shop = make_debtor(session, o.ann, kind="business", name="Corner Shop Ltd")
    account = make_paid_account(session, shop, paid_on=PAID_ON, creditor="Contoso Supplies")
    session.commit()
    [shown] = rq.relationship(session, debtor_id=shop.id).paid
    assert shown.standing_note.startswith("To Contoso Supplies: Corner Shop Ltd")
    assert account.reference in shown.standing_note and "good standing" in shown.standing_note


# ---------------------------------------------------------------- goodwill


def test_goodwill_is_kept_with_who_and_when(session, paid):
    service.add_goodwill(session, actor=paid.ann, debtor_id=paid.debtor.id, kind="referral",
                         note="Sent her brother to us for help.", happened_on=date(2026, 6, 1),
                         today=date(2026, 6, 2))
    service.add_goodwill(session, actor=paid.bob, debtor_id=paid.debtor.id, kind="thanks",
                         note="A thank-you card.", happened_on=date(2026, 6, 2),
                         today=date(2026, 6, 2))
    session.commit()
    shown = rq.relationship(session, debtor_id=paid.debtor.id).goodwill
    assert [(g.label, g.recorded_by, g.happened_on) for g in shown] == [
        ("Thanks received", paid.bob.display_name, date(2026, 6, 2)),
        ("Referral", paid.ann.display_name, date(2026, 6, 1))]


@pytest.mark.parametrize("kind,note,on,message", [
    ("referral", "   ", date(2026, 6, 1), "note is empty"),
    ("gift", "A cake", date(2026, 6, 1), "what kind of goodwill"),
    ("thanks", "A card", None, "which day"),
    ("thanks", "A card", date(2026, 6, 3), "future"),
])
def test_goodwill_bad_input_is_refused_and_nothing_is_written(session, paid, kind, note, on,
                                                              message):
    with pytest.raises(UserError, match=message):
        service.add_goodwill(session, actor=paid.ann, debtor_id=paid.debtor.id, kind=kind,
                             note=note, happened_on=on, today=date(2026, 6, 2))
    session.rollback()
    assert _count(session, Goodwill) == 0


def test_an_inactive_user_can_record_nothing(session, paid):
    with pytest.raises(PermissionError):
        service.record_after_care(session, actor=paid.gone, account_id=paid.account.id,
                                  consented=True, consent_on=CONSENT, today=CONSENT)
    with pytest.raises(PermissionError):
        service.add_goodwill(session, actor=paid.gone, debtor_id=paid.debtor.id, kind="thanks",
                             note="A card", happened_on=CONSENT, today=CONSENT)


def test_a_reversed_payment_that_reopens_the_account_ends_its_after_care(engine, session):
    # Given an account cleared by its plan, with after-care agreed
    from core import daily
    from core.payment_plans import service as pp

    o = make_office(session)
    debtor = make_debtor(session, o.ann)
    account = make_account(session, debtor, 15_000)
    make_active_plan(session, o.ann, account)
    paid_on = date(2027, 3, 1)
    payment = pp.record_payment(session, actor=o.ann, account_id=account.id,
                                amount_cents=15_000, received_on=paid_on, today=paid_on)
    service.record_after_care(session, actor=o.ann, account_id=account.id, consented=True,
                              consent_on=paid_on, today=paid_on)
    session.commit()
    # When the payment bounces and the account owes again, and the daily rules run
    pp.reverse_payment(session, actor=o.lead, payment_id=payment.id, reason="Bounced",
                       today=paid_on + timedelta(days=2))
    session.commit()
    report = daily.run(engine, today=paid_on + timedelta(days=2))
    # Then its after-care check-ins are cancelled, and the profile no longer offers after-care
    assert report.counts["care_ended"] == 2
    assert {f.status for f in _care(session)} == {FollowUpStatus.CANCELLED}
    assert rq.relationship(session, debtor_id=debtor.id).paid == ()


@pytest.mark.parametrize(("preferred", "hello"), [("Ms King", "Hi Ms King,"),
                                                  ("Dr. Okafor", "Hi Dr. Okafor,"),
                                                  ("Beth", "Hi Beth,"), (None, "Hi Elizabeth,")])
def test_the_paid_in_full_draft_greets_them_as_they_asked(session, preferred, hello):
    # Given a debtor who asked to be called by a title and surname (or not)
    o = make_office(session)
    debtor = make_debtor(session, o.ann, name="Elizabeth King", preferred_name=preferred)
    make_paid_account(session, debtor, 50_000, paid_on=PAID_ON)
    session.commit()
    # When the profile draws the "paid in full" draft
    [shown] = rq.relationship(session, debtor_id=debtor.id).paid
    # Then it greets them by that whole name, never by the title alone ("Hi Ms,")
    assert shown.draft.startswith(hello)
