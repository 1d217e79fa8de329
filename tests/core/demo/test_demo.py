"""The demo loader: a believable team with six months of history, the same for the same seed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from core.demo import loader as demo
from core.store import db, settings
from core.store.config import ROOT
from core.store.models import (
    Account,
    AccountStatus,
    CheckIn,
    Debtor,
    FollowUp,
    FollowUpStatus,
    Hold,
    HoldKind,
    IncomeExpenditure,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
    User,
    Vulnerability,
    VulnerabilityDriver,
)
from core.store.summaries import CheckinHour
from core.team import service as users

TODAY = date(2026, 3, 4)  # a Wednesday
SMALL = {"debtors": 60, "today": TODAY}
SFS_INCOME = {"earnings", "benefits", "pensions", "other_income"}
SFS_COSTS = {
    "housing", "council_tax", "utilities", "water", "care_health", "transport", "school",
    "insurance", "other_essential", "communications_leisure", "food_housekeeping", "personal",
}


@pytest.fixture
def loaded(engine: Engine) -> demo.DemoSummary:
    """The small demo loaded into this test's fresh database."""
    return demo.load_demo(engine, **SMALL)


def _rows(engine: Engine, model) -> list:
    with Session(engine) as session:
        return list(session.exec(select(model)).scalars())


def _count(engine: Engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).scalar_one()


def _names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Debtor.name).order_by(Debtor.id).limit(20)).scalars())


# ---------------------------------------------------------------- sameness


def test_the_same_seed_gives_the_same_demo(tmp_path):
    # Given two empty databases
    first = db.make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    second = db.make_engine(f"sqlite:///{tmp_path / 'two.db'}")
    other = db.make_engine(f"sqlite:///{tmp_path / 'three.db'}")
    # When the demo is loaded into each, twice with one seed and once with another
    one = demo.load_demo(first, **SMALL)
    two = demo.load_demo(second, **SMALL)
    three = demo.load_demo(other, seed=7, **SMALL)
    # Then the same seed gives the same counts and the same debtors; another seed does not
    assert one == two
    assert _names(first) == _names(second)
    assert _names(first) != _names(other)
    assert _count(first, CheckIn) == _count(second, CheckIn) == 600
    assert three.debtors == 60
    for engine in (first, second, other):
        engine.dispose()


def test_the_summary_counts_the_rows_written(engine, loaded):
    tables = {"debtors": Debtor, "accounts": Account, "holds": Hold, "checkins": CheckIn,
              "vulnerabilities": Vulnerability, "plans": PaymentPlan,
              "instalments": PlanInstalment, "payments": Payment, "promises": PromiseToPay,
              "income_expenditures": IncomeExpenditure, "followups": FollowUp}
    for name, model in tables.items():
        assert getattr(loaded, name) == _count(engine, model), name
    assert loaded.users == _count(engine, User) == 11
    assert loaded.checkins == 600  # ten per debtor by default
    assert loaded.followups >= 120  # two per debtor, plus the chases the day's rules added
    # and the hourly summary the database keeps (the stand-up's trend) holds every check-in
    with Session(engine) as session:
        assert session.exec(select(func.sum(CheckinHour.checkins))).scalar_one() == 600


def test_the_demo_is_flagged_in_the_settings(engine, loaded):
    with Session(engine) as session:
        assert settings.get(session, "demo_data") == "true"


# ---------------------------------------------------------------- people


def test_demo_users_sign_in_with_the_demo_password(engine, loaded):
    expected = {"admin": "admin", "lead": "lead", "lead2": "lead", "agent": "agent",
                "priya": "agent"}
    for username, role in expected.items():
        result = users.sign_in(engine, username=username, password="demo")
        assert result.user.role == role
    assert users.sign_in(engine, username="agent", password="not-demo").refusal \
        == users.SIGN_IN_FAILED


def test_leads_and_agents_are_spread_over_two_teams(engine, loaded):
    staff = [u for u in _rows(engine, User) if u.role != "admin"]
    assert len({u.team_id for u in staff}) == 2
    assert all(u.team_id is not None for u in staff)


