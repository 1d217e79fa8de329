"""Random unicode, huge strings, extreme numbers and dates: saved exactly, or refused plainly."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.checkins.service import CheckInInput, log_checkin
from core.store import db
from core.store.models import Account, CheckIn, PromiseToPay, User
from core.text import csv_safe, escape_markdown
from tests.factories import make_account, make_debtor, make_user

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=4990, max_size=5100),
    st.sampled_from(["<script>alert(1)</script>", "[click](http://evil.example)",
                     '=HYPERLINK("http://x","y")', "\x00null", "Robert'); DROP TABLE checkin;--",
                     "👩🏽‍🦱 Zoë Ł. 山田", "\u202eevil"]),
)
numbers = st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1))
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(notes=texts, needs=texts, wellbeing=numbers, promise=numbers, promise_day=days,
       at_offset=st.integers(min_value=-10**5, max_value=10**5))
def test_checkin_is_saved_exactly_or_refused_plainly(engine, notes, needs, wellbeing,
                                                     promise, promise_day, at_offset):
    with db.write_session(engine) as s:
        if s.exec(select(func.count()).select_from(User)).one()[0] == 0:
            agent = make_user(s, "agent", username="hypo")
            make_account(s, make_debtor(s, agent), reference="HYPO-1")
    with db.read_session(engine) as s:
        agent = s.exec(select(User)).scalars().first()
        account_id, debtor_id = s.execute(select(Account.id, Account.debtor_id)).first()
        before = s.exec(select(func.count()).select_from(CheckIn)).one()[0]
        promises_before = s.exec(select(func.count()).select_from(PromiseToPay)).one()[0]
    try:
        at = datetime.now(UTC) - timedelta(hours=at_offset)
    except OverflowError:
        at = datetime.now(UTC)
    data = CheckInInput(debtor_id=debtor_id, account_id=account_id, channel="email",
                        direction="inbound", outcome="spoke", right_party=True, at=at,
                        wellbeing=wellbeing, notes=notes, needs=needs,
                        promise_amount_cents=promise,
                        promise_due_on=promise_day if promise is not None else None,
                        create_followup=False)
    try:
        with db.write_session(engine) as s:
            saved = log_checkin(s, actor=agent, data=data)
            saved_id = saved.id
    except ValueError as exc:
        # Refused: a plain sentence, and nothing written
        message = str(exc)
        assert message and "Traceback" not in message and len(message) < 2000
        with db.read_session(engine) as s:
            assert s.exec(select(func.count()).select_from(CheckIn)).one()[0] == before
            assert (s.exec(select(func.count()).select_from(PromiseToPay)).one()[0]
                    == promises_before)
        return
    # Saved: exactly what was typed (less surrounding whitespace)
    with db.read_session(engine) as s:
        row = s.get(CheckIn, saved_id)
        assert row.notes == notes.strip()
        assert row.needs == needs.strip()
        assert row.wellbeing == wellbeing
        assert 1 <= (wellbeing or 1) <= 5


@given(st.text())
def test_markdown_escaping_leaves_no_live_markup(value):
    escaped = escape_markdown(value)
    for ch in "[]()<>`*_#|":
        assert escaped.count(ch) == escaped.count("\\" + ch)


@given(st.text(min_size=1))
def test_csv_cells_never_start_a_formula(value):
    cell = csv_safe(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
