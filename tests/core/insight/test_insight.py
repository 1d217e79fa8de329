"""Insight: the three questions against a straightforward Python count, the interval arithmetic,
the "too few" rule, empty states, and the page for a lead (refused for an agent)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from core.checkins.amendments import amend_checkin
from core.insight import queries as insight
from core.insight.stats import TOO_FEW, wilson
from core.store.models import (
    CheckIn,
    IncomeExpenditure,
    Payment,
    PaymentPlan,
    PlanInstalment,
)
from tests.factories import make_account, make_debtor, make_office

TODAY = date(2026, 11, 25)
START, END = date(2026, 5, 1), date(2026, 10, 31)
GRACE = 3


# ---------------------------------------------------------------- the interval


@pytest.mark.parametrize("hits,n,low,high", [
    (5, 10, 0.2366, 0.7634),
    (50, 100, 0.4038, 0.5962),
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (81, 263, 0.2553, 0.3662),
])
def test_wilson_interval_against_known_values(hits, n, low, high):
    p = wilson(hits, n)
    assert p.low == pytest.approx(low, abs=5e-4) and p.high == pytest.approx(high, abs=5e-4)


def test_too_few_to_say_under_thirty():
    assert wilson(10, TOO_FEW - 1).describe() == "too few to say (29 plans)"
    assert wilson(15, TOO_FEW).describe().startswith("50% (")
    assert wilson(0, 0).rate is None and wilson(0, 0).too_few
    # the table's share leaves the counts to their own columns
    assert wilson(10, TOO_FEW - 1).share() == "too few to say"
    assert wilson(15, TOO_FEW).share() == wilson(15, TOO_FEW).describe().split(",")[0]


def test_a_proportion_needs_sense():
    with pytest.raises(ValueError):
        wilson(5, 3)


# ---------------------------------------------------------------- random data vs Python


def _utc(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _random_plans(session, rng: random.Random, office, n_debtors: int = 60):
    """Debtors with check-ins, statements, plans, first instalments and payments."""
    world = {"debtors": [], "plans": [], "checkins": [], "statements": [], "payments": []}
    for _ in range(n_debtors):
        owner = rng.choice([office.ann, office.bob, office.dan])
        debtor = make_debtor(session, owner, vulnerable=rng.random() < 0.3)
        world["debtors"].append((debtor.id, owner.id, debtor.vulnerable))
        for _ in range(rng.randint(0, 6)):
            at = _utc(START + timedelta(days=rng.randint(-30, 200)), rng.randint(0, 23))
            wellbeing = rng.choice([None, 1, 2, 3, 4, 5])
            session.add(CheckIn(debtor_id=debtor.id, agent_id=owner.id, at=at, channel="phone",
                                outcome="spoke", wellbeing=wellbeing))
            world["checkins"].append((debtor.id, at, wellbeing))
        if rng.random() < 0.4:
            on = START + timedelta(days=rng.randint(-20, 150))
            session.add(IncomeExpenditure(debtor_id=debtor.id, recorded_on=on))
            world["statements"].append((debtor.id, on))
        for _ in range(rng.randint(0, 3)):
            account = make_account(session, debtor, 50_000)
            activated = _utc(START + timedelta(days=rng.randint(-20, 200)), rng.randint(8, 18))
            status = rng.choice(["active", "active", "broken", "completed", "cancelled"])
            ended = (activated + timedelta(days=rng.randint(1, 150))
                     if status != "active" else None)
            plan = PaymentPlan(account_id=account.id, frequency="monthly",
                               start_on=activated.date(), count=6, status=status,
                               activated_at=activated, ended_at=ended, payable_cents=60_000)
            session.add(plan)
            session.flush()
            due = activated.date() + timedelta(days=rng.randint(0, 20))
            session.add(PlanInstalment(plan_id=plan.id, seq=1, due_on=due, amount_cents=10_000))
            session.add(PlanInstalment(plan_id=plan.id, seq=2, due_on=due + timedelta(days=30),
                                       amount_cents=10_000))
            for _ in range(rng.randint(0, 2)):
                paid_on = due + timedelta(days=rng.randint(-5, 8))
                amount = rng.choice([5_000, 10_000])
                session.add(Payment(account_id=account.id, plan_id=plan.id, amount_cents=amount,
                                    received_on=paid_on))
                world["payments"].append((plan.id, paid_on, amount))
            world["plans"].append(dict(id=plan.id, debtor=debtor.id, owner=owner.id,
                                       vulnerable=debtor.vulnerable, activated=activated,
                                       status=status, ended=ended, due=due))
    session.commit()
    return world


def _python_counts(world, team_owners: set[int] | None):
    """The same questions, counted one plan at a time in plain Python."""
    first: dict[tuple[int, int], list[int]] = {}
    agreed: dict[tuple[str, int, int], list[int]] = {}
    for p in world["plans"]:
        if team_owners is not None and p["owner"] not in team_owners:
            continue
        due = p["due"]
        if START <= due <= END and due <= TODAY - timedelta(days=GRACE + 1):
            before = any(d == p["debtor"] and _utc(due - timedelta(days=3)) <= at < _utc(due)
                         for d, at, _ in world["checkins"])
            paid = sum(a for plan, on, a in world["payments"]
                       if plan == p["id"] and on <= due + timedelta(days=GRACE))
            key = (int(before), int(p["vulnerable"]))
            first.setdefault(key, [0, 0])
            first[key][0] += int(paid >= 10_000)
            first[key][1] += 1
        act = p["activated"]
        if _utc(START) <= act < _utc(END + timedelta(days=1)) and \
                act < _utc(TODAY - timedelta(days=89)):
            seen = sorted((at, w) for d, at, w in world["checkins"]
                          if d == p["debtor"] and w is not None and at <= act)
            w = seen[-1][1] if seen else None
            band = "none" if w is None else "low" if w <= 2 else "mid" if w == 3 else "high"
            used = any(d == p["debtor"] and on <= act.date() for d, on in world["statements"])
            early = p["status"] in ("broken", "cancelled") and p["ended"] < act + timedelta(90)
            key = (band, int(used), int(p["vulnerable"]))
            agreed.setdefault(key, [0, 0])
            agreed[key][0] += int(not early)
            agreed[key][1] += 1
    return first, agreed


@pytest.mark.parametrize("seed", [1, 2])
def test_the_questions_match_a_plain_python_count(session, seed):
    # Given random debtors, check-ins, statements, plans and payments
    office = make_office(session)
    world = _random_plans(session, random.Random(seed), office)
    dialect = session.get_bind().dialect.name
    for team_id, owners in ((None, None), (office.north.id, {office.ann.id, office.bob.id})):
        # When the database counts them
        first = {(r.checked_before, r.vulnerable): [int(r.hits), int(r.n)]
                 for r in session.execute(insight.first_instalment_statement(
                     start=START, end=END, as_of=TODAY, grace=GRACE, team_id=team_id,
                     dialect=dialect))}
        agreed = {(r.band, r.statement_used, r.vulnerable): [int(r.hits), int(r.n)]
                  for r in session.execute(insight.running_statement(
                      start=START, end=END, as_of=TODAY, team_id=team_id, dialect=dialect))}
        # Then every group's count and outcome equal the plain count
        expected_first, expected_agreed = _python_counts(world, owners)
        assert first == expected_first
        assert agreed == expected_agreed
        assert sum(n for _, n in first.values()) > 10


def _agreed_as_read(session, team_id):
    """Question (b)'s groups as Insight reads them: the SQL count plus the amended moves."""
    dialect = session.get_bind().dialect.name
    found: dict[tuple[str, int, int], list[int]] = {}
    rows = [dict(r) for r in session.execute(insight.running_statement(
        start=START, end=END, as_of=TODAY, team_id=team_id, dialect=dialect)).mappings()]
    rows += insight.amended_bands(session, start=START, end=END, as_of=TODAY,
                                  team_id=team_id, dialect=dialect)
    for r in rows:
        key = (r["band"], int(r["statement_used"]), int(r["vulnerable"]))
        found.setdefault(key, [0, 0])
        found[key][0] += int(r["hits"])
        found[key][1] += int(r["n"])
    return {k: v for k, v in found.items() if v[1]}


