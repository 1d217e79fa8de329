"""When a refresher is due for an agent (pure): never read, a new version, a year since they
read it, or an override of the rule it covers since they read it."""

from __future__ import annotations

from datetime import datetime, timedelta

YEAR = timedelta(days=365)
# Which refreshers an override of the contact rules (a check-in logged against them) calls for.
OVERRIDE_RULES = frozenset({"contact_limits", "inconvenient_times"})


def due_reason(*, version: int, read_version: int | None, read_at: datetime | None,
               rule: str, last_override_at: datetime | None, now: datetime) -> str:
    """Why the refresher is due ("" when it is not)."""
    if read_version is None or read_at is None:
        return "New for you."
    if read_version < version:
        return f"Updated since you read it (now version {version})."
    if (last_override_at is not None and rule in OVERRIDE_RULES
            and last_override_at > read_at):
        return (f"You went ahead against the contact rules on {last_override_at:%d %b}: "
                "a moment to look again.")
    if now - read_at >= YEAR:
        return "A year since you read it."
    return ""
