"""The shelf's rules, pure: how a resource can be reached, when it is due for review, and the
plain paragraph an agent shares."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from core.errors import UserError

REVIEW_DAYS = 365  # a resource is checked again a year after its last review
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]*$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def check_link(link: str) -> str:
    """A web address that starts with http:// or https:// and names a site ("" stays "")."""
    link = (link or "").strip()
    if not link:
        return ""
    if any(ch.isspace() for ch in link):
        raise UserError("The web address has a space in it; please check it.")
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https"):
        raise UserError("The web address must start with https:// (or http://), for example "
                        "https://www.stepchange.org.")
    host = (parts.hostname or "").lower()
    if not _HOST.match(host):
        raise UserError("The web address doesn't name a site, for example "
                        "https://www.stepchange.org.")
    return link


def check_phone(phone: str) -> str:
    """A phone number: digits, spaces, brackets and dashes, an optional leading + ("" stays "")."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.match(phone) or not 3 <= digits <= 15:
        raise UserError("The phone number should be digits only (spaces are fine), for example "
                        "0800 138 1111.")
    return phone


def check_reach(link: str, phone: str) -> tuple[str, str]:
    """(link, phone) checked; at least one is needed, or nobody can reach them."""
    link, phone = check_link(link), check_phone(phone)
    if not link and not phone:
        raise UserError("Say how to reach them: a web address or a phone number.")
    return link, phone


def review_due_on(reviewed_on: date) -> date:
    """The day after which a resource is out of date and no longer offered."""
    return reviewed_on + timedelta(days=REVIEW_DAYS)


def out_of_date(reviewed_on: date, today: date) -> bool:
    """True when the resource's review is past due."""
    return today > review_due_on(reviewed_on)


def paragraph(*, summary: str, phone: str, link: str) -> str:
    """The plain paragraph added to a message: what they do, then how to reach them."""
    text = summary.strip()
    if text and not text.endswith((".", "!", "?")):
        text += "."
    if phone and link:
        reach = f"Call them on {phone}, or visit {link}"
    elif phone:
        reach = f"Call them on {phone}"
    else:
        reach = f"Visit {link}"
    return f"{text} {reach}.".strip()
