"""A box's identity: its Ed25519 key (the one that signs its certificates,
from academy/certificates/signing.py, made on first start) and the
fingerprint of that key, which is the box's id. A hub registers a box by
this fingerprint; the hub signs its acknowledgements with its own key.

One key per box for certificates and bundles: a hub that knows a box
verifies both with it. Signatures cannot be mixed up: a certificate's
signature covers text that starts with ``AC1.``, a bundle's and an
acknowledgement's a line naming their format (``SIGNING_CONTEXTS``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..certificates.signing import load_or_create_signing_key, public_key_from_text, public_key_text

BUNDLE_CONTEXT = b"academy-sync-bundle-1\n"
ACK_CONTEXT = b"academy-sync-ack-1\n"
SIGNING_CONTEXTS = (BUNDLE_CONTEXT, ACK_CONTEXT)


def box_key(data_dir: Path) -> Ed25519PrivateKey:
    return load_or_create_signing_key(Path(data_dir))


def fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey | str) -> str:
    """32 hex digits of the SHA-256 of the raw public key: the box's id."""
    if isinstance(key, str):
        key = public_key_from_text(key)
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    raw = key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def normalise_fingerprint(text: str) -> str:
    """As an admin types it: any case, with spaces, colons or hyphens."""
    return "".join(ch for ch in (text or "").lower() if ch in "0123456789abcdef")


def display_fingerprint(value: str) -> str:
    """``3f2a91c0...`` as ``3F2A-91C0-...``: easy to read out and compare."""
    value = normalise_fingerprint(value).upper()
    return "-".join(value[i:i + 4] for i in range(0, len(value), 4))


def sign(context: bytes, data: bytes, key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.sign(context + data)).decode("ascii")


def verify(context: bytes, data: bytes, signature: str, public_key: str) -> bool:
    try:
        public_key_from_text(public_key).verify(base64.b64decode(signature, validate=True), context + data)
    except (InvalidSignature, ValueError, binascii.Error, TypeError):
        return False
    return True


__all__ = ["box_key", "fingerprint", "display_fingerprint", "normalise_fingerprint", "sign", "verify",
           "public_key_text", "BUNDLE_CONTEXT", "ACK_CONTEXT"]
