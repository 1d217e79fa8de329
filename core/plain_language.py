"""Plain-language drafting and checks for every message we send a debtor.

Drafts are short, friendly and aimed at a reading grade of 6 or below. We only draft: the
office's own tools send. `finalise_message` adds the opt-out sentence a channel needs, and
`plain_language_report` is the check shown next to the draft before it goes out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

import pyphen
import textstat

from core.errors import UserError
from core.money import format_money

MESSAGE_CHANNELS: tuple[str, ...] = ("sms", "email", "letter")

TEMPLATES: dict[str, str] = {
    "checkin": "Friendly check-in",
    "reminder": "Payment reminder",
    "thanks": "Thanks for a payment",
    "plan_summary": "Plan summary",
}

OPT_OUT_SENTENCE: dict[str, str] = {
    "sms": "Reply STOP to stop texts.",
    "email": "If you'd rather not get emails from us, just reply and tell us.",
}

TARGET_GRADE = 6.0

JARGON: dict[str, str] = {
    "arrears": "missed payments",
    "remittance": "payment",
    "outstanding balance": "what is left to pay",
    "balance outstanding": "what is left to pay",
    "default": "missed payments",
    "default notice": "letter about missed payments",
    "creditor": "the company you owe",
    "instalment arrangement": "payment plan",
    "arrangement to pay": "payment plan",
    "liability": "what you owe",
    "remit": "pay",
    "settlement figure": "amount to clear the debt",
    "collections": "our team",
    "forthwith": "now",
    "in accordance with": "under",
    "notwithstanding": "even if",
    "pursuant to": "under",
    "delinquent": "behind on payments",
    "debtor": "you",
    "accrue": "build up",
    "commence": "start",
    "prior to": "before",
    "in the event that": "if",
    "expenditure": "spending",
    "per annum": "a year",
    "enforcement action": "legal steps",
    "statutory": "legal",
    "aforementioned": "this",
    "hereby": "leave it out",
    "terminate": "end",
    "forbearance": "extra help with payments",
    "write-off": "cancel the debt",
    "county court judgment": "court order",
    "correspondence": "letters and emails",
    "endeavour": "try",
    "facilitate": "help",
    "utilise": "use",
    "please advise": "please tell us",
}


_JARGON_ORDER = sorted(JARGON, key=len, reverse=True)


def _jargon_pattern() -> re.Pattern[str]:
    # Longest terms first, so "outstanding balance" wins over any shorter overlapping term;
    # spaces and hyphens inside a term match any run of spaces or hyphens ("write off").
    gap = r"[\s-]+"
    alternatives = []
    for index, term in enumerate(_JARGON_ORDER):
        words = [re.escape(word) for word in re.split(r"[\s-]+", term)]
        alternatives.append(f"(?P<t{index}>{gap.join(words)})")
    return re.compile(rf"\b(?:{'|'.join(alternatives)})s?\b", re.IGNORECASE)


_JARGON_RE = _jargon_pattern()

_HYPHENATOR = pyphen.Pyphen(lang="en_US")

# GSM 03.38: the basic set costs one septet a character, the extension set two.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True, slots=True)
class PlainReport:
    """The plain-language check of one message."""

    grade: float
    target: float
    ok: bool
    jargon: tuple[tuple[str, str], ...]
    chars: int
    sms_segments: int


def _format_due(due: date) -> str:
    return f"{due:%A} {due.day} {due:%B}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _payment_due(amount: str | None, due: date | None) -> str:
    what = f"Your next payment of {amount}" if amount else "Your next payment"
    when = f"on {_format_due(due)}" if due else "soon"
    return f"{what} is due {when}."


def _plan_line(plan_summary: str | None, amount: str | None, due: date | None) -> str:
    if plan_summary and plan_summary.strip():
        return _sentence(plan_summary)
    if amount and due:
        return f"You will pay {amount} each time, starting on {_format_due(due)}."
    if amount:
        return f"You will pay {amount} each time."
    if due:
        return f"Your first payment is on {_format_due(due)}."
    return "Just ask me if you would like the dates and amounts again."


def _sms(
    template: str,
    name: str,
    agent: str,
    amount: str | None,
    due: date | None,
    plan_summary: str | None,
) -> str:
    hello = f"Hi {name}, it's {agent}." if name else f"Hi, it's {agent}."
    if template == "checkin":
        body = "Just checking in to see how you are. Call or text me back when it suits you."
    elif template == "reminder":
        body = f"{_payment_due(amount, due)} If that is hard right now, just let me know."
    elif template == "thanks":
        paid = f"your payment of {amount}" if amount else "your payment"
        body = f"Thank you for {paid}. It has reached us."
    else:
        body = f"Here is the plan we agreed. {_plan_line(plan_summary, amount, due)}"
    return f"{hello} {body}"


def _long_body(
    template: str, channel: str, amount: str | None, due: date | None, plan_summary: str | None
) -> list[str]:
    reply = "reply to this email or give me a call" if channel == "email" else "give me a call"
    if template == "checkin":
        return [
            "I just wanted to check in and see how you are doing.",
            f"If anything has changed, or you would like to talk, just {reply}. "
            "We are here to help.",
        ]
    if template == "reminder":
        return [
            f"This is a quick reminder. {_payment_due(amount, due)}",
            f"If paying is hard right now, please {reply}. We can talk it through and "
            "find a way that works for you.",
        ]
    if template == "thanks":
        paid = f"your payment of {amount}" if amount else "your payment"
        return [
            f"Thank you for {paid}. It has reached us.",
            f"If you have any questions, just {reply}.",
        ]
    return [
        "Thank you for talking with me. Here is the plan we agreed.",
        _plan_line(plan_summary, amount, due),
        f"If things change, or a payment gets hard to make, please {reply}. "
        "We can change the plan.",
    ]


def draft_message(
    *,
    template: str,
    channel: str,
    first_name: str,
    agent_name: str,
    amount_cents: int | None = None,
    due: date | None = None,
    plan_summary: str | None = None,
    currency: str = "GBP",
) -> str:
    """Draft a short, friendly message from a template for the sms, email or letter channel."""
    if template not in TEMPLATES:
        raise UserError(f"Unknown template {template!r}: use one of {', '.join(TEMPLATES)}.")
    if channel not in MESSAGE_CHANNELS:
        raise UserError(
            f"Unknown message channel {channel!r}: use one of {', '.join(MESSAGE_CHANNELS)}."
        )
    name = first_name.strip()
    agent = agent_name.strip() or "the team"
    amount = format_money(amount_cents, currency) if amount_cents is not None else None
    if channel == "sms":
        return _sms(template, name, agent, amount, due, plan_summary)
    if channel == "email":
        greeting = f"Hi {name}," if name else "Hi,"
        intro = f"It's {agent} here."
    else:
        greeting = f"Dear {name}," if name else "Hello,"
        intro = f"My name is {agent}, and I am writing to you from the team."
    paragraphs = [greeting, intro, *_long_body(template, channel, amount, due, plan_summary)]
    return "\n\n".join(paragraphs) + f"\n\nBest wishes,\n{agent}"


def finalise_message(text: str, channel: str, sentence: str | None = None) -> str:
    """Add the channel's opt-out sentence (sms and email) unless the text already has it;
    `sentence` is that sentence in the message's language (English when not given)."""
    if channel not in MESSAGE_CHANNELS:
        raise UserError(
            f"Unknown message channel {channel!r}: use one of {', '.join(MESSAGE_CHANNELS)}."
        )
    if channel not in OPT_OUT_SENTENCE:
        sentence = None
    elif sentence is None:
        sentence = OPT_OUT_SENTENCE[channel]
    text = text.rstrip()
    if sentence is None or sentence in text:
        return text
    separator = " " if channel == "sms" else "\n\n"
    return f"{text}{separator}{sentence}" if text else sentence


