"""Issue 12.12: bad input that used to crash with the generic error gets a plain sentence,
on SQLite and PostgreSQL, and saves nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.debtors.service import update_preferences
from core.errors import UserError
from core.payment_plans.service import save_income_expenditure
from core.store import settings
from core.store.models import AuditEvent, DebtorUpdate, IncomeExpenditure, Setting
from tests.factories import make_debtor, make_user


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize(("key", "value", "message"), [
    ("office_timezone", "Europe/" + "L" * 300, "is not a timezone name like Europe/London"),
    ("office_timezone", "Europe/London\x00", "can't be stored"),
    ("discount_limit_agent", "NaN", "A discount limit is a number from 0 to 100."),
    ("discount_limit_lead", "Infinity", "A discount limit is a number from 0 to 100."),
    ("discount_limit_admin", "sNaN", "A discount limit is a number from 0 to 100."),
])
def test_a_bad_setting_gets_a_plain_sentence(session, key, value, message):
    # Given an admin
    admin = make_user(session, "admin")
    session.commit()
    # When they save a setting no office could mean
    with pytest.raises(UserError, match=message):
        settings.set_value(session, actor=admin, key=key, value=value)
    session.rollback()
    # Then nothing was saved and the default still holds
    assert _count(session, Setting) == 0 or session.get(Setting, key) is None
    assert settings.get(session, key) == settings.DEFAULTS[key]


@pytest.mark.parametrize("pence", [2**63, 2**63 - 1, 10**20, 100_000_000_001])
def test_an_income_line_too_large_to_be_real_is_refused(session, pence):
    # Given a debtor
    agent = make_user(session)
    debtor = make_debtor(session, agent)
    session.commit()
    # When an income and expenditure statement has an earnings line of `pence`
    with pytest.raises(UserError, match="more than the largest amount"):
        save_income_expenditure(session, actor=agent, debtor_id=debtor.id,
                                items={"earnings": pence}, recorded_on=date(2026, 1, 5),
                                today=date(2026, 1, 6))
    session.rollback()
    # Then nothing was saved
    assert _count(session, IncomeExpenditure) == 0


def test_a_nul_in_preference_notes_is_refused_plainly(session):
    # Given a debtor
    agent = make_user(session)
    debtor = make_debtor(session, agent, communication_notes="Calls after 5pm")
    session.commit()
    audits = _count(session, AuditEvent)
    # When their notes are saved with a NUL character in them
    with pytest.raises(UserError, match="can't be stored"):
        update_preferences(session, actor=agent, debtor_id=debtor.id, expected_version=1,
                           changes=DebtorUpdate(communication_notes="Calls\x00 after 6pm"))
    session.rollback()
    # Then the notes are as they were and nothing was audited
    session.refresh(debtor)
    assert debtor.communication_notes == "Calls after 5pm"
    assert _count(session, AuditEvent) == audits
