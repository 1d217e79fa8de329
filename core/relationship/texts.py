"""The relationship's plain-language drafts: paid in full, after-care check-ins, milestones,
and the "back in good standing" note for a small business's creditor.

Pure: no session. What goes to a debtor aims at reading grade 6 or below
(`core.plain_language`); the after-care check-ins never mention money (`MONEY_WORDS`).
"""

from __future__ import annotations

import re
from datetime import date

from core.money import format_money
from core.vocabulary import MilestoneKind

AFTER_CARE_DAYS: tuple[int, ...] = (30, 90)  # the two "how are you doing" check-ins

# Words a "how are you doing" check-in must never contain: it is not about money.
MONEY_WORDS: tuple[str, ...] = (
    "money", "pay", "paid", "payment", "payments", "balance", "debt", "debts", "owe", "owed",
    "owing", "instalment", "instalments", "arrears", "account", "bill", "bills", "cash", "£",
    "$", "€", "pounds", "pence", "credit", "creditor", "loan", "collect", "collection",
    "amount", "fee", "charge", "interest", "budget", "afford",
)
_WORD = re.compile(r"[a-z]+|[£$€]")


def money_words(text: str) -> list[str]:
    """The money words in `text` (whole words, any case), in the order found."""
    found = []
    for word in _WORD.findall(text.lower()):
        if word in MONEY_WORDS and word not in found:
            found.append(word)
    return found


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _hello(first_name: str, agent_name: str) -> str:
    name = first_name.strip()
    agent = agent_name.strip() or "the team"
    return f"Hi {name}, it's {agent}." if name else f"Hi, it's {agent}."


def _sign(agent_name: str) -> str:
    return f"Best wishes,\n{agent_name.strip() or 'the team'}"


def paid_in_full(*, first_name: str, agent_name: str, creditor: str,
                 debt_free_on: date) -> str:
    """The "paid in full" message: their debt-free date and a thank-you."""
    return "\n\n".join([
        _hello(first_name, agent_name),
        f"Good news. You have paid all you owed to {creditor.strip() or 'us'}. "
        f"You have been debt-free since {_day(debt_free_on)}.",
        "Thank you for sticking with it. We know it was not always easy.",
        "If you would like, we can call you in a month or two, just to see how you are. "
        "It is up to you.",
        _sign(agent_name),
    ])


def after_care_message(*, first_name: str, agent_name: str, days: int) -> str:
    """A "how are you doing" check-in they agreed to (30 or 90 days on): never about money."""
    when = "a month" if days <= 45 else "a few months"
    return "\n\n".join([
        _hello(first_name, agent_name),
        f"It has been {when} since we last spoke, and I wanted to see how you are doing.",
        "There is nothing you need to do. If you would like a chat, just get in touch.",
        "Take care.",
        _sign(agent_name),
    ])


def after_care_note(days: int) -> str:
    """The follow-up's note for the agent: what the call is for (no money words)."""
    return (f"After-care check-in ({days} days): a friendly 'how are you doing' they agreed to. "
            "Ask how they are and listen. Nothing else is on the agenda.")


def good_standing_note(*, debtor_name: str, creditor: str, reference: str,
                       debt_free_on: date) -> str:
    """For a small business's creditor: the business is back in good standing."""
    return (f"To {creditor.strip() or 'the creditor'}: {debtor_name.strip()} has settled "
            f"account {reference.strip()} in full. Nothing has been owed since "
            f"{_day(debt_free_on)}, and the business is back in good standing with us. "
            "We would be glad to see you trade with them again on your usual terms.")


_MILESTONE_LINES: dict[str, str] = {
    MilestoneKind.QUARTER: "You're a quarter of the way there",
    MilestoneKind.HALF: "You're halfway",
    MilestoneKind.THREE_QUARTERS: "You're three quarters of the way there",
    MilestoneKind.LAST_INSTALMENT: "Just one payment to go",
}


def milestone_line(kind: str, *, paid_cents: int, payable_cents: int,
                   currency: str = "GBP") -> str:
    """"You're halfway — £1,200 of £2,400 paid"."""
    paid = format_money(paid_cents, currency, drop_zero_cents=True)
    payable = format_money(payable_cents, currency, drop_zero_cents=True)
    return f"{_MILESTONE_LINES[kind]} — {paid} of {payable} paid"


def milestone_message(kind: str, *, first_name: str, agent_name: str, paid_cents: int,
                      payable_cents: int, currency: str = "GBP") -> str:
    """A short, encouraging message for a milestone of their plan."""
    line = milestone_line(kind, paid_cents=paid_cents, payable_cents=payable_cents,
                          currency=currency)
    return "\n\n".join([
        _hello(first_name, agent_name),
        f"{line}. Well done, and thank you.",
        "If things change, just let me know.",
        _sign(agent_name),
    ])