def test_more_agents_than_the_named_ones_get_numbered_usernames(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'many.db'}")
    demo.load_demo(engine, debtors=20, agents=11, today=TODAY)
    names = {u.username for u in _rows(engine, User)}
    assert {"agent09", "agent10", "agent11", "rosa"} <= names
    assert "agent12" not in names
    engine.dispose()


def test_debtors_are_varied_and_their_contact_wishes_are_respected(engine, loaded):
    debtors = _rows(engine, Debtor)
    assert {d.kind for d in debtors} == {"person", "business"}
    assert len({d.timezone for d in debtors}) >= 3
    assert all(d.preferred_name and d.owner_id for d in debtors)
    assert any(d.opted_out for d in debtors)
    for debtor in debtors:
        ZoneInfo(debtor.timezone)
        assert debtor.preferred_channel not in debtor.opted_out.split(",")
    opted_out = {d.id: set(d.opted_out.split(",")) for d in debtors}
    for checkin in _rows(engine, CheckIn):
        assert checkin.channel not in opted_out[checkin.debtor_id]


def test_vulnerable_debtors_have_consent_and_idea_notes_recorded(engine, loaded):
    vulnerable = {d.id for d in _rows(engine, Debtor) if d.vulnerable}
    records = _rows(engine, Vulnerability)
    assert vulnerable, "the small demo should include someone vulnerable"
    assert {r.debtor_id for r in records} == vulnerable
    for record in records:
        assert record.driver in set(VulnerabilityDriver)
        assert record.consent_at is not None and record.consent_at.tzinfo is not None
        assert record.impact and record.duration and record.episodes and record.assistance


def test_some_debtors_have_an_income_and_expenditure_statement(engine, loaded):
    statements = _rows(engine, IncomeExpenditure)
    assert 5 <= len(statements) <= 35
    for statement in statements:
        items = json.loads(statement.items_json)
        assert set(items) <= SFS_INCOME | SFS_COSTS
        assert statement.income_cents == sum(v for k, v in items.items() if k in SFS_INCOME)
        assert statement.expenses_cents == sum(v for k, v in items.items() if k in SFS_COSTS)


# ---------------------------------------------------------------- money


def test_balances_are_realistic(engine, loaded):
    accounts = _rows(engine, Account)
    assert all(5_000 <= a.original_balance_cents <= 2_500_000 for a in accounts)
    assert all(0 <= a.balance_cents <= a.original_balance_cents for a in accounts)
    assert all(a.currency == "GBP" for a in accounts)
    assert {a.status for a in accounts} <= {s.value for s in AccountStatus}
    assert {AccountStatus.OPEN, AccountStatus.ARRANGEMENT} <= {a.status for a in accounts}
    assert len({a.reference for a in accounts}) == len(accounts)


def test_accounts_on_hold_have_a_hold_and_nobody_is_contacted_during_one(engine):
    demo.load_demo(engine, debtors=300, today=TODAY)
    accounts = {a.id: a for a in _rows(engine, Account)}
    held = {a.id for a in accounts.values() if a.status == AccountStatus.ON_HOLD}
    holds = _rows(engine, Hold)
    assert held and {h.account_id for h in holds} == held
    paused_from: dict[int, date] = {}
    for hold in holds:
        assert hold.reason and hold.starts_on <= TODAY
        if hold.kind == HoldKind.BREATHING_SPACE:
            assert hold.ends_on - hold.starts_on == timedelta(days=60)
        if hold.kind != HoldKind.DISPUTE:
            debtor_id = accounts[hold.account_id].debtor_id
            paused_from[debtor_id] = min(paused_from.get(debtor_id, hold.starts_on),
                                         hold.starts_on)
    assert paused_from
    for checkin in _rows(engine, CheckIn):
        if checkin.debtor_id in paused_from:
            assert checkin.at.date() <= paused_from[checkin.debtor_id]
    for followup in _rows(engine, FollowUp):
        if followup.debtor_id in paused_from:
            assert followup.status != FollowUpStatus.OPEN


def test_plans_exist_in_every_status(engine, loaded):
    statuses = {p.status for p in _rows(engine, PaymentPlan)}
    assert statuses == {s.value for s in PlanStatus}


