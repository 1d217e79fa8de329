"""A demo debtor's follow-ups: open ones from a few overdue to three weeks ahead, and the done
or cancelled ones of the last six months."""


from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from core.demo.people import (
    _weekday_on_or_after,
    _weekday_on_or_before,
)
from core.demo.words import (
    FOLLOWUP_NOTES,
    LONDON,
)
from core.store.models import (
    FollowUpStatus,
    PlanStatus,
)

# ---------------------------------------------------------------- the loader


class _FollowUps:
    """Follow-ups, mixed into the demo loader."""

    def _open_dates(self, forced: int | None) -> tuple[date, date, None]:
        """(due, created, done_at) of an open follow-up: a few overdue, most within 3 weeks."""
        rng = self.rng
        today = self.today
        if forced is not None:
            offset = forced
        else:
            bucket = rng.random()
            if bucket < 0.35:  # overdue, mostly by a few days
                offset = -1 - int(rng.random() ** 2 * 21)
            elif bucket < 0.48:
                offset = 0
            else:
                offset = 1 + int(rng.random() * 21)
        due = today + timedelta(days=offset)
        if offset < 0:
            due = max(today - timedelta(days=21), _weekday_on_or_before(due))
        elif offset > 0:
            due = _weekday_on_or_after(due)
            if due > today + timedelta(days=21):
                due = _weekday_on_or_before(today + timedelta(days=21))
        return due, min(due, today) - timedelta(days=rng.randrange(1, 15)), None

    def _closed_dates(self, status: str) -> tuple[date, date, datetime | None]:
        """(due, created, done_at) of a follow-up done or cancelled in the last six months."""
        rng = self.rng
        due = _weekday_on_or_before(self.today - timedelta(days=rng.randrange(1, 170)))
        created = due - timedelta(days=rng.randrange(1, 15))
        done_at = None
        if status == FollowUpStatus.DONE:
            done_on = due + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
            done_at = min(self.now, datetime.combine(
                done_on, time(9 + rng.randrange(8), rng.randrange(60)), LONDON
            ).astimezone(UTC))
        return due, created, done_at

    def _followups(self, debtor_id: int, owner: int, account_ids: list[int],
                   plan_ids: list[tuple[int, str]], n: int, last_checkin: int | None,
                   contact_hold_from: date | None, vulnerable: bool, channel: str) -> None:
        rng = self.rng
        live_plans = [p for p, s in plan_ids if s in (PlanStatus.ACTIVE, PlanStatus.BROKEN)]
        for _ in range(n):
            reason = self.pick_reason(rng)
            plan_id = None
            if reason in ("review_plan", "missed_instalment"):
                if live_plans:
                    plan_id = live_plans[0]
                else:
                    reason = "call_back"
            note = rng.choice(FOLLOWUP_NOTES[reason])
            roll = rng.random()
            status = (FollowUpStatus.OPEN if roll < 0.72 else
                      FollowUpStatus.DONE if roll < 0.97 else FollowUpStatus.CANCELLED)
            # The demo agent always starts the day with some due today and some overdue.
            forced = None
            if owner == self.demo_agent and contact_hold_from is None:
                if self.forced_today < 4:
                    forced = 0
                    self.forced_today += 1
                elif self.forced_overdue < 4:
                    forced = (-1, -2, -5, -9)[self.forced_overdue]
                    self.forced_overdue += 1
                if forced is not None:
                    status = FollowUpStatus.OPEN
            if contact_hold_from is not None and status == FollowUpStatus.OPEN:
                status = FollowUpStatus.CANCELLED
                note = "Cancelled: contact is paused by a hold on the account."
            if status == FollowUpStatus.OPEN:
                due, created, done_at = self._open_dates(forced)
            else:
                due, created, done_at = self._closed_dates(status)
            urgent = 0.5 if vulnerable or reason == "missed_instalment" else 0.15
            roll = rng.random()
            priority = 1 if roll < urgent else 3 if roll > 0.8 else 2
            self._add("followup", {
                "id": self._ids("followup"), "debtor_id": debtor_id,
                "account_id": account_ids[0] if rng.random() < 0.6 else None,
                "owner_id": owner, "due_on": due, "channel": channel, "reason": reason,
                "priority": priority, "note": note, "status": status,
                "snooze_count": 1 if rng.random() < 0.12 else 0, "plan_id": plan_id,
                "checkin_id": last_checkin, "created_by": owner,
                "created_at": datetime.combine(created, time(16, 0), UTC),
                "done_at": done_at, "version": 1,
            })
            self.summary.followups += 1
            if status == FollowUpStatus.OPEN:
                self.summary.open_followups += 1
