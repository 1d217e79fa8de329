"""The Payment plans page in AppTest: live sliders, quick model, scenarios, saving, paying."""

from __future__ import annotations

import gc
import os
import tomllib
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.payment_plans import service as pp
from core.store import db
from core.store.config import ROOT
from core.store.models import Account, FollowUp, Payment, PaymentPlan, PlanInstalment
from tests.conftest import open_app
from tests.factories import make_account, make_debtor, make_user

PAGE = "pages/plans.py"
BY_COUNT = "Set the number of instalments"


@pytest.fixture
def agent_and_account(app_session):
    """An agent whose debtor owes £600 on one account."""
    agent = make_user(app_session, "agent")
    debtor = make_debtor(app_session, agent, name="Ann Example")
    account = make_account(app_session, debtor, 60_000, reference="ACC-ANN")
    app_session.commit()
    return agent, account


def k(account, name: str) -> str:
    """The designer's widget key on this account."""
    return f"plans_{account.id}_{name}"


def q(name: str) -> str:
    """The designer's widget key in the quick model."""
    return f"plans_quick_{name}"


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _plans(app_url) -> list[PaymentPlan]:
    engine = db.make_engine(app_url)
    try:
        with db.read_session(engine) as s:
            return list(s.exec(select(PaymentPlan)).all())
    finally:
        engine.dispose()


def chooser(at):
    """The approval queue's "Plan to decide" box (a new one after each decision)."""
    [box] = [b for b in at.selectbox if b.label == "Plan to decide"]
    return box


def _schedule_table(at):
    """The schedule's visible rows (a plain table: pounds as people read them)."""
    return next(t.value for t in at.table if "Left to pay after" in t.value.columns)


def _pence(shown: str) -> int:
    return int(shown.replace("£", "").replace(",", "").replace(".", ""))


def test_moving_the_sliders_changes_the_figures_and_the_table(app_url, agent_and_account):
    agent, account = agent_and_account
    # Given the page open on a £600 account (it starts at £50 a month)
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    assert not at.exception
    assert _metrics(at)["Instalment"] == "£50.00"
    assert _metrics(at)["Number of instalments"] == "12"
    # When the instalment slider moves to £100
    at.slider(key=k(account, "instalment")).set_value(100).run()
    # Then six instalments of £100 show, and the table has six rows
    figures = _metrics(at)
    assert (figures["Instalment"], figures["Number of instalments"]) == ("£100.00", "6")
    assert figures["Total payable"] == "£600.00"
    assert list(_schedule_table(at)["Amount"]) == ["£100.00"] * 6
    # When the plan is set by the number of instalments instead: 7 of them
    at.radio(key=k(account, "by")).set_value(BY_COUNT).run()
    at.slider(key=k(account, "count")).set_value(7).run()
    # Then the instalment is derived (£85.72) and the last is the remainder (£85.68)
    figures = _metrics(at)
    assert (figures["Instalment"], figures["Number of instalments"], figures["Last instalment"]
            ) == ("£85.72", "7", "£85.68")
    table = _schedule_table(at)
    assert len(table) == 7 and sum(_pence(a) for a in table["Amount"]) == 60_000
    # When a 10 % settlement discount is given
    at.slider(key=k(account, "discount")).set_value(10).run()
    assert _metrics(at)["Amount forgiven"] == "£60.00"
    assert _metrics(at)["Total payable"] == "£540.00"
    assert not at.exception


def test_quick_model_shapes_a_plan_and_saves_nothing(app_url, agent_and_account):
    agent, account = agent_and_account
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    # When the agent switches to Quick model and types £2,400
    at.radio(key="plans_mode").set_value("Quick model").run()
    at.number_input(key="plans_quick_balance").set_value(2400.0).run()
    at.slider(key=q("instalment")).set_value(200).run()
    # Then the figures follow the typed balance
    assert _metrics(at)["Number of instalments"] == "12"
    assert _metrics(at)["Total payable"] == "£2,400.00"
    # And there is nothing to save, and nothing was saved
    assert "plans_save_draft" not in [b.key for b in at.button]
    assert any("nothing is saved" in c.value for c in at.caption)
    assert _plans(app_url) == []
    assert not at.exception


