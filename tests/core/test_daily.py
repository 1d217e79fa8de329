"""core.daily: the time-driven rules run once per office day, from cron, the app or the demo.

The core tests run on SQLite and PostgreSQL (the `engine` fixture); the page-order test runs
the app in AppTest on a SQLite file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from core import daily
from core.errors import UserError
from core.store import db
from core.store.config import ROOT
from core.store.models import (
    Account,
    AuditEvent,
    DailyRun,
    FollowUp,
    Hold,
    PlanInstalment,
    User,
)
from tests.conftest import open_app
from tests.factories import make_account, make_active_plan, make_debtor, make_user
from ui import daily as ui_daily

START = date(2027, 1, 1)
AFTER_TWO_MISSED = date(2027, 2, 10)  # 1 Jan and 1 Feb unpaid, grace 3 days: both missed


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _plans_with_arrears(engine: Engine, n: int, *, start: date = START) -> list[int]:
    """`n` agents' debtors, each with a £600 plan at £50 a month from `start`, nothing paid."""
    ids = []
    with db.write_session(engine) as s:
        for _ in range(n):
            agent = make_user(s, "agent")
            account = make_account(s, make_debtor(s, agent), 60_000)
            ids.append(make_active_plan(s, agent, account, start_on=start,
                                        today=start - timedelta(days=10)).id)
    return ids


def _count(engine: Engine, model, *where) -> int:
    with db.read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.daily", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------- once a day


def test_the_rules_run_once_and_a_second_run_that_day_changes_nothing(engine):
    # Given three plans with January and February unpaid
    _plans_with_arrears(engine, 3)
    # When the daily rules run on 10 February
    first = daily.run(engine, today=AFTER_TWO_MISSED)
    # Then six instalments are missed, three plans broken, one chase each
    assert first.state == "done"
    assert (first.counts["missed"], first.counts["plans_broken"],
            first.counts["followups"]) == (6, 3, 3)
    audit_before = _count(engine, AuditEvent)
    # And a second run the same day changes nothing
    second = daily.run(engine, today=AFTER_TWO_MISSED)
    assert second.state == "already" and second.changed == 0
    assert "already ran" in second.lines()[0]
    assert _count(engine, AuditEvent) == audit_before
    assert _count(engine, FollowUp) == 3 + 3  # three reviews from activation, three chases


def test_the_report_is_stored_with_the_day(engine):
    _plans_with_arrears(engine, 2)
    report = daily.run(engine, today=AFTER_TWO_MISSED)
    with db.read_session(engine) as s:
        row = s.get(DailyRun, AFTER_TWO_MISSED)
    assert json.loads(row.summary_json) == report.counts


def test_a_hold_that_has_ended_ends_once_and_the_account_goes_back_to_its_plan(engine):
    # Given an active plan whose account went on hold until 5 February
    [plan_id] = _plans_with_arrears(engine, 1, start=date(2027, 3, 1))
    with db.write_session(engine) as s:
        account = s.exec(select(Account)).one()
        account.status = "on_hold"
        s.add(Hold(account_id=account.id, kind="dispute", reason="Disputes the amount",
                   starts_on=date(2027, 1, 20), ends_on=date(2027, 2, 5)))
    # When the rules run on 5 February, the hold is still in force
    assert daily.run(engine, today=date(2027, 2, 5)).counts["holds_ended"] == 0
    # Then on 6 February it ends and the account is back on its arrangement
    report = daily.run(engine, today=date(2027, 2, 6))
    assert (report.counts["holds_ended"], report.counts["welcome_backs"]) == (1, 1)
    with db.read_session(engine) as s:
        assert s.exec(select(Account)).one().status == "arrangement"
        hold = s.exec(select(Hold)).one()
        # ended by its date, not released early by a lead
        assert hold.welcomed_at is not None and hold.released_at is None
        [welcome] = s.exec(select(FollowUp).where(FollowUp.note.startswith("Welcome back"))).all()
        assert welcome.due_on == date(2027, 2, 6)
    # And the next day's run ends nothing more
    report = daily.run(engine, today=date(2027, 2, 7))
    assert (report.counts["holds_ended"], report.counts["welcome_backs"]) == (0, 0)


