"""One error family for messages written for people.

`UserError` (a `ValueError`, so existing `except ValueError` keeps working) carries a sentence
fit to show an agent as it is. The UI shows a `UserError`'s message and a generic sentence for
anything else, so a stray library `ValueError` never reaches a user raw.
"""

from __future__ import annotations


class UserError(ValueError):
    """A refusal or a problem explained in plain English, safe to show as it is."""




class FieldErrors(UserError):
    """Bad input on a form: `errors` maps each field name to a plain message for that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))
