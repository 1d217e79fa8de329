"""The demo's rows: users, debtors with their contact history, follow-ups (built in memory).

`_Loader` assigns ids itself and hands rows to the bulk loader in parent-before-child order;
accounts and their money (plans, payments, promises) are in `accounts`.
"""

from __future__ import annotations

import json
import time as clock
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from core.demo.accounts import _Accounts
from core.demo.followups import _FollowUps
from core.demo.people import (
    Person,
    _Pick,
    _spread,
    draw_person,
)
from core.demo.summary import (
    DemoError,
    DemoSummary,
)
from core.demo.words import (
    ADJUSTMENT_SHARE,
    ADJUSTMENT_STORIES,
    ATTEMPT_TEXT,
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
    INBOUND_NOTES,
    LANGUAGE_GROUPS,
    LIFE_CHANGES,
    LONDON,
    NAMED_AGENTS,
    OPT_OUTS,
    PASSWORD,
    PAYMENT_METHODS,
    REGIONS,
    ROWS_PER_INSERT,
    SENT_TEXT,
    SIGNPOSTS,
    SPOKE_NEEDS,
    SPOKE_NEXT_STEPS,
    SPOKE_NOTES,
    STORIES,
    TEAMS,
    VULNERABILITY_NOTES,
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


@dataclass
class _Story:
    """What happened to one debtor, gathered while their rows are built."""

    debtor_id: int
    owner: int
    created_at: datetime
    account_ids: list[int] = field(default_factory=list)
    accounts: list[dict] = field(default_factory=list)
    plan_ids: list[tuple[int, str]] = field(default_factory=list)
    contact_hold_from: date | None = None
    conversations: list[tuple[int, datetime]] = field(default_factory=list)
    last_at: datetime | None = None
    last_checkin: int | None = None


class _Loader(_Accounts, _FollowUps):
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

    def _window_opens_on(self, tz: str, opens: time) -> list[datetime]:
        """For each weekday, the UTC moment a contact window opens in the debtor's timezone."""
        key = (tz, opens)
        if key not in self._window_opens:
            zone = ZoneInfo(tz)
            self._window_opens[key] = [datetime.combine(day, opens, zone).astimezone(UTC)
                                       for day in self.days]
        return self._window_opens[key]

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

    def _content(self, channel: str) -> tuple:
        """(direction, outcome, right_party, conversation, life_changes, signposting, needs,
        next_step, notes) for one check-in over `channel`."""
        rng = self.rng
        inbound = rng.random() < (0.15 if channel in ("phone", "sms", "email") else 0.0)
        if inbound:
            return ("inbound", "spoke", True, True, self._life_changes(), self._signposting(),
                    rng.choice(SPOKE_NEEDS), rng.choice(SPOKE_NEXT_STEPS),
                    rng.choice(INBOUND_NOTES))
        if channel in ("phone", "video"):
            roll = rng.random()
            limits = (0.5, 0.78, 0.96) if channel == "phone" else (0.85, 0.97, 1.0)
            if roll < limits[0]:
                right_party = rng.random() < 0.93
                if not right_party:
                    return ("outbound", "spoke", False, False, "", "", "",
                            "Call back when they are home.",
                            "Spoke to a family member; left no details of the debt.")
                return ("outbound", "spoke", True, True, self._life_changes(),
                        self._signposting(), rng.choice(SPOKE_NEEDS),
                        rng.choice(SPOKE_NEXT_STEPS), rng.choice(SPOKE_NOTES))
            outcome = ("no_answer" if roll < limits[1] else
                       "left_message" if roll < limits[2] else "wrong_number")
            notes, next_step = rng.choice(ATTEMPT_TEXT[outcome])
            return ("outbound", outcome, False, False, "", "", "", next_step, notes)
        notes, next_step = rng.choice(SENT_TEXT[channel])
        return ("outbound", "message_sent", False, False, "", "", "", next_step, notes)

    def _life_changes(self) -> str:
        rng = self.rng
        if rng.random() > 0.3:
            return ""
        picked = {self.pick_life_change(rng) for _ in range(1 if rng.random() < 0.75 else 2)}
        return ",".join(sorted(picked))

    def _signposting(self) -> str:
        rng = self.rng
        if rng.random() > 0.2:
            return ""
        picked = {self.pick_signpost(rng) for _ in range(1 if rng.random() < 0.8 else 2)}
        return ",".join(sorted(picked))

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

    def _adjustments(self, debtor_id: int, owner: int, created_at: datetime) -> None:
        """Now and then, what this person asked us to do differently (drawn from its own
        stream of chance, so the rest of the demo stays as it was)."""
        rng = self.adjustment_rng
        if rng.random() >= ADJUSTMENT_SHARE:
            return
        kind, fields, reason = rng.choice(ADJUSTMENT_STORIES)
        consent_at = created_at + timedelta(days=rng.randrange(1, 30))
        review_on = self.today + timedelta(days=rng.randrange(-10, 150))  # a few overdue
        windows = [fields] if kind != "night_shifts" else [
            {"start_day": day, "start_time": time(0, 0), "end_day": day,
             "end_time": time(14, 0)} for day in range(7)]
        kind = "unavailable" if kind == "night_shifts" else kind
        for extra in windows:
            self._add("adjustment", {
                "id": self._ids("adjustment"), "debtor_id": debtor_id, "kind": kind,
                "start_day": None, "start_time": None, "end_day": None, "end_time": None,
                "channels": "", "detail": "", "extra_days": 0, **extra, "reason": reason,
                "consent_at": consent_at, "review_on": review_on, "checkin_id": None,
                "created_by": owner, "created_at": consent_at, "ended_at": None,
                "ended_by": None,
            })
            self.summary.adjustments += 1

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

    def _checkins(self, story: _Story, person: Person, n_checkins: int) -> None:
        """Check-ins spread over the weekdays of the six months, stopping at a contact hold,
        each at a time the debtor said suits them, in their own timezone."""
        rng = self.rng
        span = len(self.days)
        if story.contact_hold_from is not None:
            span = max(1, bisect_left(self.day_ordinals, story.contact_hold_from.toordinal()))
        # How they are doing drifts over the six months: a per-debtor level and trend.
        base_mood = rng.uniform(1.3, 3.2) if person.vulnerable else rng.uniform(2.0, 4.6)
        trend = rng.uniform(-1.2, 1.5) / len(self.days)
        first_checkin = self._ids("checkin", n_checkins)
        story.last_at = story.created_at
        picks = sorted(int(rng.random() * span) for _ in range(n_checkins))
        window_opens = self._window_opens_on(person.timezone, person.window_start)
        window_seconds = (person.window_end.hour - person.window_start.hour) * 3600 + \
            (person.window_end.minute - person.window_start.minute) * 60 - 600
        add_checkin = self.rows["checkin"].append
        team_members = self.team_members[self.team_of[story.owner]]
        account_ids = story.account_ids
        for j, day_index in enumerate(picks):
            channel = (person.preferred_channel if rng.random() < 0.55
                       else person.pick_channel(rng))
            pool = self.content[channel]
            (direction, outcome, right_party, conversation, life_changes, signposting, needs,
             next_step, notes) = pool[int(rng.random() * len(pool))]
            at = window_opens[day_index] + timedelta(seconds=int(rng.random() * window_seconds))
            wellbeing = None
            if conversation:
                mood = base_mood + trend * day_index + rng.gauss(0.0, 0.5)
                wellbeing = 1 if mood < 1.5 else 5 if mood >= 4.5 else round(mood)
                story.conversations.append((first_checkin + j, at))
            roll = rng.random()
            add_checkin({
                "id": first_checkin + j, "debtor_id": story.debtor_id,
                "account_id": None if roll < 0.2 else account_ids[
                    int((roll - 0.2) * 1.25 * len(account_ids))],
                "at": at, "channel": channel, "direction": direction, "outcome": outcome,
                "right_party": right_party, "wellbeing": wellbeing,
                "life_changes": life_changes, "signposting": signposting, "needs": needs,
                "next_step": next_step, "notes": notes,
                "agent_id": (story.owner if rng.random() < 0.9 else
                             team_members[int(rng.random() * len(team_members))]),
                "rule_override_reason": "", "created_at": at,
            })
            story.last_at = at
        story.last_checkin = first_checkin + n_checkins - 1 if n_checkins else None
        for row in story.accounts:
            row["last_activity_at"] = max(row["last_activity_at"], story.last_at)

    def _vulnerabilities(self, story: _Story) -> None:
        """Vulnerability: recorded with explicit consent during a conversation."""
        rng = self.rng
        drivers = rng.sample(list(VULNERABILITY_NOTES), 1 if rng.random() < 0.7 else 2)
        for driver in drivers:
            impact, duration, episodes, assistance = rng.choice(VULNERABILITY_NOTES[driver])
            if story.conversations:
                checkin_id, consent_at = story.conversations[0]
            else:
                checkin_id, consent_at = None, story.created_at + timedelta(days=2)
            self._add("vulnerability", {
                "id": self._ids("vulnerability"), "debtor_id": story.debtor_id,
                "checkin_id": checkin_id, "driver": driver, "impact": impact,
                "duration": duration, "episodes": episodes, "assistance": assistance,
                "consent_at": consent_at, "recorded_by": story.owner, "active": True,
            })
            self.summary.vulnerabilities += 1

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
