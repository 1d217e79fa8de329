"""The debtor's letter: who the debt is owed to, the reference, how to pay, who to contact,
when it was issued and where to get free advice; none of our internal checks."""

from __future__ import annotations

from datetime import date

from core.payment_plans.export import letter_sections, summary_pdf
from core.payment_plans.letters import letter_for
from core.plans import build_schedule, plan_summary_text
from core.store import settings
from tests.factories import make_account, make_debtor, make_user


def test_the_letter_names_the_creditor_reference_payment_contact_and_free_advice(session):
    # Given an account owed to Northwind Energy, reference ACC-LTR, and the team's details
    agent = make_user(session, "agent")
    account = make_account(session, make_debtor(session, agent, name="Lee Letter"), 60_000,
                           reference="ACC-LTR", creditor="Northwind Energy")
    settings.set_system(session, "letter_phone", "0161 496 0123")
    session.commit()
    # When the letter is made on 2 March 2027
    letter = letter_for(session, account_id=account.id, today=date(2027, 3, 2))
    schedule = build_schedule(60_000, frequency="monthly", start=date(2027, 3, 9), count=12)
    sections = dict(letter_sections(letter, schedule))
    # Then it says who the debt is owed to, the reference, the date issued and who to call
    assert (letter.creditor, letter.reference, letter.issued_on) == (
        "Northwind Energy", "ACC-LTR", date(2027, 3, 2))
    assert letter.phone == "0161 496 0123"
    # And how to pay and what to quote, in plain words
    assert sections["How to pay"][0] == settings.DEFAULTS["letter_how_to_pay"]
    assert "quote your reference ACC-LTR" in sections["How to pay"][1]
    assert "Call 0161 496 0123" in sections["If anything changes"][0]
    # And free, independent advice
    advice = " ".join(sections["Free, independent debt advice"])
    for name in ("MoneyHelper", "StepChange", "National Debtline"):
        assert name in advice
    # And never our own reading check
    assert not any("grade" in p.lower() for ps in sections.values() for p in ps)
    pdf = summary_pdf(plan_summary_text(schedule, frequency="monthly"), schedule,
                      debtor_name="Lee Letter", letter=letter)
    assert pdf.startswith(b"%PDF-")


def test_no_letter_for_an_account_that_does_not_exist(session):
    assert letter_for(session, account_id=999_999) is None
