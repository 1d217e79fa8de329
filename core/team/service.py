"""Writes of the team job: sign-in (with lock-out), users, teams and unlocking.

Sign-in checks the password outside any write transaction (argon2 is slow on purpose), then
records the try in a short write. Tries for one username are taken one at a time — a
PostgreSQL advisory lock across servers, a lock in the process on SQLite — so parallel
guesses cannot get past the lock-out.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from core.errors import UserError
from core.permissions import require_lead, require_role
from core.store import audit, db
from core.store.models import LoginAttempt, Role, Team, User, UserCreate, UserUpdate, utcnow
from core.team import sessions
from core.team.passwords import DUMMY_HASH, check_new_password, hash_password, needs_rehash, verify
from core.team.queries import (  # noqa: F401  (re-exported: pages import them from here)
    LOCK_WINDOW,
    MAX_FAILURES,
    client_throttled,
    count_users,
    get_user,
    is_locked,
    list_agents,
    list_teams,
    list_users,
    user_by_username,
    user_names,
)
from core.team.views import SignInResult
from core.text import clean_name

SIGN_IN_FAILED = "That username and password don't match. Please try again."
LOCKED = "Too many tries. This account is locked for 15 minutes; ask a lead if it is urgent."
THROTTLED = "Too many sign-in tries from this computer. Please wait 15 minutes and try again."
BUSY = "Signing in is busy just now. Please try again in a moment."
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
LOCK_WAIT_SECONDS = 10.0

__all__ = ["SignInResult", "hash_password", "sign_in", "fresh_actor"]


# ---------------------------------------------------------------- one try per username at a time


class _Lock:
    __slots__ = ("lock", "__weakref__")

    def __init__(self) -> None:
        self.lock = threading.Lock()


_local_locks: weakref.WeakValueDictionary[str, _Lock] = weakref.WeakValueDictionary()
_local_guard = threading.Lock()


def _lock_key(username: str) -> int:
    digest = hashlib.sha256(f"sign-in:{username}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _one_try_at_a_time(engine: Engine, username: str) -> Iterator[object]:
    """Hold the per-username lock; yields what the try's sessions bind to.

    On PostgreSQL an advisory lock on one pooled connection (released, and the connection handed
    back, between polls, so a flood of waiting guesses does not use up the pool).
    """
    if engine.dialect.name != "postgresql":
        with _local_guard:
            holder = _local_locks.get(username)
            if holder is None:
                holder = _local_locks[username] = _Lock()
        if not holder.lock.acquire(timeout=LOCK_WAIT_SECONDS):
            raise TimeoutError
        try:
            yield engine
        finally:
            holder.lock.release()
        return
    key = _lock_key(username)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        conn = engine.connect()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        conn.commit()
        if got:
            break
        conn.close()
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.01 + random.random() * 0.04)  # noqa: S311 (jitter, not security)
    try:
        yield conn
    finally:
        try:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
        except Exception:
            conn.invalidate()  # a dropped connection releases the lock on the server
        finally:
            conn.close()


@contextmanager
def _write(bind: object) -> Iterator[Session]:
    if isinstance(bind, Engine):
        with db.write_session(bind) as session:
            yield session
        return
    with Session(bind=bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _read(bind: object) -> Session:
    return Session(bind=bind, expire_on_commit=False)


# ---------------------------------------------------------------- sign-in


def sign_in(engine: Engine, *, username: str, password: str, client: str = "",
            now: datetime | None = None) -> SignInResult:
    """Check a username and password; the result holds the user and a session token, or the
    refusal to show. Every try is recorded (with the client's address), refused ones included.
    """
    now = now or utcnow()
    username = (username or "").strip().lower()[:40]
    client = (client or "")[:64]
    try:
        with _one_try_at_a_time(engine, username) as bind:
            return _try(bind, username=username, password=password or "", client=client, now=now)
    except TimeoutError:
        return SignInResult(refusal=BUSY)


def _try(bind: object, *, username: str, password: str, client: str,
         now: datetime) -> SignInResult:
    refusal = None
    with _read(bind) as session:
        if client_throttled(session, client, now):
            refusal, outcome = THROTTLED, "throttled"
        elif is_locked(session, username, now):
            refusal, outcome = LOCKED, "locked"
        user = user_by_username(session, username)
        user_id, stored, active = ((user.id, user.password_hash, user.active) if user
                                   else (None, DUMMY_HASH, False))
        session.rollback()  # end the read before the slow part
    new_hash = None
    if refusal is None:
        ok = verify(stored, password) and active
        outcome, refusal = ("ok", None) if ok else ("wrong", SIGN_IN_FAILED)
        if ok and needs_rehash(stored):
            new_hash = hash_password(password)
    with _write(bind) as session:
        attempt = LoginAttempt(username=username, at=now, succeeded=outcome == "ok",
                               outcome=outcome, client=client)
        session.add(attempt)
        user = session.get(User, user_id, populate_existing=True) if refusal is None else None
        if refusal is None and (user is None or not user.active):
            # deactivated while the password was being checked
            attempt.outcome, attempt.succeeded, refusal = "wrong", False, SIGN_IN_FAILED
        if refusal is not None:
            return SignInResult(refusal=refusal)
        if new_hash:
            user.password_hash = new_hash
            session.add(user)
        token = sessions.start(session, user=user, client=client, now=now)
        audit.record(session, actor_id=user.id, action="user.sign_in", entity="user",
                     entity_id=user.id)
    return SignInResult(user=user, token=token)


def sign_out(session: Session, *, token: str | None) -> None:
    """End this browser's session."""
    sessions.end(session, token)


def fresh_actor(session: Session, user_id: int | None) -> User:
    """The acting user re-read inside this transaction; refuses a deactivated or missing user."""
    user = session.get(User, user_id, populate_existing=True) if user_id else None
    if user is None or not user.active:
        raise PermissionError(sessions.ENDED)
    return user


def unlock(session: Session, *, actor: User, user_id: int) -> None:
    """Lift a lock-out now: a lead for an agent of their team, an admin for anyone."""
    require_lead(actor)
    user = session.get(User, user_id)
    if user is None:
        raise UserError("That user doesn't exist.")
    if actor.role != Role.ADMIN and (user.role != Role.AGENT or user.team_id != actor.team_id):
        raise PermissionError("A lead can unlock only the agents of their own team.")
    session.add(LoginAttempt(username=user.username, outcome="unlocked"))
    audit.record(session, actor_id=actor.id, action="user.unlock", entity="user",
                 entity_id=user.id)


def check_new_owner(session: Session, actor: User, current_owner_id: int | None,
                    new_owner_id: int | None) -> None:
    """A debtor's new owner exists, and a lead moves debtors only between agents of their own
    team (an admin anywhere)."""
    target = session.get(User, new_owner_id) if new_owner_id is not None else None
    if new_owner_id is not None and target is None:
        raise UserError("That agent doesn't exist.")
    current = session.get(User, current_owner_id) if current_owner_id else None
    if actor.role != Role.ADMIN and any(
            user is not None and user.team_id != actor.team_id for user in (target, current)):
        raise PermissionError("A lead can move debtors only between agents of their own team.")


# ---------------------------------------------------------------- users and teams


def _clean_username(username: str) -> str:
    username = username.strip().lower()
    if not 2 <= len(username) <= 40 or not set(username) <= USERNAME_CHARS:
        raise UserError(
            "A username is 2 to 40 letters, digits, dots, dashes or underscores, no spaces."
        )
    return username


def _check_role(role: str) -> str:
    if role not in {r.value for r in Role}:
        raise UserError(f"'{role}' is not a role; choose agent, lead or admin.")
    return role


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise UserError("That team doesn't exist.")


def _insert_user(session: Session, user_create: UserCreate) -> User:
    username = _clean_username(user_create.username)
    check_new_password(user_create.password)
    _check_role(user_create.role)
    _check_team(session, user_create.team_id)
    display_name = user_create.display_name.strip()
    if not display_name or len(display_name) > 120:
        raise UserError("Enter a display name (up to 120 characters).")
    display_name = clean_name(display_name, field="The display name", limit=120)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise UserError(f"The username '{username}' is already taken.")
    user = User(
        username=username,
        display_name=display_name,
        role=user_create.role,
        team_id=user_create.team_id,
        active=user_create.active,
        password_hash=hash_password(user_create.password),
    )
    session.add(user)
    session.flush()
    return user


def create_user(session: Session, *, actor: User, user_create: UserCreate) -> User:
    """Add a user (admins only)."""
    require_role(actor, Role.ADMIN)
    user = _insert_user(session, user_create)
    audit.record(session, actor_id=actor.id, action="user.create", entity="user",
                 entity_id=user.id, after=audit.snapshot(user))
    return user


def create_first_admin(session: Session, *, user_create: UserCreate) -> User:
    """The very first user, an admin; refused once any user exists."""
    if count_users(session) > 0:
        raise PermissionError("The first admin has already been created; please sign in.")
    user = _insert_user(session, user_create.model_copy(update={"role": Role.ADMIN}))
    audit.record(session, actor_id=user.id, action="user.create_first_admin", entity="user",
                 entity_id=user.id, after=audit.snapshot(user))
    return user


def update_user(session: Session, *, actor: User, user_id: int, user_update: UserUpdate) -> User:
    """Change a user's name, role, team or active flag (admins only).

    A new role or deactivation signs the person out everywhere.
    """
    require_role(actor, Role.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise UserError("That user doesn't exist.")
    changes = user_update.model_dump(exclude_unset=True)
    if "role" in changes:
        _check_role(changes["role"])
    if "team_id" in changes:
        _check_team(session, changes["team_id"])
    if "display_name" in changes and not (changes["display_name"] or "").strip():
        raise UserError("Enter a display name.")
    if "display_name" in changes:
        clean_name(changes["display_name"], field="The display name", limit=120)
    if user.id == actor.id and (changes.get("active") is False or changes.get("role", "admin")
                                != Role.ADMIN):
        raise UserError("You can't deactivate yourself or take away your own admin role.")
    before = audit.snapshot(user)
    ends_sessions = (changes.get("role", user.role) != user.role
                     or (changes.get("active") is False and user.active))
    for key, value in changes.items():
        setattr(user, key, value)
    user.version += 1
    session.add(user)
    if ends_sessions:
        sessions.end_all(session, user_id=user.id)
    audit.record(session, actor_id=actor.id, action="user.update", entity="user",
                 entity_id=user.id, before=before, after=audit.snapshot(user))
    return user


def reset_password(session: Session, *, actor: User, user_id: int, new_password: str) -> None:
    """Set a new password for a user (admins only); clears any lock and ends their sessions."""
    require_role(actor, Role.ADMIN)
    check_new_password(new_password)
    user = session.get(User, user_id)
    if user is None:
        raise UserError("That user doesn't exist.")
    user.password_hash = hash_password(new_password)
    user.version += 1
    session.add(user)
    session.add(LoginAttempt(username=user.username, outcome="unlocked"))
    sessions.end_all(session, user_id=user.id)
    audit.record(session, actor_id=actor.id, action="user.reset_password", entity="user",
                 entity_id=user.id)


def create_team(session: Session, *, actor: User, name: str) -> Team:
    """Add a team (admins only)."""
    require_role(actor, Role.ADMIN)
    name = name.strip()
    if not name or len(name) > 80:
        raise UserError("Enter a team name (up to 80 characters).")
    name = clean_name(name, field="The team name", limit=80)
    if session.exec(select(Team.id).where(Team.name == name)).first() is not None:
        raise UserError(f"There is already a team called '{name}'.")
    team = Team(name=name)
    session.add(team)
    session.flush()
    audit.record(session, actor_id=actor.id, action="team.create", entity="team",
                 entity_id=team.id, after={"name": name})
    return team


def change_settings(session: Session, *, actor: User, values: dict[str, str]) -> int:
    """Save the team-wide settings that changed (admins only); returns how many changed."""
    from core.store import settings

    changed = 0
    for key, value in values.items():
        if value != settings.get(session, key):
            settings.set_value(session, actor=actor, key=key, value=value)
            changed += 1
    return changed
