"""The read models of follow-ups, the backlog, My day and the stand-up: frozen data, no queries.

The queries (`backlog`, `standup`, `queries`) return these; pages only read their fields. The
labels people see come from `core.vocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

from core.errors import UserError
from core.vocabulary import PRIORITY_LABELS, Channel, FollowUpReason, labels

BUCKETS: tuple[str, ...] = ("overdue_7plus", "overdue_1_7", "today", "this_week", "later")
BUCKET_LABELS: dict[str, str] = {
    "overdue_7plus": "More than 7 days overdue",
    "overdue_1_7": "1–7 days overdue",
    "today": "Due today",
    "this_week": "Later this week",
    "later": "Later",
}
REASON_LABELS: dict[str, str] = labels(FollowUpReason)
CHANNEL_LABELS: dict[str, str] = labels(Channel)
DEFAULT_PAGE_SIZE = 50
NO_MATCHES = "No follow-ups match these filters."


# ---------------------------------------------------------------- the backlog


@dataclass(frozen=True)
class BacklogFilter:
    """What the backlog is narrowed to; None means any."""

    team_id: int | None = None
    agent_id: int | None = None
    reason: str | None = None
    priority: int | None = None
    channel: str | None = None
    vulnerable_only: bool = False
    bucket: str | None = None

    def validate(self) -> None:
        """Raise UserError with a plain message for a value no follow-up can have."""
        if self.reason is not None and self.reason not in set(FollowUpReason):
            raise UserError(f"'{self.reason}' is not a follow-up reason.")
        if self.channel is not None and self.channel not in set(Channel):
            raise UserError(f"'{self.channel}' is not a channel.")
        if self.priority is not None and self.priority not in PRIORITY_LABELS:
            raise UserError("Priority must be 1 (high), 2 (normal) or 3 (low).")
        if self.bucket is not None and self.bucket not in BUCKETS:
            raise UserError(f"'{self.bucket}' is not a backlog bucket.")


@dataclass(frozen=True)
class BucketRow:
    """Open follow-ups of one agent (or team, or everybody) in each bucket."""

    name: str
    agent_id: int | None
    team_id: int | None
    team_name: str
    overdue_7plus: int
    overdue_1_7: int
    today: int
    this_week: int
    later: int
    total: int

    @property
    def overdue(self) -> int:
        """Everything due before today."""
        return self.overdue_7plus + self.overdue_1_7

    def counts(self) -> dict[str, int]:
        """The bucket counts keyed by bucket name."""
        return {bucket: getattr(self, bucket) for bucket in BUCKETS}


@dataclass(frozen=True)
class BacklogSummary:
    """The backlog per agent, per team and in total."""

    agents: list[BucketRow]
    teams: list[BucketRow]
    total: BucketRow


@dataclass(frozen=True)
class BacklogRow:
    """One open follow-up as the list shows it."""

    id: int
    debtor_id: int
    account_id: int | None
    debtor_name: str
    account_reference: str
    owner_id: int
    owner_name: str
    team_id: int | None
    due_on: date
    days_overdue: int
    bucket: str
    priority: int
    reason: str
    channel: str
    snooze_count: int
    snooze_reason: str
    note: str
    vulnerable: bool
    version: int
    on_hold: bool = False

    @property
    def label(self) -> str:
        """A short plain-text description for pickers."""
        ref = f" · {self.account_reference}" if self.account_reference else ""
        reason = REASON_LABELS.get(self.reason, self.reason)
        return (f"#{self.id} {self.debtor_name}{ref} — {reason}, due {self.due_on:%d %b} "
                f"({self.owner_name})")


@dataclass(frozen=True)
class Page:
    """One page of the backlog list."""

    rows: list[BacklogRow]
    total: int
    page: int
    pages: int
    page_size: int = DEFAULT_PAGE_SIZE
    message: str = field(default="")

    @property
    def first_number(self) -> int:
        """The position of the first row on this page (1-based), 0 when empty."""
        return (self.page - 1) * self.page_size + 1 if self.rows else 0


# ---------------------------------------------------------------- what can be done now


NOW = "now"
LATER_TODAY = "later_today"
NOT_TODAY = "not_today"
CONTACT_GROUPS: dict[str, str] = {
    NOW: "Can contact now",
    LATER_TODAY: "Later today",
    NOT_TODAY: "Not today, and why",
}


@dataclass(frozen=True)
class Doable:
    """A follow-up with the verdict of the contact rules at this moment."""

    row: BacklogRow
    group: str  # NOW, LATER_TODAY or NOT_TODAY
    why: str  # the plain reason ("" when it can be done now)
    kind: str  # hold, opt-out, window, adjustment, rule ("" when allowed)
    from_local: str  # "HH:MM" their time, for LATER_TODAY
    holds: str  # the account's active holds, e.g. "Breathing space until 12 Jan"
    opted_out: str  # the channels they opted out of, as labels


@dataclass(frozen=True)
class Grouped:
    """Follow-ups sorted by what can be done now."""

    now: list[Doable]
    later_today: list[Doable]
    not_today: list[Doable]

    def group(self, name: str) -> list[Doable]:
        """One group by name."""
        return {NOW: self.now, LATER_TODAY: self.later_today, NOT_TODAY: self.not_today}[name]


# ---------------------------------------------------------------- My day


@dataclass(frozen=True)
class RecentCheckIn:
    """One of my latest check-ins."""

    id: int
    debtor_id: int
    debtor_name: str
    at: datetime
    channel: str
    outcome: str
    wellbeing: int | None


@dataclass(frozen=True)
class MyDay:
    """What an agent sees first: overdue and due-today follow-ups, and recent check-ins."""

    today: date
    overdue: list[BacklogRow]
    due_today: list[BacklogRow]
    overdue_count: int
    due_today_count: int
    high_priority_count: int
    recent_checkins: list[RecentCheckIn]
    on_hold_count: int = 0

    @property
    def shown_all(self) -> bool:
        """False when there were more follow-ups than the lists hold."""
        return (len(self.overdue) == self.overdue_count
                and len(self.due_today) == self.due_today_count)


# ---------------------------------------------------------------- the stand-up


@dataclass(frozen=True)
class AgentDay:
    """One agent's (or a team's) results for the day and load for today."""

    agent_id: int | None
    name: str
    team_id: int | None
    team_name: str
    checkins: int = 0
    conversations: int = 0
    plans_agreed: int = 0
    plans_value_cents: int = 0
    payments: int = 0
    payments_cents: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    wellbeing_sum: int = 0
    wellbeing_count: int = 0
    due_today: int = 0
    overdue: int = 0
    overdue_7plus: int = 0

    @property
    def wellbeing_avg(self) -> float | None:
        """The average wellbeing (1–5) recorded in the day's check-ins, if any."""
        return self.wellbeing_sum / self.wellbeing_count if self.wellbeing_count else None

    @property
    def load(self) -> int:
        """Open follow-ups due today or overdue."""
        return self.due_today + self.overdue


