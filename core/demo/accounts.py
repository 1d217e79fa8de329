"""An account's story in the demo: a hold, a payment plan with its instalments, payments,
promises to pay.

Each payment keeps what it settled as the payment service does (`effects_record`): the
balance and status before, the instalment it paid, the plan it completed, so a lead can
reverse a demo payment like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.demo.summary import (
    DemoError,
)
from core.demo.words import (
    APPROVAL_NOTES,
    CREDITORS,
    GRACE_DAYS,
    HOLD_REASONS,
    LONDON,
    MAX_COUNT,
    PERIOD_DAYS,
    PLAN_STATUSES,
)
from core.payment_plans.payments import effects_record, settle_balance
from core.plans import PlanError, Schedule, build_schedule
from core.store.models import (
    AccountStatus,
    HoldKind,
    InstalmentStatus,
    PlanStatus,
    PromiseStatus,
)

_PAYING = (PlanStatus.ACTIVE, PlanStatus.COMPLETED, PlanStatus.BROKEN, PlanStatus.CANCELLED)


@dataclass
class _Terms:
    """A demo plan's terms and schedule."""

    frequency: str
    discount: str
    step: int
    count: int
    start: date
    schedule: Schedule


@dataclass
class _Walk:
    """Walking a plan's instalments: what was paid, missed, and when the plan ended."""

    status: str
    grace_line: date
    last_paid: date
    break_at: int = 0
    paid_before_cancel: int = 0
    paid_total: int = 0
    missed: int = 0
    ended: date | None = None


