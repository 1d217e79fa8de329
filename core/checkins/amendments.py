"""Check-ins: corrections. A check-in is never changed; a `CheckInAmendment` keeps the
original and is the record from then on (the contact rules, the wellbeing chart, exports).
"""

from __future__ import annotations

from sqlmodel import Session, select

from core.errors import FieldErrors, UserError
from core.permissions import is_lead, require_active
from core.store import audit
from core.store.models import CheckIn, CheckInAmendment, User
from core.text import MAX_NOTE_CHARS, clean_note

from .views import AMENDABLE_FIELDS, OUTCOMES


def _parse_amendment(field_name: str, value: str) -> str:
    value = (value or "").strip()
    if field_name == "wellbeing":
        if value == "":
            return ""
        if not value.isdigit() or not 1 <= int(value) <= 5:
            raise FieldErrors({"new_value": "Wellbeing must be between 1 and 5 (or empty)."})
        return value
    if field_name == "outcome":
        for key, label in OUTCOMES.items():
            if value.lower() in (key, label.lower()):
                return str(key)
        raise FieldErrors({"new_value": f"Outcome must be one of: {', '.join(OUTCOMES.values())}."})
    if field_name == "right_party":
        if value.lower() in ("yes", "y", "true"):
            return "yes"
        if value.lower() in ("no", "n", "false"):
            return "no"
        raise FieldErrors({"new_value": "Right-party contact is yes or no."})
    try:
        return clean_note(value, field="The new value")
    except ValueError as exc:
        raise FieldErrors({"new_value": str(exc)}) from exc


def _current_value(checkin: CheckIn, field_name: str) -> str:
    value = getattr(checkin, field_name)
    if field_name == "right_party":
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _amend_errors(field: str, new_value: str, reason: str) -> tuple[dict[str, str], str]:
    errors: dict[str, str] = {}
    if field not in AMENDABLE_FIELDS:
        errors["field"] = f"Choose what to correct: {', '.join(AMENDABLE_FIELDS.values())}."
    if not (reason or "").strip():
        errors["reason"] = "Say why the check-in needs correcting."
    elif len(reason.strip()) > MAX_NOTE_CHARS:
        errors["reason"] = f"The reason is too long; please keep it to {MAX_NOTE_CHARS:,}."
    after = ""
    if "field" not in errors:
        try:
            after = _parse_amendment(field, new_value)
        except FieldErrors as exc:
            errors.update(exc.errors)
    return errors, after


def amend_checkin(session: Session, *, actor: User, checkin_id: int, field: str,
                  new_value: str, reason: str) -> CheckInAmendment:
    """Record a correction to one field of a check-in; the original stays as it was, and the
    correction is what the contact rules, the wellbeing chart and exports read from now on."""
    require_active(actor)
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None:
        raise UserError("That check-in doesn't exist.")
    if checkin.agent_id != actor.id and not is_lead(actor):
        raise PermissionError("Only the agent who logged a check-in, or a lead, can amend it.")
    errors, after = _amend_errors(field, new_value, reason)
    if errors:
        raise FieldErrors(errors)
    latest = session.exec(
        select(CheckInAmendment.after)
        .where(CheckInAmendment.checkin_id == checkin_id, CheckInAmendment.field == field)
        .order_by(CheckInAmendment.amended_at.desc(), CheckInAmendment.id.desc())
        .limit(1)
    ).first()
    before = latest if latest is not None else _current_value(checkin, field)
    if before == after:
        raise FieldErrors({"new_value": "That is what it already says."})
    amendment = CheckInAmendment(checkin_id=checkin_id, field=field, before=before, after=after,
                                 reason=reason.strip(), amended_by=actor.id)
    session.add(amendment)
    session.flush()
    audit.record(session, actor_id=actor.id, action="checkin.amend", entity="checkin",
                 entity_id=checkin_id, before={field: before},
                 after={field: after, "reason": amendment.reason,
                        "amendment_id": amendment.id})
    return amendment
