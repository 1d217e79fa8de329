"""A demo debtor's contact history: check-ins at times that suit them, what they asked us to
do differently, and vulnerability recorded with consent."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from core.demo.people import Person
from core.demo.words import (
    ADJUSTMENT_SHARE,
    ADJUSTMENT_STORIES,
    ATTEMPT_TEXT,
    INBOUND_NOTES,
    SENT_TEXT,
    SPOKE_NEEDS,
    SPOKE_NEXT_STEPS,
    SPOKE_NOTES,
    VULNERABILITY_NOTES,
)


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


class _Contact:
    """Contact history, mixed into the demo loader."""

    def _window_opens_on(self, tz: str, opens: time) -> list[datetime]:
        """For each weekday, the UTC moment a contact window opens in the debtor's timezone."""
        key = (tz, opens)
        if key not in self._window_opens:
            zone = ZoneInfo(tz)
            self._window_opens[key] = [datetime.combine(day, opens, zone).astimezone(UTC)
                                       for day in self.days]
        return self._window_opens[key]

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
        return self._now_and_then(self.pick_life_change, share=0.3, one=0.75)

    def _signposting(self) -> str:
        return self._now_and_then(self.pick_signpost, share=0.2, one=0.8)

    def _now_and_then(self, pick: Callable[[Random], str], *, share: float, one: float) -> str:
        """In `share` of contacts, one pick (`one` of the time) or two, comma-separated."""
        rng = self.rng
        if rng.random() > share:
            return ""
        picked = {pick(rng) for _ in range(1 if rng.random() < one else 2)}
        return ",".join(sorted(picked))

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