def test_a_plan_error_shows_its_plain_message_and_the_controls_stay(app_url, agent_and_account):
    agent, account = agent_and_account
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    at.radio(key="plans_mode").set_value("Quick model").run()
    at.number_input(key="plans_quick_balance").set_value(1.0).run()
    at.radio(key=q("by")).set_value(BY_COUNT).run()
    # When 200 instalments are asked of £1
    at.slider(key=q("count")).set_value(200).run()
    # Then a plain message stands where the schedule would be: no traceback, no figures
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "200 instalments is too many for this balance: nothing would be left for the last "
        "one. Choose fewer instalments."]
    assert not at.metric
    # And the controls still work: two instalments of 50p
    at.slider(key=q("count")).set_value(2).run()
    assert not at.warning
    assert _metrics(at)["Instalment"] == "£0.50"
    assert _plans(app_url) == []


def test_pinning_three_scenarios_compares_them_side_by_side(app_url, agent_and_account):
    agent, account = agent_and_account
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    # When three instalments are pinned in turn
    for pounds in (50, 100, 200):
        at.slider(key=k(account, "instalment")).set_value(pounds).run()
        at.button(key=k(account, "pin")).click().run()
    # Then the comparison table has a column per scenario, with their figures
    table = next(d.value for d in at.dataframe if "Scenario A" in d.value.columns)
    assert list(table.columns) == ["Scenario A", "Scenario B", "Scenario C"]
    assert list(table.loc["Instalment"]) == ["£50.00", "£100.00", "£200.00"]
    assert list(table.loc["Number of instalments"]) == ["12", "6", "3"]
    # And a fourth cannot be pinned
    assert at.button(key=k(account, "pin")).disabled
    # And loading scenario A puts its instalment back on the slider
    at.button(key=k(account, "load_A")).click().run()
    assert at.slider(key=k(account, "instalment")).value == 50
    assert not at.exception


def test_saving_a_draft_stores_one_plan_and_lists_it(app_url, agent_and_account):
    agent, account = agent_and_account
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    at.slider(key=k(account, "instalment")).set_value(120).run()
    at.button(key=k(account, "save_draft")).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved as a draft."]
    [plan] = _plans(app_url)
    assert (plan.status, plan.account_id, plan.instalment_cents) == ("draft", account.id, 12_000)
    existing = next(d.value for d in at.dataframe if "Status" in d.value.columns
                    and "Plan" in d.value.columns)
    assert list(existing["Status"]) == ["Draft"]


def test_a_discount_above_the_limit_waits_for_a_lead_who_approves_it(app_url, app_session,
                                                                     agent_and_account):
    agent, account = agent_and_account
    lead = make_user(app_session, "lead")
    app_session.commit()
    # Given an agent proposes 20 % off (their limit is 10 %) without saying why
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    at.slider(key=k(account, "discount")).set_value(20).run()
    assert any("Above your limit of 10%" in c.value for c in at.caption)
    at.button(key=k(account, "save_propose")).click().run()
    # Then they are asked for the reason, and nothing is saved
    assert "say why it is fair" in at.error[0].value
    assert _plans(app_url) == []
    # When they give the reason
    at.text_area(key=k(account, "reason")).input("Lost their job; a lump sum from family.")
    at.button(key=k(account, "save_propose")).click().run()
    assert "waiting for a lead's approval" in at.success[0].value
    # When the lead opens the page, they see it with the reason and may approve it
    lead_at = open_app(PAGE, user=lead)
    assert any("waiting for approval (1)" in e.label for e in lead_at.expander)
    [plan_id] = [p.id for p in _plans(app_url)]
    chooser(lead_at).set_value(plan_id).run()
    assert "Lost their job; a lump sum from family." in [t.value for t in lead_at.text]
    assert any(c.value == "You may approve this." for c in lead_at.caption)
    lead_at.text_area(key=f"plans_queue_note_{plan_id}").input("Hardship shown.")
    lead_at.button(key=f"plans_queue_approve_{plan_id}").click().run()
    assert not lead_at.exception
    [plan] = _plans(app_url)
    assert (plan.status, plan.approved_by, plan.approval_note) == (
        "proposed", lead.id, "Hardship shown.")
    # And the decision waits on the agent's My day
    with db.read_session(db.make_engine(app_url)) as s:
        [told] = s.exec(select(FollowUp).where(FollowUp.plan_id == plan_id)).all()
    assert told.owner_id == agent.id and "approved the settlement" in told.note


