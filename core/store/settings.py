"""Team-wide settings stored in the database, with defaults."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from core import workdays
from core.clock import today_in
from core.errors import UserError
from core.permissions import require_role
from core.store import audit
from core.store.models import Setting, User, utcnow
from core.text import unstorable

DEFAULTS: dict[str, str] = {
    "office_timezone": "Europe/London",
    "discount_limit_agent": "10",
    "discount_limit_lead": "30",
    "discount_limit_admin": "100",
    "grace_days": "3",
    "idle_timeout_minutes": "480",
    "demo_data": "false",
    "working_days": "Mon,Tue,Wed,Thu,Fri",
    "forgive_limit_agent": "1000",
    "forgive_limit_lead": "10000",
    "forgive_limit_admin": "any",
    "letter_sender": "Northwind Recovery Team",
    "letter_phone": "0161 496 0000",
    "letter_email": "recovery@example.org",
    "letter_hours": "Monday to Friday, 9am to 5pm",
    "letter_how_to_pay": ("By bank transfer to Northwind Recovery, sort code 00-00-00, "
                          "account 00000000; or by card on the phone."),
}
LABELS: dict[str, str] = {
    "office_timezone": "Office timezone (decides what 'today' means)",
    "discount_limit_agent": "Settlement discount an agent may give without approval (%)",
    "discount_limit_lead": "Settlement discount a lead may give without approval (%)",
    "discount_limit_admin": "Settlement discount an admin may give without approval (%)",
    "grace_days": "Days after its date before an unpaid instalment counts as missed",
    "idle_timeout_minutes": "Sign out after this many idle minutes",
    "working_days": "Days the team works (e.g. Mon,Tue,Wed,Thu,Fri)",
    "forgive_limit_agent": "Most an agent may forgive in a settlement without approval (£)",
    "forgive_limit_lead": "Most a lead may forgive in a settlement without approval (£)",
    "forgive_limit_admin": "Most an admin may forgive in a settlement without approval (£)",
    "letter_sender": "Who the debtor's letters are from (the team's name)",
    "letter_phone": "Phone number on the debtor's letters",
    "letter_email": "Email address on the debtor's letters",
    "letter_hours": "When the phone is answered (on the debtor's letters)",
    "letter_how_to_pay": "How and where to pay (on the debtor's letters)",
}


def get(session: Session, key: str) -> str:
    """A setting's value, or its default."""
    row = session.get(Setting, key)
    return row.value if row else DEFAULTS[key]


def get_int(session: Session, key: str) -> int:
    """A whole-number setting."""
    return int(get(session, key))


def office_zone(session: Session) -> ZoneInfo:
    """The office timezone."""
    return ZoneInfo(get(session, "office_timezone"))


def discount_limit(session: Session, role: str) -> Decimal:
    """The largest settlement discount `role` may give without a lead's approval."""
    return Decimal(get(session, f"discount_limit_{role}"))


def forgive_limit_cents(session: Session, role: str) -> int | None:
    """The most `role` may forgive in one settlement without approval, in pence (None: any).
    With the discount limit, whichever is lower decides."""
    value = get(session, f"forgive_limit_{role}").strip().lower()
    return None if value == "any" else int(value) * 100


def validate(key: str, value: str) -> str:
    """Check one setting's value; raise ValueError with a plain message."""
    value = value.strip()
    if key not in DEFAULTS:
        raise UserError(f"There is no setting called {key}.")
    if unstorable(value):
        raise UserError("That value contains a character that can't be stored; please retype it.")
    if key == "office_timezone":
        shown = value if len(value) <= 40 else value[:37] + "…"
        try:
            if len(value) > 60:
                raise ValueError(value)
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise UserError(f"'{shown}' is not a timezone name like Europe/London.") from exc
    elif key.startswith("discount_limit_"):
        try:
            number = Decimal(value)
        except ArithmeticError as exc:
            raise UserError("A discount limit is a number from 0 to 100.") from exc
        if not number.is_finite() or not 0 <= number <= 100:
            raise UserError("A discount limit is a number from 0 to 100.")
    elif key == "working_days":
        value = workdays.format_days(workdays.parse(value))
    elif key.startswith("forgive_limit_"):
        if value.lower() == "any":
            return "any"
        if not value.isdigit() or int(value) > 100_000_000:
            raise UserError("A forgiveness limit is a whole number of pounds, or 'any'.")
    elif key in {"grace_days", "idle_timeout_minutes"}:
        if not value.isdigit() or int(value) < 1 or int(value) > 100_000:
            raise UserError("Enter a whole number above zero.")
    return value


def set_value(session: Session, *, actor: User, key: str, value: str) -> None:
    """Change a setting (admins only)."""
    require_role(actor, "admin")
    value = validate(key, value)
    row = session.get(Setting, key)
    before = {key: get(session, key)}
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record(session, actor_id=actor.id, action="setting.change", entity="setting",
                 entity_id=None, before=before, after={key: value})


def set_system(session: Session, key: str, value: str) -> None:
    """Set a setting from set-up code (no actor), e.g. the demo loader's flag."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def office_today(session: Session, now: datetime | None = None) -> date:
    """Today in the office (the office timezone setting) at `now`, default the current time."""
    return today_in(office_zone(session), now or utcnow())


def working_days(session: Session) -> frozenset[int]:
    """The team's working weekdays (Monday 0 … Sunday 6); Monday to Friday by default."""
    try:
        return workdays.parse(get(session, "working_days"))
    except UserError:
        return workdays.MONDAY_TO_FRIDAY
