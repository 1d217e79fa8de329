"""Passwords: argon2id hashes and the rule for a new password (NIST SP 800-63B).

A new password is at least 12 characters and not on the list of common passwords shipped
with the app (data/common-passwords.txt); there are no composition rules.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import UserError
from core.store.config import ROOT

# OWASP's argon2id setting (19 MiB, 2 passes, 1 lane): about 30 ms a check on one core, so
# twenty people signing in at once on a two-core server are all in within a second or two.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A hash to check against when the username is unknown, so both cases take the same time.
DUMMY_HASH = _hasher.hash("not a real password")

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_LIST = ROOT / "data" / "common-passwords.txt"
TOO_SHORT = f"A password needs at least {MIN_LENGTH} characters (a short sentence works well)."
TOO_COMMON = "That password is too common; choose a less common password."


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash` (False for a broken hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older settings than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_new_password(password: str) -> None:
    """Refuse a new password that is too short, too long or too common."""
    if len(password or "") < MIN_LENGTH:
        raise UserError(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        raise UserError(f"The password is too long ({MAX_LENGTH} characters at most).")
    folded = password.strip().lower()
    if folded in common_passwords() or len(set(folded)) <= 2:
        raise UserError(TOO_COMMON)