def test_save_and_start_above_the_limit_starts_when_approved(app_url, app_session,
                                                             agent_and_account):
    agent, account = agent_and_account
    lead = make_user(app_session, "lead")
    app_session.commit()
    # Given an agent who chose "save and start" for 20 % off, with a reason
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    at.slider(key=k(account, "discount")).set_value(20).run()
    at.text_area(key=k(account, "reason")).input("Medical retirement.")
    at.button(key=k(account, "save_start")).click().run()
    assert at.success[0].value.endswith("It will start once approved.")
    [plan_id] = [p.id for p in _plans(app_url)]
    # When the lead approves it
    lead_at = open_app(PAGE, user=lead)
    chooser(lead_at).set_value(plan_id).run()
    assert any("Approving starts the plan" in c.value for c in lead_at.caption)
    lead_at.button(key=f"plans_queue_approve_{plan_id}").click().run()
    # Then it has started, not come back as "proposed"
    assert [s.value for s in lead_at.success] == [f"Plan {plan_id} approved and started."]
    [plan] = _plans(app_url)
    assert plan.status == "active"


def test_a_lead_is_told_when_only_an_admin_may_approve(app_url, app_session, agent_and_account):
    agent, account = agent_and_account
    lead = make_user(app_session, "lead")
    app_session.commit()
    with db.write_session(db.make_engine(app_url)) as s:
        plan = pp.save_plan(s, actor=agent, status="proposed", inputs=pp.PlanInputs(
            account_id=account.id, frequency="monthly", start_on=date(2030, 1, 1), count=6,
            discount_pct=40))
    # When the lead opens a 40 % settlement (their limit is 30 %)
    at = open_app(PAGE, user=lead)
    chooser(at).set_value(plan.id).run()
    # Then they are told an admin must approve it, and cannot press Approve
    assert "An admin must approve it." in at.warning[0].value
    assert at.button(key=f"plans_queue_approve_{plan.id}").disabled


def test_a_payment_of_zero_is_refused_and_a_good_one_lowers_the_balance(app_url, app_session,
                                                                        agent_and_account):
    agent, account = agent_and_account
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    # When a payment of £0 is recorded
    at.button(key=f"plans_pay_{account.id}_submit").click().run()
    # Then a plain message says why and nothing is saved
    assert [e.value for e in at.error] == ["The payment must be more than zero."]
    assert app_session.exec(select(func.count()).select_from(Payment)).one() == 0
    pay = f"plans_pay_{account.id}"
    app_session.rollback()  # let go of SQLite's write lock before the app writes
    # When £75 is recorded (a form: the amount is sent on submit)
    at.number_input(key=f"{pay}_amount").set_value(75.0)
    at.button(key=f"{pay}_submit").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert at.success[0].value == "Payment of £75.00 recorded."
    assert app_session.get(Account, account.id).balance_cents == 52_500


