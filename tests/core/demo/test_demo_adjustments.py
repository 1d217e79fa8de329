"""The demo models people, not stereotypes: what someone asked for is a structured adjustment."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from core.checkins import queries
from core.demo import loader as demo
from core.store.models import Adjustment, Debtor


def test_the_demo_records_adjustments_the_rules_read_not_notes_by_language(engine: Engine):
    # Given the demo with 300 debtors
    summary = demo.load_demo(engine, debtors=300, checkins=600)
    with Session(engine) as session:
        rows = session.exec(select(Adjustment)).all()
        # Then some people have adjustments, each with a reason, consent and a review date
        assert summary.adjustments == len(rows) > 0
        assert all(r.reason and r.consent_at and r.review_on for r in rows)
        assert {r.kind for r in rows} >= {"unavailable", "channel_only", "helper_present"}
        # And no cultural note is made up from someone's language
        assert session.exec(select(func.count()).select_from(Debtor)
                            .where(Debtor.cultural_notes != "")).one() == 0
        # And who has one does not follow their language
        languages = Counter(session.get(Debtor, r.debtor_id).language for r in rows)
        assert len(languages) > 1 or languages.get("en", 0) == len(rows)
        # And the contact rules enforce them: a "letters only" person may not be phoned
        letters_only = next(r for r in rows if r.kind == "channel_only"
                            and r.channels == "letter")
        debtor = session.get(Debtor, letters_only.debtor_id)
        found = queries.contact_now(session, debtor_ids=[debtor.id],
                                    at=letters_only.created_at, channels={debtor.id: "phone"})
        assert "only by letter" in found[debtor.id].reason