def test_nothing_is_chased_while_a_hold_is_in_force(engine):
    # Given a plan with two months unpaid, on an account in breathing space
    _plans_with_arrears(engine, 1)
    with db.write_session(engine) as s:
        account = s.exec(select(Account)).one()
        s.add(Hold(account_id=account.id, kind="breathing_space", reason="Debt respite",
                   starts_on=date(2027, 1, 15), ends_on=date(2027, 3, 16)))
    # When the rules run, nothing is missed or chased
    report = daily.run(engine, today=AFTER_TWO_MISSED)
    assert (report.counts["missed"], report.counts["followups"]) == (0, 0)


# ---------------------------------------------------------------- the command line


def test_the_command_line_prints_what_it_changed_then_that_it_already_ran(engine):
    _plans_with_arrears(engine, 2)
    first = _cli("--today", "2027-02-10", "--database-url", _url(engine))
    assert first.returncode == 0, first.stderr
    assert "Daily rules for Wednesday 10 February 2027:" in first.stdout
    assert "4 instalments marked missed" in first.stdout
    assert "2 plans broken" in first.stdout
    again = _cli("--today", "2027-02-10", "--database-url", _url(engine))
    assert again.returncode == 0
    assert "already ran for Wednesday 10 February 2027; nothing changed" in again.stdout


@pytest.mark.parametrize("bad", ["2027-02-30", "tomorrow", "10/02/2027", ""])
def test_a_bad_today_is_a_plain_sentence_and_a_non_zero_exit(sqlite_url, bad):
    result = _cli("--today", bad, "--database-url", sqlite_url)
    assert result.returncode == 2
    assert "is not a date; write it as YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(UserError, match="not a date"):
        daily.parse_day(bad)


def test_two_processes_started_at_once_mark_each_instalment_once(engine):
    # Given twenty plans with two months unpaid
    plan_ids = _plans_with_arrears(engine, 20)
    # When two daily runs start at the same moment
    command = [sys.executable, "-m", "core.daily", "--today", "2027-02-10",
               "--database-url", _url(engine)]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    # Then both succeed, exactly one did the work
    assert [run.returncode for run in runs] == [0, 0], outputs
    did = [out for out, _ in outputs if "Daily rules for" in out]
    assert len(did) == 1, outputs
    assert "40 instalments marked missed" in did[0]
    # And each instalment was marked once, each plan broken once, each chase created once
    assert _count(engine, PlanInstalment, PlanInstalment.status == "missed") == 40
    assert _count(engine, AuditEvent, AuditEvent.action == "plan.broken") == len(plan_ids)
    assert _count(engine, FollowUp, FollowUp.reason == "missed_instalment") == len(plan_ids)
    assert _count(engine, DailyRun) == 1


# ---------------------------------------------------------------- page order


def _standup(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_standup_figures_do_not_depend_on_who_opened_payment_plans(app_url, app_session,
                                                                    monkeypatch):
    # Given the app's first request waits for the whole daily run (it waits a moment in
    # production; here the run must be done before the Stand-up is read, however busy the
    # machine is)
    monkeypatch.setattr(ui_daily, "WAIT_SECONDS", None)
    # And two plans with arrears (two monthly instalments past their grace today)
    today = date.today()
    start = today - timedelta(days=45)
    lead = make_user(app_session, "lead")
    for _ in range(2):
        agent = make_user(app_session, "agent")
        account = make_account(app_session, make_debtor(app_session, agent), 60_000)
        make_active_plan(app_session, agent, account, start_on=start,
                         today=start - timedelta(days=1))
    app_session.commit()
    lead_id = lead.id
    # When the lead opens the Stand-up first (the app's first request runs the day's rules)
    at = open_app("pages/standup.py", user=app_session.get(User, lead_id))
    assert not at.exception
    assert not ui_daily.running()
    assert not any("still running" in i.value for i in at.info)
    before = _standup(at)
    # And then opens Payment plans, and the Stand-up again
    at.switch_page("pages/plans.py")
    at.run()
    assert not at.exception
    at.switch_page("pages/standup.py")
    at.run()
    # Then every Stand-up figure is the same
    assert _standup(at) == before
    broken = next(v for k, v in before.items() if k.startswith("Plans broken since"))
    # And it is what core.daily reported for the day, which a cron run now finds done
    engine = db.make_engine(app_url)
    try:
        with db.read_session(engine) as s:
            [run] = s.exec(select(DailyRun)).all()
    finally:
        engine.dispose()
    assert int(broken) == json.loads(run.summary_json)["plans_broken"] == 2
    cron = _cli("--database-url", app_url)
    assert cron.returncode == 0 and "already ran" in cron.stdout
