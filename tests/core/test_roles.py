"""Every "may not" in the README's roles table, called straight on the service."""

from datetime import date, timedelta

import pytest

from core.followups import service as followups
from core.importer import loader as importer
from core.messages import service as messages
from core.payment_plans import service as payment_plans
from core.resources import service as resources
from core.store import audit, settings
from core.store.models import PaymentPlan, UserCreate, UserUpdate
from core.team import service as users
from tests.factories import make_account, make_debtor, make_followup, make_team, make_user

SAMPLE = b"reference,creditor,debtor_name,original_balance,balance\nR-1,Acme,Ann Lee,10.00,10.00\n"


@pytest.fixture
def world(session):
    """An admin, a lead and two agents in one team, a follow-up and a plan awaiting approval."""
    team = make_team(session)
    admin = make_user(session, "admin", team=team)
    lead = make_user(session, "lead", team=team)
    agent = make_user(session, "agent", team=team)
    other = make_user(session, "agent", team=team)
    debtor = make_debtor(session, other)
    account = make_account(session, debtor)
    followup = make_followup(session, debtor, other, date.today())
    plan = PaymentPlan(account_id=account.id, frequency="monthly", start_on=date.today(),
                       count=3, discount_pct="20", status="awaiting_approval")
    session.add(plan)
    session.flush()
    return {"admin": admin, "lead": lead, "agent": agent, "other": other,
            "followup": followup, "plan": plan}


AGENT_MAY_NOT = {
    "add a user": lambda s, w: users.create_user(s, actor=w["agent"], user_create=UserCreate(
        username="newbie", display_name="N", password="a long harbour walk")),
    "change a user": lambda s, w: users.update_user(s, actor=w["agent"], user_id=w["other"].id,
                                                    user_update=UserUpdate(role="admin")),
    "reset a password": lambda s, w: users.reset_password(s, actor=w["agent"],
                                                          user_id=w["other"].id,
                                                          new_password="a long harbour walk"),
    "change a setting": lambda s, w: settings.set_value(s, actor=w["agent"],
                                                        key="discount_limit_agent", value="90"),
    "approve a settlement": lambda s, w: payment_plans.approve_plan(
        s, actor=w["agent"], plan_id=w["plan"].id, note="ok"),
    "reject a settlement": lambda s, w: payment_plans.reject_plan(
        s, actor=w["agent"], plan_id=w["plan"].id, note="no"),
    "reverse a payment": lambda s, w: payment_plans.reverse_payment(
        s, actor=w["agent"], payment_id=1, reason="The direct debit bounced"),
    "reassign follow-ups": lambda s, w: followups.reassign_followups(
        s, actor=w["agent"], followup_ids=[w["followup"].id], to_agent_id=w["agent"].id),
    "snooze another agent's follow-up": lambda s, w: followups.snooze_followup(
        s, actor=w["agent"], followup_id=w["followup"].id, expected_version=1,
        new_date=date.today() + timedelta(days=3), reason="busy"),
    "import data": lambda s, w: importer.preview_import(s, actor=w["agent"], kind="debtors",
                                                        data=SAMPLE),
    "read the audit trail": lambda s, w: audit.list_events(s, actor=w["agent"]),
    "keep the shelf of free help": lambda s, w: resources.mark_reviewed(
        s, actor=w["agent"], resource_id=1),
    "keep the message translations": lambda s, w: messages.save_translation(
        s, actor=w["agent"], template="checkin", language="es",
        body="Hola {name}, soy {agent}.", status="approved"),
}
LEAD_MAY_NOT = {
    "add a user": lambda s, w: users.create_user(s, actor=w["lead"], user_create=UserCreate(
        username="newbie", display_name="N", password="a long harbour walk")),
    "reset a password": lambda s, w: users.reset_password(s, actor=w["lead"],
                                                          user_id=w["agent"].id,
                                                          new_password="a long harbour walk"),
    "change a setting": lambda s, w: settings.set_value(s, actor=w["lead"],
                                                        key="discount_limit_lead", value="90"),
    "keep the shelf of free help": lambda s, w: resources.mark_reviewed(
        s, actor=w["lead"], resource_id=1),
    "keep the message translations": lambda s, w: messages.save_translation(
        s, actor=w["lead"], template="checkin", language="es",
        body="Hola {name}, soy {agent}.", status="approved"),
}


@pytest.mark.parametrize("what", list(AGENT_MAY_NOT))
def test_an_agent_may_not(session, world, what):
    with pytest.raises(PermissionError):
        AGENT_MAY_NOT[what](session, world)


@pytest.mark.parametrize("what", list(LEAD_MAY_NOT))
def test_a_lead_may_not(session, world, what):
    with pytest.raises(PermissionError):
        LEAD_MAY_NOT[what](session, world)


def test_a_deactivated_user_may_do_nothing(session, world):
    world["lead"].active = False
    with pytest.raises(PermissionError):
        audit.list_events(session, actor=world["lead"])


def test_what_an_agent_may_not_do_a_lead_may(session, world):
    # The same calls succeed for the lead, so the refusals above are about the role.
    followups.reassign_followups(session, actor=world["lead"],
                                 followup_ids=[world["followup"].id], to_agent_id=world["agent"].id)
    payment_plans.approve_plan(session, actor=world["lead"], plan_id=world["plan"].id, note="ok")
    assert audit.list_events(session, actor=world["lead"])


def test_a_lead_moves_debtors_only_within_their_team(session):
    from core.debtors import service as debtors
    from core.store.models import DebtorUpdate

    # Given a lead, an agent of their team, and an agent of another team
    team, other = make_team(session), make_team(session)
    lead = make_user(session, "lead", team=team)
    mine = make_user(session, "agent", team=team)
    theirs = make_user(session, "agent", team=other)
    debtor = make_debtor(session, mine)
    # When the lead moves the debtor to the other team's agent, it is refused
    with pytest.raises(PermissionError, match="own team"):
        debtors.update_preferences(session, actor=lead, debtor_id=debtor.id, expected_version=1,
                                   changes=DebtorUpdate(owner_id=theirs.id))
    # And a debtor of the other team cannot be taken into theirs either
    stranger = make_debtor(session, theirs)
    with pytest.raises(PermissionError, match="own team"):
        debtors.update_preferences(session, actor=lead, debtor_id=stranger.id,
                                   expected_version=1, changes=DebtorUpdate(owner_id=mine.id))
    # While within the team it works
    other_mine = make_user(session, "agent", team=team)
    debtors.update_preferences(session, actor=lead, debtor_id=debtor.id, expected_version=1,
                               changes=DebtorUpdate(owner_id=other_mine.id))
    assert debtor.owner_id == other_mine.id
