"""The demo's rows: users, debtors with their contact history, follow-ups (built in memory).

`_Loader` assigns ids itself and hands rows to the bulk loader in parent-before-child order;
accounts and their money (plans, payments, promises) are in `accounts`, the contact history
(check-ins, adjustments, vulnerability) in `contact`, follow-ups in `followups`.
"""

from __future__ import annotations

import json
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from sqlalchemy import Connection, func, select

from core.demo.accounts import _Accounts
from core.demo.contact import _Contact, _Story
from core.demo.followups import _FollowUps
from core.demo.people import (
    _Pick,
    _spread,
    draw_person,
)
from core.demo.summary import (
    DemoError,
    DemoSummary,
)
from core.demo.words import (
    CHANNEL_WEIGHTS,
    COMMUNICATION_NOTES,
    CONTACT_WINDOWS,
    DEBTOR_NEEDS,
    DEBTORS_PER_CHUNK,
    FOLLOWUP_REASONS,
    FREQUENCIES,
    HISTORY_DAYS,
    IE_COSTS,
    IE_INCOME,
    LANGUAGE_GROUPS,
    LIFE_CHANGES,
    LONDON,
    NAMED_AGENTS,
    OPT_OUTS,
    PASSWORD,
    PAYMENT_METHODS,
    REGIONS,
    ROWS_PER_INSERT,
    SIGNPOSTS,
    STORIES,
    TEAMS,
)
from core.store.models import (
    Account,
    Adjustment,
    CheckIn,
    Debtor,
    FollowUp,
    Hold,
    HoldKind,
    IncomeExpenditure,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PromiseToPay,
    Role,
    Team,
    User,
    Vulnerability,
)
from core.team.service import hash_password

# ---------------------------------------------------------------- the loader



