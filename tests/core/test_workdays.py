"""Working days: the team setting and date arithmetic that lands on working days."""

from __future__ import annotations

from datetime import date

import pytest

from core import workdays
from core.errors import UserError
from core.store import settings

FRI, SAT, SUN, MON = date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)


def test_parse_and_format_the_setting():
    assert workdays.parse("Mon,Tue,Wed,Thu,Fri") == workdays.MONDAY_TO_FRIDAY
    assert workdays.parse(" sunday, mon ") == frozenset({0, 6})
    assert workdays.format_days({6, 0, 2}) == "Mon,Wed,Sun"


@pytest.mark.parametrize("text", ["", "Mon,Funday", "Mondays", ",,"])
def test_a_setting_that_is_not_days_gets_a_plain_sentence(text):
    with pytest.raises(UserError):
        workdays.parse(text)


@pytest.mark.parametrize("day,expected", [(FRI, MON), (SAT, MON), (SUN, MON),
                                          (MON, date(2026, 12, 1))])
def test_the_next_working_day_skips_the_weekend(day, expected):
    assert workdays.next_working_day(day) == expected


def test_a_team_that_works_saturdays():
    days = workdays.parse("Tue,Wed,Thu,Fri,Sat")
    assert workdays.next_working_day(FRI, days) == SAT
    assert workdays.previous_working_day(MON, days) == SAT
    assert workdays.previous_working_day(date(2026, 12, 1), days) == SAT
    assert workdays.on_or_after(SUN, days) == date(2026, 12, 1)


def test_add_and_list_working_days():
    assert workdays.add_working_days(FRI, 1) == MON
    assert workdays.add_working_days(SAT, 0) == MON
    assert workdays.last_working_days(MON, 3) == [date(2026, 11, 26), FRI, MON]
    assert workdays.last_working_days(SUN, 2) == [date(2026, 11, 26), FRI]


def test_the_team_setting_defaults_to_monday_to_friday_and_is_checked(session):
    # Given no setting, Then Monday to Friday
    assert settings.working_days(session) == workdays.MONDAY_TO_FRIDAY
    # When an admin writes it in their own words, Then it is stored tidy
    assert settings.validate("working_days", "tue, wednesday,SAT") == "Tue,Wed,Sat"
    # and nonsense is refused with a sentence
    with pytest.raises(UserError, match="not a day of the week"):
        settings.validate("working_days", "Someday")
