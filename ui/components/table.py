"""A list as a table with a "Download CSV" of exactly what is shown."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.export import to_csv


def show(rows: list[dict], *, key: str, file_name: str, **options: Any) -> None:
    """Show rows in a table with a CSV download (spreadsheet formulas neutralised)."""
    st.dataframe(rows, hide_index=True, width="stretch", key=key, **options)
    st.download_button("Download CSV", to_csv(rows), file_name=file_name, mime="text/csv",
                       key=f"{key}_csv")
