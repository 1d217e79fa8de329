"""Reading an import file: its kinds, columns, the problems and counts it reports, and rows.

Row numbers are as a spreadsheet shows them (the header is row 1). A problem here refuses the
whole file: wrong encoding, a missing or repeated column, no rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import UserError
from core.export import to_csv
from core.vocabulary import PaymentMethod

KINDS = ("debtors", "payments")
PAYMENT_METHODS = tuple(PaymentMethod)
NOT_UTF8 = "The file isn't UTF-8 text; save it as 'CSV UTF-8' and try again."
FILE = "file"  # the `column` of a problem with the whole file


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an import file, as the import page and README describe it."""

    name: str
    required: bool
    meaning: str
    example: str


DEBTOR_COLUMNS: tuple[Column, ...] = (
    Column("reference", True, "The account's reference, unique across all accounts "
           "(up to 40 characters). Rows are matched to accounts by it.", "NW-100234"),
    Column("creditor", True, "Who the debt is owed to.", "Northwind Energy"),
    Column("debtor_name", True, "The person's or business's full name.", "Alex Morgan"),
    Column("balance", True, "What is owed now, in pounds: digits with up to 2 decimals.",
           "1234.50"),
    Column("original_balance", False, "What was first owed; at least the balance. "
           "Default: the balance.", "1500.00"),
    Column("kind", False, "person or business. Default: person.", "person"),
    Column("preferred_name", False, "What they like to be called.", "Alex"),
    Column("email", False, "Email address; with debtor_name it identifies the debtor.",
           "alex@example.org"),
    Column("phone", False, "Phone number.", "07700 900123"),
    Column("preferred_channel", False, "phone, sms, email, video or letter. Default: phone.",
           "sms"),
    Column("language", False, "Language code. Default: en.", "en"),
    Column("timezone", False, "IANA timezone name. Default: Europe/London.", "Europe/London"),
    Column("currency", False, "Three-letter currency code. Default: GBP.", "GBP"),
    Column("opened_on", False, "When the account was opened: YYYY-MM-DD (or DD/MM/YYYY).",
           "2024-03-31"),
    Column("owner_username", False, "Username of the agent who owns the debtor. "
           "Default: nobody yet.", "priya"),
)
PAYMENT_COLUMNS: tuple[Column, ...] = (
    Column("reference", True, "The account's reference.", "NW-100234"),
    Column("amount", True, "The amount received, in pounds: more than zero.", "50.00"),
    Column("received_on", True, "The day it was received: YYYY-MM-DD (or DD/MM/YYYY), "
           "not in the future.", "2026-11-02"),
    Column("method", False, f"One of {', '.join(PAYMENT_METHODS)}. Default: bank_transfer.",
           "direct_debit"),
    Column("payment_reference", False, "The bank's or card provider's reference "
           "(up to 60 characters).", "DD-884120"),
)
COLUMNS: dict[str, tuple[Column, ...]] = {"debtors": DEBTOR_COLUMNS, "payments": PAYMENT_COLUMNS}
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "samples"

# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row (or, with row_number None, the whole file) was refused."""

    row_number: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row_number is None:
            return self.message
        where = f"Row {self.row_number}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportPreview:
    """What an import would do: rows to create, update, leave unchanged, and refuse."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def file_refused(self) -> bool:
        """True when the whole file was refused (wrong encoding, a missing column …)."""
        return any(p.row_number is None for p in self.problems)

    @property
    def file_problem(self) -> str | None:
        """The sentence saying why the whole file was refused, if it was."""
        return next((p.message for p in self.problems if p.row_number is None), None)

    _VERBS = ("Would create", "Would update")

    def summary(self) -> list[dict[str, object]]:
        """The counts as rows for a table."""
        return [{"What": label, "Rows": value} for label, value in (
            ("Rows in the file", self.rows), (self._VERBS[0], self.created),
            (self._VERBS[1], self.updated), ("Unchanged", self.unchanged),
            ("Refused", self.refused))]


@dataclass
class ImportResult(ImportPreview):
    """What an import did (same counts as the preview, after writing)."""

    _VERBS = ("Created", "Updated")


def problems_csv(problems: Iterable[Problem]) -> bytes:
    """The problems as a CSV file (row, column, problem) for the person to fix their file."""
    rows = [{"row": p.row_number, "column": "" if p.column == FILE else p.column,
             "problem": p.message} for p in problems]
    return to_csv(rows, columns=["row", "column", "problem"])


def column_help(kind: str) -> list[dict[str, str]]:
    """The columns of `kind` as table rows (column, required, meaning, example)."""
    return [{"Column": c.name, "Required": "yes" if c.required else "no",
             "Meaning": c.meaning, "Example": c.example} for c in COLUMNS[_check_kind(kind)]]


def sample_file(kind: str) -> bytes:
    """The shipped sample file for `kind` (data/samples/KIND.csv)."""
    return (SAMPLES_DIR / f"{_check_kind(kind)}.csv").read_bytes()


def file_problem(kind: str, data) -> str | None:
    """Why the whole file would be refused (encoding, a missing column …), or None."""
    return _scan(_check_kind(kind), data).problem


def detect_kind(data: bytes) -> str:
    """'payments' when the header has amount and received_on columns, else 'debtors'."""
    first_line = bytes(data[:4096]).split(b"\n", 1)[0]
    header = {_normalise_header(h) for h in first_line.decode("utf-8-sig", "replace").split(",")}
    return "payments" if {"amount", "received_on"} <= header else "debtors"


# ---------------------------------------------------------------- reading the file


@dataclass(slots=True)
class _Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str]  # by column name, stripped
    extra: bool = False  # more values than the header has columns


@dataclass
class _Table:
    rows: list[_Row]
    ignored: list[str]


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise UserError("The kind of file must be 'debtors' or 'payments'.")
    return kind


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip('"').strip().lower())


MAX_ROWS = 1_000_000  # rows in one file; more is refused (split the file)
CHUNK_READ = 1_000  # rows checked and written together


@dataclass
class _Scan:
    """What one pass over the file found, holding no rows: a file problem, the row count,
    the columns ignored and (debtors) every reference that appears on more than one row."""

    problem: str | None = None
    rows: int = 0
    header: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    duplicates: dict[str, list[int]] = field(default_factory=dict)


def _stream(data) -> io.BufferedIOBase:
    """A binary stream over `data` (bytes, or an open binary file), rewound to its start."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data))
    data.seek(0)
    return data


