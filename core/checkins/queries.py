"""Reads of the check-in job: who can be contacted now, history, drafts (the card: card.py).

An amendment is the record from then on: every read here that uses a check-in's outcome,
direction or wellbeing reads the amended value (`amended`); the original stays in the
timeline. Calls and conversations are counted per person, across all their accounts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, select

from core.errors import UserError
from core.lifecycle import SHOWN_TO_DEBTOR
from core.permissions import require_active
from core.store import settings
from core.store.holds import covers
from core.store.models import (
    Account,
    Channel,
    CheckIn,
    CheckInAmendment,
    Debtor,
    Direction,
    FollowUp,
    InstalmentStatus,
    Outcome,
    PaymentPlan,
    PlanInstalment,
    User,
    utcnow,
)

from . import adjustments as adj
from . import holds as hold_rules
from .rules import ContactContext, all_verdicts, later_today, suggest_next_followup, verdict
from .views import (
    CHANNELS,
    LIFE_CHANGES,
    OUTCOMES,
    ChannelVerdict,
    CheckInLine,
    ContactNow,
    FollowUpBrief,
    FollowUpSuggestion,
    PlanLine,
    WellbeingPoint,
    format_when,
    label_list,
    split_list,
)

HISTORY_DAYS = 9  # the 7-day rules look back 6 local days; 9 covers any timezone
TITLES = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof"})


def get_debtor(session: Session, debtor_id: int) -> Debtor:
    """The debtor, or a plain refusal."""
    debtor = session.get(Debtor, debtor_id)
    if debtor is None:
        raise UserError("That debtor doesn't exist (any more).")
    return debtor


# ---------------------------------------------------------------- amendments read through


def amended(session: Session, checkin_ids: Collection[int], fields: Collection[str]
            ) -> dict[tuple[int, str], str]:
    """The latest corrected value of each (check-in, field) that was corrected."""
    if not checkin_ids:
        return {}
    rows = session.exec(
        select(CheckInAmendment.checkin_id, CheckInAmendment.field, CheckInAmendment.after)
        .where(CheckInAmendment.checkin_id.in_(list(checkin_ids)),
               CheckInAmendment.field.in_(list(fields)))
        .order_by(CheckInAmendment.amended_at, CheckInAmendment.id)
    ).all()
    return {(checkin_id, name): after for checkin_id, name, after in rows}


def effective(checkin: CheckIn, corrections: Mapping[tuple[int, str], str]) -> CheckIn:
    """A detached copy of the check-in with its corrections applied (the record from then on)."""
    values = {}
    for (checkin_id, name), after in corrections.items():
        if checkin_id != checkin.id:
            continue
        if name == "wellbeing":
            values[name] = int(after) if after else None
        elif name == "right_party":
            values[name] = after == "yes"
        else:
            values[name] = after
    if not values:
        return checkin
    return CheckIn.model_validate({**checkin.model_dump(), **values})


# ---------------------------------------------------------------- contact context (load once)


def phone_history(session: Session, *, debtor_ids: Collection[int], until: datetime
                  ) -> dict[int, tuple[list[datetime], list[datetime]]]:
    """Each person's call attempts and telephone conversations in the days before `until`,
    whichever account they were about, with corrections applied."""
    if not debtor_ids:
        return {}
    rows = session.exec(
        select(CheckIn.id, CheckIn.debtor_id, CheckIn.at, CheckIn.direction, CheckIn.outcome)
        .where(CheckIn.debtor_id.in_(list(debtor_ids)), CheckIn.channel == Channel.PHONE,
               CheckIn.at >= until - timedelta(days=HISTORY_DAYS), CheckIn.at <= until)
    ).all()
    fixes = amended(session, [r[0] for r in rows], ("outcome",))
    found: dict[int, tuple[list[datetime], list[datetime]]] = {
        d: ([], []) for d in debtor_ids}
    for checkin_id, debtor_id, at, direction, outcome in rows:
        outcome = fixes.get((checkin_id, "outcome"), outcome)
        calls, talks = found[debtor_id]
        if direction == Direction.OUTBOUND:
            calls.append(at)
        if outcome == Outcome.SPOKE:
            talks.append(at)
    return found


def contexts(session: Session, *, debtors: Collection[Debtor], at: datetime,
             account_ids: Mapping[int, int | None] | None = None
             ) -> dict[int, ContactContext]:
    """The contact rules' inputs for each debtor at `at`, in a handful of queries.

    A hold on any of the person's accounts counts unless `account_ids` names the account the
    contact is about: then its own holds and the person's (core.store.holds.covers).
    """
    ids = [d.id for d in debtors]
    today = settings.office_today(session, at)
    history = phone_history(session, debtor_ids=ids, until=at)
    held = hold_rules.holds_by_debtor(session, debtor_ids=ids, today=today)
    agreed = adj.active_adjustments(session, debtor_ids=ids)
    found = {}
    for d in debtors:
        account_id = (account_ids or {}).get(d.id)
        holds = [h.kind for h in held.get(d.id, []) if covers(h, account_id)]
        calls, talks = history[d.id]
        found[d.id] = ContactContext(
            debtor_id=d.id, timezone=d.timezone, window_start=d.contact_window_start,
            window_end=d.contact_window_end, preferred_channel=d.preferred_channel,
            opted_out=tuple(split_list(d.opted_out)), holds=tuple(holds),
            calls=tuple(calls), conversations=tuple(talks),
            agreed=tuple(adj.agreed(row) for row in agreed.get(d.id, [])))
    return found


def context(session: Session, *, debtor: Debtor, account_id: int | None,
            at: datetime) -> ContactContext:
    """One debtor's contact context (see `contexts`)."""
    return contexts(session, debtors=[debtor], at=at,
                    account_ids={debtor.id: account_id})[debtor.id]


