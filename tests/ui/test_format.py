"""ui.format: one way to show text from data (escaped markdown or plain text), money, dates, labels.

Escaped text is rendered with a CommonMark parser (markdown-it) and must come back as the same
words with no element of its own: no link, image, heading, list, code, HTML or entity.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from core.vocabulary import Channel, FollowUpStatus, Outcome
from ui.format import DASH, day, label, md, money, plain, when

LONDON = ZoneInfo("Europe/London")
RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
BEACON = "http://127.0.0.1:8765/beacon"

HOSTILE = [
    f"![x]({BEACON})",
    "[Reset your password](http://127.0.0.1:8765/reset)",
    "Ann\n=====",
    "Ann\n-----",
    f"see {BEACON} or www.example.com or ann@example.com",
    f"<{BEACON}>",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "&lt;b&gt; &#60;i&#62; &amp;",
    ":red[alarm] :material/home: :smile: $x^2$",
    "# heading\n## two\n> quote\n- item\n1. first\n2) second",
    "`code` ```fence``` **bold** _it_ ~~gone~~ ~sub~",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "[ref]: http://127.0.0.1:8765/ref\n[ref]",
    "***\n___",
    "trailing backslash \\",
]
TAGS = re.compile(r"<(?!/?p>)[a-z/]")
WORD_JOINER = "\u2060"
# What GitHub's autolink extension looks for in the text once escapes are undone.
AUTOLINK = re.compile(r"(?i)(?:https?|ftp|mailto|xmpp)://|\bwww\.|[-.\w+]@[-\w]")


def _rendered(text: str) -> str:
    return RENDER.render(md(text))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_escaped_text_makes_no_element_of_its_own(hostile):
    # Given text a creditor's file or a person could hold, when it is escaped and rendered
    out = _rendered(hostile)
    # Then the only element is the paragraph around it
    assert not TAGS.search(out), out
    assert "href" not in out and "src=" not in out.replace("src=x", "")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_escaped_text_reads_as_typed(hostile):
    # Given hostile text, when it is escaped and rendered, then the words on screen are the same
    out = re.sub(r"</?p>", "", _rendered(hostile)).strip()
    shown = html.unescape(out).replace(WORD_JOINER, "")
    assert shown.split() == hostile.split()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_any_line_of_text_renders_as_itself_and_nothing_more(line):
    # Given any single line without control characters, when escaped and rendered inline
    out = RENDER.renderInline(md(line))
    # Then no tag appears and the text reads back unchanged (bidi controls aside)
    assert "<" not in out
    expected = re.sub("[\u202a-\u202e\u2066-\u2069]", "", line)
    assert html.unescape(out).replace(WORD_JOINER, "").split() == expected.split()


@pytest.mark.parametrize("hostile", HOSTILE + ["mail ann@example.com", "HTTPS://X.Y/z"])
def test_escaped_text_leaves_nothing_for_the_autolinker(hostile):
    # Given text with bare URLs and addresses, when escaped and rendered to text
    shown = html.unescape(re.sub(r"</?p>", "", _rendered(hostile)))
    # Then no URL, www. or address pattern is left for GitHub's autolinks to find
    assert not AUTOLINK.search(shown), shown


def test_text_reversing_characters_never_reach_the_screen():
    # Given a name with a right-to-left override (it would show "Ann" reversed around it)
    name = "Ann \u202egnp.exe\u202c Lee\u2066"
    # Then both ways of showing it drop the hidden characters
    assert "\u202e" not in md(name) and "\u2066" not in md(name)
    assert plain(name) == "Ann gnp.exe Lee"


@pytest.mark.parametrize("value", [None, ""])
def test_nothing_is_a_dash_in_plain_places_and_empty_in_markdown(value):
    assert plain(value) == DASH
    assert md(value) == ""


def test_plain_text_is_left_as_typed():
    assert plain("[x](http://a.b) **b**") == "[x](http://a.b) **b**"
    assert plain(42) == "42"


@pytest.mark.parametrize("cents,whole,expected", [
    (123_450, False, "£1,234.50"), (5_000, True, "£50"), (5_050, True, "£50.50"),
    (0, False, "£0.00"), (-1_999, False, "-£19.99"), (None, False, DASH),
])
def test_money_is_pounds_with_a_sign(cents, whole, expected):
    assert money(cents, whole=whole) == expected


def test_money_in_another_currency():
    assert money(123_450, "EUR") == "€1,234.50"


def test_a_day_reads_as_a_weekday_and_date_never_iso():
    assert day(date(2026, 11, 2)) == "Mon 2 Nov 2026"
    assert day(datetime(2026, 11, 3, 23, 30)) == "Tue 3 Nov 2026"
    assert day(None) == DASH


def test_an_instant_is_shown_in_office_time():
    # Given 09:42 UTC in summer, then London reads 10:42
    assert when(datetime(2026, 7, 3, 9, 42, tzinfo=UTC), LONDON) == "3 Jul 10:42"
    # A naive datetime from the database is UTC
    assert when(datetime(2026, 11, 3, 10, 42), LONDON) == "3 Nov 10:42"
    # Another year than today's says which
    assert when(datetime(2025, 11, 3, 10, 42, tzinfo=UTC), LONDON,
                today=date(2026, 1, 5)) == "3 Nov 2025 10:42"
    assert when(None, LONDON) == DASH


def test_stored_values_show_their_vocabulary_label_never_the_raw_value():
    assert label(Channel, "sms") == Channel.SMS.label
    assert label(Channel, "sms") != "sms"
    assert label(Outcome, Outcome.NO_ANSWER) == Outcome.NO_ANSWER.label
    assert label(FollowUpStatus, "open") == FollowUpStatus("open").label
    assert label(Channel, "carrier pigeon") == DASH
    assert label(Channel, None) == DASH
