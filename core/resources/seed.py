"""The shelf the team starts with: well-known free UK services (pure data).

Addresses and numbers as published by each service; an admin checks them at the yearly review.
"""

from __future__ import annotations

SEED: tuple[dict[str, str], ...] = (
    {"title": "Free debt advice", "organisation": "StepChange Debt Charity",
     "link": "https://www.stepchange.org", "phone": "0800 138 1111", "topic": "debt_advice",
     "summary": "StepChange gives free debt advice. They help you make a plan for your debts, "
                "and they never judge."},
    {"title": "Free debt advice by phone or web chat", "organisation": "National Debtline",
     "link": "https://www.nationaldebtline.org", "phone": "0808 808 4000",
     "topic": "debt_advice",
     "summary": "National Debtline gives free debt advice by phone or web chat. The call is "
                "free."},
    {"title": "Free money help from the government", "organisation": "MoneyHelper",
     "link": "https://www.moneyhelper.org.uk", "phone": "0800 138 7777", "topic": "budgeting",
     "summary": "MoneyHelper is free help with money, set up by the government. It has a "
                "budget planner and tips to make money go further."},
    {"title": "Help with benefits, bills and rights", "organisation": "Citizens Advice",
     "link": "https://www.citizensadvice.org.uk", "phone": "0800 144 8848", "topic": "benefits",
     "summary": "Citizens Advice gives free help with benefits, bills, housing and work. "
                "They can check if you get all the money you should."},
    {"title": "Mental health support", "organisation": "Mind",
     "link": "https://www.mind.org.uk", "phone": "0300 123 3393", "topic": "mental_health",
     "summary": "Mind gives help and support for your mental health. Their Infoline can tell "
                "you where to get help near you."},
    {"title": "Someone to talk to, day or night", "organisation": "Samaritans",
     "link": "https://www.samaritans.org", "phone": "116 123", "topic": "mental_health",
     "summary": "Samaritans will listen, day or night, every day of the year. The call is "
                "free."},
    {"title": "Free debt advice for the self-employed", "organisation": "Business Debtline",
     "link": "https://businessdebtline.org", "phone": "0800 197 6026",
     "topic": "business_support",
     "summary": "Business Debtline gives free debt advice if you run a small business or work "
                "for yourself."},
    {"title": "Support after someone dies", "organisation": "Cruse Bereavement Support",
     "link": "https://www.cruse.org.uk", "phone": "0808 808 1677", "topic": "bereavement",
     "summary": "Cruse gives free support when someone close to you has died. You can call "
                "them or chat online."},
)
