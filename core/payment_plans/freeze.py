"""Interest frozen during a hold (PRODUCT.md: a breathing space pauses contact, collection,
interest and charges; FCA CONC 7.3: interest frozen as forbearance).

The app's only charge is a plan's interest (`annual_rate_pct`: each instalment carries its
period's interest, worked out when the plan was built); it has no fees or other charges. An
unpaid instalment of an active plan that falls due while a hold covers its account carries
no interest: its interest comes off the instalment's amount and off the plan's interest and
total, once, audited. The principal each instalment repays is unchanged, so the schedule
still ends at a zero balance.

A hold covers its own account; every other kind than a dispute (breathing spaces, cease
communication, represented) is about the person and covers all their accounts, as the
daily rules' pause does (`sweep.held_accounts`). A hold covers the days from its start to
its end; one with no end (a crisis breathing space, until its review date) covers at least
up to today, so the daily rules freeze each instalment as its day comes.

Run when a hold is placed or extended (the instalments inside its dates) and by the daily
rules; running it again changes nothing (an instalment with no interest left is skipped).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlmodel import Session, col, select

from core.store import audit
from core.store.db import save_versioned
from core.store.holds import covers as covers_account
from core.store.models import (
    Account,
    Hold,
    InstalmentStatus,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
)

from .common import ENTITY

_UNPAID = (InstalmentStatus.DUE, InstalmentStatus.PART_PAID)


def covers(hold: Hold, due_on: date, *, today: date) -> bool:
    """True when `hold` is (or was) in force on `due_on`: from its start to its end, or to
    the day a lead released it; one with no end up to its review date or today, whichever
    is later."""
    if hold.starts_on > due_on:
        return False
    last = hold.ends_on or max(hold.review_on or today, today)
    if hold.released_at is not None:
        last = min(last, hold.released_at.date())
    return due_on <= last


def paused(session: Session, rows: Collection[tuple[PlanInstalment, int, int]], *,
           today: date) -> set[int]:
    """The ids of the instalments (given with their plan's account and debtor) that fall due
    under a hold: the daily rules never mark them missed."""
    if not rows:
        return set()
    holds = session.exec(
        select(Hold, Account.debtor_id).join(Account, Account.id == Hold.account_id)
        .where(col(Account.debtor_id).in_(sorted({d for _, _, d in rows})))
    ).all()
    return {row.id for row, account_id, debtor_id in rows
            if any(covers(h, row.due_on, today=today) for h, d in holds
                   if d == debtor_id and covers_account(h, account_id))}


def freeze_interest(session: Session, *, today: date, debtor_ids: Collection[int] | None = None,
                    actor_id: int | None = None, hold_id: int | None = None) -> int:
    """Take the interest off every unpaid instalment of an active plan that falls due under
    a hold (of `debtor_ids`' accounts, or everyone's); how many instalments changed."""
    query = (select(PlanInstalment, PaymentPlan, Account.debtor_id)
             .join(PaymentPlan, PaymentPlan.id == PlanInstalment.plan_id)
             .join(Account, Account.id == PaymentPlan.account_id)
             # from the few active plans that carry interest at all, then their instalments
             .where(PaymentPlan.status == PlanStatus.ACTIVE, PaymentPlan.interest_cents > 0,
                    PlanInstalment.interest_cents > 0, col(PlanInstalment.status).in_(_UNPAID))
             .order_by(col(PlanInstalment.plan_id), col(PlanInstalment.seq)))
    if debtor_ids is not None:
        query = query.where(col(Account.debtor_id).in_(sorted(set(debtor_ids))))
    rows = session.exec(query).all()
    if not rows:
        return 0
    holds = session.exec(
        select(Hold, Account.debtor_id).join(Account, Account.id == Hold.account_id)
        .where(col(Account.debtor_id).in_(sorted({d for _, _, d in rows})),
               col(Hold.released_at).is_(None))
    ).all()
    cuts: dict[int, list[tuple[PlanInstalment, int]]] = {}
    plans: dict[int, PaymentPlan] = {}
    for row, plan, debtor_id in rows:
        covering = [h for h, d in holds if d == debtor_id and covers_account(h, plan.account_id)]
        cut = row.interest_cents
        if row.amount_cents - cut <= row.paid_cents:
            continue  # almost paid already: leave it whole rather than overpay it
        if any(covers(h, row.due_on, today=today) for h in covering):
            cuts.setdefault(plan.id, []).append((row, cut))
            plans[plan.id] = plan
    for plan_id, changed in cuts.items():
        _freeze(session, plans[plan_id], changed, actor_id=actor_id, hold_id=hold_id)
    return sum(len(changed) for changed in cuts.values())


def _freeze(session: Session, plan: PaymentPlan, changed: list[tuple[PlanInstalment, int]], *,
            actor_id: int | None, hold_id: int | None) -> None:
    total = sum(cut for _, cut in changed)
    before = audit.snapshot(plan, ["interest_cents", "payable_cents"])
    for row, cut in changed:
        row.amount_cents -= cut
        row.interest_cents -= cut
        session.add(row)
    save_versioned(session, plan, {"interest_cents": plan.interest_cents - total,
                                   "payable_cents": plan.payable_cents - total},
                   expected_version=plan.version, entity=ENTITY)
    audit.record(session, actor_id=actor_id, action="plan.interest_frozen",
                 entity="payment_plan", entity_id=plan.id, before=before,
                 after={**audit.snapshot(plan, ["interest_cents", "payable_cents"]),
                        "instalments": [row.seq for row, _ in changed],
                        "interest_frozen_cents": total, "hold_id": hold_id})
