"""CSV downloads of what the pages show: UTF-8 with a BOM for Excel, formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

from core.text import csv_safe

BOM = "\ufeff"


def _cell(value: object) -> object:
    """One cell as text a spreadsheet shows as written (never runs it as a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int | float):
        return value
    return csv_safe(str(value))


def columns_of(rows: Iterable[Mapping[str, object]]) -> list[str]:
    """Every key of `rows`, in the order each first appears."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(str(key), None)
    return list(seen)


def to_csv(rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None) -> bytes:
    """`rows` as CSV bytes: a header, every cell passed through core.text.csv_safe, UTF-8 + BOM."""
    header = list(columns) if columns is not None else columns_of(rows)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([_cell(name) for name in header])
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in header])
    return (BOM + out.getvalue()).encode("utf-8")