@pytest.mark.parametrize("seed", [4, 5])
def test_the_wellbeing_bands_read_check_ins_as_amended(session, seed):
    # Given random plans, and a lead who corrects the wellbeing of a third of the check-ins
    # (to another value, to "not asked", or on one that had none)
    office = make_office(session)
    rng = random.Random(seed)
    world = _random_plans(session, rng, office)
    checkins = session.exec(select(CheckIn).order_by(CheckIn.id)).all()
    amended_world = []
    for c in checkins:
        wellbeing = c.wellbeing
        if rng.random() < 0.35:
            choice = rng.choice([w for w in ("", "1", "2", "3", "4", "5")
                                 if w != ("" if c.wellbeing is None else str(c.wellbeing))])
            amend_checkin(session, actor=office.lead, checkin_id=c.id, field="wellbeing",
                          new_value=choice, reason="Misheard on the call")
            wellbeing = int(choice) if choice else None
        if rng.random() < 0.2:  # other fields too: they don't move a plan
            amend_checkin(session, actor=office.lead, checkin_id=c.id, field="outcome",
                          new_value="no_answer", reason="Wrong button")
        amended_world.append((c.debtor_id, c.at, wellbeing))
    session.commit()
    world = dict(world, checkins=amended_world)
    for team_id, owners in ((None, None), (office.north.id, {office.ann.id, office.bob.id})):
        # When Insight counts question (b), then every group equals a plain count of the
        # check-ins as amended
        assert _agreed_as_read(session, team_id) == _python_counts(world, owners)[1]


