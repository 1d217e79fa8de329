"""One "today": the office's calendar day at an instant (pure; the store adds the setting)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo


def today_in(zone: tzinfo, now: datetime) -> date:
    """The calendar date in `zone` at the aware instant `now`."""
    if now.tzinfo is None:
        raise ValueError("The current time must be timezone-aware.")
    return now.astimezone(zone).date()
