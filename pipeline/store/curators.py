"""Named curators with passwords, kept in the store: once one is added, the review app asks for a login and
every decision is signed by the curator who logged in. Passwords are stored as salted scrypt hashes (table
`curators` of the store's schema)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time

MIN_PASSWORD = 8


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1)


def add_curator(connection: sqlite3.Connection, name: str, password: str) -> None:
    """Adds a curator, or sets a new password for one (`ValueError` for an empty name or a short password)."""
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise ValueError("a curator's name must be 1 to 80 characters")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password must have at least {MIN_PASSWORD} characters")
    salt = secrets.token_bytes(16)
    with connection:
        connection.execute("INSERT OR REPLACE INTO curators VALUES (?,?,?,?)", (name, salt, _hash(password, salt),
                                                                                 time.time()))


def curator_names(connection: sqlite3.Connection) -> list[str]:
    """The named curators (none: the app signs decisions with the name each curator types)."""
    return [row[0] for row in connection.execute("SELECT name FROM curators ORDER BY name")]


def check_password(connection: sqlite3.Connection, name: str, password: str) -> bool:
    """Whether `password` is the one of curator `name`."""
    row = connection.execute("SELECT salt, password_hash FROM curators WHERE name=?", (" ".join(name.split()),)).fetchone()
    return row is not None and hmac.compare_digest(_hash(password, row[0]), row[1])