def contact_verdicts(session: Session, *, debtor: Debtor, account_id: int | None,
                     at: datetime) -> tuple[ChannelVerdict, ...]:
    """The contact rules' verdict for every channel at `at`."""
    return all_verdicts(context(session, debtor=debtor, account_id=account_id, at=at), at)


def contact_now(session: Session, *, debtor_ids: Collection[int], at: datetime,
                channels: Mapping[int, str] | None = None,
                consents: Mapping[int, datetime] | None = None,
                account_ids: Mapping[int, int | None] | None = None) -> dict[int, ContactNow]:
    """For each debtor: may we contact them at `at`, why not, and from when later today; on
    `channels[id]` (else their preferred one), with `consents[id]` (a call-back: out of the
    call limits), holds as on the card (`account_ids[id]`'s only, else any of theirs)."""
    debtors = session.exec(select(Debtor).where(Debtor.id.in_(list(debtor_ids)))).all()
    found = {}
    ctxs = contexts(session, debtors=debtors, at=at, account_ids=account_ids)
    for debtor_id, ctx in ctxs.items():
        channel = (channels or {}).get(debtor_id) or ctx.preferred_channel
        consent = (consents or {}).get(debtor_id)
        judged = verdict(ctx, channel, at, call_consented_at=consent)
        later = None if judged.allowed or ctx.holds or channel in ctx.opted_out else \
            later_today(ctx, channel, at, call_consented_at=consent)
        found[debtor_id] = ContactNow(
            debtor_id=debtor_id, channel=channel, allowed=judged.allowed,
            reasons=judged.reasons, local_time=at.astimezone(ZoneInfo(ctx.timezone)),
            later_today=later, on_hold=bool(ctx.holds), opted_out=ctx.opted_out)
    return found


# ---------------------------------------------------------------- plans and suggestions


def open_plan_first_due(session: Session, *, account_id: int | None,
                        today: date) -> date | None:
    """The first instalment date of the account's open plan if it is still ahead (just agreed)."""
    if account_id is None:
        return None
    row = session.exec(
        select(PaymentPlan.id, func.min(PlanInstalment.due_on))
        .join(PlanInstalment, PlanInstalment.plan_id == PaymentPlan.id)
        .where(PaymentPlan.account_id == account_id, PaymentPlan.status.in_(SHOWN_TO_DEBTOR))
        .group_by(PaymentPlan.id)
        .order_by(PaymentPlan.id.desc())
        .limit(1)
    ).first()
    if row is None or row[1] is None or row[1] < today:
        return None
    return row[1]


def open_plans(session: Session, *, account_ids: Collection[int]) -> dict[int, PlanLine]:
    """Each account's newest open plan (active, awaiting approval or proposed) with its next
    unpaid instalment."""
    if not account_ids:
        return {}
    plans = session.exec(
        select(PaymentPlan, Account.currency)
        .join(Account, Account.id == PaymentPlan.account_id)
        .where(PaymentPlan.account_id.in_(list(account_ids)),
               PaymentPlan.status.in_(SHOWN_TO_DEBTOR))
        .order_by(PaymentPlan.id)
    ).all()
    newest = {plan.account_id: (plan, currency) for plan, currency in plans}
    if not newest:
        return {}
    plan_ids = [plan.id for plan, _ in newest.values()]
    first_unpaid = (
        select(PlanInstalment.plan_id, func.min(PlanInstalment.seq).label("seq"))
        .where(PlanInstalment.plan_id.in_(plan_ids),
               PlanInstalment.status.in_([InstalmentStatus.DUE, InstalmentStatus.PART_PAID]))
        .group_by(PlanInstalment.plan_id)
        .subquery()
    )
    nexts = {
        row.plan_id: row
        for row in session.exec(
            select(PlanInstalment).join(
                first_unpaid,
                (first_unpaid.c.plan_id == PlanInstalment.plan_id)
                & (first_unpaid.c.seq == PlanInstalment.seq))
        ).all()
    }
    result = {}
    for account_id, (plan, currency) in newest.items():
        nxt = nexts.get(plan.id)
        result[account_id] = PlanLine(
            plan_id=plan.id, account_id=account_id, status=plan.status,
            frequency=plan.frequency, payable_cents=plan.payable_cents, currency=currency,
            next_due=nxt.due_on if nxt else None,
            next_amount_cents=(nxt.amount_cents - nxt.paid_cents) if nxt else None)
    return result


