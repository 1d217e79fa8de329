"""The demo's words: names, places, notes and the weights they are drawn with (data only).

Every value a service checks comes from core.vocabulary (channels, payment methods, plan
statuses, hold kinds), so the demo writes only what the app itself would accept.
"""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from core.store import settings
from core.vocabulary import Channel, FollowUpReason, HoldKind, PaymentMethod, PlanStatus

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

CHANNEL_WEIGHTS = ((Channel.PHONE, 40), (Channel.SMS, 20), (Channel.EMAIL, 25),
                   (Channel.LETTER, 8), (Channel.VIDEO, 7))
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
    (FollowUpReason.CALL_BACK, 35), (FollowUpReason.REVIEW_PLAN, 15),
    (FollowUpReason.MISSED_INSTALMENT, 15), (FollowUpReason.PROMISE_CHECK, 15),
    (FollowUpReason.CHECK_IN, 20),
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
# How demo payments arrive: only methods the payment service accepts (core.vocabulary).
PAYMENT_METHODS = ((PaymentMethod.BANK_TRANSFER, 40), (PaymentMethod.CARD, 25),
                   (PaymentMethod.DIRECT_DEBIT, 10), (PaymentMethod.STANDING_ORDER, 20),
                   (PaymentMethod.CASH, 5))

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
