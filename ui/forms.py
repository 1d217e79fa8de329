"""Form fields that start afresh: after a save, or when another record is opened.

The browser keeps every widget's last value and sends it back on each rerun, so deleting a
widget's key from `st.session_state` does not empty the box on screen, and the next submit
sends the old text again (AppTest does not model this; a real browser does). A widget under a
new key is a new widget, drawn empty or at its default. So a form takes its widgets' keys from
one `Fields`, and `afresh()` moves them all to new keys at once and forgets the old values.

    fields = Fields("checkin_")
    st.text_area("Notes", key=fields("notes"))   # "checkin_notes", then "checkin_notes_r1" …
    fields.afresh()                              # after a save: every field empty next time

State that belongs to one filling of the form (its errors, a suggestion it follows) is kept
under `fields(name)` too, and so goes with it.
"""

from __future__ import annotations

import streamlit as st


def key_for(prefix: str, name: str, round_: int) -> str:
    """A field's key in a round (the first round keeps the plain key)."""
    return f"{prefix}{name}" if round_ == 0 else f"{prefix}{name}_r{round_}"


class Fields:
    """The keys of one form's widgets, in rounds: each `afresh()` starts a new round."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._round = f"{prefix}round"
        self._names = f"{prefix}names"

    @property
    def round(self) -> int:
        return st.session_state.get(self._round, 0)

    def __call__(self, name: str) -> str:
        """This round's key for the field `name` (the first round keeps the plain key)."""
        st.session_state.setdefault(self._names, set()).add(name)
        return key_for(self.prefix, name, self.round)

    def get(self, name: str, default=None):
        """The field's value in this round (or `default` before it is drawn)."""
        return st.session_state.get(self(name), default)

    def afresh(self) -> None:
        """From the next draw every field is new: empty or at its default, nothing carried.

        Nothing drawn in this round yet (a first visit): nothing to forget, the round stays.
        """
        names = st.session_state.get(self._names)
        if not names:
            return
        mine = tuple(self(name) for name in names)
        for key in [k for k in st.session_state if str(k).startswith(mine)]:
            del st.session_state[key]  # a field and what a component keeps under its key
        st.session_state[self._names] = set()
        st.session_state[self._round] = self.round + 1


def for_record(marker: str, record_id: object, *forms: Fields) -> None:
    """Start `forms` afresh when the record they are about is another one than last run's
    (another debtor opened): nothing typed about one person is carried over to another.
    `marker` is the session key remembering that record."""
    if st.session_state.get(marker) != record_id:
        for form in forms:
            form.afresh()
        st.session_state[marker] = record_id
