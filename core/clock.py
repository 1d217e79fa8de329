"""One "today": the office's calendar day at an instant (pure; the store adds the setting)."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def today_in(zone: tzinfo, now: datetime) -> date:
    """The calendar date in `zone` at the aware instant `now`."""
    if now.tzinfo is None:
        raise ValueError("The current time must be timezone-aware.")
    return now.astimezone(zone).date()
