"""Small pieces every domain shares: the error a person can fix, and codes
that are read aloud and typed on a phone."""

from __future__ import annotations

import secrets
import unicodedata

# No 0/O and no 1/I/L: nothing to confuse when read aloud or typed.
READABLE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class DomainError(Exception):
    """Something the person can fix. ``code`` picks the translated message
    in the web layer; ``details`` fill it in."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def readable_code(length: int) -> str:
    return "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))


def normalise_code(raw: str | None) -> str:
    """A code as a person typed it, as stored: any case, with or without
    spaces and hyphens, full-width letters from a Chinese keyboard included."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def format_code(code: str) -> str:
    """``K7QF3MXP`` as it is printed and read aloud: ``K7QF-3MXP``."""
    half = (len(code) + 1) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) > 4 else code
