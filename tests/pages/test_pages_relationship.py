"""Our relationship on the debtor's profile (AppTest on a real database): after-care consent
and withdrawal, goodwill, the small business's note, milestones on My day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from core.relationship.models import AfterCare, Goodwill
from core.store.models import FollowUp, utcnow
from core.vocabulary import FollowUpReason, FollowUpStatus
from tests.conftest import open_app
from tests.factories import (
    make_account,
    make_debtor,
    make_paid_account,
    make_plan,
    make_user,
    pay_instalments,
)

FORM = "FormSubmitter:debtors_care_{}_form-Record their answer"
GOODWILL = "FormSubmitter:debtors_goodwill_{}_form-Add goodwill"


@pytest.fixture
def sam(app_session):
    agent = make_user(app_session, "agent")
    debtor = make_debtor(app_session, agent, name="Sam Lee", preferred_name="Sam")
    account = make_paid_account(app_session, debtor, 80_000, paid_on=date(2026, 5, 1),
                                creditor="Northwind Energy", reference="NW-2001")
    app_session.commit()
    return agent, debtor.id, account.id


def count(session, model, *where) -> int:
    found = session.exec(select(func.count()).select_from(model).where(*where)).one()
    session.commit()  # end the read, so the page can write
    return found


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [c.value for c in at.code])


def test_consent_is_recorded_with_a_date_and_can_be_withdrawn(app_session, sam):
    agent, debtor_id, account_id = sam
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=debtor_id)
    assert not at.exception
    # Then the paid-in-full draft is shown with its date and a plain grade
    shown = texts(at)
    assert "Paid in full: NW\\-2001" in shown and "debt-free since 1 May 2026" in shown
    assert "easy to read" in shown
    # When consent is recorded without a date: one plain sentence, nothing saved
    at.radio(key=f"debtors_care_{account_id}_answer").set_value("yes")
    at.button(key=FORM.format(account_id)).click()
    at.run()
    assert [e.value for e in at.error] == [
        "Say on which day they gave their answer: after-care consent is only recorded with "
        "its date."]
    assert count(app_session, AfterCare) == 0
    # When the day is given
    today = utcnow().date()
    at.date_input(key=f"debtors_care_{account_id}_on").set_value(today)
    at.button(key=FORM.format(account_id)).click()
    at.run()
    # Then two check-ins are arranged and listed on the profile
    assert not at.exception and not at.error
    assert any("After-care arranged" in s.value for s in at.success)
    care = FollowUp.reason == FollowUpReason.AFTER_CARE
    assert count(app_session, FollowUp, care) == 2
    assert f"{(today + timedelta(days=30)).day} " in texts(at)
    # When they withdraw it, the check-ins are cancelled at once
    at.button(key=f"debtors_care_{account_id}_withdraw").click()
    at.run()
    assert any("2 check-ins cancelled" in s.value for s in at.success)
    assert count(app_session, FollowUp, care, FollowUp.status == FollowUpStatus.CANCELLED) == 2
    assert "consent withdrawn" in texts(at)


def test_goodwill_is_added_and_shown_escaped(app_session, sam):
    agent, debtor_id, _ = sam
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=debtor_id)
    key = f"debtors_goodwill_{debtor_id}"
    # An empty note is refused
    at.button(key=GOODWILL.format(debtor_id)).click()
    at.run()
    assert any("note is empty" in e.value for e in at.error)
    assert count(app_session, Goodwill) == 0
    # A referral with markup in it is saved and shown as typed, never as markup
    at.selectbox(key=f"{key}_kind").set_value("referral")
    at.text_input(key=f"{key}_note").input("Sent **her** brother <b>to us</b>")
    at.button(key=GOODWILL.format(debtor_id)).click()
    at.run()
    assert not at.exception
    assert count(app_session, Goodwill) == 1
    assert "Sent \\*\\*her\\*\\* brother \\<b\\>to us\\</b\\>" in texts(at)
    assert "**Referral**" in texts(at)


def test_a_small_business_profile_has_the_good_standing_note(app_session):
    agent = make_user(app_session, "agent")
    shop = make_debtor(app_session, agent, kind="business", name="Corner Shop Ltd")
    make_paid_account(app_session, shop, creditor="Contoso Supplies", reference="CS-1")
    owing = make_debtor(app_session, agent, name="Still Owing")
    make_account(app_session, owing, 10_000)
    app_session.commit()
    shop_id, owing_id = shop.id, owing.id
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=shop_id)
    assert not at.exception
    assert "Back in good standing" in texts(at)
    assert any(c.value.startswith("To Contoso Supplies: Corner Shop Ltd") for c in at.code)
    at = open_app("pages/debtors.py", user=agent, debtors_selected_id=owing_id)
    assert "offered here once an account is paid in full" in texts(at)


def test_my_day_shows_a_milestone_to_send_and_mark_sent_takes_it_off(app_session):
    from core.relationship import service

    agent = make_user(app_session, "agent")
    debtor = make_debtor(app_session, agent, name="Rosa Diaz", preferred_name="Rosa")
    account = make_account(app_session, debtor, 240_000, status="arrangement")
    plan = make_plan(app_session, account, first_due=utcnow().date() + timedelta(days=1),
                     count=8, amount_cents=30_000)
    pay_instalments(app_session, plan, 4)
    service.offer_milestones(app_session, today=utcnow().date())
    app_session.commit()
    at = open_app("pages/home.py", user=agent)
    assert not at.exception
    assert "You're halfway — £1,200 of £2,400 paid" in texts(at)
    [sent] = [b for b in at.button if b.key and b.key.endswith("_mark")]
    sent.click()
    at.run()
    assert not at.exception
    assert "You're halfway" not in texts(at)