def _records(stream) -> Iterable[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) of each non-blank row; UnicodeDecodeError, csv.Error
    and ValueError (a NUL) come out of the iteration."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        for number, cells in enumerate(csv.reader(text), start=1):
            if any("\x00" in cell for cell in cells):
                raise ValueError("NUL")
            if number == 1 or any(cell.strip() for cell in cells):
                yield number, cells
    finally:
        text.detach()


def _header_problem(kind: str, first: list[str], header: list[str]) -> str | None:
    spec = COLUMNS[kind]
    if len(header) == 1 and ";" in first[0]:
        return ("The file uses ';' between values; save it as 'CSV UTF-8' (comma separated) "
                "and try again.")
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        return f"The column '{repeated[0]}' appears more than once in the first row; keep one."
    missing = [c.name for c in spec if c.required and c.name not in header]
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        required = ", ".join(c.name for c in spec if c.required)
        noun = "column" if len(missing) == 1 else "columns"
        return (f"The file has no {names} {noun}, so none of it can be imported; a {kind} "
                f"file needs the columns {required}.")
    return None


def _scan(kind: str, data) -> _Scan:
    """One streaming pass: encoding, CSV shape, header, row count and cap, duplicates."""
    scan = _Scan()
    seen: dict[str, int] = {}
    header_problem = None
    reference = None
    try:
        for number, cells in _records(_stream(data)):
            if number == 1:
                if not any(cell.strip() for cell in cells):
                    scan.problem = "The file is empty; the first row must name the columns."
                    return scan
                scan.header = [_normalise_header(h) for h in cells]
                header_problem = _header_problem(kind, cells, scan.header)
                known = {c.name for c in COLUMNS[kind]}
                scan.ignored = [h for h in scan.header if h and h not in known]
                if kind == "debtors" and "reference" in scan.header:
                    reference = scan.header.index("reference")
                continue
            scan.rows += 1
            if scan.rows > MAX_ROWS:
                scan.problem = (f"The file has more than {MAX_ROWS:,} rows; split it into "
                                "smaller files and import each.")
                return scan
            if reference is not None and reference < len(cells):
                _note_reference(scan, seen, cells[reference].strip(), number)
    except (UnicodeDecodeError, ValueError):
        scan.problem = NOT_UTF8
        return scan
    except csv.Error as exc:
        scan.problem = f"The file can't be read as CSV ({exc}); save it as 'CSV UTF-8'."
        return scan
    if not scan.header:
        scan.problem = "The file is empty; the first row must name the columns."
    elif header_problem:
        scan.problem = header_problem
    elif not scan.rows:
        scan.problem = "The file has no rows below the header."
    return scan


def _note_reference(scan: _Scan, seen: dict[str, int], reference: str, number: int) -> None:
    if not reference:
        return
    first = seen.setdefault(reference, number)
    if first != number:
        scan.duplicates.setdefault(reference, [first]).append(number)


def _chunks_of(kind: str, data, scan: _Scan, size: int = CHUNK_READ) -> Iterable[_Table]:
    """The file's rows, `size` at a time (after a `_scan` that found no problem)."""
    known = {c.name for c in COLUMNS[kind]}
    header = scan.header
    width = len(header)
    rows: list[_Row] = []
    for number, cells in _records(_stream(data)):
        if number == 1:
            continue
        rows.append(_Row(number, {h: cells[i].strip() if i < len(cells) else ""
                                  for i, h in enumerate(header) if h in known},
                         extra=len(cells) > width and any(c.strip() for c in cells[width:])))
        if len(rows) >= size:
            yield _Table(rows=rows, ignored=scan.ignored)
            rows = []
    if rows:
        yield _Table(rows=rows, ignored=scan.ignored)


def _read(kind: str, data) -> tuple[_Table | None, list[Problem], int]:
    """The whole file as one table (small files and tests); a problem refuses the file."""
    scan = _scan(kind, data)
    if scan.problem:
        return None, [Problem(None, FILE, scan.problem)], scan.rows
    rows = [row for table in _chunks_of(kind, data, scan) for row in table.rows]
    return _Table(rows=rows, ignored=scan.ignored), [], 0
