"""Server-side sign-in sessions: a random token in the browser, only its SHA-256 stored here.

A session ends at sign-out, after `MAX_AGE`, after the team's idle time-out, and whenever the
person's password is reset, their role changes or they are deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from core.store import settings
from core.store.models import User, UserSession, utcnow
from core.team.views import SessionCheck

MAX_AGE = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=60)  # last-seen is written at most once a minute per session
IDLE = "You were signed out after being idle."
ENDED = "Please sign in again."


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(session: Session, *, user: User, client: str = "",
          now: datetime | None = None) -> str:
    """Open a session for `user`; returns the token (shown to nobody, kept by the browser)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=token_hash(token), created_at=now,
                            last_seen_at=now, expires_at=now + MAX_AGE, client=client[:64]))
    session.flush()
    return token


def _row(session: Session, token: str | None) -> UserSession | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    return session.exec(
        select(UserSession).where(UserSession.token_hash == token_hash(token))).first()


def check(session: Session, token: str | None, *, now: datetime | None = None,
          touch: bool = False) -> SessionCheck:
    """Who `token` signs in now (re-read from the database), or why nobody.

    A forged, expired, revoked or idle token, or one of a deactivated user, signs nobody in.
    With `touch`, a live session's last-seen time moves to now (the caller commits it).
    """
    now = now or utcnow()
    row = _row(session, token)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return SessionCheck(reason=ENDED)
    idle = timedelta(minutes=settings.get_int(session, "idle_timeout_minutes"))
    if now - row.last_seen_at > idle:
        row.revoked_at = now
        session.add(row)
        return SessionCheck(reason=IDLE)
    user = session.get(User, row.user_id, populate_existing=True)
    if user is None or not user.active:
        return SessionCheck(reason=ENDED)
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return SessionCheck(user=user)


def needs_touch(session: Session, token: str | None, *, now: datetime | None = None) -> bool:
    """True when a live session's last-seen time is over a minute old."""
    row = _row(session, token)
    return row is not None and (now or utcnow()) - row.last_seen_at >= TOUCH_EVERY


def end(session: Session, token: str | None, *, now: datetime | None = None) -> None:
    """Sign one session out."""
    row = _row(session, token)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now or utcnow()
        session.add(row)


def end_all(session: Session, *, user_id: int, now: datetime | None = None) -> int:
    """Sign every session of a user out (password reset, role change, deactivation)."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow()))
    return result.rowcount or 0