def suggest_from(ctx: ContactContext, *, today: date, outcome: str, channel: str,
                 direction: str, at: datetime, promise_due: date | None, hardship: bool,
                 plan_first_due: date | None,
                 stop_channels: Collection[str] = ()) -> FollowUpSuggestion:
    """The suggestion from a loaded context; the contact being logged counts too, and the
    channels they just asked us to stop using are already out."""
    calls, talks = list(ctx.calls), list(ctx.conversations)
    if channel == Channel.PHONE:
        if direction == Direction.OUTBOUND:
            calls.append(at)
        if outcome == Outcome.SPOKE:
            talks.append(at)
    return suggest_next_followup(
        today=today, outcome=outcome, at=at, debtor_timezone=ctx.timezone,
        promise_due=promise_due, hardship=hardship, plan_first_due=plan_first_due,
        previous_calls=calls, conversations=talks,
        opted_out=set(ctx.opted_out) | set(stop_channels), holds=ctx.holds,
        preferred_channel=ctx.preferred_channel, window_start=ctx.window_start,
        window_end=ctx.window_end, unavailable=ctx.unavailable,
        only_channels=ctx.only_channels, extra_days=ctx.extra_days)


def suggest_for(session: Session, *, debtor_id: int, account_id: int | None, outcome: str,
                channel: str = Channel.PHONE, direction: str = Direction.OUTBOUND,
                at: datetime | None = None, promise_due: date | None = None,
                hardship: bool = False) -> FollowUpSuggestion:
    """The suggested follow-up for a contact about to be logged, from what the database knows."""
    at = at or utcnow()
    debtor = get_debtor(session, debtor_id)
    today = settings.office_today(session, at)
    return suggest_from(
        context(session, debtor=debtor, account_id=account_id, at=at), today=today,
        outcome=outcome, channel=channel, direction=direction, at=at, promise_due=promise_due,
        hardship=hardship,
        plan_first_due=open_plan_first_due(session, account_id=account_id, today=today))


# ---------------------------------------------------------------- history


def checkin_line(checkin: CheckIn, zone: ZoneInfo, agent_name: str = "", *,
                 words: bool = True) -> str:
    """One line about a check-in: when, how, what happened, how they were (and what was said)."""
    parts = [
        format_when(checkin.at, zone),
        CHANNELS.get(checkin.channel, checkin.channel),
        "we contacted them" if checkin.direction == Direction.OUTBOUND else "they contacted us",
        OUTCOMES.get(checkin.outcome, checkin.outcome),
    ]
    if checkin.wellbeing:
        parts.append(f"wellbeing {checkin.wellbeing}/5")
    changes = split_list(checkin.life_changes)
    if changes:
        parts.append(label_list(changes, LIFE_CHANGES).lower())
    if checkin.reading_grade is not None:
        parts.append(f"reading grade {checkin.reading_grade:.1f}")
    if checkin.jargon:
        parts.append(f"jargon: {checkin.jargon.replace(',', ', ')}")
    said = checkin.next_step or checkin.needs or checkin.notes
    if said and words:
        parts.append(said if len(said) <= 80 else said[:77] + "…")
    if agent_name:
        parts.append(f"by {agent_name}")
    return " · ".join(parts)


def wellbeing_points(session: Session, *, debtor_id: int, limit: int = 100
                     ) -> list[WellbeingPoint]:
    """The debtor's recorded wellbeing, oldest first (the newest `limit` points), as amended."""
    corrected = select(CheckInAmendment.checkin_id).where(CheckInAmendment.field == "wellbeing")
    rows = session.exec(
        select(CheckIn.id, CheckIn.at, CheckIn.wellbeing)
        .where(CheckIn.debtor_id == debtor_id,
               or_(CheckIn.wellbeing.is_not(None), CheckIn.id.in_(corrected)))
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(limit)
    ).all()
    fixes = amended(session, [r[0] for r in rows], ("wellbeing",))
    points = []
    for checkin_id, at, wellbeing in reversed(rows):
        value = fixes.get((checkin_id, "wellbeing"), wellbeing)
        if value not in (None, ""):
            points.append(WellbeingPoint(at, int(value)))
    return points


