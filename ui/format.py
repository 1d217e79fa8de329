"""Everything shown on screen passes through here: text from data or people, escaped."""

from __future__ import annotations

from core.text import escape_markdown


def md(text: str | None) -> str:
    """What a person typed, escaped for use inside markdown."""
    return escape_markdown(text)
