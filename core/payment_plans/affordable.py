"""Affordability of many plans at once: a few queries in all, not a few per plan.

The approval queue shows the verdict for each settlement it lists; the plan designer and the
service ask for one. Both go through `affordabilities`, so one plan and ten are judged by the
same code: the debtor's latest income and spending, less what their other active plans
already take each month (one income is never spent twice).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from core.affordability import CATEGORY_LABELS, Affordability, assess
from core.errors import UserError
from core.payment_plans.views import IncomeStatement
from core.plans import monthly_equivalent_cents
from core.store.models import (
    Account,
    IncomeExpenditure,
    InstalmentStatus,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
)


@dataclass(frozen=True)
class Ask:
    """An instalment to judge on an account."""

    account_id: int
    instalment_cents: int
    frequency: str


def _statement(row: IncomeExpenditure) -> IncomeStatement:
    items = {key: 0 for key in CATEGORY_LABELS}
    items.update({k: int(v) for k, v in json.loads(row.items_json or "{}").items()
                  if k in CATEGORY_LABELS})
    return IncomeStatement(statement_id=row.id, debtor_id=row.debtor_id,
                           recorded_on=row.recorded_on, items=items,
                           income_cents=row.income_cents, expenses_cents=row.expenses_cents)


def latest_statements(session: Session, debtor_ids: Iterable[int]) -> dict[int, IncomeStatement]:
    """Each debtor's most recent income and spending statement (none for those without)."""
    ids = sorted(set(debtor_ids))
    if not ids:
        return {}
    found: dict[int, IncomeStatement] = {}
    for row in session.exec(
            select(IncomeExpenditure).where(col(IncomeExpenditure.debtor_id).in_(ids))
            .order_by(col(IncomeExpenditure.debtor_id),
                      col(IncomeExpenditure.recorded_on).desc(),
                      col(IncomeExpenditure.id).desc())):
        found.setdefault(row.debtor_id, _statement(row))
    return found


def _next_amounts(session: Session, plan_ids: Sequence[int]) -> dict[int, int]:
    """{plan: its first unpaid instalment's amount}, for plans with no fixed instalment."""
    if not plan_ids:
        return {}
    unpaid = col(PlanInstalment.status) != InstalmentStatus.PAID
    first = (select(PlanInstalment.plan_id, func.min(PlanInstalment.seq).label("seq"))
             .where(col(PlanInstalment.plan_id).in_(sorted(set(plan_ids))), unpaid)
             .group_by(PlanInstalment.plan_id).subquery("first"))
    return dict(session.exec(
        select(PlanInstalment.plan_id, PlanInstalment.amount_cents)
        .join(first, and_(first.c.plan_id == PlanInstalment.plan_id,
                          first.c.seq == PlanInstalment.seq))).all())


def monthly_commitments(session: Session, debtor_ids: Iterable[int]
                        ) -> dict[int, list[tuple[int, int]]]:
    """{debtor: [(account, what its active plan takes a month, in cents)]}."""
    ids = sorted(set(debtor_ids))
    found: dict[int, list[tuple[int, int]]] = {}
    if not ids:
        return found
    plans = session.exec(
        select(PaymentPlan, Account.debtor_id)
        .join(Account, Account.id == PaymentPlan.account_id)
        .where(col(Account.debtor_id).in_(ids), PaymentPlan.status == PlanStatus.ACTIVE)).all()
    next_amount = _next_amounts(session, [p.id for p, _ in plans if not p.instalment_cents])
    for plan, debtor_id in plans:
        amount = plan.instalment_cents or next_amount.get(plan.id, 0)
        if amount:
            found.setdefault(debtor_id, []).append(
                (plan.account_id, monthly_equivalent_cents(amount, plan.frequency)))
    return found


def affordabilities(session: Session, asks: Sequence[Ask]) -> list[Affordability | None]:
    """The verdict for each ask, in order (None where the debtor has no statement yet)."""
    debtor_of = dict(session.exec(select(Account.id, Account.debtor_id).where(
        col(Account.id).in_(sorted({a.account_id for a in asks})))).all())
    if any(a.account_id not in debtor_of for a in asks):
        raise UserError("That account no longer exists.")
    statements = latest_statements(session, debtor_of.values())
    owed = monthly_commitments(session, [debtor_of[a.account_id] for a in asks
                                         if debtor_of[a.account_id] in statements])
    verdicts: list[Affordability | None] = []
    for ask in asks:
        debtor_id = debtor_of[ask.account_id]
        statement = statements.get(debtor_id)
        others = sum(m for account_id, m in owed.get(debtor_id, ()) if account_id != ask.account_id)
        verdicts.append(None if statement is None else assess(
            statement.income_cents, statement.expenses_cents, ask.instalment_cents,
            ask.frequency, other_commitments_cents=others))
    return verdicts
