"""core.text: names refuse text-reversing characters; markdown escaping drops them."""

from __future__ import annotations

import pytest

from core.errors import UserError
from core.text import clean_name, escape_markdown, has_bidi_controls, strip_bidi

REVERSERS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069"]


@pytest.mark.parametrize("char", REVERSERS)
def test_a_name_with_a_text_reversing_character_is_refused_plainly(char):
    # Given a name that would read backwards around a hidden override
    with pytest.raises(UserError, match="hidden character that reverses text"):
        clean_name(f"Ann {char}eeL", field="The name")


def test_an_ordinary_name_is_kept_stripped():
    assert clean_name("  Zoë O'Brien-Ngata  ") == "Zoë O'Brien-Ngata"
    assert clean_name("محمد عبد الله") == "محمد عبد الله"  # right-to-left script is fine


@pytest.mark.parametrize("bad,message", [("", "empty"), ("   ", "empty"), ("x" * 201, "201")])
def test_an_empty_or_long_name_is_refused(bad, message):
    with pytest.raises(UserError, match=message):
        clean_name(bad)


def test_the_screen_drops_text_reversing_characters():
    assert strip_bidi("a\u202eb\u2069c") == "abc"
    assert "\u202e" not in escape_markdown("x\u202ey")
    assert has_bidi_controls("x\u202ey") and not has_bidi_controls("plain") and not \
        has_bidi_controls(None)