def test_plan_instalments_add_up_and_payments_match_them(engine, loaded):
    plans = _rows(engine, PaymentPlan)
    instalments: dict[int, list[PlanInstalment]] = {}
    for inst in _rows(engine, PlanInstalment):
        instalments.setdefault(inst.plan_id, []).append(inst)
    paid_by_plan: dict[int, int] = {}
    for payment in _rows(engine, Payment):
        if payment.plan_id is not None:
            paid_by_plan[payment.plan_id] = paid_by_plan.get(payment.plan_id, 0) + \
                payment.amount_cents
    for plan in plans:
        rows = instalments[plan.id]
        assert sum(i.amount_cents for i in rows) == plan.payable_cents
        assert plan.payable_cents + plan.forgiven_cents == plan.balance_at_start_cents
        assert sum(i.paid_cents for i in rows) == paid_by_plan.get(plan.id, 0)
        missed = sum(1 for i in rows if i.status == InstalmentStatus.MISSED)
        if plan.status == PlanStatus.BROKEN:
            assert missed >= 2
        if plan.status == PlanStatus.COMPLETED:
            assert all(i.status == InstalmentStatus.PAID for i in rows)
        if plan.status in (PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.AWAITING_APPROVAL):
            assert plan.start_on > TODAY and plan.id not in paid_by_plan
        assert all(i.due_on < TODAY for i in rows if i.status == InstalmentStatus.MISSED)


def test_promises_to_pay_are_open_kept_or_broken(engine):
    demo.load_demo(engine, debtors=200, today=TODAY)
    promises = _rows(engine, PromiseToPay)
    assert {p.status for p in promises} == {s.value for s in PromiseStatus}
    for promise in promises:
        assert (promise.due_on >= TODAY) == (promise.status == PromiseStatus.OPEN)


# ---------------------------------------------------------------- history and the backlog


def test_checkins_cover_six_months_within_each_debtors_contact_window(engine, loaded):
    checkins = _rows(engine, CheckIn)
    debtors = {d.id: d for d in _rows(engine, Debtor)}
    for checkin in checkins:
        debtor = debtors[checkin.debtor_id]
        local = checkin.at.astimezone(ZoneInfo(debtor.timezone))
        assert TODAY - timedelta(days=183) <= local.date() < TODAY
        assert local.weekday() < 5
        assert debtor.contact_window_start <= local.time() <= debtor.contact_window_end
        if checkin.wellbeing is not None:
            assert 1 <= checkin.wellbeing <= 5 and checkin.outcome == "spoke"
    london = ZoneInfo("Europe/London")
    months = {c.at.astimezone(london).strftime("%Y-%m") for c in checkins}
    assert len(months) >= 6
    assert {c.outcome for c in checkins} >= {"spoke", "no_answer", "message_sent"}
    assert any(c.life_changes for c in checkins) and any(c.signposting for c in checkins)


def test_open_followups_spread_from_overdue_to_ahead(engine, loaded):
    from core.vocabulary import CARE_REASONS

    # After-care check-ins are care, not work, and fall 30 and 90 days after consent.
    open_ones = [f for f in _rows(engine, FollowUp)
                 if f.status == FollowUpStatus.OPEN and f.reason not in CARE_REASONS]
    dues = [f.due_on for f in open_ones]
    assert TODAY - timedelta(days=21) <= min(dues) < TODAY < max(dues)
    assert max(dues) <= TODAY + timedelta(days=21)
    assert TODAY in dues
    assert len({f.reason for f in open_ones}) >= 4
    assert any(f.status == FollowUpStatus.DONE for f in _rows(engine, FollowUp))


def test_the_demo_agent_starts_the_day_with_work_due_and_overdue(engine, loaded):
    with Session(engine) as session:
        agent = session.exec(select(User).where(User.username == "agent")).scalar_one()
        mine = session.exec(select(FollowUp).where(
            FollowUp.owner_id == agent.id, FollowUp.status == FollowUpStatus.OPEN)).scalars()
        dues = [f.due_on for f in mine]
        caseload = session.exec(select(func.count()).select_from(Debtor).where(
            Debtor.owner_id == agent.id)).scalar_one()
    assert caseload >= 3
    assert sum(1 for d in dues if d == TODAY) >= 3
    assert sum(1 for d in dues if d < TODAY) >= 3


