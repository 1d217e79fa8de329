"""Demo data: a recovery team with six months of history, built from a seed and loaded fast.

``python -m core.demo [--debtors N] [--checkins M] [--followups F] [--agents A] [--seed S]
[--database-url URL] [--if-empty]``

Everyone signs in with the password ``demo`` (admin, lead, lead2, agent, priya, tom …).
Rows are built as plain dicts with ids assigned here and inserted with SQLAlchemy Core in
chunks, so 100,000 debtors and a million check-ins load in about a minute on SQLite.
"""

from __future__ import annotations

import argparse
import json
import sys
import time as clock
import unicodedata
from bisect import bisect, bisect_left
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, func, select, text
from sqlmodel import Session

from core import daily
from core.cli import say
from core.errors import UserError
from core.plans import PlanError, Schedule, build_schedule
from core.store import db, settings
from core.store.config import ConfigError, normalise_url
from core.store.models import (
    Account,
    AccountStatus,
    Adjustment,
    AuditEvent,
    CheckIn,
    Debtor,
    FollowUp,
    FollowUpStatus,
    Hold,
    HoldKind,
    IncomeExpenditure,
    InstalmentStatus,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
    Role,
    Team,
    User,
    Vulnerability,
)
from core.team.service import hash_password

LONDON = ZoneInfo("Europe/London")
PASSWORD = "demo"
HISTORY_DAYS = 182
CHECKINS_PER_DEBTOR = 10
FOLLOWUPS_PER_DEBTOR = 2
DEBTORS_PER_CHUNK = 2_000
ROWS_PER_INSERT = 20_000
LOAD_CACHE_KIB = 128 * 1024  # SQLite page cache while loading
GRACE_DAYS = int(settings.DEFAULTS["grace_days"])  # unpaid this long after its date: missed

# (username, display name); the first is the demo agent with a realistic caseload.
NAMED_AGENTS: tuple[tuple[str, str], ...] = (
    ("agent", "Jamie Carter"),
    ("priya", "Priya Shah"),
    ("tom", "Tom Fletcher"),
    ("amara", "Amara Nwosu"),
    ("jonas", "Jonas Weber"),
    ("mei", "Mei Lin"),
    ("oluwa", "Oluwaseun Adeyemi"),
    ("rosa", "Rosa Martínez"),
)
TEAMS = ("North team", "South team")


class DemoError(RuntimeError):
    """The demo cannot be loaded here; the message says why in one sentence."""


@dataclass
class DemoSummary:
    """How many rows the demo loader wrote, per kind, and how long each phase took."""

    teams: int = 0
    users: int = 0
    debtors: int = 0
    vulnerable_debtors: int = 0
    accounts: int = 0
    holds: int = 0
    adjustments: int = 0
    checkins: int = 0
    vulnerabilities: int = 0
    plans: int = 0
    instalments: int = 0
    payments: int = 0
    promises: int = 0
    income_expenditures: int = 0
    followups: int = 0
    open_followups: int = 0
    seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def counts(self) -> dict[str, int]:
        """The row counts by name (no timings)."""
        data = asdict(self)
        data.pop("seconds")
        return data

    def describe(self) -> str:
        """One plain line for the command line."""
        return (
            f"{self.debtors:,} debtors ({self.vulnerable_debtors:,} vulnerable), "
            f"{self.accounts:,} accounts, {self.checkins:,} check-ins, {self.plans:,} payment "
            f"plans, {self.payments:,} payments, {self.promises:,} promises to pay, "
            f"{self.followups:,} follow-ups ({self.open_followups:,} open), "
            f"{self.users:,} users in {self.teams} teams"
        )


# ---------------------------------------------------------------- word lists

# Names come in loose groups so that, say, a Polish speaker usually has a Polish name.
# group: (female first names, male first names, surnames)
NAME_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "british": (
        ("Olivia", "Amelia", "Grace", "Sophie", "Emily", "Chloe", "Hannah", "Rachel", "Margaret",
         "Jean", "Sandra", "Patricia", "Elizabeth", "Deborah", "Joanne", "Kerry", "Leanne",
         "Gemma", "Susan", "Karen"),
        ("Oliver", "George", "Harry", "Jack", "Noah", "Daniel", "David", "James", "Michael",
         "Peter", "Paul", "Mark", "Robert", "Stephen", "Darren", "Samuel", "Craig", "Lee"),
        ("Smith", "Jones", "Williams", "Taylor", "Brown", "Wilson", "Thomas", "Roberts",
         "Johnson", "Walker", "Robinson", "Wood", "Thompson", "Wright", "Green", "Harris",
         "Cooper", "King", "Clarke", "Hill", "Moore", "Harrison", "Scott", "Young", "Hall",
         "Turner", "MacLeod", "Campbell"),
    ),
    "welsh": (
        ("Carys", "Seren", "Ffion", "Cerys", "Rhiannon", "Nia", "Bethan", "Sian"),
        ("Rhys", "Gareth", "Dylan", "Owain", "Iwan", "Gethin", "Dafydd", "Emyr"),
        ("Jones", "Davies", "Evans", "Hughes", "Morgan", "Llewellyn", "Pritchard", "Griffiths",
         "Price", "Owen"),
    ),
    "irish": (
        ("Siobhan", "Niamh", "Aoife", "Ciara", "Orla", "Róisín", "Sinéad", "Mary"),
        ("Sean", "Ciaran", "Liam", "Conor", "Padraig", "Declan", "Eoin", "Cian"),
        ("Murphy", "O'Brien", "Kelly", "Byrne", "Walsh", "O'Connor", "Ryan", "Doyle",
         "McCarthy", "Gallagher"),
    ),
    "polish": (
        ("Agnieszka", "Katarzyna", "Magdalena", "Ewa", "Joanna", "Anna", "Monika", "Zofia"),
        ("Tomasz", "Piotr", "Krzysztof", "Marek", "Paweł", "Jakub", "Michał", "Łukasz"),
        ("Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamińska", "Lewandowski",
         "Zielińska", "Szymański", "Dąbrowska"),
    ),
    "south_asian": (
        ("Priya", "Aisha", "Fatima", "Zainab", "Harpreet", "Nadia", "Anjali", "Sana", "Rukhsana",
         "Shabana"),
        ("Mohammed", "Ali", "Imran", "Arjun", "Rohan", "Sanjay", "Gurpreet", "Hassan", "Rahul",
         "Tariq"),
        ("Patel", "Khan", "Ahmed", "Hussain", "Begum", "Singh", "Kaur", "Shah", "Sharma",
         "Chowdhury", "Iqbal", "Das", "Gill"),
    ),
    "west_african": (
        ("Amara", "Chiamaka", "Ngozi", "Abena", "Adaeze", "Funmi", "Efua", "Yetunde"),
        ("Kwame", "Kofi", "Chinedu", "Oluwaseun", "Emeka", "Tunde", "Kwabena", "Femi"),
        ("Okafor", "Adeyemi", "Mensah", "Osei", "Okonkwo", "Boateng", "Adebayo", "Asante"),
    ),
    "chinese": (
        ("Mei", "Lin", "Xiu", "Hui", "Yan", "Jing"),
        ("Wei", "Jun", "Hao", "Ming", "Jian", "Lei"),
        ("Chen", "Wang", "Li", "Zhang", "Liu", "Huang", "Wong", "Lam"),
    ),
    "hispanic": (
        ("Maria", "Lucia", "Sofia", "Carmen", "Isabel", "Elena", "Valentina", "Ana"),
        ("Carlos", "Diego", "José", "Luis", "Javier", "Miguel", "Alejandro", "Pablo"),
        ("García", "Rodríguez", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez"),
    ),
    "french": (
        ("Camille", "Chloé", "Manon", "Élodie", "Claire", "Amélie"),
        ("Julien", "Thomas", "Nicolas", "Antoine", "Mathieu", "Hugo"),
        ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefebvre", "Girard"),
    ),
    "romanian": (
        ("Ioana", "Elena", "Andreea", "Mihaela", "Cristina", "Alina"),
        ("Andrei", "Mihai", "Ionuț", "Alexandru", "Florin", "Adrian"),
        ("Popescu", "Ionescu", "Popa", "Stan", "Dumitru", "Constantin"),
    ),
    "maori": (
        ("Aroha", "Mere", "Hine", "Anahera", "Kiri", "Ngaio"),
        ("Tama", "Wiremu", "Hemi", "Nikau", "Rawiri", "Manaia"),
        ("Ngata", "Parata", "Tipene", "Walker", "Te Whata", "Horomona"),
    ),
}
GENDER_NEUTRAL = ("Alex", "Sam", "Jordan", "Charlie", "Robin", "Jess", "Ash", "Kit")
# Which name groups speakers of a language come from (weights).
LANGUAGE_GROUPS: dict[str, tuple[tuple[str, int], ...]] = {
    "en": (("british", 62), ("south_asian", 9), ("west_african", 7), ("irish", 6),
           ("welsh", 5), ("chinese", 4), ("polish", 3), ("hispanic", 2), ("french", 1),
           ("romanian", 1)),
    "cy": (("welsh", 90), ("british", 10)),
    "ga": (("irish", 100),),
    "pl": (("polish", 92), ("british", 8)),
    "pa": (("south_asian", 100),), "ur": (("south_asian", 100),),
    "bn": (("south_asian", 100),), "hi": (("south_asian", 100),),
    "es": (("hispanic", 95), ("british", 5)),
    "fr": (("french", 85), ("west_african", 15)),
    "ro": (("romanian", 100),), "zh": (("chinese", 100),), "mi": (("maori", 100),),
}
NICKNAMES = {
    "Margaret": "Maggie", "Katarzyna": "Kasia", "Oluwaseun": "Seun", "Samuel": "Sam",
    "Elizabeth": "Liz", "Robert": "Bob", "Michael": "Mike", "Daniel": "Dan", "Agnieszka": "Aga",
    "Patricia": "Trish", "Krzysztof": "Krzys", "Stephen": "Steve", "Chiamaka": "Ama",
    "Deborah": "Debbie", "James": "Jim", "Mohammed": "Mo", "Alexandru": "Alex",
    "Aleksandra": "Ola", "Padraig": "Paddy", "Dafydd": "Dai", "Wiremu": "Wiri",
}
TITLES_F = ("Mrs", "Ms", "Ms", "Miss", "Dr")
TITLES_M = ("Mr", "Mr", "Mr", "Dr")
PLACES = (
    "Harbour", "Riverside", "Northgate", "Castle", "Millbrook", "Kingsway", "Valley",
    "Greenfield", "Westside", "Hillcrest", "Meadow", "Bridge Street", "Station Road", "Abbey",
)
BUSINESS_PATTERNS = (
    "{surname} & Sons Plumbing", "{surname} Bros Builders Ltd", "{place} Autos Ltd",
    "{surname}'s Bakery", "{place} Cleaning Services Ltd", "The {place} Café",
    "{surname} Hair Studio", "{place} Print & Signs Ltd", "{place} Florists",
    "{surname} Electrical Ltd", "{place} Nail Bar", "{surname} Family Restaurant",
    "{place} Mini Market", "{surname} Removals", "{place} Dog Grooming",
)
BUSINESS_ROLES = ("owner", "director", "manager", "partner")

