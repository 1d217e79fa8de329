"""The shape the architecture asks for: pages thin, core files short, no caching in a page.

The import rules are import-linter's contracts (pyproject.toml, run by `python3 dev.py test`);
the complexity cap is ruff's C901. This file checks what those two cannot: sizes and one habit.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE_LIMIT = 150
CORE_LIMIT = 500

# Core files over the limit today, with their size when they were listed. A listed file may
# not grow; once it is split below the limit its line here must go. This list must only
# shrink: never add a file to it (split the file instead: service, queries, views).
KNOWN_LONG = {
}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


PAGES = sorted((ROOT / "pages").glob("*.py"))
CORE = sorted((ROOT / "core").rglob("*.py"))


def test_the_checks_see_the_code():
    # Given the project, then there are pages and core modules to check (or nothing is checked)
    assert len(PAGES) >= 5
    assert len(CORE) >= 20


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_a_page_is_thin(page: Path):
    # Given a page script, then it is at most PAGE_LIMIT lines: widgets -> components and core
    lines = _lines(page)
    assert lines <= PAGE_LIMIT, (
        f"{_name(page)} has {lines} lines (at most {PAGE_LIMIT}): move widgets into "
        "ui/components/ and rules into core/.")


@pytest.mark.parametrize("module", CORE, ids=_name)
def test_a_core_file_stays_short(module: Path):
    # Given a core module, then it is at most CORE_LIMIT lines, or a listed one that did not grow
    name, lines = _name(module), _lines(module)
    if name in KNOWN_LONG:
        assert lines <= KNOWN_LONG[name], (
            f"{name} grew from {KNOWN_LONG[name]} to {lines} lines; split it rather than add.")
        assert lines > CORE_LIMIT, (
            f"{name} is now {lines} lines: take it out of KNOWN_LONG in tests/test_shape.py.")
    else:
        assert lines <= CORE_LIMIT, (
            f"{name} has {lines} lines (at most {CORE_LIMIT}): split it by job "
            "(service.py writes, queries.py reads, views.py the data they return).")


def test_every_listed_long_file_exists():
    # Given the allow-list, then each entry names a file that is still there
    missing = [name for name in KNOWN_LONG if not (ROOT / name).is_file()]
    assert not missing, f"take {missing} out of KNOWN_LONG in tests/test_shape.py"


def _cache_data_uses(source: str) -> list[int]:
    """The line numbers where `cache_data` is named (st.cache_data, streamlit.cache_data, …)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        named = (isinstance(node, ast.Attribute) and node.attr == "cache_data") or (
            isinstance(node, ast.Name) and node.id == "cache_data") or (
            isinstance(node, ast.alias) and node.name == "cache_data")
        if named:
            found.append(node.lineno if hasattr(node, "lineno") else 0)
    return found


def test_the_cache_check_finds_every_spelling():
    # Given the three ways to reach st.cache_data, then the check finds each one
    assert _cache_data_uses("@st.cache_data\ndef f(): pass") == [1]
    assert _cache_data_uses("import streamlit\nx = streamlit.cache_data(ttl=5)") == [2]
    assert len(_cache_data_uses("from streamlit import cache_data\ncache_data(f)")) == 2
    assert _cache_data_uses("from ui.session import read\nread(f, account_id=7)") == []


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_a_page_caches_nothing_itself(page: Path):
    # Given a page, then it never uses st.cache_data: reads go through ui.session.read
    uses = _cache_data_uses(page.read_text(encoding="utf-8"))
    assert not uses, (f"{_name(page)} uses st.cache_data on line(s) {uses}; read through "
                      "ui.session.read(fn, **ids) instead.")


# Emoji draw as empty boxes on office machines without a colour-emoji font: words or
# Streamlit's material icons (":material/…:", bundled with the app) instead.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")
SCREEN_CODE = sorted([*PAGES, *(ROOT / "ui").rglob("*.py"), *CORE, ROOT / "app.py"])


def test_the_emoji_check_finds_an_emoji():
    assert EMOJI.search("Saved \u2705") and EMOJI.search("\U0001f4de Call")
    assert not EMOJI.search("Saved · £1,234.50 — Zoë → next :material/call:")


@pytest.mark.parametrize("module", SCREEN_CODE, ids=_name)
def test_no_emoji_reaches_the_screen(module: Path):
    found = [(n, line.strip()) for n, line in
             enumerate(module.read_text(encoding="utf-8").splitlines(), 1) if EMOJI.search(line)]
    assert not found, f"{_name(module)} has emoji (use words or :material/…: icons): {found}"
