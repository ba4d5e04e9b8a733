"""Ed25519 signatures that let anyone check a certificate offline.

A signed payload is one compact ASCII string, short enough for a QR code::

    AC1.<base64url of the canonical JSON of the fields>.<base64url of the signature>

The JSON uses one- or two-letter keys (see ``_SHORT_KEYS``), sorted, with no
spaces, in UTF-8 (names in any script stay readable and short). The signature
covers ``AC1.<json part>``, so the version prefix cannot be swapped either.
Anyone with the public key (``ed25519:<base64url of the 32 raw bytes>``) can
check it; the private key stays in the data folder.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

KEY_FILE_NAME = "certificate-signing-key.pem"
PAYLOAD_PREFIX = "AC1"
PUBLIC_KEY_PREFIX = "ed25519:"

#: Field name -> key in the JSON. Every field is a string except
#: ``completed_on``, a :class:`datetime.date` (an ISO string in the JSON).
_SHORT_KEYS = {
    "verification_code": "c",
    "certificate_id": "i",
    "learner_name": "n",
    "course_id": "k",
    "course_title": "t",
    "content_version": "v",
    "completed_on": "d",
    "language": "l",
    "organisation_name": "o",
    "cohort_name": "h",
    "course_titles": "p",  # a learning path's courses, a list of titles
}
_LONG_KEYS = {short: name for name, short in _SHORT_KEYS.items()}
OPTIONAL_FIELDS = frozenset({"cohort_name", "course_titles"})
LIST_FIELDS = frozenset({"course_titles"})
FIELDS = tuple(_SHORT_KEYS)
REQUIRED_FIELDS = frozenset(FIELDS) - OPTIONAL_FIELDS

# The payload as it appears in a QR code, a PDF's text or its metadata. An
# Ed25519 signature is 64 bytes: 86 base64url characters.
PAYLOAD_PATTERN = re.compile(
    rf"{PAYLOAD_PREFIX}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{{86}}(?![A-Za-z0-9_-])")


class PayloadInvalid(Exception):
    """A signed payload that is malformed or does not verify.

    ``reason`` says which, in a few words, for a message or a log.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# -- keys ------------------------------------------------------------------

def load_or_create_signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """Load the signing key from ``data_dir``, creating it on first call.

    The key is written as unencrypted PKCS#8 PEM with mode 0600, atomically:
    a reader never sees half a file, and when two processes start at once
    both end up with the key that was written first.
    """
    data_dir = Path(data_dir)
    key_path = data_dir / KEY_FILE_NAME
    if key_path.exists():
        return _load_private_key(key_path)

    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder: owner only
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    # mkstemp creates the file with mode 0600.
    descriptor, temporary = tempfile.mkstemp(dir=data_dir, prefix=".signing-key-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        try:
            # link() fails if the key appeared meanwhile: keep that one.
            os.link(temporary, key_path)
        except FileExistsError:
            return _load_private_key(key_path)
        except OSError:
            # A file system without hard links: rename, which is atomic too
            # but would replace a key written in the same instant.
            os.replace(temporary, key_path)
            return key
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return key


def _load_private_key(key_path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{key_path} does not hold an Ed25519 private key")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as short text: ``ed25519:`` + base64url of its 32 bytes."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    raw = key.public_bytes(encoding=serialization.Encoding.Raw,
                           format=serialization.PublicFormat.Raw)
    return PUBLIC_KEY_PREFIX + _b64encode(raw)


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """Read a public key written by :func:`public_key_text`.

    Raises ``ValueError`` when the text is not such a key.
    """
    text = text.strip()
    if not text.startswith(PUBLIC_KEY_PREFIX):
        raise ValueError(f"a public key starts with {PUBLIC_KEY_PREFIX!r}")
    try:
        raw = _b64decode(text[len(PUBLIC_KEY_PREFIX):])
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as error:
        raise ValueError("not an Ed25519 public key") from error


# -- payloads --------------------------------------------------------------

def sign_payload(fields: dict[str, Any], private_key: Ed25519PrivateKey) -> str:
    """Sign a certificate's fields into one compact string.

    ``fields`` has every name of :data:`FIELDS`; ``cohort_name`` and
    ``course_titles`` (a path certificate's list of course titles) may be
    missing or ``None``. Raises ``ValueError`` on a missing, unknown or
    mistyped field: a certificate should never be signed with a hole in it.
    """
    body = _canonical_json(fields)
    signed_part = f"{PAYLOAD_PREFIX}.{_b64encode(body)}"
    signature = private_key.sign(signed_part.encode("ascii"))
    return f"{signed_part}.{_b64encode(signature)}"


def verify_payload(payload: str,
                   public_key: Ed25519PublicKey | str) -> dict[str, Any]:
    """Check a payload's signature and return its fields.

    The fields come back as given to :func:`sign_payload` (``completed_on``
    a :class:`datetime.date`, ``cohort_name`` ``None`` when there was none).
    Raises :class:`PayloadInvalid` when the payload is malformed or its
    signature does not match ``public_key`` (an object or its text form).
    """
    if isinstance(public_key, str):
        public_key = public_key_from_text(public_key)
    if not isinstance(payload, str):
        raise PayloadInvalid("malformed: not text")
    parts = payload.strip().split(".")
    if len(parts) != 3:
        raise PayloadInvalid("malformed: expected three parts separated by dots")
    prefix, body_part, signature_part = parts
    if prefix != PAYLOAD_PREFIX:
        raise PayloadInvalid(f"malformed: unknown format {prefix[:10]!r}")
    try:
        signature = _b64decode(signature_part)
        body = _b64decode(body_part)
    except (binascii.Error, ValueError):
        raise PayloadInvalid("malformed: not base64url") from None
    try:
        public_key.verify(signature, f"{prefix}.{body_part}".encode("ascii"))
    except (InvalidSignature, UnicodeEncodeError):
        raise PayloadInvalid("bad signature: the payload was altered or "
                             "signed with another key") from None
    return _fields_from_json(body)


def _canonical_json(fields: dict[str, Any]) -> bytes:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown certificate fields: {sorted(unknown)}")
    missing = {name for name in REQUIRED_FIELDS if fields.get(name) in (None, "")}
    if missing:
        raise ValueError(f"missing certificate fields: {sorted(missing)}")
    data = {}
    for name, value in fields.items():
        if value is None:  # only an optional field can be None here
            continue
        if name == "completed_on":
            if not isinstance(value, date):
                raise ValueError("completed_on must be a datetime.date")
            value = value.isoformat()[:10]
        elif name in LIST_FIELDS:
            if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
                raise ValueError(f"{name} must be a list of strings")
            value = list(value)
        elif not isinstance(value, str):
            raise ValueError(f"{name} must be a string, not {type(value).__name__}")
        data[_SHORT_KEYS[name]] = value
    return json.dumps(data, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _fields_from_json(body: bytes) -> dict[str, Any]:
    # A payload that verifies was made by sign_payload, so these checks only
    # fail for a payload signed by another program with our key.
    try:
        data = json.loads(body.decode("utf-8"))
        fields = {_LONG_KEYS[short]: value for short, value in data.items()}
        fields["completed_on"] = date.fromisoformat(fields["completed_on"])
    except (UnicodeDecodeError, ValueError, KeyError, AttributeError, TypeError):
        raise PayloadInvalid("malformed: signed data is not certificate fields") from None
    if not REQUIRED_FIELDS <= fields.keys():
        raise PayloadInvalid("malformed: signed data lacks certificate fields")
    fields.setdefault("cohort_name", None)  # course_titles only on a path certificate
    return fields


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
