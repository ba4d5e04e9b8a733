"""Certificates across boxes: what the hub's /verify says of a certificate
any registered box issued.

With the signed code (the QR code's ``?p=``), the hub tries every
registered box's key:

- *recorded*: the signature is a box's and the hub holds the certificate;
- *revoked*: the hub holds it and knows it was revoked;
- *not synced*: the signature is a box's, but the certificate has not
  reached the hub yet (the box has not sent it: the signature alone vouches
  for it, revocation cannot be known);
- *unknown key*: no registered box signed it.

With only the typed code, the hub looks the code up among the certificates
it holds (a code is unique on one box; two boxes may, rarely, issue the
same one: all are shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..certificates.signing import PayloadInvalid, verify_payload
from ..domain import normalise_code
from ..extensions import db
from .collect import name_digest
from .models import HubBox, HubCertificate, HubRevocation


@dataclass
class Found:
    certificate: HubCertificate
    box: HubBox | None
    revocation: HubRevocation | None

    @property
    def status(self) -> str:
        return "revoked" if self.revocation is not None else "recorded"


@dataclass
class Verification:
    status: str  # recorded, revoked, not-synced, unknown-key, invalid, not-found
    found: list[Found] = field(default_factory=list)
    fields: dict | None = None  # from the signed code
    box: HubBox | None = None  # whose key signed it
    name_matches: bool | None = None  # the name in the signed code against the hub's record


def _found(certificate: HubCertificate) -> Found:
    return Found(certificate, db.session.get(HubBox, certificate.box_id),
                 db.session.get(HubRevocation, certificate.id))


def verify_on_hub(code: str | None, payload: str | None = None) -> Verification:
    if payload:
        keyed = db.session.scalars(select(HubBox).where(HubBox.public_key.is_not(None))).all()
        malformed = True
        for box in keyed:
            try:
                fields = verify_payload(payload, box.public_key)
            except PayloadInvalid as exc:
                malformed = malformed and exc.reason.startswith("malformed")
                continue
            except ValueError:
                continue
            certificate = db.session.get(HubCertificate, fields["certificate_id"])
            if certificate is None:
                return Verification("not-synced", fields=fields, box=box)
            found = _found(certificate)
            digest = name_digest(certificate.id, fields["learner_name"])
            return Verification(found.status, [found], fields, box, name_matches=digest == certificate.name_digest)
        return Verification("invalid" if malformed and keyed else "unknown-key")
    wanted = normalise_code(code)
    found = [_found(c) for c in db.session.scalars(select(HubCertificate).filter_by(code=wanted))] if wanted else []
    if not found:
        return Verification("not-found")
    return Verification("revoked" if all(f.revocation for f in found) else "recorded", found)
