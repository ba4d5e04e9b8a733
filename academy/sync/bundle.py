"""The bundle: one file a box writes and a hub reads.

A ZIP archive (stored, not compressed again) of

- ``events.ndjson.gz``: the events since the hub's last acknowledgement,
  one JSON object a line, in sequence order;
- ``state.ndjson.gz``: the box's organisations, cohorts and learners as
  they are now, at the privacy level the admin chose;
- ``manifest.json``: the box's id and public key, the bundle's number, the
  privacy level, the first and last sequence number, and for each file its
  SHA-256 and its number of lines;
- ``manifest.sig``: the box's Ed25519 signature of ``manifest.json``.

The hub checks the signature with the key it registered for the box, then
the hashes and counts: a truncated or altered bundle is refused whole.

Privacy levels (``PRIVACY_LEVELS``):

- ``aggregates``: no learner leaves the box. The state has no learners and
  the bundle no learner events; sessions go with their attendance counted,
  certificates without a learner. The hub can verify the box's
  certificates and count its sessions, organisations and cohorts, not its
  learners (docs/sync.md).
- ``pseudonymised`` (default): learners by their random key, with their
  organisation, cohorts, gender, job role and age band; no name.
- ``full``: the same, with each learner's name and username, and the name
  on each certificate.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..auth.models import User
from ..certificates.models import Certificate
from ..cohorts.models import Cohort, CohortMember
from ..domain import DomainError
from ..extensions import db
from ..programmes.models import LearnerProfile, Organisation
from ..settings import get_setting, set_setting
from ..timeutil import utcnow
from .collect import collect_events, iso
from .identity import BUNDLE_CONTEXT, fingerprint, public_key_text, sign, verify
from .models import OutboxEvent, SyncLearner

FORMAT = "academy-sync-bundle-1"
PRIVACY_LEVELS = ("aggregates", "pseudonymised", "full")
DEFAULT_PRIVACY = "pseudonymised"
EVENTS, STATE, MANIFEST, SIGNATURE = "events.ndjson.gz", "state.ndjson.gz", "manifest.json", "manifest.sig"
#: Events that name no learner, so that they go at every privacy level.
LEARNERLESS = {"certificate_revoked", "session_cancelled"}


class BundleError(DomainError):
    """A bundle that cannot be read or trusted; ``code`` says why, in a few
    words the CLI and the pages turn into a sentence."""


def privacy_level() -> str:
    level = get_setting("sync_privacy")
    return level if level in PRIVACY_LEVELS else DEFAULT_PRIVACY


def _ndjson_gz(lines: list[dict]) -> bytes:
    text = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n" for line in lines)
    return gzip.compress(text.encode("utf-8"), mtime=0)


# -- what the state holds -----------------------------------------------------------

def state_lines(privacy: str) -> list[dict]:
    lines = [{"type": "organisation", "id": o.id, "name": o.name, "country": o.country, "sector": o.sector,
              "parent": o.parent} for o in db.session.scalars(select(Organisation).order_by(Organisation.id))]
    lines += [{"type": "cohort", "id": c.id, "name": c.name, "course": c.course_id, "organisation": c.organisation_id}
              for c in db.session.scalars(select(Cohort).order_by(Cohort.id))]
    if privacy == "aggregates":
        return lines
    memberships: dict[int, dict[str, int]] = {}
    for user_id, course_id, cohort_id in db.session.execute(
            select(CohortMember.user_id, CohortMember.course_id, CohortMember.cohort_id)):
        memberships.setdefault(user_id, {})[course_id] = cohort_id
    rows = db.session.execute(
        select(SyncLearner.key, User, LearnerProfile)
        .join(User, User.id == SyncLearner.user_id)
        .outerjoin(LearnerProfile, LearnerProfile.user_id == User.id)
        .where(SyncLearner.erased_dt.is_(None)).order_by(SyncLearner.key))
    for key, user, profile in rows:
        line = {"type": "learner", "key": key, "role": user.role,
                "organisation": profile.organisation_id if profile else None,
                "gender": profile.gender if profile else None, "job_role": profile.job_role if profile else None,
                "age_band": profile.age_band if profile else None,
                "cohorts": {course: cohort for course, cohort in sorted(memberships.get(user.id, {}).items())}}
        if privacy == "full":
            line.update(name=user.display_name, username=user.username)
        lines.append(line)
    return lines


def _event_line(event: OutboxEvent, privacy: str, names: dict[str, str]) -> dict:
    payload = dict(event.payload)
    if privacy == "aggregates":
        if event.kind == "certificate_issued":
            payload["learner"] = None
        elif event.kind == "session_held":
            counts: dict[str, int] = {}
            for status in payload.pop("attendance").values():
                counts[status] = counts.get(status, 0) + 1
            payload["attendance_counts"] = counts
        elif event.kind not in LEARNERLESS:
            # Its number still goes, so that the hub sees no gap.
            return {"seq": event.seq, "id": event.event_id, "kind": "withheld"}
    if privacy == "full" and event.kind == "certificate_issued" and payload["certificate"] in names:
        payload["learner_name"] = names[payload["certificate"]]
    return {"seq": event.seq, "id": event.event_id, "kind": event.kind, **payload}


# -- writing ------------------------------------------------------------------------

@dataclass(frozen=True)
class Written:
    data: bytes
    manifest: dict


def export_bundle(key, library, privacy: str | None = None, now: datetime | None = None,
                  local_now: datetime | None = None, new_only: bool = False) -> Written:
    """Collect what is new, then write a bundle of every event the hub has
    not acknowledged (``new_only``: only those not in an earlier bundle,
    for small bundles while acknowledgements are slow to come back) and the
    state as it is now. Flushes (the events collected, the bundle number);
    the command commits."""
    privacy = privacy or privacy_level()
    if privacy not in PRIVACY_LEVELS:
        raise BundleError("bad-privacy", level=privacy)
    now = now or utcnow()
    collect_events(library, now, local_now)
    acked = int(get_setting("sync_acked_seq") or 0)
    exported = int(get_setting("sync_exported_seq") or 0)
    after = max(acked, exported) if new_only else acked
    bundle_no = int(get_setting("sync_bundle_no") or 0) + 1
    set_setting("sync_bundle_no", str(bundle_no))
    events = list(db.session.scalars(select(OutboxEvent).where(OutboxEvent.seq > after).order_by(OutboxEvent.seq)))
    if events:
        set_setting("sync_exported_seq", str(max(exported, events[-1].seq)))
    names = {}
    if privacy == "full":
        names = dict(db.session.execute(select(Certificate.id, Certificate.learner_name)).all())
    lines = [_event_line(event, privacy, names) for event in events]
    state = state_lines(privacy)
    files = {EVENTS: _ndjson_gz(lines), STATE: _ndjson_gz(state)}
    manifest = {
        "format": FORMAT, "box_id": fingerprint(key), "box_key": public_key_text(key), "bundle_no": bundle_no,
        "created": iso(now), "privacy": privacy, "acknowledged_seq": acked,
        "seq_from": events[0].seq if events else None, "seq_to": events[-1].seq if events else after,
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                         "lines": len(lines if name == EVENTS else state)} for name, data in files.items()},
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, sign(BUNDLE_CONTEXT, manifest_bytes, key))
        for name, data in files.items():
            archive.writestr(name, data)
    db.session.flush()
    return Written(out.getvalue(), manifest)


# -- reading ------------------------------------------------------------------------

@dataclass(frozen=True)
class Bundle:
    manifest: dict
    manifest_bytes: bytes
    signature: str
    files: dict  # name -> bytes
    sha256: str

    @property
    def box_id(self) -> str:
        return self.manifest["box_id"]

    @property
    def bundle_no(self) -> int:
        return self.manifest["bundle_no"]

    def lines(self, name: str) -> list[dict]:
        return [json.loads(line) for line in gzip.decompress(self.files[name]).decode("utf-8").splitlines() if line]


def read_bundle(data: bytes) -> Bundle:
    """The bundle's parts, or BundleError: "not-a-bundle" (not a complete
    ZIP archive: truncated, or another file), "bad-manifest"."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if not {MANIFEST, SIGNATURE, EVENTS, STATE} <= names:
            raise BundleError("not-a-bundle")
        parts = {name: archive.read(name) for name in (MANIFEST, SIGNATURE, EVENTS, STATE)}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, OSError):
        raise BundleError("not-a-bundle") from None
    try:
        manifest = json.loads(parts[MANIFEST].decode("utf-8"))
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("box_id"), str):
            raise ValueError(manifest.get("format"))
        int(manifest["bundle_no"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BundleError("bad-manifest") from None
    return Bundle(manifest, parts[MANIFEST], parts[SIGNATURE].decode("ascii", "replace").strip(),
                  {EVENTS: parts[EVENTS], STATE: parts[STATE]}, hashlib.sha256(data).hexdigest())


def check_bundle(bundle: Bundle, public_key: str) -> tuple[list[dict], list[dict]]:
    """Signature, hashes, counts and lines, all checked before anything is
    applied: the events and the state lines, or BundleError "bad-signature",
    "bad-hash", "bad-count", "bad-lines"."""
    if not verify(BUNDLE_CONTEXT, bundle.manifest_bytes, bundle.signature, public_key):
        raise BundleError("bad-signature")
    described = bundle.manifest.get("files") or {}
    for name, data in bundle.files.items():
        if (described.get(name) or {}).get("sha256") != hashlib.sha256(data).hexdigest():
            raise BundleError("bad-hash", file=name)
    try:
        events, state = bundle.lines(EVENTS), bundle.lines(STATE)
    except (OSError, EOFError, ValueError, UnicodeDecodeError):
        raise BundleError("bad-lines") from None
    if len(events) != described[EVENTS].get("lines") or len(state) != described[STATE].get("lines"):
        raise BundleError("bad-count")
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("seq"), int) or not isinstance(event.get("id"), str):
            raise BundleError("bad-lines")
    return events, state