class _Accounts:
    """Accounts and their money, mixed into the demo loader."""

    def _balance(self) -> int:
        """An original balance, £50 to £25,000, most of them small."""
        cents = int(self.rng.lognormvariate(11.2, 1.15))  # median about £730
        return min(2_500_000, max(5_000, cents))

    def _account(self, account_id: int, debtor_id: int, k: int, owner: int,
                 created_at: datetime, plan_ids: list[tuple[int, str]], *,
                 allow_hold: bool) -> tuple[dict, date | None]:
        """One account and its history; returns its row and when a contact hold began."""
        rng = self.rng
        today = self.today
        story = self.pick_story(rng)
        while story == "hold" and not allow_hold:
            story = self.pick_story(rng)
        if self.plans_made < len(PLAN_STATUSES):
            # The first plans cover every status, so even a tiny demo shows them all.
            story = PLAN_STATUSES[self.plans_made]
        original = self._balance()
        # Some accounts were already paid down a little before the demo's history starts.
        balance = original - (original * rng.randrange(0, 25) // 100 if rng.random() < 0.3 else 0)
        status = AccountStatus.OPEN
        hold_from = None
        last_activity = created_at
        if story == "hold":
            status = AccountStatus.ON_HOLD
            kind = self.pick_hold(rng)
            if kind == HoldKind.BREATHING_SPACE:
                starts = today - timedelta(days=rng.randrange(1, 56))
                ends = starts + timedelta(days=60)
            else:
                starts = today - timedelta(days=rng.randrange(5, 150))
                ends = None
            if kind != HoldKind.DISPUTE:
                hold_from = starts
            self._add("hold", {
                "id": self._ids("hold"), "account_id": account_id, "kind": kind,
                "reason": rng.choice(HOLD_REASONS[kind]), "starts_on": starts, "ends_on": ends,
                "released_at": None, "created_by": owner,
                "created_at": datetime.combine(starts, time(10, 30), UTC),
            })
            self.summary.holds += 1
        elif story == "paid":
            status = AccountStatus.PAID
            paid_on = today - timedelta(days=rng.randrange(3, 170))
            self._payment(account_id, None, balance, paid_on, owner,
                          effects_record(balance_before=balance,
                                         status_before=AccountStatus.OPEN,
                                         balance_change=balance, instalments=[]))
            balance = 0
        elif story != "open":
            balance, status = self._plan(account_id, story, balance, owner, plan_ids)
        if story in ("open", PlanStatus.ACTIVE, PlanStatus.BROKEN, PlanStatus.CANCELLED) \
                and balance > 0 and rng.random() < 0.14:
            balance = self._promise(debtor_id, account_id, balance, owner, status)
        row = {
            "id": account_id, "debtor_id": debtor_id, "reference": f"RC-{debtor_id:06d}-{k}",
            "creditor": rng.choice(CREDITORS), "original_balance_cents": original,
            "balance_cents": balance, "currency": "GBP", "status": status,
            "opened_on": (created_at - timedelta(days=rng.randrange(30, 900))).date(),
            "last_activity_at": last_activity, "created_at": created_at, "version": 1,
        }
        self._add("account", row)
        self.summary.accounts += 1
        return row, hold_from

    def _payment(self, account_id: int, plan_id: int | None, amount: int, on: date,
                 owner: int, effects: str) -> None:
        rng = self.rng
        payment_id = self._ids("payment")
        self._add("payment", {
            "id": payment_id, "account_id": account_id, "plan_id": plan_id,
            "amount_cents": amount, "received_on": on, "method": self.pick_method(rng),
            "reference": f"PAY-{payment_id:08d}", "recorded_by": owner,
            "created_at": datetime.combine(on, time(9, 15), UTC), "effects_json": effects,
        })
        self.summary.payments += 1

    def _promise(self, debtor_id: int, account_id: int, balance: int, owner: int,
                 status_before: str) -> int:
        """A promise to pay; kept ones come with their payment. Returns the new balance."""
        rng = self.rng
        today = self.today
        amount = min(balance, max(500, balance * rng.randrange(5, 31) // 100 // 500 * 500))
        roll = rng.random()
        if roll < 0.35:
            status = PromiseStatus.OPEN
            due = today + timedelta(days=rng.randrange(0, 15))
            created = today - timedelta(days=rng.randrange(1, 8))
        else:
            status = PromiseStatus.KEPT if roll < 0.75 else PromiseStatus.BROKEN
            due = today - timedelta(days=rng.randrange(4, 150))
            created = due - timedelta(days=rng.randrange(2, 15))
        resolved = None
        if status != PromiseStatus.OPEN:
            resolved = datetime.combine(due + timedelta(days=1), time(6, 0), UTC)
        if status == PromiseStatus.KEPT:
            # Paid outside the plan's instalments: it lowers the balance and pays none of them.
            self._payment(account_id, None, amount, due - timedelta(days=rng.randrange(0, 3)),
                          owner, effects_record(balance_before=balance,
                                                status_before=status_before,
                                                balance_change=amount, instalments=[]))
            balance -= amount
        self._add("promise_to_pay", {
            "id": self._ids("promise_to_pay"), "debtor_id": debtor_id, "account_id": account_id,
            "amount_cents": amount, "due_on": due, "status": status, "checkin_id": None,
            "created_by": owner, "created_at": datetime.combine(created, time(14, 0), UTC),
            "resolved_at": resolved,
        })
        self.summary.promises += 1
        return balance

    def _plan(self, account_id: int, status: str, balance: int, owner: int,
              plan_ids: list[tuple[int, str]]) -> tuple[int, str]:
        """A payment plan in `status` with its instalments and payments.

        Returns the account's balance and status afterwards.
        """
        rng = self.rng
        terms = self._plan_terms(status, balance)
        schedule = terms.schedule
        plan_id = self._ids("payment_plan")
        plan_ids.append((plan_id, status))
        self.plans_made += 1
        created, created_at = self._plan_created(status, terms.start)
        walk = _Walk(status=status, grace_line=self.today - timedelta(days=GRACE_DAYS),
                     last_paid=created)
        overdue = sum(1 for inst in schedule.instalments if inst.due < walk.grace_line)
        # A broken plan misses its last two or more instalments that are past their grace days.
        walk.break_at = overdue - rng.randint(2, max(2, min(4, overdue)))
        walk.paid_before_cancel = rng.randint(0, 2)
        last = len(schedule.instalments) - 1
        for pos, inst in enumerate(schedule.instalments):
            instalment_id = self._ids("plan_instalment")
            paid, inst_status = self._instalment(walk, pos, inst)
            if paid:
                received = min(self.today - timedelta(days=1),
                               inst.due + timedelta(days=rng.choice((-1, 0, 0, 0, 1, 2))))
                # While it paid, the plan was running: the account was under an arrangement.
                before = balance - walk.paid_total
                completes = status == PlanStatus.COMPLETED and pos == last
                after, _ = settle_balance(before, paid, forgiven_cents=(
                    schedule.forgiven_cents if completes else 0))
                self._payment(account_id, plan_id, paid, received, owner, effects_record(
                    balance_before=before, status_before=AccountStatus.ARRANGEMENT,
                    balance_change=before - after,
                    instalments=[[instalment_id, paid, InstalmentStatus.DUE]],
                    completed_plan=plan_id if completes else None))
                walk.paid_total += paid
                walk.last_paid = inst.due
            self._add("plan_instalment", {
                "id": instalment_id, "plan_id": plan_id, "seq": inst.seq,
                "due_on": inst.due, "amount_cents": inst.amount_cents,
                "interest_cents": inst.interest_cents, "paid_cents": paid,
                "status": inst_status,
            })
            self.summary.instalments += 1
        self._add("payment_plan", self._plan_row(plan_id, account_id, owner, balance, terms,
                                                 walk, created, created_at))
        self.summary.plans += 1
        if status == PlanStatus.COMPLETED:
            return 0, AccountStatus.PAID  # the settlement discount is written off at the end
        if status == PlanStatus.ACTIVE:
            return balance - walk.paid_total, AccountStatus.ARRANGEMENT
        return balance - walk.paid_total, AccountStatus.OPEN

    def _plan_terms(self, status: str, balance: int) -> _Terms:
        """Frequency, discount and schedule; past plans start far enough back for their story,
        future ones start soon."""
        rng = self.rng
        today = self.today
        frequency = self.pick_frequency(rng)
        period = PERIOD_DAYS[frequency]
        most = max(2, min(MAX_COUNT[frequency], balance // 1_000))  # about £10 a time or more
        discount = "0"
        if status == PlanStatus.AWAITING_APPROVAL:
            discount = rng.choice(("15", "20", "25", "30"))  # above an agent's limit
        elif rng.random() < 0.2:
            discount = rng.choice(("5", "7.5", "10", "10", "15", "20"))
        upfront = balance // 10 // 1_000 * 1_000 if rng.random() < 0.1 else 0
        step = 100 if rng.random() < 0.6 else 1  # most agents round to whole pounds
        if status in (PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.AWAITING_APPROVAL):
            count = rng.randint(min(3, most), most)
            start = today + timedelta(days=rng.randrange(3, 22))
        elif status == PlanStatus.COMPLETED:
            count = rng.randint(2, max(2, min(most, 150 // period)))
            start = today - timedelta(days=period * count + rng.randrange(10, 40))
        elif status == PlanStatus.ACTIVE:
            back = rng.randrange(5, 160)
            count = max(2, min(most, back // period + 1 + rng.randint(2, 12)))
            start = today - timedelta(days=min(back, period * (count - 2)))
        elif status == PlanStatus.BROKEN:
            count = most
            start = today - timedelta(days=period * rng.randint(3, 8) + 5)
        else:  # cancelled: some before they began, some after a payment or two
            count = rng.randint(min(3, most), most)
            start = today - timedelta(days=rng.randrange(-10, 120))
        schedule, count, step = self._schedule(balance, frequency, start, count, discount,
                                               upfront, step)
        if status == PlanStatus.COMPLETED and schedule.final_due >= today:
            start -= timedelta(days=(schedule.final_due - today).days + rng.randrange(5, 20))
            schedule, count, step = self._schedule(balance, frequency, start, count, discount,
                                                   schedule.upfront_cents, step)
        return _Terms(frequency=frequency, discount=discount, step=step, count=count,
                      start=start, schedule=schedule)

    def _plan_created(self, status: str, start: date) -> tuple[date, datetime]:
        """The day a plan was made, and the moment (never later than the day began)."""
        rng = self.rng
        if status == PlanStatus.DRAFT:
            created = self.today - timedelta(days=rng.randrange(0, 5))
        elif status in (PlanStatus.PROPOSED, PlanStatus.AWAITING_APPROVAL):
            created = self.today - timedelta(days=rng.randrange(1, 10))
        else:
            created = min(start, self.today) - timedelta(days=rng.randrange(2, 15))
        created_at = min(datetime.combine(created, time(10, 0), LONDON).astimezone(UTC),
                         self.now - timedelta(minutes=30))
        return created, created_at

    def _instalment(self, walk: _Walk, pos: int, inst) -> tuple[int, str]:
        """What was paid of one instalment, and its status (the walk notes misses and ends)."""
        status = walk.status
        if status not in _PAYING or inst.due >= self.today or walk.ended is not None:
            return 0, InstalmentStatus.DUE
        if status == PlanStatus.COMPLETED:
            return inst.amount_cents, InstalmentStatus.PAID
        if inst.due >= walk.grace_line:  # still inside the grace days
            if status == PlanStatus.ACTIVE and self.rng.random() < 0.7:
                return inst.amount_cents, InstalmentStatus.PAID
            return 0, InstalmentStatus.DUE
        if status == PlanStatus.CANCELLED:
            if pos < walk.paid_before_cancel:
                return inst.amount_cents, InstalmentStatus.PAID
            walk.ended = inst.due + timedelta(days=self.rng.randrange(1, 6))
            return 0, InstalmentStatus.DUE
        if status == PlanStatus.BROKEN and pos >= walk.break_at:
            walk.missed += 1
            if walk.missed == 2:
                walk.ended = inst.due + timedelta(days=GRACE_DAYS + 1)
            return 0, InstalmentStatus.MISSED
        roll = self.rng.random()
        if status == PlanStatus.ACTIVE and walk.missed == 0 and roll < 0.06:
            walk.missed += 1
            return 0, InstalmentStatus.MISSED
        if roll < 0.12:
            return inst.amount_cents * self.rng.randrange(30, 80) // 100, \
                InstalmentStatus.PART_PAID
        return inst.amount_cents, InstalmentStatus.PAID

    def _plan_row(self, plan_id: int, account_id: int, owner: int, balance: int,
                  terms: _Terms, walk: _Walk, created: date, created_at: datetime) -> dict:
        rng = self.rng
        status = walk.status
        schedule = terms.schedule
        activated_at = None
        if status in (PlanStatus.ACTIVE, PlanStatus.COMPLETED, PlanStatus.BROKEN):
            activated_at = min(created_at + timedelta(hours=rng.randrange(1, 48)), self.now)
        ended = walk.ended
        if status == PlanStatus.COMPLETED:
            ended = schedule.final_due + timedelta(days=1)
        elif status == PlanStatus.CANCELLED and ended is None:
            ended = max(created, walk.last_paid) + timedelta(days=1)
        ended_at = None
        if ended is not None:
            ended_at = min(datetime.combine(ended, time(7, 0), UTC), self.now)
        approved_by = None
        approval_note = ""
        if float(terms.discount) > 10 and status in (PlanStatus.ACTIVE, PlanStatus.COMPLETED,
                                                     PlanStatus.BROKEN):
            approved_by = self.leads[self.team_of[owner]]
            approval_note = rng.choice(APPROVAL_NOTES)
        return {
            "id": plan_id, "account_id": account_id, "frequency": terms.frequency,
            "start_on": terms.start, "instalment_cents": None, "count": terms.count,
            "discount_pct": terms.discount, "upfront_cents": schedule.upfront_cents,
            "annual_rate_pct": "0", "step_cents": terms.step, "status": status,
            "payable_cents": schedule.payable_cents, "forgiven_cents": schedule.forgiven_cents,
            "interest_cents": schedule.interest_cents, "balance_at_start_cents": balance,
            "created_by": owner, "approved_by": approved_by, "approval_note": approval_note,
            "created_at": created_at, "activated_at": activated_at, "ended_at": ended_at,
            "version": 1,
        }

    @staticmethod
    def _schedule(balance: int, frequency: str, start: date, count: int, discount: str,
                  upfront: int, step: int) -> tuple[Schedule, int, int]:
        """Build a schedule, falling back to simpler terms when the first ones don't fit."""
        for n, round_to, money_up_front in ((count, step, upfront), (count, 1, 0), (2, 1, 0)):
            try:
                schedule = build_schedule(balance, frequency=frequency, start=start, count=n,
                                          discount_pct=discount, upfront_cents=money_up_front,
                                          step_cents=round_to)
            except PlanError:
                continue
            return schedule, n, round_to
        raise DemoError(f"No plan fits a balance of {balance} pence.")
