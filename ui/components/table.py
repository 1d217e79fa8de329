"""A list as a table with a "Download CSV" of exactly what is shown."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import streamlit as st

from core.export import to_csv
from ui.format import DASH, day


def _cell(value: Any) -> Any:
    """A day as people read it ("Mon 3 Nov 2026"), nothing as a dash; the rest as it is."""
    if value is None:
        return DASH
    if isinstance(value, date) and not isinstance(value, datetime):
        return day(value)
    return value


def show(rows: list[dict], *, key: str, file_name: str, **options: Any) -> None:
    """Show rows in a table with a CSV download (spreadsheet formulas neutralised).

    On screen a day reads "Mon 3 Nov 2026" and nothing reads "—"; the CSV keeps ISO dates,
    which spreadsheets sort.
    """
    shown = [{column: _cell(value) for column, value in row.items()} for row in rows]
    st.dataframe(shown, hide_index=True, width="stretch", key=key, **options)
    st.download_button("Download CSV", to_csv(rows), file_name=file_name, mime="text/csv",
                       key=f"{key}_csv")