SUMMED = [f.name for f in fields(AgentDay) if f.name not in
          {"agent_id", "name", "team_id", "team_name"}]


@dataclass(frozen=True)
class BrokenPlan:
    """A plan that broke since the last stand-up."""

    plan_id: int
    account_id: int
    account_reference: str
    debtor_id: int
    debtor_name: str
    owner_name: str
    payable_cents: int
    ended_at: datetime | None


@dataclass(frozen=True)
class QuietDebtor:
    """A vulnerable debtor with something left to pay nobody has checked in with lately."""

    debtor_id: int
    debtor_name: str
    owner_name: str
    last_checkin_at: datetime | None


@dataclass(frozen=True)
class TrendPoint:
    """Check-ins and conversations on one office day."""

    day: date
    checkins: int
    conversations: int


@dataclass(frozen=True)
class OverloadHint:
    """One agent carries more than twice the team's median overdue."""

    team_name: str
    agent_id: int
    agent_name: str
    overdue: int
    team_median: float
    to_agent_id: int
    to_agent_name: str
    to_agent_overdue: int
    suggested_count: int

    @property
    def message(self) -> str:
        """The hint in one plain sentence."""
        median = f"{self.team_median:g}"
        return (f"{self.agent_name} has {self.overdue} overdue follow-ups, more than twice the "
                f"{self.team_name} median ({median}). Consider moving {self.suggested_count} "
                f"to {self.to_agent_name}, who has {self.to_agent_overdue} overdue.")


