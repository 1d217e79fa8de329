"""One page table: the router and the sidebar both read it; moving between pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.store.models import Role, User
from core.vocabulary import label_of
from ui.format import md

EVERYONE = frozenset(Role)
OVERSIGHT = frozenset({Role.LEAD, Role.ADMIN})


@dataclass(frozen=True)
class PageEntry:
    """A page of the app: its key, script, title, icon, section and who may open it."""

    key: str
    path: str
    title: str
    icon: str
    section: str
    roles: frozenset[Role]
    default: bool = False


PAGE_TABLE: tuple[PageEntry, ...] = (
    PageEntry("home", "pages/home.py", "My day", ":material/home:", "Work", EVERYONE,
              default=True),
    PageEntry("debtors", "pages/debtors.py", "Debtors", ":material/groups:", "Work", EVERYONE),
    PageEntry("checkins", "pages/checkins.py", "Check-ins", ":material/forum:", "Work", EVERYONE),
    PageEntry("plans", "pages/plans.py", "Payment plans", ":material/calendar_month:", "Work",
              EVERYONE),
    PageEntry("followups", "pages/followups.py", "Follow-ups", ":material/checklist:", "Work",
              EVERYONE),
    PageEntry("standup", "pages/standup.py", "Stand-up", ":material/monitoring:", "Work",
              EVERYONE),
    PageEntry("import", "pages/import_data.py", "Import data", ":material/upload_file:",
              "Oversight", OVERSIGHT),
    PageEntry("audit", "pages/audit.py", "Audit trail", ":material/receipt_long:", "Oversight",
              OVERSIGHT),
    PageEntry("insight", "pages/insight.py", "Insight", ":material/insights:", "Oversight",
              OVERSIGHT),
    PageEntry("resources", "pages/resources.py", "Free help", ":material/volunteer_activism:",
              "Oversight", frozenset({Role.ADMIN})),
    PageEntry("admin", "pages/admin.py", "Admin", ":material/settings:", "Oversight",
              frozenset({Role.ADMIN})),
)
PAGES: dict[str, str] = {entry.key: entry.path for entry in PAGE_TABLE}
SIGN_IN = PageEntry("sign_in", "pages/sign_in.py", "Sign in", ":material/login:", "", EVERYONE)


def _page(entry: PageEntry) -> Any:
    return st.Page(entry.path, title=entry.title, icon=entry.icon, default=entry.default)


def pages_for(user: User | None) -> dict[str, list[Any]]:
    """The pages this user may open, by section (only the sign-in page when signed out)."""
    if user is None:
        return {"": [_page(SIGN_IN)]}
    sections: dict[str, list[Any]] = {}
    for entry in PAGE_TABLE:
        if user.role in entry.roles:
            sections.setdefault(entry.section, []).append(_page(entry))
    return sections


def sidebar(sections: dict[str, list[Any]], user: User) -> bool:
    """Our own sidebar links (the built-in menu would first flash every file in pages/).

    Returns True when the user pressed "Sign out".
    """
    with st.sidebar:
        for section, entries in sections.items():
            st.caption(section)
            for entry in entries:
                st.page_link(entry)
        st.divider()
        st.caption(f"Signed in as **{md(user.display_name)}** "
                   f"({label_of(Role, user.role, user.role).lower()})")
        return st.button("Sign out", key="app_sign_out")


def open_page(name: str, **state: Any) -> None:
    """Go to another page, handing it values through session state."""
    for key, value in state.items():
        st.session_state[key] = value
    st.switch_page(PAGES[name])


def open_checkin(debtor_id: int, *, account_id: int | None = None,
                 followup_id: int | None = None) -> None:
    """Open the Check-ins page for a debtor, prefilled from a follow-up if given."""
    open_page("checkins", checkin_debtor_id=debtor_id, checkin_account_id=account_id,
              checkin_followup_id=followup_id)


def open_debtor(debtor_id: int) -> None:
    """Open a debtor's profile."""
    open_page("debtors", debtors_selected_id=debtor_id)
