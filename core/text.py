"""Safe text: what people typed is shown as text, never as markup or a spreadsheet formula."""

from __future__ import annotations

import re

from core.errors import UserError

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_NOTE_CHARS = 5000


def escape_markdown(text: str | None) -> str:
    """Text safe to put inside st.markdown: markup characters are escaped, HTML stays inert."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def csv_safe(value: object) -> object:
    """A cell value that a spreadsheet will not run as a formula (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def unstorable(text: str) -> bool:
    """True when `text` holds a character no database column can store (NUL, a lone
    surrogate): PostgreSQL refuses them with an error, SQLite would cut the text short."""
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def clean_note(text: str | None, *, field: str = "The note", limit: int = MAX_NOTE_CHARS) -> str:
    """Strip a free-text note and refuse one over `limit` characters with a plain message."""
    text = (text or "").strip()
    if unstorable(text):
        raise UserError(f"{field} contains a character that can't be stored; please retype it.")
    if len(text) > limit:
        raise UserError(f"{field} is {len(text):,} characters; please keep it to {limit:,}.")
    return text
