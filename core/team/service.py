"""Local accounts: argon2 password hashes, sign-in with lock-out, and user admin."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import Session, select

from core.errors import UserError
from core.permissions import require_role
from core.store import audit
from core.store.models import LoginAttempt, Role, Team, User, UserCreate, UserUpdate, utcnow

_hasher = PasswordHasher()
# A hash to check against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")

MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
SIGN_IN_FAILED = "That username and password don't match. Please try again."
LOCKED = "Too many tries. This account is locked for 15 minutes; ask a lead if it is urgent."
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class SignInError(Exception):
    """A sign-in was refused; the message is safe to show."""


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def count_users(session: Session) -> int:
    """How many users exist (0 means the app offers first-run set-up)."""
    return session.exec(select(func.count()).select_from(User)).one()


def _recent_failures(session: Session, username: str, now: datetime) -> list[datetime]:
    last_success = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)
        )
    ).one()
    query = select(LoginAttempt.at).where(
        LoginAttempt.username == username,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.at > now - LOCK_WINDOW,
    )
    if last_success is not None:
        query = query.where(LoginAttempt.at > last_success)
    return list(session.exec(query.order_by(LoginAttempt.at)).all())


def is_locked(session: Session, username: str, now: datetime | None = None) -> bool:
    """True while the account has 5 failures within the last 15 minutes."""
    now = now or utcnow()
    failures = _recent_failures(session, username, now)
    return len(failures) >= MAX_FAILURES


def authenticate(session: Session, *, username: str, password: str,
                 now: datetime | None = None) -> User:
    """The user for these credentials, or SignInError with one plain message."""
    now = now or utcnow()
    username = username.strip().lower()
    if is_locked(session, username, now):
        raise SignInError(LOCKED)
    user = session.exec(select(User).where(User.username == username)).first()
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password)
    ok = ok and user is not None and user.active
    session.add(LoginAttempt(username=username, at=now, succeeded=ok))
    if ok:
        audit.record(session, actor_id=user.id, action="user.sign_in", entity="user",
                     entity_id=user.id)
        return user
    raise SignInError(SIGN_IN_FAILED)


def _clean_username(username: str) -> str:
    username = username.strip().lower()
    if not 2 <= len(username) <= 40 or not set(username) <= USERNAME_CHARS:
        raise UserError(
            "A username is 2 to 40 letters, digits, dots, dashes or underscores, no spaces."
        )
    return username


def _check_password(password: str) -> None:
    if not password or not password.strip():
        raise UserError("The password can't be empty.")
    if len(password) > 200:
        raise UserError("The password is too long (200 characters at most).")


def _check_role(role: str) -> str:
    if role not in {r.value for r in Role}:
        raise UserError(f"'{role}' is not a role; choose agent, lead or admin.")
    return role


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise UserError("That team doesn't exist.")


def _insert_user(session: Session, user_create: UserCreate) -> User:
    username = _clean_username(user_create.username)
    _check_password(user_create.password)
    _check_role(user_create.role)
    _check_team(session, user_create.team_id)
    display_name = user_create.display_name.strip()
    if not display_name or len(display_name) > 120:
        raise UserError("Enter a display name (up to 120 characters).")
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
    """Change a user's name, role, team or active flag (admins only)."""
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
    if user.id == actor.id and (changes.get("active") is False or changes.get("role", "admin")
                                != Role.ADMIN):
        raise UserError("You can't deactivate yourself or take away your own admin role.")
    before = audit.snapshot(user)
    for key, value in changes.items():
        setattr(user, key, value)
    user.version += 1
    session.add(user)
    audit.record(session, actor_id=actor.id, action="user.update", entity="user",
                 entity_id=user.id, before=before, after=audit.snapshot(user))
    return user


def reset_password(session: Session, *, actor: User, user_id: int, new_password: str) -> None:
    """Set a new password for a user (admins only); clears any lock."""
    require_role(actor, Role.ADMIN)
    _check_password(new_password)
    user = session.get(User, user_id)
    if user is None:
        raise UserError("That user doesn't exist.")
    user.password_hash = hash_password(new_password)
    session.add(user)
    session.add(LoginAttempt(username=user.username, succeeded=True))
    audit.record(session, actor_id=actor.id, action="user.reset_password", entity="user",
                 entity_id=user.id)


def list_users(session: Session, *, actor: User) -> list[User]:
    """Every user, for the admin page."""
    require_role(actor, Role.ADMIN)
    return list(session.exec(select(User).order_by(User.username)).all())


def list_agents(session: Session, *, team_id: int | None = None,
                active_only: bool = True) -> list[User]:
    """Users who own caseloads (agents and leads), optionally of one team."""
    query = select(User).where(User.role.in_([Role.AGENT, Role.LEAD]))
    if active_only:
        query = query.where(User.active.is_(True))
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    return list(session.exec(query.order_by(User.display_name)).all())


def list_teams(session: Session) -> list[Team]:
    """Every team."""
    return list(session.exec(select(Team).order_by(Team.name)).all())


def create_team(session: Session, *, actor: User, name: str) -> Team:
    """Add a team (admins only)."""
    require_role(actor, Role.ADMIN)
    name = name.strip()
    if not name or len(name) > 80:
        raise UserError("Enter a team name (up to 80 characters).")
    if session.exec(select(Team.id).where(Team.name == name)).first() is not None:
        raise UserError(f"There is already a team called '{name}'.")
    team = Team(name=name)
    session.add(team)
    session.flush()
    audit.record(session, actor_id=actor.id, action="team.create", entity="team",
                 entity_id=team.id, after={"name": name})
    return team


def get_user(session: Session, user_id: int) -> User | None:
    """One user by id."""
    return session.get(User, user_id)


def user_names(session: Session) -> dict[int, str]:
    """Every user's display name by id (for labels, not for access)."""
    return dict(session.exec(select(User.id, User.display_name).order_by(User.display_name)).all())
