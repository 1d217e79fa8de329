"""The importer's public names in one place (the steps live in read, cells, check, write, cli).

`from core.importer import loader as importer` keeps working for pages and tests:
``importer.preview_import(...)``, ``importer.run_import(...)``, ``importer.Problem`` …
"""

from core.importer.chunked import MAX_PROBLEMS, import_file, preview_file
from core.importer.cli import main
from core.importer.read import (
    COLUMNS,
    DEBTOR_COLUMNS,
    FILE,
    KINDS,
    MAX_ROWS,
    NOT_UTF8,
    PAYMENT_COLUMNS,
    PAYMENT_METHODS,
    Column,
    ImportPreview,
    ImportResult,
    Problem,
    column_help,
    detect_kind,
    file_problem,
    problems_csv,
    sample_file,
)
from core.importer.write import preview_import, run_import

__all__ = [
    "COLUMNS", "DEBTOR_COLUMNS", "FILE", "KINDS", "MAX_PROBLEMS", "MAX_ROWS", "NOT_UTF8",
    "PAYMENT_COLUMNS", "PAYMENT_METHODS", "Column", "ImportPreview", "ImportResult", "Problem",
    "column_help", "detect_kind", "file_problem", "import_file", "main", "preview_file",
    "preview_import", "problems_csv", "run_import", "sample_file",
]