@dataclass(frozen=True)
class WobblingPlan:
    """A plan with an open supportive check-in because it is wobbling."""

    plan_id: int
    followup_id: int
    debtor_id: int
    debtor_name: str
    owner_name: str
    signals: str
    due_on: date


@dataclass(frozen=True)
class WobbleOutcome:
    """Of the plans flagged 60 or more days ago: how many broke within 60 days of the flag,
    for those we contacted (the follow-up was done) and those we did not."""

    contacted: int = 0
    contacted_broke: int = 0
    not_contacted: int = 0
    not_contacted_broke: int = 0

    @property
    def sentence(self) -> str:
        """The report in one plain sentence."""
        if not self.contacted + self.not_contacted:
            return "No plan was flagged long enough ago (60 days) to tell how it went."
        return (f"Of plans flagged at least 60 days ago, {self.contacted_broke} of "
                f"{self.contacted} we contacted broke within 60 days, and "
                f"{self.not_contacted_broke} of {self.not_contacted} we did not contact.")


@dataclass(frozen=True)
class HoldEnding:
    """A hold whose end or review date comes within the next 7 days (stand-up)."""

    debtor_id: int
    debtor_name: str
    owner_name: str
    account_reference: str
    kind_label: str
    ends_on: date | None
    review_on: date | None


@dataclass(frozen=True)
class AdjustmentToReview:
    """An adjustment in force whose review date has passed (stand-up)."""

    debtor_id: int
    debtor_name: str
    owner_name: str
    adjustment: str
    review_on: date


@dataclass(frozen=True)
class CallbackPromises:
    """The call-backs people asked for whose time fell on the results day: how many we made
    within 15 minutes of that time (a promise kept) of how many were due."""

    kept: int = 0
    due: int = 0

    @property
    def sentence(self) -> str:
        """'Our promises kept: 3 of 4' in plain words."""
        if not self.due:
            return "Our promises kept: no call-back was asked for that day."
        return (f"Our promises kept: {self.kept} of {self.due} call-back"
                f"{'s' if self.due != 1 else ''} they asked for, made within 15 minutes of "
                "the time.")


@dataclass(frozen=True)
class Commitments:
    """What we owe people, at stand-up: holds ending soon, adjustments to review, and the
    call-backs we promised."""

    holds_ending: list[HoldEnding] = field(default_factory=list)
    adjustments_to_review: list[AdjustmentToReview] = field(default_factory=list)
    adjustments_to_review_count: int = 0  # lines (a person and a review date) in all
    callbacks: CallbackPromises = field(default_factory=CallbackPromises)


@dataclass(frozen=True)
class StandupReport:
    """Everything the stand-up screen shows."""

    today: date
    day: date
    agents: list[AgentDay]
    teams: list[AgentDay]
    total: AgentDay
    overdue_7plus: list[BacklogRow]
    broken_plans: list[BrokenPlan]
    broken_plans_count: int
    quiet_vulnerable: list[QuietDebtor]
    quiet_vulnerable_count: int
    trend: list[TrendPoint]
    hints: list[OverloadHint]
    wobbling: list[WobblingPlan] = field(default_factory=list)
    wobbling_count: int = 0
    wobble_outcome: WobbleOutcome = field(default_factory=WobbleOutcome)
    commitments: Commitments = field(default_factory=Commitments)

    @property
    def overdue_7plus_count(self) -> int:
        """Follow-ups more than 7 days overdue in scope."""
        return self.total.overdue_7plus


@dataclass(frozen=True)
class People:
    """Teams and agents for the filters: {team id: name}, {agent id: (name, team, active)}."""

    teams: dict[int, str]
    agents: dict[int, tuple[str, int | None, bool]]
