"""What the translation screens and the drafts show (frozen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TranslationView:
    """One translation of a template, with the English text it works from."""

    id: int
    template: str
    language: str
    language_name: str
    body: str
    reference: str  # the English text
    status: str
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class DraftView:
    """A draft for a debtor: in their language when an approved translation exists."""

    text: str
    language: str  # the language the draft is in
    wanted: str  # the debtor's language
    note: str  # says plainly when it fell back to English ("" otherwise)

    @property
    def grade_measured(self) -> bool:
        """The reading grade is an English measure: other languages are not measured."""
        return self.language == "en"


@dataclass(frozen=True)
class OptOutView:
    """The opt-out sentence a message gets when it is sent, and the language it is in."""

    sentence: str  # "" when the channel has none (a letter)
    language: str  # the language the sentence is in
    wanted: str  # the message's language
    note: str  # says plainly when it goes in English inside a translated message
