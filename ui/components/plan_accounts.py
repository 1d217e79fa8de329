"""Choosing the account to plan for: search as you type, a short list, the caseload only.

The page opens empty (no list of every account). The chosen account lives in one place,
`st.session_state["plans_account_id"]`, which other pages set to hand an account over.
An agent only ever gets accounts of their own caseload; leads and admins get any.
"""

from __future__ import annotations

import streamlit as st

from core.money import format_money
from core.payment_plans import service as pp
from core.vocabulary import AccountStatus, Role
from ui.format import md
from ui.session import read

CHOSEN = "plans_account_id"
RESULT_LIMIT = 20


def _status(value: str) -> str:
    try:
        return AccountStatus(value).label
    except ValueError:
        return value


def label(o: pp.AccountOption) -> str:
    """An account as a line: debtor, reference, balance, status."""
    return (f"{o.debtor_name} · {o.reference} · {format_money(o.balance_cents, o.currency)} · "
            f"{_status(o.status)}")


def _chosen(key: str) -> None:
    st.session_state[CHOSEN] = st.session_state[f"{key}_pick"]
    st.session_state[f"{key}_pick"] = None


def show(*, key: str, actor) -> pp.AccountOption | None:
    """The account chosen (or handed over by another page), or None."""
    state = st.session_state
    owner = actor.id if actor.role == Role.AGENT else None
    query = st.text_input(
        "Find a debtor by name or account reference", key=f"{key}_search", live=True,
        max_chars=100, placeholder="Start typing a name or reference",
        help="Your own caseload." if owner is not None else None,
    ).strip()
    if query:
        options = read(pp.search_accounts, query=query, limit=RESULT_LIMIT, owner_id=owner)
        if options:
            by_id = {o.account_id: o for o in options}
            more = " (the first 20: type more to narrow it)" if len(options) == RESULT_LIMIT else ""
            st.selectbox(f"Accounts matching “{query}”{more}", list(by_id), index=None,
                         key=f"{key}_pick", placeholder="Choose an account",
                         format_func=lambda i: label(by_id[i]), on_change=_chosen, args=(key,))
        else:
            st.info("No account matches. Try another name or reference, or use Quick model.")
    chosen = state.get(CHOSEN)
    if chosen is None:
        if not query:
            st.caption("Type part of a name or an account reference, or use Quick model.")
        return None
    account = read(pp.account_option, account_id=chosen)
    if account is None:
        state.pop(CHOSEN, None)
        return None
    if owner is not None and account.owner_id != owner:
        state.pop(CHOSEN, None)
        st.warning("That account is in another agent's caseload, so it is not opened here. "
                   "Ask a lead to reassign it if you should plan it.")
        return None
    return account


def header(account: pp.AccountOption) -> None:
    """The account in one line, and its open promises to pay."""
    cur = account.currency
    st.markdown(f"**{md(account.debtor_name)}** · {md(account.reference)} · "
                f"{md(account.creditor)} · balance **{format_money(account.balance_cents, cur)}**"
                f" · {_status(account.status)}")
    for promise in read(pp.promises_for_account, account_id=account.account_id):
        if promise.status == "open":
            st.caption(f"Promise to pay {format_money(promise.amount_cents, cur)} by "
                       f"{promise.due_on.day} {promise.due_on:%b %Y} "
                       f"({format_money(promise.paid_cents, cur)} paid so far).")
