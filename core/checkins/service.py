"""Check-ins: log a contact as structured care, never break a rule (the writes).

Who may do what (decided here, enforced by every service below):
- any active agent, lead or admin may log a check-in for any debtor. Debtors call whoever
  picks up, and the Regulation F call limits only work if *every* contact is recorded, so
  refusing to log a colleague's debtor would hide contacts rather than prevent them. The
  follow-up a check-in creates still goes to the debtor's owner.
- a check-in is never deleted or changed; a correction is a `CheckInAmendment` that keeps
  the original, and is the record from then on. Only the agent who logged the check-in, or
  a lead/admin, may amend it (core.checkins.amendments).

`log_checkin` loads its context once (debtor, account, the follow-up it answers, holds,
calls across all the person's accounts, adjustments, office today), lets the pure `decide`
(core.checkins.decide) judge the input, then writes and audits. What the debtor asks for
applies in the same check-in: a channel they opt out of is not used for the follow-up it
creates; a call-back they asked for ("call me Thursday at 6 pm", their time) keeps its time
and the moment of their consent, and that call is outside the call-frequency limits
(§1006.14(b)(4)).
Cadence: see `core.checkins.rules`.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.errors import UserError
from core.followups.service import add_followup, can_change, complete_followup
from core.permissions import require_active
from core.store import audit, settings
from core.store.db import save_versioned
from core.store.models import (
    Account,
    Channel,
    CheckIn,
    Direction,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Outcome,
    PromiseToPay,
    User,
    Vulnerability,
    utcnow,
)

from . import queries
from .decide import CheckInInput, CheckInValidationError, Decision, Loaded, decide
from .views import join_list, split_list

# ---------------------------------------------------------------- load


def load(session: Session, data: CheckInInput, now: datetime) -> Loaded:
    """Everything `decide` needs, read once."""
    debtor = queries.get_debtor(session, data.debtor_id)
    account = session.get(Account, data.account_id) if data.account_id is not None else None
    account_ok = data.account_id is None or (account is not None
                                             and account.debtor_id == debtor.id)
    answered = session.get(FollowUp, data.followup_id) if data.followup_id is not None else None
    answered_ok = data.followup_id is None or (answered is not None
                                               and answered.debtor_id == debtor.id)
    at = data.at if data.at is not None and data.at.tzinfo is not None else now
    zone = settings.office_zone(session)
    today = now.astimezone(zone).date()
    needs_rules = data.direction == Direction.OUTBOUND or data.create_followup
    return Loaded(
        debtor=debtor, account=account if account_ok else None, account_ok=account_ok,
        answered=answered if answered_ok else None, answered_ok=answered_ok,
        ctx=queries.context(session, debtor=debtor,
                            account_id=data.account_id if account_ok else None,
                            at=at) if needs_rules else None,
        zone=zone, today=today,
        plan_first_due=queries.open_plan_first_due(
            session, account_id=data.account_id if account_ok else None, today=today))


# ---------------------------------------------------------------- write


def _write_checkin(session: Session, actor: User, data: CheckInInput, loaded: Loaded,
                   d: Decision, now: datetime) -> CheckIn:
    checkin = CheckIn(
        debtor_id=loaded.debtor.id, account_id=data.account_id, at=d.at,
        channel=data.channel, direction=data.direction, outcome=data.outcome,
        right_party=bool(data.right_party), wellbeing=data.wellbeing,
        life_changes=join_list(data.life_changes), signposting=join_list(data.signposting),
        needs=d.text["needs"], next_step=d.text["next_step"], notes=d.text["notes"],
        agent_id=actor.id,
        rule_override_reason=d.text["rule_override_reason"] if d.override else "",
        created_at=now, reading_grade=data.reading_grade, jargon=join_list(data.jargon),
        plain_language_reason=d.text["plain_language_reason"],
        call_consented_at=d.consented_at,
    )
    session.add(checkin)
    session.flush()
    after = audit.snapshot(checkin)
    if d.override:
        after["rules_broken"] = list(d.verdict.reasons)
    audit.record(session, actor_id=actor.id, action="checkin.create", entity="checkin",
                 entity_id=checkin.id, after=after, flagged=d.override)
    return checkin


def _write_debtor(session: Session, actor: User, loaded: Loaded, d: Decision,
                  now: datetime) -> None:
    """What the debtor asked for applies at once: opt-outs, preferred channel, what they need."""
    debtor = loaded.debtor
    changes: dict = {}
    if join_list(d.opted_out) != join_list(split_list(debtor.opted_out)):
        changes["opted_out"] = join_list(d.opted_out)
    if d.preferred != debtor.preferred_channel:
        changes["preferred_channel"] = d.preferred
    if d.text["needs"] and d.text["needs"] != debtor.needs:
        changes["needs"] = d.text["needs"]
    if d.drivers and not debtor.vulnerable:
        changes["vulnerable"] = True
    if not changes:
        return
    before = audit.snapshot(debtor, list(changes))
    save_versioned(session, debtor, {**changes, "updated_at": now},
                   expected_version=debtor.version, entity="debtor")
    audit.record(session, actor_id=actor.id, action="debtor.update_from_checkin",
                 entity="debtor", entity_id=debtor.id, before=before,
                 after=audit.snapshot(debtor, list(changes)))


def _write_care(session: Session, actor: User, data: CheckInInput, checkin: CheckIn,
                d: Decision) -> None:
    for driver in d.drivers:
        vulnerability = Vulnerability(debtor_id=checkin.debtor_id, checkin_id=checkin.id,
                                      driver=driver, consent_at=d.at, recorded_by=actor.id,
                                      **d.idea)
        session.add(vulnerability)
        session.flush()
        # The audit says what was recorded, not the sensitive details themselves.
        audit.record(session, actor_id=actor.id, action="vulnerability.create",
                     entity="vulnerability", entity_id=vulnerability.id,
                     after={"debtor_id": checkin.debtor_id, "driver": driver,
                            "checkin_id": checkin.id, "consent": True})


def _write_promise(session: Session, actor: User, data: CheckInInput, loaded: Loaded,
                   checkin: CheckIn, now: datetime) -> None:
    if data.promise_amount_cents is None or loaded.account is None:
        return
    promise = PromiseToPay(debtor_id=checkin.debtor_id, account_id=loaded.account.id,
                           amount_cents=data.promise_amount_cents, due_on=data.promise_due_on,
                           checkin_id=checkin.id, created_by=actor.id, created_at=now)
    session.add(promise)
    session.flush()
    audit.record(session, actor_id=actor.id, action="promise.create", entity="promise_to_pay",
                 entity_id=promise.id, after=audit.snapshot(promise))


def _write_followup(session: Session, actor: User, data: CheckInInput, loaded: Loaded,
                    checkin: CheckIn, d: Decision, now: datetime) -> None:
    if d.callback_at is not None:  # the call they asked for: its time and their consent
        local_day = d.callback_at.astimezone(ZoneInfo(loaded.debtor.timezone)).date()
        add_followup(
            session, actor_id=actor.id, debtor_id=checkin.debtor_id,
            account_id=data.account_id, owner_id=loaded.debtor.owner_id or actor.id,
            due_on=local_day, due_at=d.callback_at, call_consented_at=d.at,
            channel=Channel.PHONE, reason=FollowUpReason.CALL_BACK, priority=1,
            note=d.text["followup_note"] or "They asked us to call at this time.",
            checkin_id=checkin.id, created_at=now)
        return
    if not data.create_followup or d.suggestion is None:
        return
    due_on = max(data.followup_on or d.suggestion.due_on, loaded.today)
    add_followup(
        session, actor_id=actor.id, debtor_id=checkin.debtor_id, account_id=data.account_id,
        owner_id=loaded.debtor.owner_id or actor.id, due_on=due_on,
        channel=data.followup_channel or d.suggestion.channel,
        reason=data.followup_reason or d.suggestion.reason,
        note=d.text["followup_note"] or d.text["next_step"], checkin_id=checkin.id,
        created_at=now)


def log_checkin(session: Session, *, actor: User, data: CheckInInput,
                now: datetime | None = None) -> CheckIn:
    """Validate and save a check-in with its promise, follow-up, vulnerabilities and opt-outs."""
    require_active(actor)
    now = now or utcnow()
    loaded = load(session, data, now)
    decision = decide(data, loaded, now)
    if decision.errors:
        raise CheckInValidationError(decision.errors)
    checkin = _write_checkin(session, actor, data, loaded, decision, now)
    _write_debtor(session, actor, loaded, decision, now)
    _write_care(session, actor, data, checkin, decision)
    _write_promise(session, actor, data, loaded, checkin, now)
    answered = loaded.answered
    if answered is not None and answered.status == FollowUpStatus.OPEN \
            and can_change(session, actor, answered):
        # A colleague covering a call may log it, but a follow-up they may not change stays
        # open for its owner rather than blocking the record of the contact.
        complete_followup(session, actor=actor, followup_id=answered.id, checkin_id=checkin.id)
    _write_followup(session, actor, data, loaded, checkin, decision, now)
    if loaded.account is not None:
        # Records are kept 3 years after the last activity (§1006.100).
        loaded.account.last_activity_at = max(loaded.account.last_activity_at, now)
        session.add(loaded.account)
    session.flush()
    return checkin


# ---------------------------------------------------------------- messages


def mark_draft_sent(session: Session, *, actor: User, debtor_id: int, account_id: int | None,
                    channel: str, text: str, rule_override_reason: str = "",
                    plain_language_reason: str = "", now: datetime | None = None) -> CheckIn:
    """Log a drafted message as sent (an outbound 'message sent' check-in holding its text).

    The plain-language gate: a message above the target reading grade, or with jargon, is
    logged only with a written reason. Its grade and the jargon found are kept either way.
    """
    from core import plain_language

    if channel not in plain_language.MESSAGE_CHANNELS:
        raise UserError("Messages go by text (SMS), email or letter.")
    if not (text or "").strip():
        raise UserError("The message is empty.")
    final = plain_language.finalise_message(text, channel)
    report = plain_language.plain_language_report(final)
    if not report.ok and not (plain_language_reason or "").strip():
        problems = []
        if report.grade > report.target:
            problems.append(f"its reading grade is {report.grade:.1f} (aim for "
                            f"{report.target:g} or below)")
        if report.jargon:
            problems.append("it uses jargon (" + ", ".join(t for t, _ in report.jargon) + ")")
        raise UserError("This message is not plain yet: " + " and ".join(problems)
                        + ". Make it plainer, or write why it must go as it is.")
    data = CheckInInput(
        debtor_id=debtor_id, account_id=account_id, channel=channel,
        direction=Direction.OUTBOUND, outcome=Outcome.MESSAGE_SENT, notes=final,
        create_followup=False, rule_override_reason=rule_override_reason,
        reading_grade=round(report.grade, 1), jargon=[t for t, _ in report.jargon],
        plain_language_reason=plain_language_reason if not report.ok else "",
    )
    return log_checkin(session, actor=actor, data=data, now=now)