def test_a_corrected_wellbeing_moves_the_plan_to_its_band(session):
    # Given Sam, whose plan was agreed after a check-in logged as wellbeing 2 (but it was 4)
    office = make_office(session)
    debtor = make_debtor(session, office.ann, vulnerable=True)
    account = make_account(session, debtor, 50_000)
    agreed = _utc(date(2026, 6, 1), 10)
    checkin = CheckIn(debtor_id=debtor.id, agent_id=office.ann.id, at=agreed - timedelta(hours=1),
                      channel="phone", outcome="no_answer", wellbeing=2)
    session.add(checkin)
    session.add(PaymentPlan(account_id=account.id, frequency="monthly", start_on=agreed.date(),
                            count=6, status="active", activated_at=agreed, payable_cents=60_000))
    session.commit()

    def running(result, name):
        return next(g.result for g in result.still_running if g.name == name)

    before = insight.insight(session, start=START, end=END, today=TODAY)
    assert (running(before, "Wellbeing 1–2").n, running(before, "Wellbeing 4–5").n) == (1, 0)
    # When the agent corrects the wellbeing to 4, and the outcome from no answer to spoke
    amend_checkin(session, actor=office.ann, checkin_id=checkin.id, field="wellbeing",
                  new_value="4", reason="Typed the wrong number")
    amend_checkin(session, actor=office.ann, checkin_id=checkin.id, field="outcome",
                  new_value="spoke", reason="We did speak")
    session.commit()
    after = insight.insight(session, start=START, end=END, today=TODAY)
    # Then Insight counts the plan at wellbeing 4–5, still running, and nowhere else
    assert (running(after, "Wellbeing 1–2").n, running(after, "Wellbeing 4–5").n) == (0, 1)
    assert running(after, "Wellbeing 4–5").hits == 1
    assert [g.result.n for g in after.parity] == [g.result.n for g in before.parity]
    # When it is corrected to "not asked", then the plan has no wellbeing recorded
    amend_checkin(session, actor=office.ann, checkin_id=checkin.id, field="wellbeing",
                  new_value="", reason="We didn't ask after all")
    session.commit()
    cleared = insight.insight(session, start=START, end=END, today=TODAY)
    assert running(cleared, "Wellbeing not recorded").n == 1
    assert running(cleared, "Wellbeing 4–5").n == 0


def test_the_page_model_adds_up_and_marks_small_groups(session):
    office = make_office(session)
    _random_plans(session, random.Random(3), office, n_debtors=40)
    result = insight.insight(session, start=START, end=END, today=TODAY)
    assert not result.empty
    a_total = sum(g.result.n for g in result.first_instalment)
    assert a_total == sum(g.result.n for g in result.parity[:2])
    assert all(g.result.too_few == (g.result.n < 30) for g in result.still_running)


@pytest.mark.parametrize("start,end,words", [
    (date(2027, 1, 1), date(2027, 3, 1), "hasn't happened yet"),
    (date(2026, 3, 1), date(2026, 2, 1), "ends before it starts"),
    (date(2020, 1, 1), date(2020, 3, 1), "No plans"),
])
def test_empty_periods_say_so(session, start, end, words):
    make_office(session)
    session.commit()
    result = insight.insight(session, start=start, end=end, today=TODAY)
    assert result.empty and words in result.empty_reason


# ---------------------------------------------------------------- the page


def test_insight_page_for_a_lead_and_refused_for_an_agent(app_url, app_session):
    import streamlit as st

    from tests.conftest import open_app

    st.cache_data.clear()
    office = make_office(app_session)
    _random_plans(app_session, random.Random(4), office, n_debtors=30)
    # When the lead opens Insight for a period with plans
    at = open_app("pages/insight.py", user=office.lead)
    at.date_input(key="insight_period").set_value((START, END)).run()
    # Then the three questions are there, with the words about association and a table each
    assert not at.exception and not at.error
    assert at.title[0].value == "Insight"
    assert any("not proof" in i.value for i in at.info)
    headings = [s.value for s in at.subheader]
    assert len([h for h in headings if h[:2] in ("1.", "2.", "3.")]) == 3
    assert len(at.dataframe) == 4
    # When the period is in the future, Then it says so, no traceback
    at.date_input(key="insight_period").set_value((date(2030, 1, 1), date(2030, 2, 1))).run()
    assert not at.exception
    assert any("hasn't happened yet" in i.value for i in at.info)
    # And an agent is refused
    agent = open_app("pages/home.py", user=office.ann)
    agent.switch_page("pages/insight.py").run()
    assert not agent.exception
    assert [e.value for e in agent.error] == ["Only leads and admins can see the outcome insight."]
    assert not agent.dataframe
