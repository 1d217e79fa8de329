"""Drawing from the word lists: weighted picks, spreads, and the helpers a person is built with."""

from __future__ import annotations

import unicodedata
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from random import Random

from core.demo.words import (
    BUSINESS_PATTERNS,
    BUSINESS_ROLES,
    CHANNEL_WEIGHTS,
    CIRCUMSTANCES_BUSINESS,
    CIRCUMSTANCES_PERSON,
    GENDER_NEUTRAL,
    NAME_GROUPS,
    NICKNAMES,
    PLACES,
    TITLES_F,
    TITLES_M,
)
from core.vocabulary import Channel, DebtorKind


class _Pick:
    """A weighted choice from a fixed list, cheaper than random.choices for one item."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[object, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum: list[float] = []
        total = 0.0
        for _, weight in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _spread(rng: Random, total: int, weights: list[float]) -> list[int]:
    """Split `total` over len(weights) slots in proportion, exactly (largest remainder)."""
    if not weights or total <= 0:
        return [0] * len(weights)
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    left = total - sum(counts)
    for i in rng.sample(range(len(weights)), left):
        counts[i] += 1
    return counts


def _slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Wiśniewska" -> "wisniewska"."""
    plain = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum())


def _weekday_on_or_before(day: date) -> date:
    return day - timedelta(days=max(0, day.weekday() - 4))


def _weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() > 4 else 0)


@dataclass
class Person:
    """Who a demo debtor is and how they like to be contacted (drawn by `draw_person`).

    To give demo people a new trait, add a field here, draw it at the end of `draw_person`
    (drawing last keeps every earlier demo the same for the same seed) and put it in `row`.
    """

    timezone: str
    language: str
    is_business: bool
    name: str
    preferred_name: str
    email: str
    phone: str
    opted_out: str
    pick_channel: _Pick
    preferred_channel: str
    window_start: time
    window_end: time
    circumstances: str
    vulnerable: bool

    def row(self) -> dict:
        """The debtor-row columns this person fills."""
        return {
            "kind": DebtorKind.BUSINESS if self.is_business else DebtorKind.PERSON,
            "name": self.name, "preferred_name": self.preferred_name, "email": self.email,
            "phone": self.phone, "preferred_channel": self.preferred_channel,
            "language": self.language, "timezone": self.timezone,
            "contact_window_start": self.window_start, "contact_window_end": self.window_end,
            "opted_out": self.opted_out, "circumstances": self.circumstances,
            "vulnerable": self.vulnerable,
        }


def _names(rng: Random, picks, language: str) -> tuple[str, str, str]:
    """(first name, surname, how they like to be addressed) from the language's name groups."""
    females, males, surnames = NAME_GROUPS[picks.pick_group[language](rng)]
    surname = rng.choice(surnames)
    roll = rng.random()
    if roll < 0.46:
        first, titles = rng.choice(females), TITLES_F
    elif roll < 0.92:
        first, titles = rng.choice(males), TITLES_M
    else:
        first, titles = rng.choice(GENDER_NEUTRAL), ("Mx",)
    style = rng.random()
    if style < 0.45:
        address = f"{rng.choice(titles)} {surname}"
    elif style < 0.85 or first not in NICKNAMES:
        address = first
    else:
        address = NICKNAMES[first]
    return first, surname, address


def draw_person(rng: Random, picks, debtor_id: int) -> Person:
    """A person or small business: name, contact details, opt-outs, window, vulnerability.

    `picks` is the loader holding the weighted picks (pick_region, pick_lang, pick_group,
    pick_opt_out, pick_window).
    """
    tz, phone_format, width = picks.pick_region(rng)
    language = picks.pick_lang[tz](rng)
    is_business = rng.random() < 0.15
    first, surname, address = _names(rng, picks, language)
    if is_business:
        place = rng.choice(PLACES)
        name = rng.choice(BUSINESS_PATTERNS).format(surname=surname, place=place)
        preferred = f"{address} ({rng.choice(BUSINESS_ROLES)})"
        email = f"accounts@{_slug(name)[:30]}.example.com"
        circumstances = rng.choice(CIRCUMSTANCES_BUSINESS)
    else:
        name = f"{first} {surname}"
        preferred = address
        email = f"{_slug(first)}.{_slug(surname)}{debtor_id % 100}@example.org"
        circumstances = rng.choice(CIRCUMSTANCES_PERSON) if rng.random() < 0.7 else ""
    if rng.random() < 0.15:
        email = ""
    phone = phone_format.format(rng.randrange(width)) if rng.random() < 0.95 else ""
    opted_out = picks.pick_opt_out(rng)
    blocked = set(opted_out.split(",")) if opted_out else set()
    if not email:
        blocked.add(Channel.EMAIL)
    if not phone:
        blocked.update((Channel.PHONE, Channel.SMS))
    # Video is never blocked, so there is always a channel left to use.
    pick_channel = _Pick([(ch, w) for ch, w in CHANNEL_WEIGHTS if ch not in blocked])
    preferred_channel = pick_channel(rng)
    window_start, window_end = picks.pick_window(rng)
    vulnerable = rng.random() < 0.08
    return Person(timezone=tz, language=language, is_business=is_business, name=name,
                  preferred_name=preferred, email=email, phone=phone, opted_out=opted_out,
                  pick_channel=pick_channel, preferred_channel=preferred_channel,
                  window_start=window_start, window_end=window_end,
                  circumstances=circumstances, vulnerable=vulnerable)
