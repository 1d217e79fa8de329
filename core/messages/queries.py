"""Translation reads: the admin's list and a draft in the debtor's language."""

from __future__ import annotations

from datetime import date

from babel.core import UnknownLocaleError
from babel.dates import format_date
from sqlalchemy import select
from sqlmodel import Session

from core import plain_language
from core.checkins import queries as checkins
from core.messages import templates
from core.messages.models import MessageTranslation
from core.messages.views import DraftView, OptOutView, TranslationView
from core.money import format_money
from core.store import settings
from core.store.models import Account, Payment, User, utcnow
from core.vocabulary import TranslationStatus


def translations(session: Session) -> list[TranslationView]:
    """Every translation, by language then template."""
    rows = session.execute(select(MessageTranslation).order_by(
        MessageTranslation.language, MessageTranslation.template)).scalars()
    return [TranslationView(id=t.id, template=t.template, language=t.language,
                            language_name=templates.language_name(t.language), body=t.body,
                            reference=templates.REFERENCE.get(t.template, ""), status=t.status,
                            version=t.version, updated_at=t.updated_at) for t in rows]


def approved(session: Session, *, template: str, language: str) -> str | None:
    """The approved translation's text, or None."""
    return session.execute(select(MessageTranslation.body).where(
        MessageTranslation.template == template, MessageTranslation.language == language,
        MessageTranslation.status == TranslationStatus.APPROVED)).scalar()


def opt_out(session: Session, *, language: str, channel: str) -> OptOutView:
    """The opt-out sentence a message in `language` gets when it is sent by `channel`: the
    approved translation of it, or the English one, saying so plainly."""
    english = plain_language.OPT_OUT_SENTENCE.get(channel, "")
    if not english or language == templates.ENGLISH:
        return OptOutView(sentence=english, language=templates.ENGLISH, wanted=language,
                          note="")
    body = approved(session, template=templates.OPT_OUT[channel], language=language)
    if body is not None:
        return OptOutView(sentence=body, language=language, wanted=language, note="")
    name = templates.language_name(language)
    what = templates.template_name(templates.OPT_OUT[channel]).lower()
    return OptOutView(sentence=english, language=templates.ENGLISH, wanted=language, note=(
        f"There is no approved {name} {what} yet, so the one always added when it is sent "
        "goes in English"))


def _day(due: date, language: str) -> str:
    try:
        return format_date(due, format="long", locale=language)
    except (UnknownLocaleError, ValueError):
        return f"{due.day}/{due.month}/{due.year}"


def _values(session: Session, *, actor: User, debtor, account_id: int | None,
            template: str, language: str) -> dict[str, str]:
    """What fills the placeholders; {amount} and {due} only when there is one to use."""
    address = debtor.preferred_name or debtor.name
    first = address if address.split(" ")[0].rstrip(".") in checkins.TITLES or (
        debtor.kind != "person" and not debtor.preferred_name) else address.split(" ")[0]
    values = {"name": first, "agent": actor.display_name.split(" ")[0]}
    account = session.get(Account, account_id) if account_id is not None else None
    if account is None:
        return values
    if template in ("reminder", "plan_summary"):
        nxt = checkins._next_instalment(session, account.id,
                                        settings.office_today(session, utcnow()))
        if nxt is not None:
            values["amount"] = format_money(nxt.amount_cents - nxt.paid_cents, account.currency)
            values["due"] = _day(nxt.due_on, language)
    elif template == "thanks":
        paid = session.execute(select(Payment.amount_cents).where(
            Payment.account_id == account.id).order_by(
            Payment.received_on.desc(), Payment.id.desc()).limit(1)).scalar()
        if paid is not None:
            values["amount"] = format_money(paid, account.currency)
    return values


def draft(session: Session, *, actor: User, debtor_id: int, account_id: int | None,
          template: str, channel: str) -> DraftView:
    """A plain-language draft in the debtor's language when an approved translation exists;
    otherwise the English draft, saying plainly why."""
    english = checkins.draft_for(session, actor=actor, debtor_id=debtor_id,
                                 account_id=account_id, template=template, channel=channel)
    debtor = checkins.get_debtor(session, debtor_id)
    wanted = (debtor.language or "en").strip().lower()
    if wanted == templates.ENGLISH:
        return DraftView(text=english, language="en", wanted=wanted, note="")
    name = templates.language_name(wanted)
    what = plain_language.TEMPLATES.get(template, template)
    body = approved(session, template=template, language=wanted)
    if body is None:
        return DraftView(text=english, language="en", wanted=wanted, note=(
            f"They read {name}, but there is no approved {name} translation of "
            f"“{what}” yet, so this draft is in English."))
    values = _values(session, actor=actor, debtor=debtor, account_id=account_id,
                     template=template, language=wanted)
    if missing := templates.placeholders(body) - set(values):
        return DraftView(text=english, language="en", wanted=wanted, note=(
            f"The {name} “{what}” needs {' and '.join(sorted(missing))}, and there is none to "
            "fill in here, so this draft is in English."))
    ending = opt_out(session, language=wanted, channel=channel).sentence or None
    text = plain_language.finalise_message(templates.render(body, values), channel, ending)
    return DraftView(text=text, language=wanted, wanted=wanted, note="")
