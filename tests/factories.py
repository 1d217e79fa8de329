"""Small builders for test data; each returns a flushed row with an id."""

from __future__ import annotations

import itertools
from datetime import date

from sqlmodel import Session

from core.store.models import Account, Debtor, FollowUp, Team, User
from core.team.service import hash_password

_seq = itertools.count(1)
_HASH = hash_password("secret-pass")


def make_team(session: Session, name: str | None = None) -> Team:
    """A team."""
    team = Team(name=name or f"Team {next(_seq)}")
    session.add(team)
    session.flush()
    return team


def make_user(session: Session, role: str = "agent", *, username: str | None = None,
              team: Team | None = None, active: bool = True) -> User:
    """A user whose password is 'secret-pass'."""
    n = next(_seq)
    user = User(username=username or f"{role}{n}", display_name=f"{role.title()} {n}", role=role,
                team_id=team.id if team else None, active=active, password_hash=_HASH)
    session.add(user)
    session.flush()
    return user


def make_debtor(session: Session, owner: User | None = None, **fields) -> Debtor:
    """A debtor (a person in London unless told otherwise)."""
    n = next(_seq)
    values = {"name": f"Debtor {n}", "preferred_name": f"D{n}", "owner_id": owner.id if owner
              else None, "timezone": "Europe/London"}
    values.update(fields)
    debtor = Debtor(**values)
    session.add(debtor)
    session.flush()
    return debtor


def make_account(session: Session, debtor: Debtor, balance_cents: int = 100_000,
                 **fields) -> Account:
    """An open account of `debtor`."""
    n = next(_seq)
    values = {"debtor_id": debtor.id, "reference": f"ACC-{n:06d}", "creditor": "Northwind Energy",
              "original_balance_cents": balance_cents, "balance_cents": balance_cents}
    values.update(fields)
    account = Account(**values)
    session.add(account)
    session.flush()
    return account


def make_followup(session: Session, debtor: Debtor, owner: User, due_on: date,
                  **fields) -> FollowUp:
    """An open follow-up."""
    followup = FollowUp(debtor_id=debtor.id, owner_id=owner.id, due_on=due_on, **fields)
    session.add(followup)
    session.flush()
    return followup