def recent_checkins(session: Session, *, debtor_id: int, limit: int = 20) -> list[CheckInLine]:
    """The debtor's latest check-ins, newest first, one line each, as amended."""
    zone = settings.office_zone(session)
    rows = session.exec(
        select(CheckIn, User.display_name)
        .join(User, User.id == CheckIn.agent_id)
        .where(CheckIn.debtor_id == debtor_id)
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(limit)
    ).all()
    fixes = amended(session, [c.id for c, _ in rows],
                    ("outcome", "wellbeing", "notes", "needs", "next_step", "right_party"))
    return [CheckInLine(id=c.id, at=c.at, text=checkin_line(effective(c, fixes), zone, name))
            for c, name in rows]


def get_followup_brief(session: Session, *, followup_id: int) -> FollowUpBrief | None:
    """The follow-up a check-in will answer (None if it does not exist)."""
    f = session.get(FollowUp, followup_id)
    if f is None:
        return None
    return FollowUpBrief(id=f.id, debtor_id=f.debtor_id, account_id=f.account_id,
                         due_on=f.due_on, channel=f.channel, reason=f.reason, note=f.note,
                         status=f.status, due_at=f.due_at,
                         call_consented_at=f.call_consented_at)


def account_choices(session: Session, *, debtor_id: int) -> dict[int, str]:
    """The debtor's accounts for a select box: {id: "REF · Creditor"}."""
    return {a_id: f"{ref} · {creditor}" for a_id, ref, creditor in session.exec(
        select(Account.id, Account.reference, Account.creditor)
        .where(Account.debtor_id == debtor_id).order_by(Account.reference)).all()}


def office_zone_name(session: Session) -> str:
    """The office timezone's name (for pages, which never open a session themselves)."""
    return settings.office_zone(session).key


# ---------------------------------------------------------------- messages


def _next_instalment(session: Session, account_id: int, today: date) -> PlanInstalment | None:
    return session.exec(
        select(PlanInstalment)
        .join(PaymentPlan, PaymentPlan.id == PlanInstalment.plan_id)
        .where(PaymentPlan.account_id == account_id,
               PaymentPlan.status.in_(SHOWN_TO_DEBTOR),
               PlanInstalment.status.in_([InstalmentStatus.DUE, InstalmentStatus.PART_PAID]),
               PlanInstalment.due_on >= today)
        .order_by(PlanInstalment.due_on).limit(1)
    ).first()


def draft_for(session: Session, *, actor: User, debtor_id: int, account_id: int | None,
              template: str, channel: str) -> str:
    """A plain-language draft for this debtor, with the channel's opt-out sentence."""
    from core import plain_language
    from core.store.models import Payment

    require_active(actor)
    debtor = get_debtor(session, debtor_id)
    address = debtor.preferred_name or debtor.name  # "Mr Kamiński", not "Mr"; a business
    first_name = address if address.split(" ")[0].rstrip(".") in TITLES or (
        debtor.kind != "person" and not debtor.preferred_name) else address.split(" ")[0]
    amount = due = None
    currency = "GBP"
    if account_id is not None:
        account = session.get(Account, account_id)
        if account is not None:
            currency = account.currency
        today = settings.office_today(session, utcnow())
        if template in ("reminder", "plan_summary"):
            nxt = _next_instalment(session, account_id, today)
            if nxt is not None:
                amount, due = nxt.amount_cents - nxt.paid_cents, nxt.due_on
        elif template == "thanks":
            paid = session.exec(
                select(Payment).where(Payment.account_id == account_id)
                .order_by(Payment.received_on.desc(), Payment.id.desc()).limit(1)
            ).first()
            if paid is not None:
                amount = paid.amount_cents
    text = plain_language.draft_message(
        template=template, channel=channel, first_name=first_name,
        agent_name=actor.display_name.split(" ")[0], amount_cents=amount, due=due,
        currency=currency)
    return plain_language.finalise_message(text, channel)


def local_and_office(at: datetime, *, debtor_timezone: str, office_zone: str) -> str:
    """A moment in both zones, e.g. "Thu 18:00 their time (Thu 10:00 office time)"."""
    theirs, ours = at.astimezone(ZoneInfo(debtor_timezone)), at.astimezone(ZoneInfo(office_zone))
    return (f"{theirs:%a} {theirs.day} {theirs:%b %H:%M} their time "
            f"({ours:%a} {ours.day} {ours:%b %H:%M} office time)")