def _syllables(word: str) -> int:
    # textstat counts English syllables with NLTK's CMU dictionary, which it downloads at
    # run time; that download cannot happen here, so we use textstat's own fallback
    # (hyphenation points + 1) and keep textstat's word and sentence counting.
    return len(_HYPHENATOR.positions(word.lower())) + 1


def reading_grade(text: str) -> float:
    """Return the Flesch-Kincaid grade of `text` (0.0 for empty text), to one decimal."""
    words = textstat.remove_punctuation(text).split()
    if not words:
        return 0.0
    sentences = max(1, textstat.sentence_count(text))
    syllables = sum(_syllables(word) for word in words)
    grade = 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
    return round(max(0.0, grade), 1)


def find_jargon(text: str) -> list[tuple[str, str]]:
    """List each jargon term found in `text` (whole words, any case) with its plain wording."""
    found: dict[str, str] = {}
    for match in _JARGON_RE.finditer(text):
        term = _JARGON_ORDER[int((match.lastgroup or "t0")[1:])]
        found.setdefault(term, JARGON[term])
    return list(found.items())


def sms_segments(text: str) -> int:
    """Return how many SMS parts `text` takes (160/153 GSM characters, 70/67 otherwise)."""
    if not text:
        return 0
    if all(char in _GSM_BASIC or char in _GSM_EXTENDED for char in text):
        units = len(text) + sum(1 for char in text if char in _GSM_EXTENDED)
        single, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)


def plain_language_report(text: str) -> PlainReport:
    """Check `text`: reading grade against the target, jargon, length and SMS parts."""
    grade = reading_grade(text)
    jargon = tuple(find_jargon(text))
    return PlainReport(
        grade=grade,
        target=TARGET_GRADE,
        ok=grade <= TARGET_GRADE and not jargon,
        jargon=jargon,
        chars=len(text),
        sms_segments=sms_segments(text),
    )