def test_affordability_offers_the_largest_affordable_instalment(app_url, agent_and_account):
    agent, account = agent_and_account
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    # Given £1,000 coming in and £940 going out each month
    at.number_input(key=f"plans_ie_{account.debtor_id}_earnings").set_value(1000.0)
    at.number_input(key=f"plans_ie_{account.debtor_id}_housing").set_value(940.0)
    at.button(key=f"plans_ie_{account.debtor_id}_submit").click().run()
    assert not at.exception
    # And a £100 a month plan
    at.slider(key=k(account, "instalment")).set_value(100).run()
    # Then it is not affordable: £60 left against £100 asked
    assert _metrics(at)["Headroom a month"] == "-£40.00"
    assert at.error[0].value.startswith("This plan is not affordable")
    # When the offer is taken, the instalment becomes £60 and the plan fits
    at.button(key=k(account, "use_affordable")).click().run()
    assert at.slider(key=k(account, "instalment")).value == 60
    assert _metrics(at)["Headroom a month"] == "£0.00"
    assert at.success[0].value.startswith("This plan is affordable")
    # And pinned, £60 and £100 a month say which one is affordable and the headroom of each
    at.button(key=k(account, "pin")).click().run()
    at.slider(key=k(account, "instalment")).set_value(100).run()
    at.button(key=k(account, "pin")).click().run()
    table = next(d.value for d in at.dataframe if "Scenario A" in d.value.columns)
    assert list(table.loc["Affordable?"]) == ["Yes", "No"]
    assert list(table.loc["Headroom a month"]) == ["£0.00", "-£40.00"]


def test_the_page_opens_on_the_account_another_page_handed_over(app_url, app_session,
                                                                  agent_and_account):
    agent, _ = agent_and_account
    other = make_account(app_session, make_debtor(app_session, agent, name="Zed Last"), 30_000,
                         reference="ACC-ZED")
    app_session.commit()
    at = open_app(PAGE, user=agent, plans_account_id=other.id)
    assert any(m.value.startswith("**Zed Last**") for m in at.markdown), [
        m.value for m in at.markdown]
    assert _metrics(at)["Total payable"] == "£300.00"


def test_starting_a_saved_plan_from_the_list(app_url, app_session, agent_and_account):
    agent, account = agent_and_account
    with db.write_session(db.make_engine(app_url)) as s:
        plan = pp.save_plan(s, actor=agent, inputs=pp.PlanInputs(
            account_id=account.id, frequency="monthly", start_on=date(2030, 1, 1), count=3))
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    at.button(key=f"plans_plan_activate_{plan.id}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["The plan has started."]
    [plan] = _plans(app_url)
    assert plan.status == "active"


def test_two_people_on_one_plan_the_second_is_told_to_reload(app_url, app_session,
                                                             agent_and_account):
    agent, account = agent_and_account
    colleague = make_user(app_session, "lead")  # any account, not only a caseload
    app_session.commit()
    with db.write_session(db.make_engine(app_url)) as s:
        plan = pp.save_plan(s, actor=agent, inputs=pp.PlanInputs(
            account_id=account.id, frequency="monthly", start_on=date(2030, 1, 1), count=3),
            status="proposed")
    # Given both have the proposed plan open
    first = open_app(PAGE, user=agent, plans_account_id=account.id)
    second = open_app(PAGE, user=colleague, plans_account_id=account.id)
    # When the first cancels it
    first.text_input(key=f"plans_plan_note_{plan.id}").input("Debtor changed their mind.")
    first.button(key=f"plans_plan_cancel_{plan.id}").click().run()
    assert [s.value for s in first.success] == ["The plan is cancelled."]
    # And the second, still looking at the proposed plan, starts it
    second.button(key=f"plans_plan_activate_{plan.id}").click().run()
    # Then the second is told plainly to reload, and the cancel stands
    assert not second.exception
    assert [e.value for e in second.error] == [
        "This payment plan was changed by someone else — reload to see their change."]
    [plan] = _plans(app_url)
    assert (plan.status, plan.approval_note) == ("cancelled", "Debtor changed their mind.")
    engine = db.make_engine(app_url)
    with db.read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(PlanInstalment)).one() == 0
        assert s.get(Account, account.id).status == "open"
    engine.dispose()


# ---------------------------------------------------------------- acting on what is shown


def _propose(app_url, agent, account, discount: int) -> int:
    with db.write_session(db.make_engine(app_url)) as s:
        plan = pp.save_plan(s, actor=agent, inputs=pp.PlanInputs(
            account_id=account.id, frequency="monthly", start_on=date(2030, 1, 1), count=6,
            discount_pct=discount), status="proposed")
        return plan.id