class _Loader(_Accounts, _Contact, _FollowUps):
    """Builds the rows for one demo load and writes them on one connection."""

    def __init__(self, conn: Connection, *, seed: int, today: date, debtors: int, checkins: int,
                 followups: int, agents: int) -> None:
        self.conn = conn
        self.rng = Random(seed)
        self.adjustment_rng = Random(f"{seed}-adjustments")
        self.today = today
        self.n_debtors = debtors
        self.n_checkins = checkins
        self.n_followups = followups
        self.n_agents = agents
        self.summary = DemoSummary()
        self.seconds: dict[str, float] = {}
        self.rows: dict[str, list[dict]] = {name: [] for name in self._TABLES}
        # The working day starts at 08:00 in the office; everything in the demo happened before.
        self.now = datetime.combine(today, time(8, 0), LONDON).astimezone(UTC)
        self.next_id = {table: self._max_id(table) + 1 for table in self._TABLES}
        self._prepare_calendar()
        self._prepare_picks()

    # The big tables: their secondary indexes are dropped while loading and built afterwards,
    # which is much quicker than keeping them up to date row by row.
    BULK_TABLES = ("debtor", "account", "checkin", "payment_plan", "plan_instalment", "payment",
                   "promise_to_pay", "followup")

    # Parents before children: rows are inserted in this order.
    _TABLES = {model.__tablename__: model.__table__ for model in (
        Team, User, Debtor, Adjustment, Account, Hold, CheckIn, Vulnerability, PaymentPlan,
        PlanInstalment, Payment, PromiseToPay, IncomeExpenditure, FollowUp)}

    # ------------------------------------------------------------ set-up

    def _table(self, name: str):
        return self._TABLES[name]

    def _max_id(self, name: str) -> int:
        table = self._table(name)
        return self.conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()

    def _ids(self, name: str, n: int = 1) -> int:
        """Reserve `n` ids in `name`; returns the first."""
        first = self.next_id[name]
        self.next_id[name] = first + n
        return first

    def _prepare_calendar(self) -> None:
        """The weekdays of the last six months."""
        self.days = [day for back in range(HISTORY_DAYS, 0, -1)
                     if (day := self.today - timedelta(days=back)).weekday() < 5]
        self.day_ordinals = [day.toordinal() for day in self.days]
        self._window_opens: dict[tuple[str, time], list[datetime]] = {}

    def _prepare_picks(self) -> None:
        self.pick_region = _Pick([((tz, phone, width), w) for tz, w, _, phone, width in REGIONS])
        self.pick_lang = {tz: _Pick(langs) for tz, _, langs, _, _ in REGIONS}
        self.pick_group = {lang: _Pick(groups) for lang, groups in LANGUAGE_GROUPS.items()}
        self.pick_window = _Pick([((time(*a), time(*b)), w) for a, b, w in CONTACT_WINDOWS])
        self.pick_opt_out = _Pick(OPT_OUTS)
        self.pick_story = _Pick(STORIES)
        self.pick_frequency = _Pick(FREQUENCIES)
        self.pick_life_change = _Pick(LIFE_CHANGES)
        self.pick_signpost = _Pick(SIGNPOSTS)
        self.pick_reason = _Pick(FOLLOWUP_REASONS)
        self.pick_method = _Pick(PAYMENT_METHODS)
        self.pick_accounts = _Pick([(1, 60), (2, 30), (3, 10)])
        self.pick_hold = _Pick([(HoldKind.DISPUTE, 45), (HoldKind.BREATHING_SPACE, 40),
                                (HoldKind.CEASE_COMMUNICATION, 15)])
        # Check-in content is drawn from a pool made once, so a million rows stay cheap.
        self.content = {ch: [self._content(ch) for _ in range(400)] for ch, _ in CHANNEL_WEIGHTS}
        self.ie_pool = [self._income_expenditure() for _ in range(300)]

    def _income_expenditure(self) -> tuple[str, int, int]:
        rng = self.rng
        items: dict[str, int] = {}
        for key, chance, low, high in IE_INCOME + IE_COSTS:
            if rng.random() < chance:
                items[key] = rng.randrange(low, high + 1) * 100
        if not any(key in items for key, *_ in IE_INCOME):
            items["benefits"] = rng.randrange(400, 1100) * 100
        income = sum(items.get(key, 0) for key, *_ in IE_INCOME)
        expenses = sum(items.get(key, 0) for key, *_ in IE_COSTS)
        return json.dumps(items, sort_keys=True), income, expenses

    # ------------------------------------------------------------ writing

    def _add(self, name: str, row: dict) -> None:
        self.rows[name].append(row)

    def _flush(self) -> None:
        """Insert every pending row, parents before children."""
        for name in self._TABLES:
            rows = self.rows[name]
            if not rows:
                continue
            started = clock.perf_counter()
            # Plain executemany: sqlite3 runs it in C, psycopg pipelines it. (On PostgreSQL,
            # RETURNING to get SQLAlchemy's multi-row "insertmanyvalues" measured slower.)
            statement = self._table(name).insert()
            for i in range(0, len(rows), ROWS_PER_INSERT):
                self.conn.execute(statement, rows[i:i + ROWS_PER_INSERT])
            self._time(f"insert {name}", started)
            rows.clear()

    def _time(self, phase: str, started: float) -> None:
        self.seconds[phase] = self.seconds.get(phase, 0.0) + clock.perf_counter() - started

    # ------------------------------------------------------------ teams and users

    def make_users(self) -> None:
        started = clock.perf_counter()
        names = {row.username for row in self.conn.execute(select(User.__table__.c.username))}
        wanted = ["admin", "lead", "lead2"] + [u for u, _ in self._agent_list()]
        taken = [u for u in wanted if u in names]
        if taken:
            raise DemoError(
                f"The database already has a user called '{taken[0]}'; load the demo into an "
                "empty database (or use --if-empty to skip)."
            )
        existing = set(self.conn.execute(select(Team.__table__.c.name)).scalars())
        if existing & set(TEAMS):
            raise DemoError("The database already has the demo teams; use an empty database.")
        password_hash = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once
        joined = self.now - timedelta(days=HISTORY_DAYS + 30)
        team_ids = []
        for name in TEAMS:
            team_id = self._ids("team")
            team_ids.append(team_id)
            self._add("team", {"id": team_id, "name": name})

        def user(username: str, display: str, role: str, team_id: int | None) -> int:
            user_id = self._ids("app_user")
            self._add("app_user", {
                "id": user_id, "username": username, "display_name": display, "role": role,
                "team_id": team_id, "active": True, "password_hash": password_hash,
                "created_at": joined, "version": 1,
            })
            return user_id

        user("admin", "Dana Whitfield", Role.ADMIN, None)
        north_lead = user("lead", "Grace Holloway", Role.LEAD, team_ids[0])
        south_lead = user("lead2", "Marcus Bell", Role.LEAD, team_ids[1])
        self.team_of: dict[int, int] = {north_lead: 0, south_lead: 1}
        self.leads = (north_lead, south_lead)
        self.agents: list[int] = []
        for i, (username, display) in enumerate(self._agent_list()):
            agent_id = user(username, display, Role.AGENT, team_ids[i % 2])
            self.agents.append(agent_id)
            self.team_of[agent_id] = i % 2
        self.demo_agent = self.agents[0]
        self.team_members = {t: [u for u, team in self.team_of.items() if team == t]
                             for t in (0, 1)}
        owners = [(a, 1.0) for a in self.agents] + [(lead, 0.25) for lead in self.leads]
        self.pick_owner = _Pick(owners)
        self.summary.teams = len(TEAMS)
        self.summary.users = 3 + len(self.agents)
        self._flush()
        self._time("users", started)

    def _agent_list(self) -> list[tuple[str, str]]:
        named = list(NAMED_AGENTS[: self.n_agents])
        for n in range(len(named) + 1, self.n_agents + 1):
            named.append((f"agent{n:02d}", f"Agent {n:02d}"))
        return named

    # ------------------------------------------------------------ debtors and the rest

    def make_debtors(self, progress: Callable[[str], None] | None) -> None:
        rng = self.rng
        started = clock.perf_counter()
        n = self.n_debtors
        checkin_counts = _spread(rng, self.n_checkins, [
            (0.3 + rng.random() * 1.7) * (3.0 if rng.random() < 0.05 else 1.0) for _ in range(n)])
        followup_counts = _spread(rng, self.n_followups, [0.5 + rng.random() for _ in range(n)])
        # The demo agent's first debtors get a few each, taken from the last debtors.
        donor = n - 1
        for i in range(min(3, n)):
            while followup_counts[i] < 3 and donor > i:
                if followup_counts[donor] > 0:
                    followup_counts[donor] -= 1
                    followup_counts[i] += 1
                else:
                    donor -= 1
        self.plans_made = 0
        self.forced_today = 0
        self.forced_overdue = 0
        self._time("generate", started)
        for first in range(0, n, DEBTORS_PER_CHUNK):
            started = clock.perf_counter()
            for i in range(first, min(n, first + DEBTORS_PER_CHUNK)):
                self._debtor(i, checkin_counts[i], followup_counts[i])
            self._time("generate", started)
            self._flush()
            if progress:
                progress(f"{min(n, first + DEBTORS_PER_CHUNK):,} of {n:,} debtors")

    def _debtor(self, index: int, n_checkins: int, n_followups: int) -> None:
        """One debtor with accounts, check-ins, consent records, a statement and follow-ups.

        The person is drawn first (people.draw_person: name, contact details and wishes);
        a new trait of a person goes there, a new record about them gets its own method here.
        """
        rng = self.rng
        debtor_id = self._ids("debtor")
        owner = self.demo_agent if index < 3 else self.pick_owner(rng)
        person = draw_person(rng, self, debtor_id)
        # Everyone was on the books before the six months of history begin.
        created_days = rng.randrange(HISTORY_DAYS + 7, 420)
        created_at = self.now - timedelta(days=created_days, minutes=rng.randrange(600))
        self._adjustments(debtor_id, owner, created_at)
        story = _Story(debtor_id=debtor_id, owner=owner, created_at=created_at)
        self._accounts_of(story, allow_hold=index >= 3)
        self._checkins(story, person, n_checkins)
        if person.vulnerable:
            self._vulnerabilities(story)
        if rng.random() < 0.3:  # income and expenditure for about a third of debtors
            self._income_statement(story, created_days)
        self._followups(debtor_id, owner, story.account_ids, story.plan_ids, n_followups,
                        story.last_checkin, story.contact_hold_from, person.vulnerable,
                        person.preferred_channel)
        self._add("debtor", {
            **person.row(), "id": debtor_id, "cultural_notes": "",
            "communication_notes": (rng.choice(COMMUNICATION_NOTES)
                                    if rng.random() < 0.45 else ""),
            "needs": rng.choice(DEBTOR_NEEDS) if rng.random() < 0.35 else "",
            "owner_id": owner, "created_at": created_at,
            "updated_at": max(created_at, story.last_at), "version": 1,
        })
        self.summary.debtors += 1
        self.summary.checkins += n_checkins
        if person.vulnerable:
            self.summary.vulnerable_debtors += 1
        # The debtor row must precede its children in the insert order; _TABLES puts it first.

    def _accounts_of(self, story: _Story, *, allow_hold: bool) -> None:
        """The debtor's accounts, each with what happened to it."""
        n_accounts = self.pick_accounts(self.rng)
        first_account = self._ids("account", n_accounts)
        for k in range(n_accounts):
            account_id = first_account + k
            story.account_ids.append(account_id)
            row, hold_from = self._account(account_id, story.debtor_id, k + 1, story.owner,
                                           story.created_at, story.plan_ids,
                                           allow_hold=allow_hold)
            story.accounts.append(row)
            if hold_from is not None:
                story.contact_hold_from = min(story.contact_hold_from or hold_from, hold_from)

    def _income_statement(self, story: _Story, created_days: int) -> None:
        """An income and expenditure statement from the pool."""
        rng = self.rng
        items_json, income, expenses = rng.choice(self.ie_pool)
        recorded_on = self.today - timedelta(days=rng.randrange(1, min(150, created_days)))
        self._add("income_expenditure", {
            "id": self._ids("income_expenditure"), "debtor_id": story.debtor_id,
            "recorded_on": recorded_on, "items_json": items_json, "income_cents": income,
            "expenses_cents": expenses, "recorded_by": story.owner,
            "created_at": datetime.combine(recorded_on, time(11, 0), UTC),
        })
        self.summary.income_expenditures += 1
