"""Demo data: a recovery team with six months of history, built from a seed and loaded fast.

By step: `words` (names, notes and weights: data only), `people` (weighted picks and the
helpers a person is drawn with), `builder` (users, debtors, check-ins, follow-ups as rows),
`accounts` (an account's story: holds, plans, payments, promises), `bulk` (the fast load),
`cli` (``python -m core.demo``). `loader` re-exports the public names.
"""