def test_a_lead_decides_only_the_plan_they_opened(app_url, app_session, agent_and_account):
    agent, account = agent_and_account
    second = make_account(app_session, make_debtor(app_session, agent, name="Bea Second"),
                          40_000, reference="ACC-BEA")
    lead = make_user(app_session, "lead")
    app_session.commit()
    first_id = _propose(app_url, agent, account, 20)
    second_id = _propose(app_url, agent, second, 25)
    # Given a lead who opens the first plan in the queue and approves it
    at = open_app(PAGE, user=lead)
    assert chooser(at).value is None
    chooser(at).set_value(first_id).run()
    at.button(key=f"plans_queue_approve_{first_id}").click().run()
    assert [s.value for s in at.success] == [f"Plan {first_id} approved."]
    # Then nothing is open any more: a new, empty chooser and no decision button ready
    assert chooser(at).value is None and chooser(at).key != "plans_queue_pick"
    assert not [b.key for b in at.button if b.key and b.key.startswith("plans_queue_")]
    # When they open the second plan and reject it with a note
    chooser(at).set_value(second_id).run()
    at.text_area(key=f"plans_queue_note_{second_id}").input("Not enough shown.")
    at.button(key=f"plans_queue_reject_{second_id}").click().run()
    # Then exactly the plan opened changed each time
    status = {p.id: p.status for p in _plans(app_url)}
    assert status == {first_id: "proposed", second_id: "cancelled"}
    assert not at.exception


def test_the_page_opens_empty_and_finds_an_account_as_you_type(app_url, agent_and_account):
    agent, account = agent_and_account
    # Given the page opened with no account handed over
    at = open_app(PAGE, user=agent)
    # Then no account and no designer are shown, only the search
    assert not at.metric
    assert not [s for s in at.selectbox if s.key == "plans_account_pick"]
    # When the agent types part of the name and chooses the account
    at.text_input(key="plans_account_search").input("ann").run()
    at.selectbox(key="plans_account_pick").set_value(account.id).run()
    # Then the designer opens on it
    assert _metrics(at)["Total payable"] == "£600.00"
    assert not at.exception


def test_an_agent_never_opens_an_account_outside_their_caseload(app_url, app_session,
                                                                agent_and_account):
    agent, _ = agent_and_account
    colleague = make_user(app_session, "agent")
    theirs = make_account(app_session, make_debtor(app_session, colleague, name="Cy Other"),
                          90_000, reference="ACC-CY")
    app_session.commit()
    # When another page hands over an account of someone else's caseload
    at = open_app(PAGE, user=agent, plans_account_id=theirs.id)
    # Then it is not opened, and a sentence says why
    assert not at.metric
    assert "another agent's caseload" in at.warning[0].value
    # And searching for it finds nothing
    at.text_input(key="plans_account_search").input("Cy Other").run()
    assert not [s for s in at.selectbox if s.key == "plans_account_pick"]
    assert not at.exception


def test_the_designer_never_carries_numbers_between_accounts(app_url, app_session,
                                                             agent_and_account):
    agent, small = agent_and_account  # £600
    big = make_account(app_session, make_debtor(app_session, agent, name="Dee Big"), 353_800,
                       reference="ACC-DEE")
    app_session.commit()
    # Given £30 chosen for the £600 debt
    at = open_app(PAGE, user=agent, plans_account_id=small.id)
    at.slider(key=k(small, "instalment")).set_value(30).run()
    assert _metrics(at)["Number of instalments"] == "20"
    # When the £3,538 debt is picked
    at.text_input(key="plans_account_search").input("Dee").run()
    at.selectbox(key="plans_account_pick").set_value(big.id).run()
    # Then the designer starts from that debt's own figures (12 a month), not from £30
    figures = _metrics(at)
    assert (figures["Instalment"], figures["Number of instalments"]) == ("£295.00", "12")
    assert at.slider(key=k(big, "instalment")).value == 295
    assert not at.exception


