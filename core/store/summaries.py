"""Summaries the database keeps itself, for screens that count many rows of the past.

`checkin_hour`: per UTC hour and agent, the check-ins logged, the conversations among them
(they spoke, or it was the right person) and the wellbeing scores' sum and count. A trigger on
every check-in insert keeps it, whoever writes (the app, the importer, the demo loader);
check-ins are never changed or deleted (migration 0005), so a row only grows. The stand-up's
14-working-day trend sums a few thousand of these rows instead of reading the ~77,000
check-ins of those days at 1,000,000 check-ins (migration 0020, docs/benchmarks.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.store.models import UTCDateTime


class CheckinHour(SQLModel, table=True):
    """One agent's check-ins in one UTC hour (`hour` is the hour's start)."""

    __tablename__ = "checkin_hour"
    hour: datetime = Field(sa_type=UTCDateTime, primary_key=True)
    agent_id: int = Field(primary_key=True)
    checkins: int = 0
    conversations: int = 0
    wellbeing_sum: int = 0
    wellbeing_count: int = 0