def test_nothing_in_the_demo_happened_after_the_day_began(engine, loaded):
    start_of_day = datetime.combine(TODAY, datetime.min.time(), ZoneInfo("Europe/London"))
    start_of_day = start_of_day.astimezone(UTC) + timedelta(hours=8)
    assert all(c.at <= start_of_day for c in _rows(engine, CheckIn))
    assert all(p.created_at <= start_of_day for p in _rows(engine, PaymentPlan))
    assert all(f.done_at is None or f.done_at <= start_of_day for f in _rows(engine, FollowUp))
    assert all(p.received_on < TODAY for p in _rows(engine, Payment))


# ---------------------------------------------------------------- loading twice, and the CLI


def test_loading_into_a_database_with_the_demo_users_is_refused(engine, loaded):
    with pytest.raises(demo.DemoError, match="already has a user called 'admin'"):
        demo.load_demo(engine, **SMALL)
    assert _count(engine, Debtor) == 60


def test_if_empty_loads_nothing_on_a_database_with_users(engine, loaded, capsys):
    url = engine.url.render_as_string(hide_password=False)
    assert demo.main(["--debtors", "30", "--database-url", url, "--if-empty"]) == 0
    assert "demo data not loaded" in capsys.readouterr().out
    assert _count(engine, Debtor) == 60


