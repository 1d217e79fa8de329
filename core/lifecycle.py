"""The payment plan lifecycle as one table: in each status, which actions are allowed.

Pure (no database, no streamlit). The plan services check it before they change anything,
and the plan panel draws its buttons from `allowed_actions(status)`, so a button is never
shown for an action the service would refuse. A refusal is one plain sentence.

    draft ──propose──▶ proposed ──activate──▶ active ──(paid)──▶ completed
      │                   │                     │ └──(two missed)──▶ broken ─┐
      └─activate──────────┘                     └──reschedule◀───────────────┘
    awaiting approval ──approve──▶ proposed;  ──reject──▶ cancelled
    any plan not ended ──cancel──▶ cancelled (a broken plan is rescheduled, not cancelled)
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from core.vocabulary import PlanStatus, label_of


class PlanAction(StrEnum):
    """What a person can do to a plan."""

    PROPOSE = "propose"
    APPROVE = "approve"
    REJECT = "reject"
    ACTIVATE = "activate"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"

    @property
    def label(self) -> str:
        """The button's words."""
        return ACTION_LABELS[self]


ACTION_LABELS: dict[PlanAction, str] = {
    PlanAction.PROPOSE: "Propose",
    PlanAction.APPROVE: "Approve",
    PlanAction.REJECT: "Reject",
    PlanAction.ACTIVATE: "Start the plan",
    PlanAction.RESCHEDULE: "Reschedule what is left",
    PlanAction.CANCEL: "Cancel the plan",
}

# Actions only a lead or admin may take (the services check the role as well).
LEAD_ACTIONS: frozenset[PlanAction] = frozenset({PlanAction.APPROVE, PlanAction.REJECT})

# Not started yet: saved, shown to the debtor, or waiting for a lead.
NOT_STARTED: tuple[str, ...] = (
    PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.AWAITING_APPROVAL)
# THE meaning of "open": a plan that has not ended (it may still start, or is running).
OPEN_PLAN_STATUSES: tuple[str, ...] = (*NOT_STARTED, PlanStatus.ACTIVE)
# A plan the debtor has been told of and that has not ended (drafts are the agent's own).
SHOWN_TO_DEBTOR: tuple[str, ...] = (
    PlanStatus.PROPOSED, PlanStatus.AWAITING_APPROVAL, PlanStatus.ACTIVE)
ENDED: tuple[str, ...] = (PlanStatus.COMPLETED, PlanStatus.BROKEN, PlanStatus.CANCELLED)

TABLE: dict[str, tuple[PlanAction, ...]] = {
    PlanStatus.DRAFT: (PlanAction.PROPOSE, PlanAction.ACTIVATE, PlanAction.CANCEL),
    PlanStatus.PROPOSED: (PlanAction.ACTIVATE, PlanAction.CANCEL),
    PlanStatus.AWAITING_APPROVAL: (PlanAction.APPROVE, PlanAction.REJECT, PlanAction.CANCEL),
    PlanStatus.ACTIVE: (PlanAction.RESCHEDULE, PlanAction.CANCEL),
    PlanStatus.BROKEN: (PlanAction.RESCHEDULE,),
    PlanStatus.COMPLETED: (),
    PlanStatus.CANCELLED: (),
}

# Refusals that say more than "a <status> plan cannot be <verb>".
_SPECIAL: dict[tuple[str, PlanAction], str] = {
    (PlanStatus.AWAITING_APPROVAL, PlanAction.ACTIVATE):
        "This plan's discount needs a lead's approval before it can start.",
    (PlanStatus.AWAITING_APPROVAL, PlanAction.PROPOSE):
        "This plan's discount needs a lead's approval before it can be proposed.",
    (PlanStatus.BROKEN, PlanAction.CANCEL):
        "This plan is already broken; reschedule it, or start a new plan.",
}
_VERBS: dict[PlanAction, str] = {
    PlanAction.PROPOSE: "Only a draft can be proposed",
    PlanAction.APPROVE: "Only a plan awaiting approval can be approved",
    PlanAction.REJECT: "Only a plan awaiting approval can be rejected",
    PlanAction.ACTIVATE: "Only a draft or proposed plan can be started",
    PlanAction.RESCHEDULE: "Only an active or broken plan can be rescheduled",
    PlanAction.CANCEL: "Only a plan that has not ended can be cancelled",
}


def status_label(status: str) -> str:
    """The status in words, lower case ("awaiting approval")."""
    return label_of(PlanStatus, status, status).lower()


def allowed_actions(status: str) -> tuple[PlanAction, ...]:
    """The actions allowed on a plan in `status`, in the order the panel shows them."""
    return TABLE.get(status, ())


def may(status: str, action: PlanAction | str) -> bool:
    """True when `action` is allowed on a plan in `status`."""
    return PlanAction(action) in allowed_actions(status)


def refusal(status: str, action: PlanAction | str) -> str | None:
    """None when allowed; otherwise one plain sentence saying why not."""
    action = PlanAction(action)
    if may(status, action):
        return None
    special = _SPECIAL.get((status, action))
    if special:
        return special
    if status in (PlanStatus.COMPLETED, PlanStatus.CANCELLED) and action == PlanAction.CANCEL:
        return f"This plan is already {status_label(status)}."
    return f"{_VERBS[action]}; this plan is {status_label(status)}."


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def offer_expired(offer_expires_on: date | None, today: date) -> bool:
    """True when a settlement offer's last day has gone by (it may still be taken on it)."""
    return offer_expires_on is not None and today > offer_expires_on


def start_refusal(*, start_on: date, offer_expires_on: date | None, today: date) -> str | None:
    """None when a plan's terms may start today; otherwise one plain sentence saying why not.

    An expired settlement offer never starts, and neither does a plan whose first payment
    date has gone by: its schedule would open with instalments already missed (issue 11).
    """
    if offer_expired(offer_expires_on, today):
        return (f"This settlement offer expired on {_day(offer_expires_on)}; "
                "agree a new one with the debtor.")
    if start_on < today:
        return (f"This plan's first payment date, {_day(start_on)}, has passed; save a new "
                "plan with a date from today so no payment starts out missed.")
    return None
