"""Which accounts a hold covers: a breathing space protects the person, a dispute one account.

One rule (core.store.holds) for the contact card, My day's counts and the daily rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.checkins import holds as hold_rules
from core.checkins.queries import contact_now
from core.followups import backlog
from core.store import settings
from core.store.holds import held_accounts
from core.store.models import FollowUp
from core.vocabulary import PERSON_WIDE_HOLDS, HoldKind
from tests.factories import make_account, make_debtor, make_followup, make_hold, make_user


def _person_with_two_accounts(session):
    agent = make_user(session, "agent")
    debtor = make_debtor(session, agent, contact_window_start=time(0, 0),
                         contact_window_end=time(23, 59), preferred_channel="email")
    first, second = make_account(session, debtor), make_account(session, debtor)
    return agent, debtor, first, second


def test_only_a_dispute_is_about_one_account():
    assert {HoldKind(k) for k in PERSON_WIDE_HOLDS} == set(HoldKind) - {HoldKind.DISPUTE}
    assert not HoldKind.DISPUTE.about_the_person and HoldKind.BREATHING_SPACE.about_the_person


@pytest.mark.parametrize("kind, covers_other", [
    (HoldKind.BREATHING_SPACE, True), (HoldKind.CEASE_COMMUNICATION, True),
    (HoldKind.DISPUTE, False)])
def test_a_hold_on_one_account_covers_the_person_unless_it_is_a_dispute(session, kind,
                                                                        covers_other):
    # Given a person with two accounts and a hold placed on the first
    agent, debtor, first, second = _person_with_two_accounts(session)
    today = settings.office_today(session)
    make_hold(session, first, kind, starts_on=today - timedelta(days=1),
              ends_on=today + timedelta(days=20), review_on=today + timedelta(days=20))
    followup = make_followup(session, debtor, agent, today - timedelta(days=2),
                             account_id=second.id, channel="email")
    session.commit()
    at = datetime.combine(today, time(12, 0), UTC)
    # When the card judges a contact about the second account, and the counts look at it
    verdict = contact_now(session, debtor_ids=[debtor.id], at=at,
                          account_ids={debtor.id: second.id})[debtor.id]
    covered = set(session.exec(held_accounts(today)).all())
    holds = hold_rules.active_holds(session, debtor_id=debtor.id, account_id=second.id,
                                    today=today)
    [waiting] = session.exec(backlog.rows_select([FollowUp.id == followup.id], today)).all()
    # Then a breathing space (or a request to stop) pauses contact about every account of theirs,
    # and a dispute pauses only the disputed one
    assert verdict.on_hold is covers_other
    assert verdict.allowed is not covers_other
    assert (second.id in covered) is covers_other and first.id in covered
    assert bool(holds) is covers_other
    assert hold_rules.on_hold(session, account_id=second.id, today=today) is covers_other
    assert bool(waiting.on_hold) is covers_other


def test_a_hold_that_ended_covers_nothing(session):
    agent, debtor, first, second = _person_with_two_accounts(session)
    today = settings.office_today(session)
    make_hold(session, first, HoldKind.BREATHING_SPACE, starts_on=today - timedelta(days=61),
              ends_on=today - timedelta(days=1))
    session.commit()
    assert set(session.exec(held_accounts(today)).all()) == set()
    assert hold_rules.active_holds(session, debtor_id=debtor.id, account_id=None,
                                   today=date.today() + timedelta(days=400)) == []