CREDITORS = (
    "Northwind Energy", "Severn Water", "Brightline Mobile", "Harbour Finance",
    "City Council Tax", "Meridian Broadband", "Oakfield Housing", "Crestline Catalogue",
    "Pennine Car Finance", "Lakeside Leisure Club",
)

# (timezone, weight, [(language, weight)], phone number format, how many numbers it has);
# the numbers come from ranges kept for drama and examples where a country has one.
REGIONS: tuple[tuple[str, int, tuple[tuple[str, int], ...], str, int], ...] = (
    ("Europe/London", 78, (("en", 80), ("cy", 5), ("pl", 4), ("pa", 3), ("ur", 3), ("bn", 2),
                           ("es", 1), ("fr", 1), ("ro", 1)), "07700 900{:03d}", 1000),
    ("Europe/Dublin", 5, (("en", 90), ("ga", 5), ("pl", 5)), "+353 20 910 {:04d}", 10000),
    ("Europe/Warsaw", 4, (("pl", 85), ("en", 15)), "+48 500 000 {:03d}", 1000),
    ("America/New_York", 3, (("en", 80), ("es", 20)), "+1 212 555 01{:02d}", 100),
    ("America/Los_Angeles", 2, (("en", 60), ("es", 40)), "+1 310 555 01{:02d}", 100),
    ("Asia/Kolkata", 3, (("en", 50), ("bn", 30), ("hi", 20)), "+91 98300 0{:04d}", 10000),
    ("Australia/Sydney", 3, (("en", 95), ("zh", 5)), "+61 491 570 {:03d}", 1000),
    ("Pacific/Auckland", 2, (("en", 85), ("mi", 15)), "+64 21 555 {:04d}", 10000),
)

CHANNEL_WEIGHTS = (("phone", 40), ("sms", 20), ("email", 25), ("letter", 8), ("video", 7))
CONTACT_WINDOWS = (
    ((9, 0), (19, 0), 40), ((9, 0), (17, 0), 20), ((8, 0), (20, 0), 10),
    ((10, 0), (14, 0), 8), ((17, 0), (20, 30), 10), ((12, 0), (18, 0), 12),
)
OPT_OUTS = (("", 85), ("sms", 4), ("phone", 3), ("phone,sms", 3), ("email", 3), ("letter", 2))

COMMUNICATION_NOTES = (
    "Prefers calls after the school run (after 9:30).",
    "Hard of hearing: use email or text.",
    "Works nights: no calls before 2pm.",
    "Shares the phone with a partner: don't leave detailed voicemails.",
    "Happy with texts and usually replies the same day.",
    "Anxious on the phone: send a text first to arrange a time.",
    "Dyslexic: keep emails short and offer a call.",
    "Prefers a video call so a support worker can join.",
    "Lunch break 12:30 to 13:30 is the best time to call.",
    "Uses a screen reader: plain-text emails, no scanned letters.",
    "Cares for their mother: calls may need to be cut short.",
    "Likes a letter first, then a call a few days later.",
)
# What some people asked us to do differently: one person at a time, never read off their
# language or origin (the seeds warn against that stereotype). Each becomes a structured
# adjustment the contact rules enforce, with a reason, their consent and a review date.
ADJUSTMENT_SHARE = 0.18
ADJUSTMENT_STORIES: tuple[tuple[str, dict, str], ...] = (
    ("unavailable", {"start_day": 4, "start_time": time(18, 0), "end_day": 5,
                     "end_time": time(18, 0)},
     "Asked for no contact from Friday evening to Saturday evening."),
    ("unavailable", {"start_day": 0, "start_time": time(9, 0), "end_day": 0,
                     "end_time": time(17, 0)},
     "At a day centre on Mondays; cannot talk then."),
    ("night_shifts", {}, "Works nights: no calls before 2 pm."),
    ("channel_only", {"channels": "letter"}, "Finds calls stressful; letters only."),
    ("channel_only", {"channels": "email,letter"}, "Hard of hearing: written contact only."),
    ("text_first", {}, "Asked for a text first to arrange a time to talk."),
    ("helper_present", {"detail": "Their daughter"},
     "Wants their daughter on the call; agreed we may talk with her."),
    ("helper_present", {"detail": "A support worker"},
     "A support worker helps with money matters; agreed we may talk with them."),
    ("interpreter", {"detail": "An interpreter in their first language"},
     "Asked for an interpreter for anything about a plan."),
    ("format", {"detail": "Large print"}, "Sight loss: letters in large print."),
    ("extra_time", {"extra_days": 14}, "Needs time to read things through with family."),
)
CIRCUMSTANCES_PERSON = (
    "Single parent of two; works part-time at a supermarket.",
    "Recently retired; living on the state pension.",
    "Self-employed electrician; income varies month to month.",
    "Student nurse doing part-time care work.",
    "Zero-hours contract in hospitality.",
    "Long-term sick after back surgery.",
    "Shares a flat; the rent went up this year.",
    "Cares for a disabled partner.",
    "Works two jobs and pays for childcare.",
    "On Universal Credit while looking for work.",
    "Delivery driver; van repairs ate into savings.",
    "Recently moved back in with parents to save money.",
)
CIRCUMSTANCES_BUSINESS = (
    "Café with three staff; trade is down since the road works.",
    "Sole-trader builder waiting on payment from a large client.",
    "Hair salon that lost a chair renter in the spring.",
    "Small print shop whose energy costs doubled.",
    "Family restaurant with seasonal trade.",
    "Corner shop; the owner is covering shifts themselves.",
)
DEBTOR_NEEDS = (
    "Letters in large print.", "Time to get a benefits check done.",
    "Everything confirmed in writing.", "A plan that starts after payday on the 28th.",
    "A named contact rather than the general line.", "An interpreter for calls.",
    "Short calls because of fatigue.", "Help understanding the bill.",
)

