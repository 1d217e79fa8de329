"""Import debtors with their accounts, and payments, from CSV: a preview, then the import.

By step: `read` (the file, its columns, what a preview reports), `cells` (one cell in plain
words), `check` (every row against the database: create, update, unchanged or refused),
`write` (chunks in savepoints, each row whole or not at all, audited), `cli`
(``python -m core.importer``). `loader` re-exports the public names.
"""
