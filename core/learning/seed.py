"""The refreshers the team starts with: the rules and skills the product encodes (pure data)."""

from __future__ import annotations

SEED: tuple[dict[str, str], ...] = (
    {"rule": "contact_limits", "topic": "Call limits and quiet hours",
     "source": "US Regulation F, 12 CFR 1006.14(b)(2) and 1006.6(b)(1)",
     "body": "No more than 7 call attempts about a debt in 7 days, and no call in the 7 days "
             "after a telephone conversation (that day is day 1). Never contact anyone before "
             "8:00 or after 21:00 their time. The card says when a call is not allowed; if you "
             "override it, write why — and ask yourself whether it can wait."},
    {"rule": "inconvenient_times", "topic": "Inconvenient times and consent",
     "source": "12 CFR 1006.6(b)(1) and 1006.14(b)(4)",
     "body": "A time the person told us is inconvenient counts like the quiet hours: record it "
             "as an adjustment so the rules keep it. A call-back they asked for, made within 7 "
             "days of their consent, does not count towards the call limits — record the day, "
             "the time in their zone and the moment they asked."},
    {"rule": "breathing_space", "topic": "Breathing space",
     "source": "Debt Respite Scheme (Breathing Space Moratorium) Regulations 2020",
     "body": "A standard breathing space lasts up to 60 days; a mental-health crisis breathing "
             "space lasts for the treatment plus 30 days. Contact, collection, interest and "
             "charges pause. Place the hold the same day you hear of it."},
    {"rule": "forbearance", "topic": "Forbearance options",
     "source": "FCA CONC 7.3",
     "body": "When someone is struggling, offer what fits: a longer term with a lower "
             "instalment, a payment holiday, token payments for a reasonable period, interest "
             "frozen. Never pressure anyone to pay in one or a few large sums."},
    {"rule": "texas_idea", "topic": "TEXAS and IDEA",
     "source": "Money Advice Trust; FCA FG21/1",
     "body": "TEXAS: Thank them; Explain how the information will be used; get eXplicit "
             "consent; Ask questions about the impact; Signpost to help. IDEA for a condition: "
             "Impact, Duration, Episodes, Assistance. Record drivers only with consent."},
    {"rule": "plain_language", "topic": "Plain language",
     "source": "FCA Consumer Duty (consumer understanding)",
     "body": "Anything we send is short, friendly and jargon-free: aim for reading grade 6, "
             "one idea a sentence, the amount and the date in words they use. If the check "
             "flags a message, rewrite it before you send it."},
    {"rule": "settlement", "topic": "Negotiating a settlement",
     "source": "Team practice; FCA CONC 7.3",
     "body": "Start from what they can afford (their income and spending), not from the "
             "discount. Explain the offer's expiry plainly, put it in writing, and ask for "
             "approval when it is above your limit — by percentage or by amount."},
)