def test_if_empty_loads_into_an_empty_database(engine, capsys):
    url = engine.url.render_as_string(hide_password=False)
    assert demo.main(["--debtors", "12", "--database-url", url, "--if-empty"]) == 0
    assert "Loaded 12 debtors" in capsys.readouterr().out
    assert _count(engine, Debtor) == 12


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.demo", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_command_line_loads_a_small_demo(tmp_path):
    path = tmp_path / "cli.db"
    result = _cli("--debtors", "30", "--database-url", f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    assert "Loaded 30 debtors" in result.stdout
    engine = db.make_engine(f"sqlite:///{path}")
    assert _count(engine, Debtor) == 30
    engine.dispose()


@pytest.mark.parametrize("url", ["mysql://someone@somewhere/db", "not a url at all"])
def test_a_bad_database_url_fails_with_one_plain_sentence(url):
    result = _cli("--debtors", "5", "--database-url", url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.strip().endswith(".")


# ---------------------------------------------------------------- after the demo, work goes on


def test_after_the_demo_every_kind_of_write_succeeds(engine, loaded):
    """Issue 12.1: on PostgreSQL the demo left every sequence at 1, so the first save collided."""
    from core.checkins.service import CheckInInput, log_checkin
    from core.followups.service import create_followup
    from core.importer import loader as importer
    from core.payment_plans import service as plans
    from core.store.models import FollowUpCreate

    # Given the demo, and the demo agent with one of their debtors' open accounts
    with db.write_session(engine) as s:
        agent = s.exec(select(User).where(User.username == "agent")).scalar_one()
        lead = s.exec(select(User).where(User.username == "lead")).scalar_one()
        account = s.exec(
            select(Account).join(Debtor, Debtor.id == Account.debtor_id)
            .where(Account.status == AccountStatus.OPEN, Account.balance_cents > 10_000)
            .order_by(Account.id)).scalars().first()
        before = {name: _count(engine, model) for name, model in (
            ("checkins", CheckIn), ("payments", Payment), ("plans", PaymentPlan),
            ("followups", FollowUp), ("debtors", Debtor))}
    # When someone saves a check-in, a payment, a plan, a follow-up and imports a debtor
    with db.write_session(engine) as s:
        log_checkin(s, actor=lead, data=CheckInInput(
            debtor_id=account.debtor_id, account_id=account.id, channel="email",
            direction="inbound", outcome="spoke", right_party=True, wellbeing=3,
            notes="Called in after the demo.", create_followup=False))
    with db.write_session(engine) as s:
        plans.record_payment(s, actor=lead, account_id=account.id, amount_cents=1_000,
                             received_on=TODAY, method="bank_transfer", today=TODAY)
    with db.write_session(engine) as s:
        plans.save_plan(s, actor=lead, inputs=plans.PlanInputs(
            account_id=account.id, frequency="monthly", start_on=TODAY + timedelta(days=7),
            count=3), today=TODAY)
    with db.write_session(engine) as s:
        create_followup(s, actor=agent, data=FollowUpCreate(
            debtor_id=account.debtor_id, owner_id=agent.id, due_on=TODAY + timedelta(days=1),
            channel="phone", reason="call_back", priority=2, note="After the demo"),
            today=TODAY)
    csv = (b"reference,creditor,debtor_name,balance\n"
           b"NEW-0001,Northwind Energy,Nadia Brooks,120.00\n")
    with db.write_session(engine) as s:
        result = importer.run_import(s, actor=lead, kind="debtors", data=csv, today=TODAY)
    # Then each was saved, with a new id past the demo's rows
    assert (result.created, result.refused) == (1, 0), result.problems
    after = {name: _count(engine, model) for name, model in (
        ("checkins", CheckIn), ("payments", Payment), ("plans", PaymentPlan),
        ("followups", FollowUp), ("debtors", Debtor))}
    assert after == {name: n + 1 for name, n in before.items()}


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite has no sequences
def test_the_demo_leaves_every_sequence_past_its_largest_id(engine, loaded):
    # Given the demo loaded into a fresh PostgreSQL database
    with engine.connect() as conn:
        assert conn.dialect.name == "postgresql"
        # Then every table's sequence would hand out an id above its largest one
        for name in db.serial_tables():
            largest = conn.exec_driver_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"').scalar()
            sequence = conn.exec_driver_sql(
                f"SELECT pg_get_serial_sequence('{name}', 'id')").scalar()
            row = conn.exec_driver_sql(f"SELECT last_value, is_called FROM {sequence}").one()
            next_id = row.last_value + 1 if row.is_called else row.last_value
            assert next_id > largest, name


# ---------------------------------------------------------------- one vocabulary


def test_the_demo_writes_only_values_the_services_accept(engine, loaded):
    """Issue 9: the demo wrote payment method 'debit_card', which the payment service refuses."""
    from core.payment_plans.service import PAYMENT_METHODS as ACCEPTED
    from core.vocabulary import Channel, FollowUpReason, HoldKind, PaymentMethod

    # Given the demo
    # Then every payment method, channel, reason and hold kind is one of the vocabulary's
    assert {p.method for p in _rows(engine, Payment)} <= set(PaymentMethod)
    assert set(PaymentMethod) == set(ACCEPTED)
    assert {c.channel for c in _rows(engine, CheckIn)} <= set(Channel)
    assert {d.preferred_channel for d in _rows(engine, Debtor)} <= set(Channel)
    followups = _rows(engine, FollowUp)
    assert {f.reason for f in followups} <= set(FollowUpReason)
    assert {f.channel for f in followups} <= set(Channel)
    assert {h.kind for h in _rows(engine, Hold)} <= set(HoldKind)


def test_a_demo_payment_method_is_accepted_by_the_payment_service(engine, loaded):
    from core.payment_plans import service as plans

    # Given the demo, and an open account with money left to pay
    with db.write_session(engine) as s:
        lead = s.exec(select(User).where(User.username == "lead")).scalar_one()
        account = s.exec(select(Account).where(Account.status == AccountStatus.OPEN,
                                                Account.balance_cents > 10_000)
                         .order_by(Account.id)).scalars().first()
        methods = sorted({p.method for p in _rows(engine, Payment)})
    # When a payment is recorded with each method the demo used
    for method in methods:
        with db.write_session(engine) as s:
            plans.record_payment(s, actor=lead, account_id=account.id, amount_cents=100,
                                 received_on=TODAY, method=method, today=TODAY)
    # Then each was accepted
    assert "debit_card" not in methods
    assert len(methods) >= 3
