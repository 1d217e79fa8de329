"""Who may do what: services call these, whatever the UI shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.vocabulary import Role

if TYPE_CHECKING:  # the type only: the rules themselves never touch the database
    from core.store.models import User

RANK = {Role.AGENT: 1, Role.LEAD: 2, Role.ADMIN: 3}


def require_role(actor: User | None, *roles: str) -> None:
    """Raise PermissionError unless `actor` is active and has one of `roles`."""
    if actor is None or not actor.active:
        raise PermissionError("Please sign in again.")
    if actor.role not in roles:
        allowed = " or ".join(roles)
        raise PermissionError(f"Only a {allowed} can do this.")


def require_active(actor: User | None) -> User:
    """Any active agent, lead or admin; returns them (no longer optional)."""
    require_role(actor, Role.AGENT, Role.LEAD, Role.ADMIN)
    assert actor is not None
    return actor


def require_lead(actor: User | None) -> None:
    """Leads and admins only."""
    require_role(actor, Role.LEAD, Role.ADMIN)


def is_lead(actor: User) -> bool:
    """True for leads and admins."""
    return actor.role in (Role.LEAD, Role.ADMIN)
