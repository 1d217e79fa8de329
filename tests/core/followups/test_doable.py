"""What can be done now: follow-ups grouped by the contact rules at one moment (issue 13.6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.checkins.queries import contact_verdicts
from core.checkins.views import ContactNow
from core.followups import doable, queries
from core.followups.views import LATER_TODAY, NOT_TODAY, NOW, BacklogRow
from core.store.models import Debtor, Hold
from tests.factories import (
    make_account,
    make_adjustment,
    make_checkin_at,
    make_debtor,
    make_followup,
    make_office,
)

MONDAY = date(2026, 11, 23)
TEN_AM = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)
LONDON = ZoneInfo("Europe/London")


def _row(channel: str = "phone", due_on: date = MONDAY, **fields) -> BacklogRow:
    values = dict(id=1, debtor_id=1, account_id=None, debtor_name="Ada", account_reference="",
                  owner_id=1, owner_name="Ann", team_id=None, due_on=due_on, days_overdue=0,
                  bucket="today", priority=2, reason="call_back", channel=channel,
                  snooze_count=0, snooze_reason="", note="", vulnerable=False, version=1)
    values.update(fields)
    return BacklogRow(**values)


def _verdict(*reasons: str, later: datetime | None = None, on_hold: bool = False,
             opted_out: tuple[str, ...] = (), channel: str = "phone") -> ContactNow:
    return ContactNow(debtor_id=1, channel=channel, allowed=not reasons, reasons=reasons,
                      local_time=TEN_AM.astimezone(LONDON), later_today=later, on_hold=on_hold,
                      opted_out=opted_out)


def test_allowed_now_is_can_contact_now():
    item = doable.decide(_row(), _verdict(), today=MONDAY)
    assert (item.group, item.why, item.kind) == (NOW, "", "")


def test_later_today_shows_the_time_in_their_zone():
    # Given the rules allow a call from 14:00 UTC, at 10:00, for someone in London
    item = doable.decide(_row(), _verdict("It is outside the hours they asked for (14:00–19:00 "
                                          "their time).",
                                          later=datetime(2026, 11, 23, 14, tzinfo=UTC)),
                         today=MONDAY)
    # Then later today, from 14:00 their time, because of their hours
    assert (item.group, item.from_local, item.kind) == (LATER_TODAY, "14:00", "window")


@pytest.mark.parametrize("reason,kind", [
    ("The account is on hold (breathing space).", "hold"),
    ("They asked us not to use sms.", "opt-out"),
    ("We agreed to text first to arrange a call (adjustment: text first).", "adjustment"),
    ("It is Saturday 11:00 for them (Europe/London), a time they told us is inconvenient "
     "(Fri 18:00 to Sat 18:00).", "adjustment"),
    ("It is 21:30 for them (Europe/London); contact is allowed from 08:00 to 21:00 their time.",
     "window"),
    ("We spoke by phone on 21 Nov; no calls until 28 Nov (7-day rule).", "rule"),
    ("7 call attempts already in the last 7 days (limit 7).", "rule"),
])
def test_not_today_names_the_kind_of_reason(reason, kind):
    item = doable.decide(_row(), _verdict(reason), today=MONDAY, hold_text="")
    assert (item.group, item.kind, item.why) == (NOT_TODAY, kind, reason)


def test_a_follow_up_due_later_is_not_today_with_its_date():
    item = doable.decide(_row(due_on=MONDAY + timedelta(days=3)), _verdict(), today=MONDAY)
    assert (item.group, item.kind, item.why) == (NOT_TODAY, "due", "Due Thu 26 Nov.")


def test_holds_and_opt_outs_are_shown_on_the_row():
    item = doable.decide(_row("sms"), _verdict("They asked us not to use sms.",
                                               opted_out=("sms", "email"), channel="sms"),
                         today=MONDAY, hold_text="Breathing space until 20 Jan")
    assert (item.holds, item.opted_out) == ("Breathing space until 20 Jan",
                                            "Text message (SMS), Email")


def test_my_day_groups_from_the_database_with_holds_per_row(session):
    # Given Ann's three due follow-ups: one she can call now, one on an account under a
    # breathing space, one about someone who opted out of SMS, to be texted
    o = make_office(session)
    free = make_debtor(session, o.ann, name="Free")
    held = make_debtor(session, o.ann, name="Held")
    held_account = make_account(session, held)
    session.add(Hold(account_id=held_account.id, kind="breathing_space",
                     starts_on=MONDAY - timedelta(days=3), ends_on=MONDAY + timedelta(days=40)))
    no_sms = make_debtor(session, o.ann, name="No texts", opted_out="sms")
    make_followup(session, free, o.ann, MONDAY)
    make_followup(session, held, o.ann, MONDAY - timedelta(days=2), account_id=held_account.id)
    make_followup(session, no_sms, o.ann, MONDAY, channel="sms")
    # and "Free" was called twice last week (not enough to stop a call)
    make_checkin_at(session, free, o.ann, TEN_AM - timedelta(days=3))
    session.commit()
    # When My day is read at 10:00
    day, grouped = queries.my_day_now(session, user_id=o.ann.id, today=MONDAY, at=TEN_AM)
    # Then one can be done now and two not today, each saying why
    assert [d.row.debtor_name for d in grouped.now] == ["Free"]
    assert grouped.later_today == []
    why = {d.row.debtor_name: (d.kind, d.holds) for d in grouped.not_today}
    assert why == {"Held": ("hold", "Breathing space until 02 Jan"), "No texts": ("opt-out", "")}
    # And the follow-up under the hold is not counted as overdue load
    assert (day.overdue_count, day.due_today_count, day.on_hold_count) == (0, 2, 1)


SATURDAY_11 = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)  # 11:00 in London


def test_my_day_reads_what_we_agreed_exactly_as_the_contact_card_does(session):
    # Given Ann's due calls: one to someone who works nights ("no calls before 2 pm": seven
    # windows), one to someone unavailable Friday 18:00 to Saturday 18:00, one to someone
    # reachable only by letter, one to someone who asked us to text first, and one free
    o = make_office(session)
    nights = make_debtor(session, o.ann, name="Nights")
    for day in range(7):
        make_adjustment(session, nights, "unavailable", start_day=day, start_time=time(0),
                        end_day=day, end_time=time(14))
    weekend = make_debtor(session, o.ann, name="Weekend")
    make_adjustment(session, weekend, "unavailable", start_day=4, start_time=time(18),
                    end_day=5, end_time=time(18))
    letters = make_debtor(session, o.ann, name="Letters")
    make_adjustment(session, letters, "channel_only", channels="letter")
    text_first = make_debtor(session, o.ann, name="Text first")
    make_adjustment(session, text_first, "text_first")
    free = make_debtor(session, o.ann, name="Free")
    saturday = SATURDAY_11.date()
    for debtor in (nights, weekend, letters, text_first, free):
        make_followup(session, debtor, o.ann, saturday, priority=2)
    session.commit()
    # When My day is read on Saturday at 11:00
    _, grouped = queries.my_day_now(session, user_id=o.ann.id, today=saturday, at=SATURDAY_11)
    # Then only "Free" can be called now; the other two windows open later today, soonest
    # first, and the letter-only and text-first calls are not for today, each naming why
    assert [d.row.debtor_name for d in grouped.now] == ["Free"]
    assert [(d.row.debtor_name, d.from_local, d.kind) for d in grouped.later_today] == [
        ("Nights", "14:00", "adjustment"), ("Weekend", "18:00", "adjustment")]
    assert {d.row.debtor_name: d.kind for d in grouped.not_today} == {
        "Letters": "adjustment", "Text first": "adjustment"}
    # And every row's reasons are the contact card's own verdict for that channel, word for word
    for item in [*grouped.now, *grouped.later_today, *grouped.not_today]:
        card = contact_verdicts(session, debtor=session.get(Debtor, item.row.debtor_id),
                                account_id=None, at=SATURDAY_11)
        [same] = [v for v in card if v.channel == item.row.channel]
        assert item.why == " ".join(same.reasons)
        assert (item.group == NOW) == same.allowed
    weekend_why = next(d.why for d in grouped.later_today if d.row.debtor_name == "Weekend")
    assert "Friday 18:00 to Saturday 18:00" in weekend_why


def test_a_dispute_on_one_account_holds_only_that_accounts_follow_ups_as_on_the_card(session):
    # Given Ann's debtor disputes one account but not the other, with a call due about
    # each, and one about no account in particular
    o = make_office(session)
    debtor = make_debtor(session, o.ann, name="Two accounts")
    disputed, fine = make_account(session, debtor), make_account(session, debtor)
    session.add(Hold(account_id=disputed.id, kind="dispute", starts_on=MONDAY))
    about_disputed = make_followup(session, debtor, o.ann, MONDAY, account_id=disputed.id)
    about_fine = make_followup(session, debtor, o.ann, MONDAY, account_id=fine.id)
    about_them = make_followup(session, debtor, o.ann, MONDAY)
    session.commit()
    # When My day is read at 10:00
    _, grouped = queries.my_day_now(session, user_id=o.ann.id, today=MONDAY, at=TEN_AM)
    # Then the call about the undisputed account can be made now; the other two wait
    assert [d.row.id for d in grouped.now] == [about_fine.id]
    assert {d.row.id: d.kind for d in grouped.not_today} == {about_disputed.id: "hold",
                                                              about_them.id: "hold"}
    # And each is what the contact card says for that account
    for item in [*grouped.now, *grouped.not_today]:
        card = contact_verdicts(session, debtor=debtor, account_id=item.row.account_id,
                                at=TEN_AM)
        assert (item.group == NOW) == next(v.allowed for v in card if v.channel == "phone")
