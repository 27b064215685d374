"""Passwords: the policy for new ones, argon2id hashes, and checking a login.

A login costs one hash verification whether or not the account exists, so the answer and its
time say nothing about which usernames are real.
"""

from __future__ import annotations

import functools
import logging
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from data import users

logger = logging.getLogger(__name__)

MIN_LENGTH = 8
# Far above any passphrase; keeps a login from making the server hash megabytes.
MAX_LENGTH = 256

# The demo household's login, shown on the login page in demo mode (Settings.demo_mode).
DEMO_USERNAME = DEMO_PASSWORD = "demo"

# argon2id with argon2-cffi's defaults (RFC 9106, low-memory profile). When a later release
# raises them, logins re-hash the stored passwords (check_needs_rehash).
hasher = PasswordHasher()


class PasswordPolicyError(ValueError):
    """A new password is refused; str(error) is the message for the person choosing it."""


def check_new_password(password: str) -> str:
    """The password if it may be set, else PasswordPolicyError saying why."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(f"Use at most {MAX_LENGTH} characters.")
    return password


def hash_password(password: str) -> str:
    """The argon2id hash of a password, without the policy (the demo's 'demo' is too short)."""
    return hasher.hash(password)


def set_password(engine: Engine, user_id: int, password: str) -> None:
    """Check, hash and store a new password; every session of the user ends."""
    users.set_password_hash(engine, user_id, hash_password(check_new_password(password)))


def set_demo_password(engine: Engine, user_id: int) -> None:
    """The demo's well-known password: below the policy on purpose, and only in demo mode."""
    users.set_password_hash(engine, user_id, hash_password(DEMO_PASSWORD))


def authenticate(engine: Engine, username: str, password: str) -> int | None:
    """The user's id if the password is theirs, else None: unknown user, no password set yet
    and wrong password alike, each after exactly one hash verification."""
    credentials = users.credentials_for_login(engine, username)
    password_hash = credentials.password_hash if credentials is not None else None
    if credentials is None or password_hash is None or len(password) > MAX_LENGTH:
        _verify(_dummy_hash(), password[:MAX_LENGTH])
        return None
    if not _verify(password_hash, password):
        return None
    if hasher.check_needs_rehash(password_hash):
        users.upgrade_password_hash(engine, credentials.id, password_hash, hash_password(password))
    return credentials.id


@functools.lru_cache(maxsize=8)
def is_demo_password_hash(password_hash: str) -> bool:
    """Whether a stored hash is that of the demo's public password. Remembered by the hash
    itself, which is exact (a changed password is a new, freshly salted hash) and costs one
    verification per change instead of one per anonymous page load."""
    return _verify(password_hash, DEMO_PASSWORD)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except InvalidHashError:
        logger.error("a stored password hash is not an argon2 hash; that login is refused")
        return False
    except VerificationError:
        return False


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random secret with the current parameters: verifying against it costs what a
    real verification costs, and nothing can ever match it."""
    return hasher.hash(secrets.token_urlsafe(32))