@pytest.mark.parametrize("balance", [0.0, 0.01])
def test_a_zero_or_penny_balance_in_quick_model_shows_a_sentence(app_url, agent_and_account,
                                                                 balance):
    agent, _ = agent_and_account
    at = open_app(PAGE, user=agent)
    at.radio(key="plans_mode").set_value("Quick model").run()
    at.selectbox(key=q("frequency")).set_value("fortnightly").run()
    # When the balance is £0 or 1p
    at.number_input(key="plans_quick_balance").set_value(balance).run()
    # Then a plain sentence, no traceback
    assert not at.exception
    assert at.info and ("nothing to plan" in at.info[0].value or "too small" in at.info[0].value)
    # And back on a real balance, the frequency is as it was
    at.number_input(key="plans_quick_balance").set_value(1200.0).run()
    assert at.selectbox(key=q("frequency")).value == "fortnightly"
    assert not at.exception


def test_a_first_payment_date_in_the_past_is_refused(app_url, agent_and_account):
    agent, account = agent_and_account
    start = k(account, "start")
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    today = at.date_input(key=start).min
    # When a first payment date in 2020 is sent by the date box, it is not taken
    at.date_input(key=start).set_value(date(2020, 1, 1)).run()
    assert at.date_input(key=start).value >= today
    # When a 2020 date is on the designer anyway (a page left open, a scenario loaded)
    at = open_app(PAGE, user=agent, plans_account_id=account.id, **{start: date(2020, 1, 1)})
    # Then a sentence says so and the date is today, not 2020
    assert not at.exception
    assert [w.value for w in at.warning] == [
        f"The first payment date cannot be in the past: it is now {today.day} "
        f"{today:%b %Y}."]
    assert at.date_input(key=start).value == today
    # And a plan saved now starts today
    at.button(key=k(account, "save_draft")).click().run()
    [plan] = _plans(app_url)
    assert plan.start_on == today


def _rss_mb() -> float:
    """This process's resident memory now (not the peak), in MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_000_000


def test_without_the_post_run_collection_memory_stays_flat_over_1000_reruns(
        app_url, agent_and_account):
    # Given the setting that skips Streamlit's gc.collect(2) after every run
    with open(ROOT / ".streamlit" / "config.toml", "rb") as config:
        assert tomllib.load(config)["runner"]["postScriptGC"] is False
    # And the designer open in Quick model, warmed up
    agent, _ = agent_and_account
    at = open_app(PAGE, user=agent)
    at.radio(key="plans_mode").set_value("Quick model").run()
    slider = q("instalment")
    for pounds in range(10, 60):
        at.slider(key=slider).set_value(pounds).run()
    gc.collect()
    before = _rss_mb()
    # When the page reruns 1,000 times, each with a new instalment
    for n in range(1_000):
        at.slider(key=slider).set_value(10 + n % 500).run()
    assert not at.exception
    gc.collect()
    # Then memory has not grown by more than a few megabytes per hundred reruns
    assert _rss_mb() - before < 60, (before, _rss_mb())


def test_forbearance_is_previewed_with_sliders_then_saved(app_url, app_session,
                                                           agent_and_account):
    agent, account = agent_and_account
    with db.write_session(db.make_engine(app_url)) as s:
        plan = pp.save_and_activate(s, actor=agent, inputs=pp.PlanInputs(
            account_id=account.id, frequency="monthly", start_on=date(2030, 1, 1),
            instalment_cents=10_000))
    k_fb = f"plans_plan_fb_{plan.id}"
    at = open_app(PAGE, user=agent, plans_account_id=account.id)
    # When the agent previews a payment holiday of two periods
    at.radio(key=f"{k_fb}_kind").set_value("holiday").run()
    at.slider(key=f"{k_fb}_holiday").set_value(2).run()
    preview = {m.label: m.value for m in at.metric}
    # Then the preview shows the six payments pushed back, and nothing is saved yet
    assert preview["Payments left"] == "6"
    assert preview["Last payment date"] == "1 Aug 2030"
    assert _plans(app_url)[0].version == plan.version
    # When they save it that way
    at.button(key=f"{k_fb}_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        f"Plan {plan.id} rescheduled: payment holiday of 2 period(s)."]