VULNERABILITY_NOTES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    # driver: (impact, duration, episodes, assistance)
    "health": (
        ("Depression makes it hard to open post or answer calls.",
         "Long-term; diagnosed several years ago.",
         "Worse in the winter months.",
         "Short calls, everything followed up in writing; signposted to Mind."),
        ("Chronic pain limits how long they can talk.",
         "Ongoing.", "Flare-ups a few times a month.",
         "Offer to call back; keep calls under ten minutes."),
        ("Recovering from cancer treatment; tires easily.",
         "Treatment ended recently; recovery expected to take months.",
         "Bad days after hospital appointments.",
         "Avoid appointment days; partner may speak for them (consent given)."),
    ),
    "life_events": (
        ("Husband died earlier this year; finances were in his name.",
         "Recent bereavement.", "Anniversaries are hard.",
         "Gentle pace; signposted to Cruse Bereavement Support."),
        ("Relationship breakdown; moved out of the family home.",
         "Last few months.", "Stress around child contact days.",
         "Give time to settle; review the plan in three months."),
        ("Lost their job in a redundancy round.", "Since the spring.",
         "Not episodic.", "Pause the plan while job hunting; benefits check offered."),
    ),
    "resilience": (
        ("Income dropped by half after hours were cut.", "Expected to last the year.",
         "Worse in school holidays.", "Lower instalments; review when hours change."),
        ("No savings; any unexpected bill means borrowing.", "Ongoing.",
         "Not episodic.", "Signposted to free debt advice (StepChange)."),
    ),
    "capability": (
        ("Low confidence with numbers; prefers a friend on the call.", "Lifelong.",
         "Not episodic.", "Friend joins calls with consent; plain-language summaries."),
        ("Limited English; an interpreter helps.", "Ongoing.", "Not episodic.",
         "Book an interpreter for every call about the plan."),
        ("Low digital skills: no email access.", "Ongoing.", "Not episodic.",
         "Letters and phone only."),
    ),
}

HOLD_REASONS = {
    HoldKind.DISPUTE: (
        "Disputes the final bill; waiting for meter readings from the creditor.",
        "Says the contract was cancelled in time; creditor checking the call recording.",
        "Disputes a late-payment fee.",
    ),
    HoldKind.BREATHING_SPACE: (
        "Standard breathing space registered by a debt adviser.",
        "Breathing space while StepChange prepares a debt solution.",
    ),
    HoldKind.CEASE_COMMUNICATION: (
        "Asked in writing that we stop contacting them.",
        "Solicitor asked for all contact to go through them.",
    ),
}

LIFE_CHANGES = (
    ("job_loss", 10), ("reduced_income", 25), ("illness", 15), ("bereavement", 6),
    ("caring", 10), ("relationship_breakdown", 8), ("new_baby", 6), ("business_downturn", 8),
    ("other", 5),
)
SIGNPOSTS = (("debt_advice", 50), ("mental_health", 20), ("benefits_check", 25), ("other", 5))
SPOKE_NEEDS = (
    "Time to sort out a benefits check.", "A lower payment until their hours go back up.",
    "Letters in plain English.", "A call after payday.", "Nothing extra right now.",
    "Help understanding the council tax bill.", "A couple of weeks' breather.",
    "To know the exact amount left to pay.", "",
)
SPOKE_NEXT_STEPS = (
    "Call back on Friday after payday.", "Send the plan summary by email.",
    "Review the plan in a month.", "Check the first instalment arrives.",
    "Send free debt advice details (StepChange, National Debtline).",
    "Wait for the income and expenditure form, then review.",
    "Text a reminder two days before the instalment.", "Check in again in two weeks.",
)
SPOKE_NOTES = (
    "Sounded tired but keen to sort things out.", "Thanked us for not pushing.",
    "Explained the missed payment: their bank card was replaced.",
    "Happy with the plan as it is.", "Upset at first; calmer once we talked about options.",
    "Said the new job starts next month.", "Asked for everything in writing.",
    "Partner joined the call with their permission.",
    "Worried about the heating bill this winter.", "In good spirits; payments on track.",
)
INBOUND_NOTES = (
    "Called in to say the payment will be a few days late.",
    "Asked for a copy of the statement.", "Replied to our text: happy to talk on Thursday.",
    "Called to ask how much is left to pay.", "Got in touch after our letter.",
)
ATTEMPT_TEXT = {
    "no_answer": (("No answer; no voicemail.", "Try again at a different time of day."),
                  ("No answer; voicemail full.", "Send a text instead.")),
    "left_message": (("Left a short message asking for a call back; no details of the debt.",
                      "Wait two days for a call back."),),
    "wrong_number": (("Number belongs to someone else now; apologised.",
                      "Check contact details by letter."),),
}
SENT_TEXT = {
    "sms": (("Sent a friendly reminder about Friday's instalment.", "Look for a reply tomorrow."),
            ("Texted to arrange a good time to talk.", "Call at the time they pick.")),
    "email": (("Emailed the plan summary.", "Check they are happy with it."),
              ("Emailed free debt advice links.", "Ask if they got in touch.")),
    "letter": (("Posted the plan summary.", "Call a week after the letter arrives."),
               ("Posted a contact-us letter with the freephone number.", "Wait for a reply.")),
}

FOLLOWUP_REASONS = (
    ("call_back", 35), ("review_plan", 15), ("missed_instalment", 15), ("promise_check", 15),
    ("check_in", 20),
)
FOLLOWUP_NOTES = {
    "call_back": ("Call back after payday.", "They asked for a call on this day.",
                  "Call in the afternoon; mornings are busy.", "Call to go through the options."),
    "review_plan": ("Review the plan now the new job has started.",
                    "Three-month plan review.", "Check the plan still fits their budget."),
    "missed_instalment": ("Instalment not received; check all is well before anything else.",
                          "Second missed instalment; talk about a smaller amount."),
    "promise_check": ("Check the promised payment arrived.",
                      "Promise due today; look for the payment first."),
    "check_in": ("Friendly check-in: how are things going?",
                 "Check in after the hospital appointment.",
                 "See how the benefits check went."),
}
APPROVAL_NOTES = (
    "Approved: the settlement fits their income and expenditure.",
    "Approved: a quick settlement beats a long plan here.",
)
PAYMENT_METHODS = (("bank_transfer", 45), ("debit_card", 30), ("standing_order", 20),
                   ("cash", 5))

# Standard Financial Statement categories: (key, chance present, low £, high £).
IE_INCOME = (("earnings", 0.75, 900, 3200), ("benefits", 0.45, 150, 1200),
             ("pensions", 0.15, 200, 1400), ("other_income", 0.15, 50, 400))
IE_COSTS = (
    ("housing", 0.95, 450, 1400), ("council_tax", 0.9, 90, 220), ("utilities", 0.95, 90, 260),
    ("water", 0.85, 25, 60), ("care_health", 0.3, 10, 120), ("transport", 0.8, 40, 260),
    ("school", 0.25, 20, 150), ("insurance", 0.5, 15, 80), ("other_essential", 0.3, 10, 100),
    ("communications_leisure", 0.95, 30, 150), ("food_housekeeping", 1.0, 220, 650),
    ("personal", 0.8, 20, 140),
)

# An account's story: what happened to it in the six months of history.
STORIES = (
    ("open", 52), ("hold", 4), ("paid", 5), (PlanStatus.ACTIVE, 20), (PlanStatus.BROKEN, 5),
    (PlanStatus.COMPLETED, 4), (PlanStatus.CANCELLED, 3), (PlanStatus.PROPOSED, 3),
    (PlanStatus.DRAFT, 2), (PlanStatus.AWAITING_APPROVAL, 2),
)
PLAN_STATUSES = tuple(PlanStatus)
FREQUENCIES = (("monthly", 50), ("fortnightly", 20), ("weekly", 15), ("four_weekly", 15))
PERIOD_DAYS = {"monthly": 31, "fortnightly": 14, "weekly": 7, "four_weekly": 28}
MAX_COUNT = {"monthly": 24, "fortnightly": 26, "weekly": 26, "four_weekly": 13}


class _Pick:
    """A weighted choice from a fixed list, cheaper than random.choices for one item."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[object, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum: list[float] = []
        total = 0.0
        for _, weight in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _spread(rng: Random, total: int, weights: list[float]) -> list[int]:
    """Split `total` over len(weights) slots in proportion, exactly (largest remainder)."""
    if not weights or total <= 0:
        return [0] * len(weights)
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    left = total - sum(counts)
    for i in rng.sample(range(len(weights)), left):
        counts[i] += 1
    return counts


def _slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Wiśniewska" -> "wisniewska"."""
    plain = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum())


def _weekday_on_or_before(day: date) -> date:
    return day - timedelta(days=max(0, day.weekday() - 4))


def _weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() > 4 else 0)


# ---------------------------------------------------------------- the loader


