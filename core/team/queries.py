"""Reads of the team job: users, teams, lock-outs and sign-in history."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from core.permissions import require_lead
from core.store.models import LoginAttempt, Role, Team, User, utcnow
from core.team.views import OUTCOME_LABELS, LockedAccount, SignInAttemptRow

MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
CLIENT_LIMIT = 20  # failed tries from one address in LOCK_WINDOW before it is made to wait
FAILED = "wrong"
RESETS = ("ok", "unlocked")


def count_users(session: Session) -> int:
    """How many users exist (0 means the app offers first-run set-up)."""
    return session.exec(select(func.count()).select_from(User)).one()


def get_user(session: Session, user_id: int) -> User | None:
    """One user by id."""
    return session.get(User, user_id)


def user_by_username(session: Session, username: str) -> User | None:
    """One user by (lower-case) username."""
    return session.exec(select(User).where(User.username == username)).first()


def list_users(session: Session, *, actor: User) -> list[User]:
    """Every user, for the admin page."""
    from core.permissions import require_role

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


def user_names(session: Session) -> dict[int, str]:
    """Every user's display name by id (for labels, not for access)."""
    return dict(session.exec(select(User.id, User.display_name).order_by(User.display_name)).all())


def failures_since_reset(session: Session, username: str, now: datetime) -> list[datetime]:
    """Failed tries within the lock window after the last success or unlock, oldest first."""
    last_reset = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.outcome.in_(RESETS))
    ).one()
    query = select(LoginAttempt.at).where(
        LoginAttempt.username == username,
        LoginAttempt.outcome == FAILED,
        LoginAttempt.at > now - LOCK_WINDOW,
    )
    if last_reset is not None:
        query = query.where(LoginAttempt.at > last_reset)
    return list(session.exec(query.order_by(LoginAttempt.at)).all())


def is_locked(session: Session, username: str, now: datetime | None = None) -> bool:
    """True while the account has 5 failures within the last 15 minutes (and no unlock since)."""
    return len(failures_since_reset(session, username, now or utcnow())) >= MAX_FAILURES


def client_throttled(session: Session, client: str, now: datetime | None = None) -> bool:
    """True when one address has failed 20 times in 15 minutes: it must wait before trying again.

    Its refused tries are not checked and count against no account, so one address cannot
    lock every account.
    """
    if not client:
        return False
    count = session.exec(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.client == client, LoginAttempt.outcome == FAILED,
            LoginAttempt.at > (now or utcnow()) - LOCK_WINDOW)
    ).one()
    return count >= CLIENT_LIMIT


def failed_sign_ins(session: Session, *, actor: User, since: datetime,
                    limit: int = 200) -> list[SignInAttemptRow]:
    """Refused sign-ins, newest first (admins see everyone's, leads their team's)."""
    require_lead(actor)
    query = (select(LoginAttempt, User.display_name)
             .join(User, User.username == LoginAttempt.username, isouter=True)
             .where(LoginAttempt.outcome.in_(["wrong", "locked", "throttled"]),
                    LoginAttempt.at >= since))
    if actor.role != Role.ADMIN:
        query = query.where(User.team_id == actor.team_id)
    rows = session.exec(query.order_by(LoginAttempt.at.desc()).limit(limit)).all()
    return [SignInAttemptRow(at=a.at, username=a.username, name=name or "(no such user)",
                             outcome=OUTCOME_LABELS.get(a.outcome, a.outcome), client=a.client)
            for a, name in rows]


def locked_accounts(session: Session, *, actor: User,
                    now: datetime | None = None) -> list[LockedAccount]:
    """Accounts locked right now that `actor` may unlock (a lead: agents of their team)."""
    require_lead(actor)
    now = now or utcnow()
    recent = select(LoginAttempt.username).where(
        LoginAttempt.outcome == FAILED, LoginAttempt.at > now - LOCK_WINDOW).distinct()
    query = select(User).where(User.username.in_(recent))
    if actor.role != Role.ADMIN:
        query = query.where(User.team_id == actor.team_id, User.role == Role.AGENT)
    found = []
    for user in session.exec(query.order_by(User.username)).all():
        failures = failures_since_reset(session, user.username, now)
        if len(failures) >= MAX_FAILURES:
            found.append(LockedAccount(user_id=user.id, username=user.username,
                                       name=user.display_name, failures=len(failures),
                                       until=failures[-MAX_FAILURES] + LOCK_WINDOW))
    return found


def audit_trail(session: Session, **filters) -> list:
    """The audit trail in sentences (core.store.audit.trail), for the oversight pages."""
    from core.store.audit import trail

    return trail(session, **filters)


def demo_mode(session: Session) -> bool:
    """True when the demo team is loaded (the sign-in page says how to sign in)."""
    from core.store import settings

    return settings.get(session, "demo_data") == "true"


def team_settings(session: Session) -> dict[str, tuple[str, str]]:
    """Each team-wide setting an admin may change: key -> (label, current value)."""
    from core.store import settings

    return {key: (label, settings.get(session, key)) for key, label in settings.LABELS.items()}
