"""What the team job's reads and sign-in return: plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.store.models import User, UserCreate, UserUpdate

__all__ = ["User", "UserCreate", "UserUpdate", "SignInResult", "SessionCheck",
           "SignInAttemptRow", "LockedAccount", "OUTCOME_LABELS"]

OUTCOME_LABELS = {
    "ok": "Signed in",
    "wrong": "Wrong username or password",
    "locked": "Refused: account locked",
    "throttled": "Refused: too many tries from this computer",
    "unlocked": "Unlocked",
}


@dataclass(frozen=True)
class SignInResult:
    """A sign-in's outcome: the user and a session token, or the refusal to show.

    A refusal is a value, not an exception, so the attempt is recorded whatever the caller does.
    """

    user: User | None = None
    token: str | None = None
    refusal: str | None = None

    @property
    def ok(self) -> bool:
        """True when the person is signed in."""
        return self.user is not None and self.refusal is None


@dataclass(frozen=True)
class SessionCheck:
    """Who a session token belongs to now, or why it no longer signs anyone in."""

    user: User | None = None
    reason: str | None = None


@dataclass(frozen=True)
class SignInAttemptRow:
    """One sign-in try, for the people who look after accounts."""

    at: datetime
    username: str
    name: str
    outcome: str
    client: str


@dataclass(frozen=True)
class LockedAccount:
    """An account locked by wrong passwords, and until when."""

    user_id: int
    username: str
    name: str
    failures: int
    until: datetime