class _Loader:
    """Builds the rows for one demo load and writes them on one connection."""

    def __init__(self, conn: Connection, *, seed: int, today: date, debtors: int, checkins: int,
                 followups: int, agents: int) -> None:
        self.conn = conn
        self.rng = Random(seed)
        self.adjustment_rng = Random(f"{seed}-adjustments")
        self.today = today
        self.n_debtors = debtors
        self.n_checkins = checkins
        self.n_followups = followups
        self.n_agents = agents
        self.summary = DemoSummary()
        self.seconds: dict[str, float] = {}
        self.rows: dict[str, list[dict]] = {name: [] for name in self._TABLES}
        # The working day starts at 08:00 in the office; everything in the demo happened before.
        self.now = datetime.combine(today, time(8, 0), LONDON).astimezone(UTC)
        self.next_id = {table: self._max_id(table) + 1 for table in self._TABLES}
        self._prepare_calendar()
        self._prepare_picks()

    # The big tables: their secondary indexes are dropped while loading and built afterwards,
    # which is much quicker than keeping them up to date row by row.
    BULK_TABLES = ("debtor", "account", "checkin", "payment_plan", "plan_instalment", "payment",
                   "promise_to_pay", "followup")

    # Parents before children: rows are inserted in this order.
    _TABLES = {model.__tablename__: model.__table__ for model in (
        Team, User, Debtor, Adjustment, Account, Hold, CheckIn, Vulnerability, PaymentPlan,
        PlanInstalment, Payment, PromiseToPay, IncomeExpenditure, FollowUp)}

    # ------------------------------------------------------------ set-up

    def _table(self, name: str):
        return self._TABLES[name]

    def _max_id(self, name: str) -> int:
        table = self._table(name)
        return self.conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()

    def _ids(self, name: str, n: int = 1) -> int:
        """Reserve `n` ids in `name`; returns the first."""
        first = self.next_id[name]
        self.next_id[name] = first + n
        return first

    def _prepare_calendar(self) -> None:
        """The weekdays of the last six months."""
        self.days = [day for back in range(HISTORY_DAYS, 0, -1)
                     if (day := self.today - timedelta(days=back)).weekday() < 5]
        self.day_ordinals = [day.toordinal() for day in self.days]
        self._window_opens: dict[tuple[str, time], list[datetime]] = {}

    def _window_opens_on(self, tz: str, opens: time) -> list[datetime]:
        """For each weekday, the UTC moment a contact window opens in the debtor's timezone."""
        key = (tz, opens)
        if key not in self._window_opens:
            zone = ZoneInfo(tz)
            self._window_opens[key] = [datetime.combine(day, opens, zone).astimezone(UTC)
                                       for day in self.days]
        return self._window_opens[key]

    def _prepare_picks(self) -> None:
        self.pick_region = _Pick([((tz, phone, width), w) for tz, w, _, phone, width in REGIONS])
        self.pick_lang = {tz: _Pick(langs) for tz, _, langs, _, _ in REGIONS}
        self.pick_group = {lang: _Pick(groups) for lang, groups in LANGUAGE_GROUPS.items()}
        self.pick_window = _Pick([((time(*a), time(*b)), w) for a, b, w in CONTACT_WINDOWS])
        self.pick_opt_out = _Pick(OPT_OUTS)
        self.pick_story = _Pick(STORIES)
        self.pick_frequency = _Pick(FREQUENCIES)
        self.pick_life_change = _Pick(LIFE_CHANGES)
        self.pick_signpost = _Pick(SIGNPOSTS)
        self.pick_reason = _Pick(FOLLOWUP_REASONS)
        self.pick_method = _Pick(PAYMENT_METHODS)
        self.pick_accounts = _Pick([(1, 60), (2, 30), (3, 10)])
        self.pick_hold = _Pick([(HoldKind.DISPUTE, 45), (HoldKind.BREATHING_SPACE, 40),
                                (HoldKind.CEASE_COMMUNICATION, 15)])
        # Check-in content is drawn from a pool made once, so a million rows stay cheap.
        self.content = {ch: [self._content(ch) for _ in range(400)] for ch, _ in CHANNEL_WEIGHTS}
        self.ie_pool = [self._income_expenditure() for _ in range(300)]

    def _content(self, channel: str) -> tuple:
        """(direction, outcome, right_party, conversation, life_changes, signposting, needs,
        next_step, notes) for one check-in over `channel`."""
        rng = self.rng
        inbound = rng.random() < (0.15 if channel in ("phone", "sms", "email") else 0.0)
        if inbound:
            return ("inbound", "spoke", True, True, self._life_changes(), self._signposting(),
                    rng.choice(SPOKE_NEEDS), rng.choice(SPOKE_NEXT_STEPS),
                    rng.choice(INBOUND_NOTES))
        if channel in ("phone", "video"):
            roll = rng.random()
            limits = (0.5, 0.78, 0.96) if channel == "phone" else (0.85, 0.97, 1.0)
            if roll < limits[0]:
                right_party = rng.random() < 0.93
                if not right_party:
                    return ("outbound", "spoke", False, False, "", "", "",
                            "Call back when they are home.",
                            "Spoke to a family member; left no details of the debt.")
                return ("outbound", "spoke", True, True, self._life_changes(),
                        self._signposting(), rng.choice(SPOKE_NEEDS),
                        rng.choice(SPOKE_NEXT_STEPS), rng.choice(SPOKE_NOTES))
            outcome = ("no_answer" if roll < limits[1] else
                       "left_message" if roll < limits[2] else "wrong_number")
            notes, next_step = rng.choice(ATTEMPT_TEXT[outcome])
            return ("outbound", outcome, False, False, "", "", "", next_step, notes)
        notes, next_step = rng.choice(SENT_TEXT[channel])
        return ("outbound", "message_sent", False, False, "", "", "", next_step, notes)

    def _life_changes(self) -> str:
        rng = self.rng
        if rng.random() > 0.3:
            return ""
        picked = {self.pick_life_change(rng) for _ in range(1 if rng.random() < 0.75 else 2)}
        return ",".join(sorted(picked))

    def _signposting(self) -> str:
        rng = self.rng
        if rng.random() > 0.2:
            return ""
        picked = {self.pick_signpost(rng) for _ in range(1 if rng.random() < 0.8 else 2)}
        return ",".join(sorted(picked))

    def _income_expenditure(self) -> tuple[str, int, int]:
        rng = self.rng
        items: dict[str, int] = {}
        for key, chance, low, high in IE_INCOME + IE_COSTS:
            if rng.random() < chance:
                items[key] = rng.randrange(low, high + 1) * 100
        if not any(key in items for key, *_ in IE_INCOME):
            items["benefits"] = rng.randrange(400, 1100) * 100
        income = sum(items.get(key, 0) for key, *_ in IE_INCOME)
        expenses = sum(items.get(key, 0) for key, *_ in IE_COSTS)
        return json.dumps(items, sort_keys=True), income, expenses

    # ------------------------------------------------------------ writing

    def _add(self, name: str, row: dict) -> None:
        self.rows[name].append(row)

    def _flush(self) -> None:
        """Insert every pending row, parents before children."""
        for name in self._TABLES:
            rows = self.rows[name]
            if not rows:
                continue
            started = clock.perf_counter()
            # Plain executemany: sqlite3 runs it in C, psycopg pipelines it. (On PostgreSQL,
            # RETURNING to get SQLAlchemy's multi-row "insertmanyvalues" measured slower.)
            statement = self._table(name).insert()
            for i in range(0, len(rows), ROWS_PER_INSERT):
                self.conn.execute(statement, rows[i:i + ROWS_PER_INSERT])
            self._time(f"insert {name}", started)
            rows.clear()

    def _time(self, phase: str, started: float) -> None:
        self.seconds[phase] = self.seconds.get(phase, 0.0) + clock.perf_counter() - started

    # ------------------------------------------------------------ teams and users

    def make_users(self) -> None:
        started = clock.perf_counter()
        names = {row.username for row in self.conn.execute(select(User.__table__.c.username))}
        wanted = ["admin", "lead", "lead2"] + [u for u, _ in self._agent_list()]
        taken = [u for u in wanted if u in names]
        if taken:
            raise DemoError(
                f"The database already has a user called '{taken[0]}'; load the demo into an "
                "empty database (or use --if-empty to skip)."
            )
        existing = set(self.conn.execute(select(Team.__table__.c.name)).scalars())
        if existing & set(TEAMS):
            raise DemoError("The database already has the demo teams; use an empty database.")
        password_hash = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once
        joined = self.now - timedelta(days=HISTORY_DAYS + 30)
        team_ids = []
        for name in TEAMS:
            team_id = self._ids("team")
            team_ids.append(team_id)
            self._add("team", {"id": team_id, "name": name})

        def user(username: str, display: str, role: str, team_id: int | None) -> int:
            user_id = self._ids("app_user")
            self._add("app_user", {
                "id": user_id, "username": username, "display_name": display, "role": role,
                "team_id": team_id, "active": True, "password_hash": password_hash,
                "created_at": joined, "version": 1,
            })
            return user_id

        user("admin", "Dana Whitfield", Role.ADMIN, None)
        north_lead = user("lead", "Grace Holloway", Role.LEAD, team_ids[0])
        south_lead = user("lead2", "Marcus Bell", Role.LEAD, team_ids[1])
        self.team_of: dict[int, int] = {north_lead: 0, south_lead: 1}
        self.leads = (north_lead, south_lead)
        self.agents: list[int] = []
        for i, (username, display) in enumerate(self._agent_list()):
            agent_id = user(username, display, Role.AGENT, team_ids[i % 2])
            self.agents.append(agent_id)
            self.team_of[agent_id] = i % 2
        self.demo_agent = self.agents[0]
        self.team_members = {t: [u for u, team in self.team_of.items() if team == t]
                             for t in (0, 1)}
        owners = [(a, 1.0) for a in self.agents] + [(lead, 0.25) for lead in self.leads]
        self.pick_owner = _Pick(owners)
        self.summary.teams = len(TEAMS)
        self.summary.users = 3 + len(self.agents)
        self._flush()
        self._time("users", started)

    def _agent_list(self) -> list[tuple[str, str]]:
        named = list(NAMED_AGENTS[: self.n_agents])
        for n in range(len(named) + 1, self.n_agents + 1):
            named.append((f"agent{n:02d}", f"Agent {n:02d}"))
        return named

    # ------------------------------------------------------------ debtors and the rest

    def make_debtors(self, progress: Callable[[str], None] | None) -> None:
        rng = self.rng
        started = clock.perf_counter()
        n = self.n_debtors
        checkin_counts = _spread(rng, self.n_checkins, [
            (0.3 + rng.random() * 1.7) * (3.0 if rng.random() < 0.05 else 1.0) for _ in range(n)])
        followup_counts = _spread(rng, self.n_followups, [0.5 + rng.random() for _ in range(n)])
        # The demo agent's first debtors get a few each, taken from the last debtors.
        donor = n - 1
        for i in range(min(3, n)):
            while followup_counts[i] < 3 and donor > i:
                if followup_counts[donor] > 0:
                    followup_counts[donor] -= 1
                    followup_counts[i] += 1
                else:
                    donor -= 1
        self.plans_made = 0
        self.forced_today = 0
        self.forced_overdue = 0
        self._time("generate", started)
        for first in range(0, n, DEBTORS_PER_CHUNK):
            started = clock.perf_counter()
            for i in range(first, min(n, first + DEBTORS_PER_CHUNK)):
                self._debtor(i, checkin_counts[i], followup_counts[i])
            self._time("generate", started)
            self._flush()
            if progress:
                progress(f"{min(n, first + DEBTORS_PER_CHUNK):,} of {n:,} debtors")

    def _debtor(self, index: int, n_checkins: int, n_followups: int) -> None:
        rng = self.rng
        today = self.today
        debtor_id = self._ids("debtor")
        owner = self.demo_agent if index < 3 else self.pick_owner(rng)
        team_members = self.team_members[self.team_of[owner]]
        tz, phone_format, width = self.pick_region(rng)
        language = self.pick_lang[tz](rng)
        is_business = rng.random() < 0.15
        females, males, surnames = NAME_GROUPS[self.pick_group[language](rng)]
        surname = rng.choice(surnames)
        roll = rng.random()
        if roll < 0.46:
            first, titles = rng.choice(females), TITLES_F
        elif roll < 0.92:
            first, titles = rng.choice(males), TITLES_M
        else:
            first, titles = rng.choice(GENDER_NEUTRAL), ("Mx",)
        style = rng.random()
        if style < 0.45:
            address = f"{rng.choice(titles)} {surname}"
        elif style < 0.85 or first not in NICKNAMES:
            address = first
        else:
            address = NICKNAMES[first]
        if is_business:
            place = rng.choice(PLACES)
            name = rng.choice(BUSINESS_PATTERNS).format(surname=surname, place=place)
            preferred = f"{address} ({rng.choice(BUSINESS_ROLES)})"
            email = f"accounts@{_slug(name)[:30]}.example.com"
            circumstances = rng.choice(CIRCUMSTANCES_BUSINESS)
        else:
            name = f"{first} {surname}"
            preferred = address
            email = f"{_slug(first)}.{_slug(surname)}{debtor_id % 100}@example.org"
            circumstances = rng.choice(CIRCUMSTANCES_PERSON) if rng.random() < 0.7 else ""
        if rng.random() < 0.15:
            email = ""
        phone = phone_format.format(rng.randrange(width)) if rng.random() < 0.95 else ""
        opted_out = self.pick_opt_out(rng)
        blocked = set(opted_out.split(",")) if opted_out else set()
        if not email:
            blocked.add("email")
        if not phone:
            blocked.update(("phone", "sms"))
        # Video is never blocked, so there is always a channel left to use.
        pick_channel = _Pick([(ch, w) for ch, w in CHANNEL_WEIGHTS if ch not in blocked])
        preferred_channel = pick_channel(rng)
        window_start, window_end = self.pick_window(rng)
        vulnerable = rng.random() < 0.08
        # Everyone was on the books before the six months of history begin.
        created_days = rng.randrange(HISTORY_DAYS + 7, 420)
        created_at = self.now - timedelta(days=created_days, minutes=rng.randrange(600))
        self._adjustments(debtor_id, owner, created_at)

        # Accounts, with what happened to each.
        account_ids: list[int] = []
        accounts: list[dict] = []
        contact_hold_from: date | None = None
        plan_ids: list[tuple[int, str]] = []
        n_accounts = self.pick_accounts(rng)
        first_account = self._ids("account", n_accounts)
        for k in range(n_accounts):
            account_id = first_account + k
            account_ids.append(account_id)
            row, hold_from = self._account(account_id, debtor_id, k + 1, owner, created_at,
                                           plan_ids, allow_hold=index >= 3)
            accounts.append(row)
            if hold_from is not None:
                contact_hold_from = min(contact_hold_from or hold_from, hold_from)

        # Check-ins: spread over the weekdays of the six months, stopping at a contact hold.
        span = len(self.days)
        if contact_hold_from is not None:
            span = max(1, bisect_left(self.day_ordinals, contact_hold_from.toordinal()))
        # How they are doing drifts over the six months: a per-debtor level and trend.
        base_mood = rng.uniform(1.3, 3.2) if vulnerable else rng.uniform(2.0, 4.6)
        trend = rng.uniform(-1.2, 1.5) / len(self.days)
        first_checkin = self._ids("checkin", n_checkins)
        last_at = created_at
        conversation_ids: list[tuple[int, datetime]] = []
        picks = sorted(int(rng.random() * span) for _ in range(n_checkins))
        content = self.content
        window_opens = self._window_opens_on(tz, window_start)
        window_seconds = (window_end.hour - window_start.hour) * 3600 + \
            (window_end.minute - window_start.minute) * 60 - 600
        add_checkin = self.rows["checkin"].append
        n_members = len(team_members)
        for j, day_index in enumerate(picks):
            channel = preferred_channel if rng.random() < 0.55 else pick_channel(rng)
            pool = content[channel]
            (direction, outcome, right_party, conversation, life_changes, signposting, needs,
             next_step, notes) = pool[int(rng.random() * len(pool))]
            # Contact happens at a time the debtor said suits them, in their own timezone.
            at = window_opens[day_index] + timedelta(seconds=int(rng.random() * window_seconds))
            wellbeing = None
            if conversation:
                mood = base_mood + trend * day_index + rng.gauss(0.0, 0.5)
                wellbeing = 1 if mood < 1.5 else 5 if mood >= 4.5 else round(mood)
                conversation_ids.append((first_checkin + j, at))
            roll = rng.random()
            add_checkin({
                "id": first_checkin + j, "debtor_id": debtor_id,
                "account_id": None if roll < 0.2 else account_ids[
                    int((roll - 0.2) * 1.25 * n_accounts)],
                "at": at, "channel": channel, "direction": direction, "outcome": outcome,
                "right_party": right_party, "wellbeing": wellbeing,
                "life_changes": life_changes, "signposting": signposting, "needs": needs,
                "next_step": next_step, "notes": notes,
                "agent_id": (owner if rng.random() < 0.9 else
                             team_members[int(rng.random() * n_members)]),
                "rule_override_reason": "", "created_at": at,
            })
            last_at = at
        last_checkin = first_checkin + n_checkins - 1 if n_checkins else None
        for row in accounts:
            row["last_activity_at"] = max(row["last_activity_at"], last_at)

        # Vulnerability: recorded with explicit consent during a conversation.
        if vulnerable:
            self.summary.vulnerable_debtors += 1
            drivers = rng.sample(list(VULNERABILITY_NOTES), 1 if rng.random() < 0.7 else 2)
            for driver in drivers:
                impact, duration, episodes, assistance = rng.choice(VULNERABILITY_NOTES[driver])
                if conversation_ids:
                    checkin_id, consent_at = conversation_ids[0]
                else:
                    checkin_id, consent_at = None, created_at + timedelta(days=2)
                self._add("vulnerability", {
                    "id": self._ids("vulnerability"), "debtor_id": debtor_id,
                    "checkin_id": checkin_id, "driver": driver, "impact": impact,
                    "duration": duration, "episodes": episodes, "assistance": assistance,
                    "consent_at": consent_at, "recorded_by": owner, "active": True,
                })
                self.summary.vulnerabilities += 1

        # Income and expenditure for about a third of debtors.
        if rng.random() < 0.3:
            items_json, income, expenses = rng.choice(self.ie_pool)
            recorded_on = today - timedelta(days=rng.randrange(1, min(150, created_days)))
            self._add("income_expenditure", {
                "id": self._ids("income_expenditure"), "debtor_id": debtor_id,
                "recorded_on": recorded_on, "items_json": items_json, "income_cents": income,
                "expenses_cents": expenses, "recorded_by": owner,
                "created_at": datetime.combine(recorded_on, time(11, 0), UTC),
            })
            self.summary.income_expenditures += 1

        self._followups(debtor_id, owner, account_ids, plan_ids, n_followups, last_checkin,
                        contact_hold_from, vulnerable, preferred_channel)

        self._add("debtor", {
            "id": debtor_id, "kind": "business" if is_business else "person", "name": name,
            "preferred_name": preferred, "email": email, "phone": phone,
            "preferred_channel": preferred_channel, "language": language, "timezone": tz,
            "contact_window_start": window_start, "contact_window_end": window_end,
            "opted_out": opted_out,
            "communication_notes": (rng.choice(COMMUNICATION_NOTES)
                                    if rng.random() < 0.45 else ""),
            "cultural_notes": "", "circumstances": circumstances,
            "needs": rng.choice(DEBTOR_NEEDS) if rng.random() < 0.35 else "",
            "owner_id": owner, "vulnerable": vulnerable, "created_at": created_at,
            "updated_at": max(created_at, last_at), "version": 1,
        })
        self.summary.debtors += 1
        self.summary.checkins += n_checkins
        # The debtor row must precede its children in the insert order; _TABLES puts it first.

    def _adjustments(self, debtor_id: int, owner: int, created_at: datetime) -> None:
        """Now and then, what this person asked us to do differently (their own stream of
        chance, so the rest of the demo stays as it was)."""
        rng = self.adjustment_rng
        if rng.random() >= ADJUSTMENT_SHARE:
            return
        kind, fields, reason = rng.choice(ADJUSTMENT_STORIES)
        consent_at = created_at + timedelta(days=rng.randrange(1, 30))
        review_on = self.today + timedelta(days=rng.randrange(-10, 150))  # a few overdue
        windows = [fields] if kind != "night_shifts" else [
            {"start_day": day, "start_time": time(0, 0), "end_day": day,
             "end_time": time(14, 0)} for day in range(7)]
        kind = "unavailable" if kind == "night_shifts" else kind
        for extra in windows:
            self._add("adjustment", {
                "id": self._ids("adjustment"), "debtor_id": debtor_id, "kind": kind,
                "start_day": None, "start_time": None, "end_day": None, "end_time": None,
                "channels": "", "detail": "", "extra_days": 0, **extra, "reason": reason,
                "consent_at": consent_at, "review_on": review_on, "checkin_id": None,
                "created_by": owner, "created_at": consent_at, "ended_at": None,
                "ended_by": None,
            })
            self.summary.adjustments += 1

    def _balance(self) -> int:
        """An original balance, £50 to £25,000, most of them small."""
        cents = int(self.rng.lognormvariate(11.2, 1.15))  # median about £730
        return min(2_500_000, max(5_000, cents))

    def _account(self, account_id: int, debtor_id: int, k: int, owner: int,
                 created_at: datetime, plan_ids: list[tuple[int, str]], *,
                 allow_hold: bool) -> tuple[dict, date | None]:
        """One account and its history; returns its row and when a contact hold began."""
        rng = self.rng
        today = self.today
        story = self.pick_story(rng)
        while story == "hold" and not allow_hold:
            story = self.pick_story(rng)
        if self.plans_made < len(PLAN_STATUSES):
            # The first plans cover every status, so even a tiny demo shows them all.
            story = PLAN_STATUSES[self.plans_made]
        original = self._balance()
        # Some accounts were already paid down a little before the demo's history starts.
        balance = original - (original * rng.randrange(0, 25) // 100 if rng.random() < 0.3 else 0)
        status = AccountStatus.OPEN
        hold_from = None
        last_activity = created_at
        if story == "hold":
            status = AccountStatus.ON_HOLD
            kind = self.pick_hold(rng)
            if kind == HoldKind.BREATHING_SPACE:
                starts = today - timedelta(days=rng.randrange(1, 56))
                ends = starts + timedelta(days=60)
            else:
                starts = today - timedelta(days=rng.randrange(5, 150))
                ends = None
            if kind != HoldKind.DISPUTE:
                hold_from = starts
            self._add("hold", {
                "id": self._ids("hold"), "account_id": account_id, "kind": kind,
                "reason": rng.choice(HOLD_REASONS[kind]), "starts_on": starts, "ends_on": ends,
                "released_at": None, "created_by": owner,
                "created_at": datetime.combine(starts, time(10, 30), UTC),
            })
            self.summary.holds += 1
        elif story == "paid":
            status = AccountStatus.PAID
            paid_on = today - timedelta(days=rng.randrange(3, 170))
            self._payment(account_id, None, balance, paid_on, owner)
            balance = 0
        elif story != "open":
            balance, status = self._plan(account_id, story, balance, owner, plan_ids)
        if story in ("open", PlanStatus.ACTIVE, PlanStatus.BROKEN, PlanStatus.CANCELLED) \
                and balance > 0 and rng.random() < 0.14:
            balance = self._promise(debtor_id, account_id, balance, owner)
        row = {
            "id": account_id, "debtor_id": debtor_id, "reference": f"RC-{debtor_id:06d}-{k}",
            "creditor": rng.choice(CREDITORS), "original_balance_cents": original,
            "balance_cents": balance, "currency": "GBP", "status": status,
            "opened_on": (created_at - timedelta(days=rng.randrange(30, 900))).date(),
            "last_activity_at": last_activity, "created_at": created_at, "version": 1,
        }
        self._add("account", row)
        self.summary.accounts += 1
        return row, hold_from

    def _payment(self, account_id: int, plan_id: int | None, amount: int, on: date,
                 owner: int) -> None:
        rng = self.rng
        payment_id = self._ids("payment")
        self._add("payment", {
            "id": payment_id, "account_id": account_id, "plan_id": plan_id,
            "amount_cents": amount, "received_on": on, "method": self.pick_method(rng),
            "reference": f"PAY-{payment_id:08d}", "recorded_by": owner,
            "created_at": datetime.combine(on, time(9, 15), UTC),
        })
        self.summary.payments += 1

    def _promise(self, debtor_id: int, account_id: int, balance: int, owner: int) -> int:
        """A promise to pay; kept ones come with their payment. Returns the new balance."""
        rng = self.rng
        today = self.today
        amount = min(balance, max(500, balance * rng.randrange(5, 31) // 100 // 500 * 500))
        roll = rng.random()
        if roll < 0.35:
            status = PromiseStatus.OPEN
            due = today + timedelta(days=rng.randrange(0, 15))
            created = today - timedelta(days=rng.randrange(1, 8))
        else:
            status = PromiseStatus.KEPT if roll < 0.75 else PromiseStatus.BROKEN
            due = today - timedelta(days=rng.randrange(4, 150))
            created = due - timedelta(days=rng.randrange(2, 15))
        resolved = None
        if status != PromiseStatus.OPEN:
            resolved = datetime.combine(due + timedelta(days=1), time(6, 0), UTC)
        if status == PromiseStatus.KEPT:
            self._payment(account_id, None, amount, due - timedelta(days=rng.randrange(0, 3)),
                          owner)
            balance -= amount
        self._add("promise_to_pay", {
            "id": self._ids("promise_to_pay"), "debtor_id": debtor_id, "account_id": account_id,
            "amount_cents": amount, "due_on": due, "status": status, "checkin_id": None,
            "created_by": owner, "created_at": datetime.combine(created, time(14, 0), UTC),
            "resolved_at": resolved,
        })
        self.summary.promises += 1
        return balance

    def _plan(self, account_id: int, status: str, balance: int, owner: int,
              plan_ids: list[tuple[int, str]]) -> tuple[int, str]:
        """A payment plan in `status` with its instalments and payments.

        Returns the account's balance and status afterwards.
        """
        rng = self.rng
        today = self.today
        frequency = self.pick_frequency(rng)
        period = PERIOD_DAYS[frequency]
        most = max(2, min(MAX_COUNT[frequency], balance // 1_000))  # about £10 a time or more
        discount = "0"
        if status == PlanStatus.AWAITING_APPROVAL:
            discount = rng.choice(("15", "20", "25", "30"))  # above an agent's limit
        elif rng.random() < 0.2:
            discount = rng.choice(("5", "7.5", "10", "10", "15", "20"))
        upfront = balance // 10 // 1_000 * 1_000 if rng.random() < 0.1 else 0
        step = 100 if rng.random() < 0.6 else 1  # most agents round to whole pounds

        # Past plans start far enough back for their story; future ones start soon.
        if status in (PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.AWAITING_APPROVAL):
            count = rng.randint(min(3, most), most)
            start = today + timedelta(days=rng.randrange(3, 22))
        elif status == PlanStatus.COMPLETED:
            count = rng.randint(2, max(2, min(most, 150 // period)))
            start = today - timedelta(days=period * count + rng.randrange(10, 40))
        elif status == PlanStatus.ACTIVE:
            back = rng.randrange(5, 160)
            count = max(2, min(most, back // period + 1 + rng.randint(2, 12)))
            start = today - timedelta(days=min(back, period * (count - 2)))
        elif status == PlanStatus.BROKEN:
            count = most
            start = today - timedelta(days=period * rng.randint(3, 8) + 5)
        else:  # cancelled: some before they began, some after a payment or two
            count = rng.randint(min(3, most), most)
            start = today - timedelta(days=rng.randrange(-10, 120))
        schedule, count, step = self._schedule(balance, frequency, start, count, discount,
                                               upfront, step)
        if status == PlanStatus.COMPLETED and schedule.final_due >= today:
            start -= timedelta(days=(schedule.final_due - today).days + rng.randrange(5, 20))
            schedule, count, step = self._schedule(balance, frequency, start, count, discount,
                                                   schedule.upfront_cents, step)

        plan_id = self._ids("payment_plan")
        plan_ids.append((plan_id, status))
        self.plans_made += 1
        if status == PlanStatus.DRAFT:
            created = today - timedelta(days=rng.randrange(0, 5))
        elif status in (PlanStatus.PROPOSED, PlanStatus.AWAITING_APPROVAL):
            created = today - timedelta(days=rng.randrange(1, 10))
        else:
            created = min(start, today) - timedelta(days=rng.randrange(2, 15))
        created_at = min(datetime.combine(created, time(10, 0), LONDON).astimezone(UTC),
                         self.now - timedelta(minutes=30))

        # Walk the instalments: what was paid, partly paid or missed.
        grace_line = today - timedelta(days=GRACE_DAYS)
        overdue = sum(1 for inst in schedule.instalments if inst.due < grace_line)
        paying = status in (PlanStatus.ACTIVE, PlanStatus.COMPLETED, PlanStatus.BROKEN,
                            PlanStatus.CANCELLED)
        # A broken plan misses its last two or more instalments that are past their grace days.
        break_at = overdue - rng.randint(2, max(2, min(4, overdue)))
        paid_before_cancel = rng.randint(0, 2)
        paid_total = 0
        missed = 0
        ended: date | None = None
        last_paid = created
        for pos, inst in enumerate(schedule.instalments):
            paid = 0
            inst_status = InstalmentStatus.DUE
            if paying and inst.due < today and ended is None:
                if status == PlanStatus.COMPLETED:
                    paid = inst.amount_cents
                elif inst.due >= grace_line:  # still inside the grace days
                    if status == PlanStatus.ACTIVE and rng.random() < 0.7:
                        paid = inst.amount_cents
                elif status == PlanStatus.CANCELLED:
                    if pos < paid_before_cancel:
                        paid = inst.amount_cents
                    else:
                        ended = inst.due + timedelta(days=rng.randrange(1, 6))
                elif status == PlanStatus.BROKEN and pos >= break_at:
                    inst_status = InstalmentStatus.MISSED
                    missed += 1
                    if missed == 2:
                        ended = inst.due + timedelta(days=GRACE_DAYS + 1)
                else:
                    roll = rng.random()
                    if status == PlanStatus.ACTIVE and missed == 0 and roll < 0.06:
                        inst_status = InstalmentStatus.MISSED
                        missed += 1
                    elif roll < 0.12:
                        paid = inst.amount_cents * rng.randrange(30, 80) // 100
                        inst_status = InstalmentStatus.PART_PAID
                    else:
                        paid = inst.amount_cents
                if paid == inst.amount_cents:
                    inst_status = InstalmentStatus.PAID
                if paid:
                    received = min(today - timedelta(days=1),
                                   inst.due + timedelta(days=rng.choice((-1, 0, 0, 0, 1, 2))))
                    self._payment(account_id, plan_id, paid, received, owner)
                    paid_total += paid
                    last_paid = inst.due
            self._add("plan_instalment", {
                "id": self._ids("plan_instalment"), "plan_id": plan_id, "seq": inst.seq,
                "due_on": inst.due, "amount_cents": inst.amount_cents,
                "interest_cents": inst.interest_cents, "paid_cents": paid,
                "status": inst_status,
            })
            self.summary.instalments += 1

        activated_at = None
        if status in (PlanStatus.ACTIVE, PlanStatus.COMPLETED, PlanStatus.BROKEN):
            activated_at = min(created_at + timedelta(hours=rng.randrange(1, 48)), self.now)
        if status == PlanStatus.COMPLETED:
            ended = schedule.final_due + timedelta(days=1)
        elif status == PlanStatus.CANCELLED and ended is None:
            ended = max(created, last_paid) + timedelta(days=1)
        ended_at = None
        if ended is not None:
            ended_at = min(datetime.combine(ended, time(7, 0), UTC), self.now)
        approved_by = None
        approval_note = ""
        if float(discount) > 10 and status in (PlanStatus.ACTIVE, PlanStatus.COMPLETED,
                                               PlanStatus.BROKEN):
            approved_by = self.leads[self.team_of[owner]]
            approval_note = rng.choice(APPROVAL_NOTES)
        self._add("payment_plan", {
            "id": plan_id, "account_id": account_id, "frequency": frequency, "start_on": start,
            "instalment_cents": None, "count": count, "discount_pct": discount,
            "upfront_cents": schedule.upfront_cents, "annual_rate_pct": "0",
            "step_cents": step, "status": status, "payable_cents": schedule.payable_cents,
            "forgiven_cents": schedule.forgiven_cents, "interest_cents": schedule.interest_cents,
            "balance_at_start_cents": balance, "created_by": owner, "approved_by": approved_by,
            "approval_note": approval_note, "created_at": created_at,
            "activated_at": activated_at, "ended_at": ended_at, "version": 1,
        })
        self.summary.plans += 1

        if status == PlanStatus.COMPLETED:
            return 0, AccountStatus.PAID  # the settlement discount is written off at the end
        if status == PlanStatus.ACTIVE:
            return balance - paid_total, AccountStatus.ARRANGEMENT
        return balance - paid_total, AccountStatus.OPEN

    @staticmethod
    def _schedule(balance: int, frequency: str, start: date, count: int, discount: str,
                  upfront: int, step: int) -> tuple[Schedule, int, int]:
        """Build a schedule, falling back to simpler terms when the first ones don't fit."""
        for n, round_to, money_up_front in ((count, step, upfront), (count, 1, 0), (2, 1, 0)):
            try:
                schedule = build_schedule(balance, frequency=frequency, start=start, count=n,
                                          discount_pct=discount, upfront_cents=money_up_front,
                                          step_cents=round_to)
            except PlanError:
                continue
            return schedule, n, round_to
        raise DemoError(f"No plan fits a balance of {balance} pence.")

    def _followups(self, debtor_id: int, owner: int, account_ids: list[int],
                   plan_ids: list[tuple[int, str]], n: int, last_checkin: int | None,
                   contact_hold_from: date | None, vulnerable: bool, channel: str) -> None:
        rng = self.rng
        today = self.today
        live_plans = [p for p, s in plan_ids if s in (PlanStatus.ACTIVE, PlanStatus.BROKEN)]
        for _ in range(n):
            reason = self.pick_reason(rng)
            plan_id = None
            if reason in ("review_plan", "missed_instalment"):
                if live_plans:
                    plan_id = live_plans[0]
                else:
                    reason = "call_back"
            note = rng.choice(FOLLOWUP_NOTES[reason])
            roll = rng.random()
            status = (FollowUpStatus.OPEN if roll < 0.72 else
                      FollowUpStatus.DONE if roll < 0.97 else FollowUpStatus.CANCELLED)
            # The demo agent always starts the day with some due today and some overdue.
            forced = None
            if owner == self.demo_agent and contact_hold_from is None:
                if self.forced_today < 4:
                    forced = 0
                    self.forced_today += 1
                elif self.forced_overdue < 4:
                    forced = (-1, -2, -5, -9)[self.forced_overdue]
                    self.forced_overdue += 1
                if forced is not None:
                    status = FollowUpStatus.OPEN
            if contact_hold_from is not None and status == FollowUpStatus.OPEN:
                status = FollowUpStatus.CANCELLED
                note = "Cancelled: contact is paused by a hold on the account."
            done_at = None
            if status == FollowUpStatus.OPEN:
                if forced is not None:
                    offset = forced
                else:
                    bucket = rng.random()
                    if bucket < 0.35:  # overdue, mostly by a few days
                        offset = -1 - int(rng.random() ** 2 * 21)
                    elif bucket < 0.48:
                        offset = 0
                    else:
                        offset = 1 + int(rng.random() * 21)
                due = today + timedelta(days=offset)
                if offset < 0:
                    due = max(today - timedelta(days=21), _weekday_on_or_before(due))
                elif offset > 0:
                    due = _weekday_on_or_after(due)
                    if due > today + timedelta(days=21):
                        due = _weekday_on_or_before(today + timedelta(days=21))
                created = min(due, today) - timedelta(days=rng.randrange(1, 15))
            else:
                due = _weekday_on_or_before(today - timedelta(days=rng.randrange(1, 170)))
                created = due - timedelta(days=rng.randrange(1, 15))
                if status == FollowUpStatus.DONE:
                    done_on = due + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
                    done_at = min(self.now, datetime.combine(
                        done_on, time(9 + rng.randrange(8), rng.randrange(60)), LONDON
                    ).astimezone(UTC))
            urgent = 0.5 if vulnerable or reason == "missed_instalment" else 0.15
            roll = rng.random()
            priority = 1 if roll < urgent else 3 if roll > 0.8 else 2
            self._add("followup", {
                "id": self._ids("followup"), "debtor_id": debtor_id,
                "account_id": account_ids[0] if rng.random() < 0.6 else None,
                "owner_id": owner, "due_on": due, "channel": channel, "reason": reason,
                "priority": priority, "note": note, "status": status,
                "snooze_count": 1 if rng.random() < 0.12 else 0, "plan_id": plan_id,
                "checkin_id": last_checkin, "created_by": owner,
                "created_at": datetime.combine(created, time(16, 0), UTC),
                "done_at": done_at, "version": 1,
            })
            self.summary.followups += 1
            if status == FollowUpStatus.OPEN:
                self.summary.open_followups += 1


# ---------------------------------------------------------------- public API


def _drop_indexes(conn: Connection, tables: list[str]) -> list[str]:
    """Drop the plain (non-constraint) indexes of `tables`; return the SQL to recreate them."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN :tables ORDER BY name"
        ).bindparams(bindparam("tables", tables, expanding=True))).all()
    else:
        rows = conn.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN :tables AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint) ORDER BY indexname"
        ).bindparams(bindparam("tables", tables, expanding=True))).all()
    preparer = conn.dialect.identifier_preparer
    for name, _ in rows:
        conn.exec_driver_sql(f"DROP INDEX {preparer.quote(name)}")
    return [definition for _, definition in rows]


def london_today() -> date:
    """Today's date in Europe/London."""
    return datetime.now(LONDON).date()


def has_users(engine: Engine) -> bool:
    """True when the database has at least one user."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(User.__table__)).scalar_one() > 0


def load_demo(engine: Engine, *, debtors: int = 400, checkins: int | None = None,
              followups: int | None = None, agents: int = 8, seed: int = 2026,
              today: date | None = None,
              progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Migrate, then load a deterministic demo team with six months of history."""
    if debtors < 1:
        raise UserError("Load at least one debtor.")
    if agents < 1:
        raise UserError("Load at least one agent.")
    checkins = debtors * CHECKINS_PER_DEBTOR if checkins is None else checkins
    followups = debtors * FOLLOWUPS_PER_DEBTOR if followups is None else followups
    if checkins < 0 or followups < 0:
        raise UserError("The numbers of check-ins and follow-ups can't be negative.")
    today = today or london_today()
    started = clock.perf_counter()
    db.migrate(engine)
    seconds = {"migrate": clock.perf_counter() - started}
    with engine.execution_options(write=True).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A bigger page cache keeps the check-in indexes in memory while they grow.
            conn.exec_driver_sql(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
        try:
            loader = _Loader(conn, seed=seed, today=today, debtors=debtors, checkins=checkins,
                             followups=followups, agents=agents)
            loader.make_users()
            phase = clock.perf_counter()
            indexes = _drop_indexes(conn, list(_Loader.BULK_TABLES))
            loader._time("drop indexes", phase)
            loader.make_debtors(progress)
            phase = clock.perf_counter()
            for definition in indexes:
                conn.exec_driver_sql(definition)
            loader._time("create indexes", phase)
            phase = clock.perf_counter()
            session = Session(bind=conn)
            settings.set_system(session, "demo_data", "true")
            session.add(AuditEvent(action="demo.load", entity="demo", entity_id=None,
                                   after_json=json.dumps(loader.summary.counts(),
                                                         sort_keys=True)))
            session.flush()
            session.close()
            # The rows carry the ids chosen here: move PostgreSQL's sequences past them, or the
            # first check-in, payment or plan saved afterwards would collide with a demo row.
            db.reset_sequences(conn)
            conn.commit()
            loader._time("commit", phase)
            # Fresh statistics let the planner use the new indexes from the first page view.
            phase = clock.perf_counter()
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
            loader._time("analyze", phase)
        finally:
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql("PRAGMA cache_size=-2000")
                conn.commit()
    swept = daily.run(engine, today=today).counts  # the demo leaves a swept database
    summary = loader.summary
    summary.followups += swept.get("followups", 0)
    summary.open_followups += swept.get("followups", 0)
    summary.seconds = {**seconds, **loader.seconds, "total": clock.perf_counter() - started}
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: load the demo, or with --if-empty only into a database with no users."""
    parser = argparse.ArgumentParser(prog="python -m core.demo", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--debtors", type=int, default=400, help="how many debtors (400)")
    parser.add_argument("--checkins", type=int, default=None,
                        help=f"how many check-ins (default {CHECKINS_PER_DEBTOR} per debtor)")
    parser.add_argument("--followups", type=int, default=None,
                        help=f"how many follow-ups (default {FOLLOWUPS_PER_DEBTOR} per debtor)")
    parser.add_argument("--agents", type=int, default=8, help="how many agents (8)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    parser.add_argument("--database-url", default=None,
                        help="database URL (default: DATABASE_URL or data/recovery.db)")
    parser.add_argument("--if-empty", action="store_true",
                        help="load only when the database has no users yet")
    args = parser.parse_args(argv)
    if args.debtors < 1 or args.agents < 1:
        parser.error("--debtors and --agents must be at least 1")
    if min(args.checkins or 0, args.followups or 0) < 0:
        parser.error("--checkins and --followups can't be negative")
    engine = None
    try:
        url = normalise_url(args.database_url) if args.database_url else None
        engine = db.make_engine(url)
        where = engine.url.render_as_string(hide_password=True)
        db.migrate(engine)
        if args.if_empty and has_users(engine):
            say(f"The database at {where} already has users; demo data not loaded.")
            return 0
        say(f"Loading demo data into {where} …")
        summary = load_demo(engine, debtors=args.debtors, checkins=args.checkins,
                            followups=args.followups, agents=args.agents, seed=args.seed,
                            progress=_progress if args.debtors >= 20_000 else None)
    except ConfigError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    except DemoError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    finally:
        if engine is not None:
            engine.dispose()
    say(f"Loaded {summary.describe()} in {summary.seconds['total']:.1f} s.")
    say(f"Sign in as admin, lead or agent with the password '{PASSWORD}'.")
    return 0



def _progress(message: str) -> None:
    say(f"  {message}")


if __name__ == "__main__":
    raise SystemExit(main())
