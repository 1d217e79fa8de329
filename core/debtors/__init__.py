"""core.debtors."""
