"""Finding a debtor by name or account reference (Debtors and Check-ins share it)."""

from __future__ import annotations

from core.debtors import service as debtors
from core.store.models import User
from ui.session import read

RESULT_LIMIT = 50


def search(query: str, *, owner_id: int | None, actor: User) -> list:
    """Debtors matching a name or account reference (cached; cleared by writes)."""
    return read(debtors.search_debtors, actor=actor, query=query, owner_id=owner_id,
                limit=RESULT_LIMIT)


def label(debtor_id: int) -> str | None:
    """A debtor's name with their account references."""
    return read(debtors.debtor_label, debtor_id=debtor_id)
