"""Translation writes (admins) and logging a drafted message in another language as sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from core import plain_language
from core.checkins.service import CheckInInput, log_checkin, mark_draft_sent
from core.errors import UserError
from core.messages import queries, templates
from core.messages.models import MessageTranslation
from core.permissions import require_role
from core.store import audit
from core.store.models import CheckIn, Direction, Outcome, Role, User, utcnow
from core.vocabulary import TranslationStatus


def save_translation(session: Session, *, actor: User, template: str, language: str,
                     body: str, status: str, version: int | None = None,
                     now: datetime | None = None) -> MessageTranslation:
    """Add or change a translation (admins). It must keep the English text's placeholders;
    only an approved translation is used in drafts. A changed text of an approved translation
    goes back to waiting for approval, so no unapproved text is ever drafted to a debtor."""
    require_role(actor, Role.ADMIN)
    body = templates.check_translation(template, language, body)
    if status not in set(TranslationStatus):
        raise UserError("Mark the translation as a draft or approved.")
    now = now or utcnow()
    row = session.execute(select(MessageTranslation).where(
        MessageTranslation.template == template,
        MessageTranslation.language == language)).scalar()
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = MessageTranslation(template=template, language=language)
        session.add(row)
    elif version is not None and version != row.version:
        raise UserError("This translation was changed by someone else — reload and try again.")
    else:
        row.version += 1
    # An approval is of the text a fluent speaker checked: a new text for an approved
    # translation waits for approval again (a separate save), whatever the form said.
    reopened = before is not None and before["status"] == TranslationStatus.APPROVED \
        and body != before["body"]
    if reopened:
        status = TranslationStatus.DRAFT
    row.body, row.status = body, str(status)
    row.updated_at, row.updated_by = now, actor.id
    if status == TranslationStatus.APPROVED:
        if before is None or before["status"] != TranslationStatus.APPROVED:
            row.approved_at, row.approved_by = now, actor.id
    else:
        row.approved_at = row.approved_by = None
    session.flush()
    audit.record(session, actor_id=actor.id, entity="message_translation", entity_id=row.id,
                 action=_action(before, row, reopened), before=before,
                 after=audit.snapshot(row))
    return row


def _action(before: dict | None, row: MessageTranslation, reopened: bool) -> str:
    """The audit action of a translation save (each has its sentence in core.store.audit)."""
    if before is None:
        return "translation.create"
    if reopened:
        return "translation.reopen"
    if row.status != before["status"]:
        return ("translation.approve" if row.status == TranslationStatus.APPROVED
                else "translation.unapprove")
    return "translation.change"


def mark_sent(session: Session, *, actor: User, debtor_id: int, account_id: int | None,
              channel: str, text: str, language: str = "en", rule_override_reason: str = "",
              plain_language_reason: str = "", now: datetime | None = None) -> CheckIn:
    """Log a drafted message as sent. English goes through the plain-language gate as ever;
    another language has no reading grade (not measured), and is held back only by jargon
    on that language's list, when there is one. Its opt-out sentence is the approved one in
    its language, or the English one when there is none (the draft screen says which)."""
    if language == templates.ENGLISH:
        return mark_draft_sent(session, actor=actor, debtor_id=debtor_id, account_id=account_id,
                               channel=channel, text=text,
                               rule_override_reason=rule_override_reason,
                               plain_language_reason=plain_language_reason, now=now)
    if channel not in plain_language.MESSAGE_CHANNELS:
        raise UserError("Messages go by text (SMS), email or letter.")
    if not (text or "").strip():
        raise UserError("The message is empty.")
    # The opt-out sentence in the message's language where an approved one exists; the
    # screen shows this same sentence (queries.opt_out), and the check-in keeps the text sent.
    ending = queries.opt_out(session, language=language, channel=channel).sentence or None
    final = plain_language.finalise_message(text, channel, ending)
    jargon = templates.find_jargon(final, language) or []
    reason = (plain_language_reason or "").strip()
    if jargon and not reason:
        raise UserError("This message is not plain yet: it uses jargon ("
                        + ", ".join(t for t, _ in jargon)
                        + "). Make it plainer, or write why it must go as it is.")
    data = CheckInInput(
        debtor_id=debtor_id, account_id=account_id, channel=channel,
        direction=Direction.OUTBOUND, outcome=Outcome.MESSAGE_SENT, notes=final,
        create_followup=False, rule_override_reason=rule_override_reason,
        reading_grade=None, jargon=[t for t, _ in jargon],
        plain_language_reason=reason if jargon else "")
    return log_checkin(session, actor=actor, data=data, now=now)
