"""Plain-language drafts and checks: short, friendly, grade 6 or below, no jargon."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.plain_language import (
    JARGON,
    MESSAGE_CHANNELS,
    OPT_OUT_SENTENCE,
    TARGET_GRADE,
    TEMPLATES,
    PlainReport,
    draft_message,
    finalise_message,
    find_jargon,
    plain_language_report,
    reading_grade,
    sms_segments,
)

DETAILS = [
    pytest.param({}, id="no-details"),
    pytest.param(
        {
            "amount_cents": 5000,
            "due": date(2026, 4, 3),
            "plan_summary": "£50.00 a month for 12 months, starting on Friday 3 April",
        },
        id="with-details",
    ),
]

LEGALESE = (
    "Notwithstanding the aforementioned correspondence, the outstanding balance remains "
    "payable forthwith, pursuant to the terms of the agreement, and statutory interest may "
    "accrue in accordance with the applicable regulations."
)


# --- drafts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("details", DETAILS)
@pytest.mark.parametrize("channel", MESSAGE_CHANNELS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_reads_at_grade_six_or_below_without_jargon(
    template: str, channel: str, details: dict
) -> None:
    # Given a draft for Sam from Alex, finalised for sending
    draft = draft_message(
        template=template, channel=channel, first_name="Sam", agent_name="Alex", **details
    )
    text = finalise_message(draft, channel)

    # When we check its plain language
    report = plain_language_report(text)

    # Then it is grade 6 or below, with no jargon, and it greets Sam and names Alex
    assert report.grade <= TARGET_GRADE, text
    assert report.jargon == (), text
    assert report.ok
    assert "Sam" in text
    assert "Alex" in text


@pytest.mark.parametrize("template", TEMPLATES)
def test_sms_drafts_fit_one_text_with_the_opt_out(template: str) -> None:
    # Given an SMS draft with an amount and a date
    draft = draft_message(
        template=template,
        channel="sms",
        first_name="Sam",
        agent_name="Alex",
        amount_cents=12_345,
        due=date(2026, 4, 3),
    )

    # When we finalise it
    text = finalise_message(draft, "sms")

    # Then it still fits in a single text
    assert sms_segments(text) == 1, text


def test_reminder_shows_the_amount_and_the_due_date() -> None:
    # Given a reminder for £1,234.50 due on Friday 3 April 2026
    # When we draft it as an email
    text = draft_message(
        template="reminder",
        channel="email",
        first_name="Sam",
        agent_name="Alex",
        amount_cents=123_450,
        due=date(2026, 4, 3),
    )

    # Then the money is formatted and the date is written out
    assert "Your next payment of £1,234.50 is due on Friday 3 April." in text


def test_reminder_without_details_still_makes_sense() -> None:
    # Given no amount and no date
    # When we draft a reminder text
    text = draft_message(template="reminder", channel="sms", first_name="Sam", agent_name="Alex")

    # Then it says the payment is due soon
    assert "Your next payment is due soon." in text


def test_thanks_uses_the_currency_given() -> None:
    # Given a payment in euros
    # When we draft a thank-you letter
    text = draft_message(
        template="thanks",
        channel="letter",
        first_name="Sam",
        agent_name="Alex",
        amount_cents=2_000,
        currency="EUR",
    )

    # Then the amount is in euros
    assert "€20.00" in text


def test_plan_summary_is_included_as_a_sentence() -> None:
    # Given a summary without a full stop
    # When we draft the plan summary email
    text = draft_message(
        template="plan_summary",
        channel="email",
        first_name="Sam",
        agent_name="Alex",
        plan_summary="£25.00 every week for 8 weeks",
    )

    # Then it appears as its own sentence
    assert "\n\n£25.00 every week for 8 weeks.\n\n" in text


def test_letter_greets_formally_and_email_casually() -> None:
    # Given the same check-in for a letter and an email
    letter = draft_message(template="checkin", channel="letter", first_name="Sam", agent_name="A")
    email = draft_message(template="checkin", channel="email", first_name="Sam", agent_name="A")

    # When / Then the letter opens "Dear" and the email "Hi"
    assert letter.startswith("Dear Sam,")
    assert email.startswith("Hi Sam,")


def test_blank_names_do_not_leave_gaps() -> None:
    # Given no first name and no agent name
    # When we draft a text
    text = draft_message(template="checkin", channel="sms", first_name=" ", agent_name="")

    # Then there is no empty greeting and the team signs it
    assert text.startswith("Hi, it's the team.")
    assert "  " not in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"template": "threat"}, "Unknown template"),
        ({"channel": "phone"}, "Unknown message channel"),
    ],
)
def test_unknown_template_or_channel_raises(kwargs: dict, message: str) -> None:
    # Given a bad template or channel
    arguments = {"template": "checkin", "channel": "sms", "first_name": "Sam"} | kwargs

    # When / Then drafting raises a clear ValueError
    with pytest.raises(ValueError, match=message):
        draft_message(agent_name="Alex", **arguments)


def test_templates_have_the_four_keys_with_titles() -> None:
    # Given the template catalogue
    # When / Then it has exactly the four templates, each with a title
    assert set(TEMPLATES) == {"checkin", "reminder", "thanks", "plan_summary"}
    assert all(title.strip() for title in TEMPLATES.values())


# --- opt-out sentence -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "ending"),
    [
        ("sms", " Reply STOP to stop texts."),
        ("email", "\n\nIf you'd rather not get emails from us, just reply and tell us."),
    ],
)
def test_opt_out_sentence_is_appended_for_sms_and_email(channel: str, ending: str) -> None:
    # Given a draft with trailing whitespace
    # When we finalise it for the channel
    text = finalise_message("Hi Sam.  \n", channel)

    # Then the channel's opt-out sentence ends it
    assert text == "Hi Sam." + ending
    assert OPT_OUT_SENTENCE[channel] in ending


def test_opt_out_sentence_is_not_added_to_letters() -> None:
    # Given a letter
    # When we finalise it
    text = finalise_message("Dear Sam,\n\nHello.", "letter")

    # Then nothing is added
    assert text == "Dear Sam,\n\nHello."


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_finalising_twice_adds_the_opt_out_once(channel: str) -> None:
    # Given a finalised message
    once = finalise_message("Hi Sam.", channel)

    # When we finalise it again
    twice = finalise_message(once, channel)

    # Then the sentence appears once
    assert twice == once
    assert twice.count(OPT_OUT_SENTENCE[channel]) == 1


def test_finalise_rejects_unknown_channels() -> None:
    # Given a channel we do not draft for
    # When / Then it raises
    with pytest.raises(ValueError, match="Unknown message channel"):
        finalise_message("Hi", "video")


# --- reading grade --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n ", "...!?"])
def test_reading_grade_of_empty_text_is_zero(text: str) -> None:
    # Given text with no words
    # When / Then its grade is 0.0
    assert reading_grade(text) == 0.0


def test_legalese_reads_well_above_grade_six() -> None:
    # Given a long sentence of collections legalese
    # When we grade it
    grade = reading_grade(LEGALESE)

    # Then it is far above the target, and plain words are far below it
    assert grade > 15
    assert reading_grade("We can help. Call us when you can.") < 3


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_reading_grade_never_raises_and_is_never_negative(text: str) -> None:
    # Given any text
    # When we grade it
    grade = reading_grade(text)

    # Then it is a non-negative number
    assert grade >= 0.0


# --- jargon ---------------------------------------------------------------------------------


REQUIRED_JARGON = {
    "arrears": "missed payments",
    "remittance": "payment",
    "outstanding balance": "what is left to pay",
    "default": "missed payments",
    "creditor": "the company you owe",
    "instalment arrangement": "payment plan",
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
}


def test_jargon_dictionary_has_the_required_plain_alternatives() -> None:
    # Given the jargon dictionary
    # When / Then it has at least 15 terms, including every required one
    assert len(JARGON) >= 15
    assert {term: JARGON.get(term) for term in REQUIRED_JARGON} == REQUIRED_JARGON


def test_find_jargon_lists_terms_in_order_of_first_appearance() -> None:
    # Given a sentence with jargon in mixed case, one term twice
    text = "Your ARREARS are now with Collections. Please remit the arrears forthwith."

    # When we look for jargon
    found = find_jargon(text)

    # Then each term is listed once, with its plain alternative
    assert found == [
        ("arrears", "missed payments"),
        ("collections", "our team"),
        ("remit", "pay"),
        ("forthwith", "now"),
    ]


def test_find_jargon_matches_whole_words_only() -> None:
    # Given words that merely contain jargon
    text = "We admit the credit was a remittance-free default_setting in Remitland, predefault."

    # When we look for jargon
    found = [term for term, _ in find_jargon(text)]

    # Then only the whole word "remittance" is found (not "remit" inside it)
    assert found == ["remittance"]


def test_find_jargon_prefers_the_longer_phrase_and_spans_line_breaks() -> None:
    # Given a multi-word term broken over two lines, and a plural
    text = "The outstanding\nbalance is owed by the debtors."

    # When we look for jargon
    found = find_jargon(text)

    # Then the phrase and the plural are both found
    assert found == [("outstanding balance", "what is left to pay"), ("debtor", "you")]


def test_find_jargon_reports_the_longest_term_starting_at_a_word() -> None:
    # Given "default notice", which starts with the shorter term "default"
    text = "We sent you a Default Notice."

    # When we look for jargon
    found = find_jargon(text)

    # Then only the longer term is reported
    assert found == [("default notice", "letter about missed payments")]


def test_find_jargon_in_plain_text_is_empty() -> None:
    # Given a plain sentence
    # When / Then no jargon is found
    assert find_jargon("Thanks for your payment, Sam. Call me if you need help.") == []


@given(term=st.sampled_from(sorted(JARGON)), upper=st.booleans())
def test_every_jargon_term_is_found_in_a_sentence(term: str, upper: bool) -> None:
    # Given a sentence containing a jargon term in either case
    text = f"Hello. This is about the {term.upper() if upper else term}, Sam."

    # When we look for jargon
    found = find_jargon(text)

    # Then exactly that term is reported
    assert found == [(term, JARGON[term])]


# --- SMS segments and the report ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("£" * 160, 1),  # the pound sign is in the basic GSM set
        ("€" * 80, 1),  # the euro sign takes two GSM characters
        ("€" * 81, 2),
        ("’" * 70, 1),  # a curly apostrophe forces UCS-2: 70 a text, 67 a part
        ("’" * 71, 2),
        ("’" * 134, 2),
        ("’" * 135, 3),
    ],
)
def test_sms_segments(text: str, segments: int) -> None:
    # Given a text of a known length and alphabet
    # When / Then it takes the expected number of SMS parts
    assert sms_segments(text) == segments


def test_report_of_a_plain_text() -> None:
    # Given a short, plain text
    text = "Hi Sam, thanks for your payment. Reply STOP to stop texts."

    # When we check it
    report = plain_language_report(text)

    # Then it passes and gives its length and parts
    assert report == PlainReport(
        grade=report.grade, target=6.0, ok=True, jargon=(), chars=len(text), sms_segments=1
    )
    assert report.grade <= 6.0


def test_report_fails_on_jargon_even_when_easy_to_read() -> None:
    # Given a short text with jargon
    report = plain_language_report("Pay your arrears now.")

    # When / Then it is not ok and names the term
    assert report.grade <= 6.0
    assert not report.ok
    assert report.jargon == (("arrears", "missed payments"),)


def test_report_fails_on_a_high_grade_without_jargon() -> None:
    # Given long words and a long sentence but no listed jargon
    text = (
        "Considering the unfortunate circumstances surrounding your communication, "
        "representatives responsible for individual accounts recommend immediate "
        "consultation regarding alternative repayment opportunities available."
    )

    # When we check it
    report = plain_language_report(text)

    # Then it is not ok because of the grade alone
    assert report.jargon == ()
    assert report.grade > 6.0
    assert not report.ok
