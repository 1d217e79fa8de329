"""Debtors, written: contact preferences (changing a debtor's owner is for leads)."""

from __future__ import annotations

from sqlmodel import Session

from core.checkins.views import (
    CHANNELS,
    channel_in_sentence,
    join_list,
    split_list,
)
from core.contact_rules import is_valid_timezone
from core.errors import FieldErrors, UserError
from core.permissions import require_active, require_lead
from core.store import audit
from core.store.db import save_versioned
from core.store.models import (
    Debtor,
    DebtorKind,
    DebtorUpdate,
    User,
    utcnow,
)
from core.team.service import check_new_owner
from core.text import MAX_NOTE_CHARS, field_problem, unstorable

_TEXT_LIMITS = {"name": 200, "preferred_name": 120, "email": 200, "phone": 40, "language": 20}
_NOTES = ("communication_notes", "cultural_notes", "circumstances", "needs")


def _check_preferences(debtor: Debtor, changes: dict) -> dict:
    errors: dict[str, str] = {}
    clean = dict(changes)
    for key, value in clean.items():
        if isinstance(value, str) and unstorable(value):
            errors[key] = "This contains a character that can't be stored; please retype it."
    for key, limit in _TEXT_LIMITS.items():
        if key in clean:
            clean[key] = (clean[key] or "").strip()
            if problem := field_problem(clean[key], limit):
                errors[key] = problem
    if "name" in clean and not clean["name"]:
        errors["name"] = "Enter the debtor's name."
    if "language" in clean and not clean["language"]:
        errors["language"] = "Enter a language, e.g. en."
    if clean.get("email") and "@" not in clean["email"]:
        errors["email"] = "That doesn't look like an email address."
    if "kind" in clean and clean["kind"] not in {k.value for k in DebtorKind}:
        errors["kind"] = "A debtor is a person or a business."
    for key in _NOTES:
        if key in clean:
            clean[key] = (clean[key] or "").strip()
            if len(clean[key]) > MAX_NOTE_CHARS:
                errors[key] = (f"This is {len(clean[key]):,} characters; please keep it to "
                               f"{MAX_NOTE_CHARS:,}.")
    _check_contact_choices(debtor, clean, errors)
    if errors:
        raise FieldErrors(errors)
    return clean


def _check_contact_choices(debtor: Debtor, clean: dict, errors: dict[str, str]) -> None:
    """Timezone, opt-outs, preferred channel and contact window (cleaned in place)."""
    if "timezone" in clean:
        clean["timezone"] = (clean["timezone"] or "").strip()
        if not is_valid_timezone(clean["timezone"]):
            errors["timezone"] = (f"'{clean['timezone']}' is not a real timezone; use a name "
                                  "like Europe/London.")
    if "opted_out" in clean:
        channels = split_list((clean["opted_out"] or "").lower())
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown:
            errors["opted_out"] = f"Unknown channel: {', '.join(unknown)}."
        clean["opted_out"] = join_list(channels)
    if "preferred_channel" in clean and clean["preferred_channel"] not in CHANNELS:
        errors["preferred_channel"] = "Choose a preferred channel from the list."
    preferred = clean.get("preferred_channel", debtor.preferred_channel)
    opted_out = split_list(clean.get("opted_out", debtor.opted_out))
    if "preferred_channel" not in errors and preferred in opted_out:
        errors["preferred_channel"] = (
            f"They asked us not to use {channel_in_sentence(preferred)}, so it "
            "can't be their preferred channel.")
    start = clean.get("contact_window_start", debtor.contact_window_start)
    end = clean.get("contact_window_end", debtor.contact_window_end)
    if start is None or end is None or not start < end:
        errors["contact_window_end"] = "The contact window must start before it ends."


def update_preferences(session: Session, *, actor: User, debtor_id: int, expected_version: int,
                       changes: DebtorUpdate) -> Debtor:
    """Change a debtor's contact preferences and notes, if nobody saved them meanwhile."""
    require_active(actor)
    debtor = session.get(Debtor, debtor_id)
    if debtor is None:
        raise UserError("That debtor doesn't exist (any more).")
    values = changes.model_dump(exclude_unset=True)
    if "owner_id" in values:
        require_lead(actor)  # reassigning a caseload is a lead's call
        check_new_owner(session, actor, debtor.owner_id, values["owner_id"])
    clean = _check_preferences(debtor, values)
    clean = {k: v for k, v in clean.items() if getattr(debtor, k) != v}
    if not clean:
        raise UserError("Nothing was changed.")
    before = audit.snapshot(debtor, list(clean))
    save_versioned(session, debtor, {**clean, "updated_at": utcnow()},
                   expected_version=expected_version, entity="debtor")
    audit.record(session, actor_id=actor.id, action="debtor.update", entity="debtor",
                 entity_id=debtor.id, before=before, after=audit.snapshot(debtor, list(clean)))
    return debtor
