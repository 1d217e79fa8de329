"""The demo's public names in one place (the steps live in words, people, builder, accounts,
bulk and cli).

``python -m core.demo [--debtors N] [--checkins M] [--followups F] [--agents A] [--seed S]
[--database-url URL] [--if-empty]``: everyone signs in with the password ``demo``.
"""

from core.demo.bulk import has_users, load_demo, london_today
from core.demo.cli import main
from core.demo.summary import DemoError, DemoSummary
from core.demo.words import CHECKINS_PER_DEBTOR, FOLLOWUPS_PER_DEBTOR, PASSWORD

__all__ = [
    "CHECKINS_PER_DEBTOR", "FOLLOWUPS_PER_DEBTOR", "PASSWORD", "DemoError", "DemoSummary",
    "has_users", "load_demo", "london_today", "main",
]
