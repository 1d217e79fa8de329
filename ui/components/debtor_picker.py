"""Finding a debtor by name or account reference (Debtors and Check-ins share it).

`show(key=…)` draws a search box (and, if asked, "Only my caseload") and a select box, and
returns the chosen debtor's id. The choice lives in a plain session key (`selected_key`,
which `ui.nav` sets too), mirrored into the select box, so it survives visits to other pages.
"""

from __future__ import annotations

import streamlit as st

from core.debtors import queries as debtors
from core.money import format_money
from core.store.models import User
from core.vocabulary import DebtorKind
from ui import format as fmt
from ui.components import table
from ui.session import read

RESULT_LIMIT = 50


def search(query: str, *, owner_id: int | None, actor: User) -> list:
    """Debtors matching a name or account reference (cached; cleared by writes)."""
    return read(debtors.search_debtors, actor=actor, query=query, owner_id=owner_id,
                limit=RESULT_LIMIT)


def label(debtor_id: int) -> str | None:
    """A debtor's name with their account references."""
    return read(debtors.debtor_label, debtor_id=debtor_id)


def _results_table(key: str, rows: list, mine: bool) -> None:
    if rows:
        table.show(
            [{"Name": r.name, "Type": fmt.label(DebtorKind, r.kind), "Owner": r.owner_name,
              "Accounts": r.references,
              "Left to pay": format_money(r.total_balance_cents)} for r in rows],
            key=f"{key}_results", file_name="debtors.csv",
        )
        if len(rows) == RESULT_LIMIT:
            st.caption("Showing the first 50: type more of a name or a reference to narrow it.")
    else:
        st.info("No debtors match." + (" Untick 'Only my caseload' to search the whole team."
                                       if mine else ""))


def _copy(widget: str, target: str) -> None:
    st.session_state[target] = st.session_state[widget]


def show(key: str, *, me: User, selected_key: str, mine_toggle: bool = False,
         results: bool = False, label_text: str = "Debtor",
         placeholder: str = "Choose a debtor") -> int | None:
    """Search and choose a debtor; returns their id (None until one is chosen).

    With `mine_toggle` an agent starts on their own caseload and may untick it; without it,
    an agent with nothing typed sees their caseload and a search looks at the whole team.
    """
    search_col, pick_col = st.columns([2, 3])
    query = search_col.text_input("Find a debtor", key=f"{key}_search",
                                  placeholder="Name or account reference").strip()
    if mine_toggle:
        st.session_state.setdefault(f"{key}_mine", me.role == "agent")
        mine = search_col.checkbox("Only my caseload", key=f"{key}_mine")
    else:
        mine = me.role == "agent" and not query
    rows = search(query, owner_id=me.id if mine else None, actor=me)
    if results:
        _results_table(key, rows, mine)
    names = {r.id: f"{r.name} ({r.references})" if r.references else r.name for r in rows}
    current = st.session_state.get(selected_key)
    if current is not None and current not in names:
        found = label(current)
        if found is None:
            current = None
        else:
            names = {current: found, **names}
    st.session_state[selected_key] = st.session_state[f"{key}_pick"] = current
    return pick_col.selectbox(label_text, list(names), format_func=names.get, index=None,
                              placeholder=placeholder, key=f"{key}_pick", on_change=_copy,
                              args=(f"{key}_pick", selected_key))
