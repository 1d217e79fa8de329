"""The team's follow-up backlog, counted in the database: by owner, team and lateness.

"Today" is the office's calendar day (the `office_timezone` setting). Due dates are plain
dates, so once today is known every bucket is a range of dates: the edges stay right around
midnight and across a daylight-saving change because only `today_in_office` sees a clock.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    and_,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlmodel import Session

from core.errors import UserError
from core.followups.views import (  # noqa: F401  (re-exported for callers)
    BUCKET_LABELS,
    BUCKETS,
    CHANNEL_LABELS,
    DEFAULT_PAGE_SIZE,
    LATER_TODAY,
    NO_MATCHES,
    NOT_TODAY,
    NOW,
    REASON_LABELS,
    BacklogFilter,
    BacklogRow,
    BacklogSummary,
    BucketRow,
    Doable,
    Page,
)
from core.store.holds import held_accounts
from core.store.models import (
    Account,
    Debtor,
    FollowUp,
    FollowUpStatus,
    Team,
    User,
)
from core.store.settings import office_today  # noqa: F401  (re-exported for callers)
from core.text import csv_safe
from core.vocabulary import CARE_REASONS, PRIORITY_LABELS

# ---------------------------------------------------------------- what "today" means


@dataclass(frozen=True)
class BucketEdges:
    """The dates that split the buckets for one `today`."""

    today: date
    overdue_7_from: date  # due before this: more than 7 days overdue
    week_end: date  # the Sunday ending today's ISO week


def bucket_edges(today: date) -> BucketEdges:
    """Bucket edges for `today`."""
    return BucketEdges(
        today=today,
        overdue_7_from=today - timedelta(days=7),
        week_end=today + timedelta(days=6 - today.weekday()),
    )


def bucket_range(bucket: str, today: date) -> tuple[date | None, date | None]:
    """The first and last due date (inclusive, None = open) that fall in `bucket`."""
    e = bucket_edges(today)
    ranges: dict[str, tuple[date | None, date | None]] = {
        "overdue_7plus": (None, e.overdue_7_from - timedelta(days=1)),
        "overdue_1_7": (e.overdue_7_from, today - timedelta(days=1)),
        "today": (today, today),
        "this_week": (today + timedelta(days=1), e.week_end),
        "later": (e.week_end + timedelta(days=1), None),
    }
    if bucket not in ranges:
        raise UserError(f"'{bucket}' is not a backlog bucket.")
    return ranges[bucket]


def bucket_of(due_on: date, today: date) -> str:
    """The bucket of one due date (for the rows already on a page)."""
    e = bucket_edges(today)
    if due_on < e.overdue_7_from:
        return "overdue_7plus"
    if due_on < today:
        return "overdue_1_7"
    if due_on == today:
        return "today"
    if due_on <= e.week_end:
        return "this_week"
    return "later"


def active_hold_accounts(today: date) -> Select:
    """The accounts a hold covers today (core.store.holds: its own, or the person's)."""
    return held_accounts(today)


def on_hold(today: date) -> ColumnElement[bool]:
    """A follow-up about an account under a hold today: it waits, so it is not load."""
    # IS NOT NULL first: a follow-up about no account is never on hold, and NOT(...) stays true.
    return and_(FollowUp.account_id.is_not(None),
                FollowUp.account_id.in_(active_hold_accounts(today)))


def not_care() -> ColumnElement[bool]:
    """A follow-up that is collection work: after-care (`CARE_REASONS`) is care, never load,
    overdue work or a backlog figure."""
    return FollowUp.reason.not_in(sorted(CARE_REASONS))


def _bucket_conditions(today: date) -> dict[str, ColumnElement[bool]]:
    e = bucket_edges(today)
    due = FollowUp.due_on
    return {
        "overdue_7plus": due < e.overdue_7_from,
        "overdue_1_7": and_(due >= e.overdue_7_from, due < today),
        "today": due == today,
        "this_week": and_(due > today, due <= e.week_end),
        "later": due > e.week_end,
    }


def _bucket_counts_columns(today: date) -> list[Any]:
    # COUNT ignores NULLs, so a CASE without ELSE counts only the rows in the bucket.
    return [
        func.count(case((condition, 1))).label(name)
        for name, condition in _bucket_conditions(today).items()
    ] + [func.count().label("total")]


# ---------------------------------------------------------------- filters


def filter_conditions(filters: BacklogFilter, today: date) -> list[ColumnElement[bool]]:
    """WHERE conditions on FollowUp alone (team and vulnerability as sub-selects)."""
    filters.validate()
    conds: list[ColumnElement[bool]] = [FollowUp.status == FollowUpStatus.OPEN]
    if filters.agent_id is not None:
        conds.append(FollowUp.owner_id == filters.agent_id)
    if filters.team_id is not None:
        conds.append(FollowUp.owner_id.in_(select(User.id).where(User.team_id == filters.team_id)))
    if filters.reason is not None:
        conds.append(FollowUp.reason == filters.reason)
    if filters.reason not in CARE_REASONS:  # care is shown only when asked for by name
        conds.append(not_care())
    if filters.priority is not None:
        conds.append(FollowUp.priority == filters.priority)
    if filters.channel is not None:
        conds.append(FollowUp.channel == filters.channel)
    if filters.vulnerable_only:
        conds.append(
            FollowUp.debtor_id.in_(select(Debtor.id).where(Debtor.vulnerable.is_(True)))
        )
    if filters.bucket is not None:
        # A date range rather than the CASE, so the (status, owner, due) index is used.
        first, last = bucket_range(filters.bucket, today)
        if first is not None:
            conds.append(FollowUp.due_on >= first)
        if last is not None:
            conds.append(FollowUp.due_on <= last)
    return conds


# ---------------------------------------------------------------- counts by bucket


GROUPINGS = ("agent", "team", "total")


def _level_statements(filters: BacklogFilter, today: date) -> dict[str, Select]:
    """Agent, team and total rows, all summing one per-owner count of the follow-ups."""
    conds = filter_conditions(filters, today)
    # One pass over the follow-ups; teams and the total add up its (at most ~60) owner rows.
    per_owner = (
        select(FollowUp.owner_id, *_bucket_counts_columns(today))
        .where(*conds)
        .group_by(FollowUp.owner_id)
        .cte("per_owner")
    )
    names = (*BUCKETS, "total")
    sums = [func.coalesce(func.sum(per_owner.c[n]), 0).label(n) for n in names]
    agent = (
        select(literal(0).label("level"), User.id.label("agent_id"),
               User.display_name.label("name"), User.team_id,
               func.coalesce(Team.name, "").label("team_name"), *[per_owner.c[n] for n in names])
        .join(per_owner, per_owner.c.owner_id == User.id)
        .outerjoin(Team, Team.id == User.team_id)
    )
    team_name = func.coalesce(func.max(Team.name), "No team")
    team = (
        select(literal(1).label("level"), literal(None, Integer).label("agent_id"),
               team_name.label("name"), User.team_id, team_name.label("team_name"), *sums)
        .join(per_owner, per_owner.c.owner_id == User.id)
        .outerjoin(Team, Team.id == User.team_id)
        .group_by(User.team_id)
    )
    total = select(literal(2).label("level"), literal(None, Integer).label("agent_id"),
                   literal("Everyone").label("name"), literal(None, Integer).label("team_id"),
                   literal("").label("team_name"), *sums).select_from(per_owner)
    return {"agent": agent, "team": team, "total": total}


def bucket_counts_statement(filters: BacklogFilter, today: date, by: str = "agent") -> Select:
    """The SELECT behind `bucket_counts` (the benchmark runs it raw too)."""
    if by not in GROUPINGS:
        raise UserError(f"Group the backlog by one of {', '.join(GROUPINGS)}.")
    stmt = _level_statements(filters, today)[by]
    return stmt.order_by("team_name", "name", "agent_id") if by != "total" else stmt


def bucket_summary_statement(filters: BacklogFilter, today: date) -> CompoundSelect:
    """Agent rows, then team rows, then the total, in one statement."""
    levels = _level_statements(filters, today)
    return union_all(levels["agent"], levels["team"], levels["total"]).order_by(
        "level", "team_name", "name", "agent_id")


def _bucket_row(r: Any) -> BucketRow:
    return BucketRow(name=r["name"], agent_id=r["agent_id"], team_id=r["team_id"],
                     team_name=r["team_name"],
                     **{n: int(r[n] or 0) for n in (*BUCKETS, "total")})


def bucket_counts(session: Session, *, filters: BacklogFilter | None = None,
                  today: date | None = None, by: str = "agent") -> list[BucketRow]:
    """Open follow-ups per bucket, one row per agent (or team, or a single total row)."""
    filters = filters or BacklogFilter()
    today = today or office_today(session)
    stmt = bucket_counts_statement(filters, today, by)
    rows = [_bucket_row(r) for r in session.execute(stmt).mappings()]
    return [r for r in rows if r.total] if by != "total" else rows


def bucket_summary(session: Session, *, filters: BacklogFilter | None = None,
                   today: date | None = None) -> BacklogSummary:
    """Agent, team and total bucket counts from one pass over the follow-ups."""
    filters = filters or BacklogFilter()
    today = today or office_today(session)
    levels: dict[int, list[BucketRow]] = {0: [], 1: [], 2: []}
    for r in session.execute(bucket_summary_statement(filters, today)).mappings():
        levels[int(r["level"])].append(_bucket_row(r))
    return BacklogSummary(agents=levels[0], teams=[t for t in levels[1] if t.total],
                          total=levels[2][0])


# ---------------------------------------------------------------- the paginated list


def _row_columns() -> list[Any]:
    return [
        FollowUp.id, FollowUp.debtor_id, FollowUp.account_id,
        Debtor.name.label("debtor_name"),
        func.coalesce(Account.reference, "").label("account_reference"),
        FollowUp.owner_id, User.display_name.label("owner_name"), User.team_id,
        FollowUp.due_on, FollowUp.priority, FollowUp.reason, FollowUp.channel,
        FollowUp.snooze_count, FollowUp.snooze_reason, FollowUp.note, Debtor.vulnerable,
        FollowUp.version,
    ]


def _row_columns_at(today: date) -> list[Any]:
    return [*_row_columns(), on_hold(today).label("on_hold")]


def rows_select(conds: list[ColumnElement[bool]], today: date) -> Select:
    """Backlog rows (with whether their account is on hold `today`) under `conds`."""
    return (
        select(*_row_columns_at(today))
        .join(Debtor, Debtor.id == FollowUp.debtor_id)
        .join(User, User.id == FollowUp.owner_id)
        .outerjoin(Account, Account.id == FollowUp.account_id)
        .where(*conds)
    )


def to_rows(result: Any, today: date) -> list[BacklogRow]:
    rows = []
    for r in result:
        rows.append(BacklogRow(
            id=r["id"], debtor_id=r["debtor_id"], account_id=r["account_id"],
            debtor_name=r["debtor_name"], account_reference=r["account_reference"],
            owner_id=r["owner_id"], owner_name=r["owner_name"], team_id=r["team_id"],
            due_on=r["due_on"], days_overdue=max(0, (today - r["due_on"]).days),
            bucket=bucket_of(r["due_on"], today), priority=r["priority"], reason=r["reason"],
            channel=r["channel"], snooze_count=r["snooze_count"],
            snooze_reason=r["snooze_reason"] or "", note=r["note"] or "",
            vulnerable=bool(r["vulnerable"]), version=r["version"],
            on_hold=bool(r.get("on_hold")),
        ))
    return rows


def backlog_page_statements(filters: BacklogFilter, today: date, page: int,
                            page_size: int = DEFAULT_PAGE_SIZE) -> tuple[Select, Select]:
    """The COUNT and the page SELECT behind `backlog_page`."""
    conds = filter_conditions(filters, today)
    count = select(func.count()).select_from(FollowUp).where(*conds)
    rows = (
        rows_select(conds, today)
        # Priority first, then the most overdue; the id keeps pages stable between reruns.
        .order_by(FollowUp.priority, FollowUp.due_on, FollowUp.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return count, rows


def backlog_page(session: Session, *, filters: BacklogFilter | None = None,
                 today: date | None = None, page: int = 1,
                 page_size: int = DEFAULT_PAGE_SIZE) -> Page:
    """One page of open follow-ups, by priority then lateness; ValueError past the end."""
    filters = filters or BacklogFilter()
    today = today or office_today(session)
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise UserError("The page number must be a whole number from 1.")
    if not 1 <= page_size <= 1000:
        raise UserError("A page holds from 1 to 1,000 follow-ups.")
    count_stmt, rows_stmt = backlog_page_statements(filters, today, page, page_size)
    total = int(session.execute(count_stmt).scalar_one())
    pages = max(1, math.ceil(total / page_size))
    if page > pages:
        raise UserError(
            f"Page {page} is past the end: there {'is' if pages == 1 else 'are'} only {pages} "
            f"page{'' if pages == 1 else 's'} of follow-ups for these filters."
        )
    rows = to_rows(session.execute(rows_stmt).mappings(), today) if total else []
    return Page(rows=rows, total=total, page=page, pages=pages, page_size=page_size,
                message="" if total else NO_MATCHES)


# ---------------------------------------------------------------- one agent's day


def due_for_owner_statement(owner_id: int, today: date, limit: int,
                            when: str = "due") -> Select:
    """An owner's open follow-ups that are overdue, due today, or both ("due")."""
    due = {"overdue": FollowUp.due_on < today, "today": FollowUp.due_on == today,
           "due": FollowUp.due_on <= today}
    if when not in due:
        raise UserError("Choose overdue, today or due.")
    conds = [FollowUp.status == FollowUpStatus.OPEN, FollowUp.owner_id == owner_id, due[when],
             not_care()]
    return (rows_select(conds, today)
            .order_by(FollowUp.priority, FollowUp.due_on, FollowUp.id)
            .limit(limit))


def due_for_owner(session: Session, *, owner_id: int, today: date, limit: int = 100,
                  when: str = "due") -> list[BacklogRow]:
    """An owner's open follow-ups due today and/or overdue, by priority then lateness."""
    stmt = due_for_owner_statement(owner_id, today, limit, when)
    return to_rows(session.execute(stmt).mappings(), today)


# ---------------------------------------------------------------- for tables and CSV


CSV_COLUMNS: tuple[str, ...] = (
    "Follow-up", "Priority", "Due", "Days overdue", "How late", "Debtor", "Account", "Agent",
    "Reason", "Channel", "Times snoozed", "Last snooze reason", "Vulnerable", "Note",
)
NOW_COLUMNS: tuple[str, ...] = ("Now?", "Why not now", "Hold")
# On screen, whether it can be done now comes first (the CSV keeps its own order).
SCREEN_ORDER: tuple[str, ...] = (
    "Follow-up", "Now?", "Priority", "Due", "How late", "Debtor", "Account", "Agent", "Reason",
    "Channel", "Why not now", "Hold", "Vulnerable", "Days overdue", "Times snoozed",
    "Last snooze reason", "Note",
)
NOW_WORDS = {NOW: "Can contact now", LATER_TODAY: "Later today", NOT_TODAY: "Not today"}


def _now_cells(item: Doable | None) -> tuple[str, str, str]:
    if item is None:
        return "", "", ""
    word = NOW_WORDS[item.group]
    if item.group == LATER_TODAY:
        word = f"From {item.from_local} their time"
    return word, item.why, item.holds


def display_records(rows: list[BacklogRow],
                    verdicts: dict[int, Doable] | None = None) -> list[dict[str, Any]]:
    """The rows as the list and the CSV show them (words, dates written out, no codes); with
    `verdicts`, whether each can be done now and why not."""
    records = []
    for r in rows:
        record = dict(zip(CSV_COLUMNS, (
            r.id, PRIORITY_LABELS.get(r.priority, str(r.priority)), f"{r.due_on:%d %b %Y}",
            r.days_overdue, BUCKET_LABELS[r.bucket], r.debtor_name, r.account_reference,
            r.owner_name, REASON_LABELS.get(r.reason, r.reason),
            CHANNEL_LABELS.get(r.channel, r.channel), r.snooze_count, r.snooze_reason,
            "Yes" if r.vulnerable else "", r.note,
        ), strict=True))
        if verdicts is not None:
            record.update(zip(NOW_COLUMNS, _now_cells(verdicts.get(r.id)), strict=True))
        records.append(record)
    return records


def bucket_records(rows: list[BucketRow]) -> list[dict[str, Any]]:
    """Bucket rows as a table: who, one column per bucket, and the total."""
    return [{"Who": r.name, **{BUCKET_LABELS[b]: n for b, n in r.counts().items()},
             "Total": r.total} for r in rows]


def to_csv(rows: list[BacklogRow], verdicts: dict[int, Doable] | None = None) -> str:
    """The rows as CSV text; every cell is made safe from spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS + (NOW_COLUMNS if verdicts is not None else ()))
    for record in display_records(rows, verdicts):
        writer.writerow([csv_safe(str(value)) for value in record.values()])
    return out.getvalue()
