"""Safe text: what people typed is shown as text, never as markup or a spreadsheet formula."""

from __future__ import annotations

import re

from core.errors import UserError

# Every character markdown (CommonMark, GitHub's extensions, Streamlit's directives) gives a
# meaning: emphasis, code, links and images, headings (including a setext `===` underline),
# lists, tables, HTML and entities (`<`, `&`), autolinks (`http:`, `www.`, `a@b.c`), maths,
# colours and icons (`:red[…]`, `:material/…:`).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=&@^])")
# Unicode's bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069):
# they make text read differently from what it holds ("Trojan Source"), so names refuse them
# and the screen drops them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_MESSAGE = "contains a hidden character that reverses text; please retype it"
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|xmpp)|\bwww)(?=\\[:.])|()(?=\\@)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_NOTE_CHARS = 5000


def escape_markdown(text: str | None) -> str:
    """Text safe to put inside st.markdown: markup characters are escaped, HTML stays inert."""
    if not text:
        return ""
    escaped = _MD_SPECIAL.sub(r"\\\1", strip_bidi(str(text)))
    # GitHub's autolinks are found in the text after escapes are undone, so escaping alone
    # cannot stop `http://…`, `www.…` or `a@b.c` becoming links: an invisible word joiner
    # between the scheme and its colon, after `www` and before `@` breaks the pattern.
    return _AUTOLINK.sub("\\1\u2060", escaped)


def strip_bidi(text: str) -> str:
    """`text` without bidirectional override, embedding and isolate characters."""
    return _BIDI_CONTROLS.sub("", text)


def has_bidi_controls(text: str | None) -> bool:
    """True when `text` holds a character that reverses how the text around it reads."""
    return bool(text) and _BIDI_CONTROLS.search(text) is not None


def field_problem(text: str, limit: int) -> str | None:
    """What is wrong with a short stripped field (too long, a text-reversing character), if any."""
    if len(text) > limit:
        return f"Keep this to {limit} characters."
    if has_bidi_controls(text):
        return f"This {BIDI_MESSAGE}."
    return None


def clean_name(text: str | None, *, field: str = "The name", limit: int = 200) -> str:
    """A name stripped; refused when empty, over `limit` or holding a text-reversing character."""
    text = (text or "").strip()
    if not text:
        raise UserError(f"{field} is empty; please enter it.")
    if has_bidi_controls(text):
        raise UserError(f"{field} {BIDI_MESSAGE}.")
    if len(text) > limit:
        raise UserError(f"{field} is {len(text):,} characters; please keep it to {limit:,}.")
    return text


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


TITLES = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof"})


def address_name(name: str | None, preferred_name: str | None, *, kind: str = "person") -> str:
    """How a message greets someone: their preferred name with its title ("Ms King", never
    "Ms"), else their first name; a business by its whole name."""
    address = (preferred_name or name or "").strip()
    first = address.split(" ")[0]
    if first.rstrip(".") in TITLES or (kind != "person" and not preferred_name):
        return address
    return first
