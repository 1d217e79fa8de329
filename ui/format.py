"""Everything shown on screen passes through here: text from data or people, money, dates, labels.

Two ways to show text that came from data or a person, one for each kind of place:
- `md(text)` inside anything Streamlit renders as markdown (st.markdown, st.caption, st.info,
  st.warning, st.error, st.success, st.toast, st.subheader, and every widget *label*): every
  markdown character is escaped, so a name can never become a link, an image or a heading;
- `plain(value)` where Streamlit shows plain text (table cells, select-box options, metric
  values): unchanged but for hidden text-reversing characters, and "—" for nothing.
Never an ISO date, a raw enum value or `None` on screen: use `day`, `when`, `label` and `money`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from enum import Enum

from core.money import format_money
from core.text import escape_markdown, strip_bidi
from core.vocabulary import label_of

DASH = "—"  # what the screen shows for nothing


def md(text: object) -> str:
    """What a person typed, escaped for use inside markdown (empty for None)."""
    return escape_markdown(None if text is None else str(text))


def plain(value: object) -> str:
    """A value from data for a plain-text place (a table cell, an option): "—" for nothing."""
    if value is None or value == "":
        return DASH
    return strip_bidi(str(value))


def money(cents: int | None, currency: str = "GBP", *, whole: bool = False) -> str:
    """Pence as money, e.g. 123450 -> "£1,234.50" (whole=True drops ".00"); "—" for None."""
    if cents is None:
        return DASH
    return format_money(cents, currency or "GBP", drop_zero_cents=whole)


def day(value: date | None) -> str:
    """A calendar day for people, e.g. "Mon 3 Nov 2026"; "—" for None."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = value.date()
    return f"{value:%a} {value.day} {value:%b %Y}"


def when(at: datetime | None, zone: tzinfo, *, today: date | None = None) -> str:
    """An instant in office time, e.g. "3 Nov 10:42" (with the year when it is not today's).

    A naive datetime is UTC, as the database stores it.
    """
    if at is None:
        return DASH
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    local = at.astimezone(zone)
    year = f" {local.year}" if today is not None and local.year != today.year else ""
    return f"{local.day} {local:%b}{year} {local:%H:%M}"


def label(enum: type[Enum], value: object) -> str:
    """The vocabulary's word for a stored value (channel, outcome, status …); "—" if unknown."""
    if value is None or value == "":
        return DASH
    return label_of(enum, value, DASH)
