"""A hub: registering boxes, importing their bundles, acknowledging them.

Importing is all or nothing. A bundle is read and checked whole first
(signature with the key registered for the box, hashes, counts); then its
events are applied in one savepoint, each at most once (by event id and by
the box's sequence number), and merged so that the order of arrival does
not matter: an enrolment keeps its earliest date, a lesson its best score,
a session the version with the highest sequence number, an erased learner
stays erased. The state (organisations, cohorts, learners) is applied when
the bundle is newer than the state the hub has of that box.

Faults:

- a bundle imported twice changes nothing ("duplicate");
- bundles out of order are applied; the acknowledgement lists the gaps;
- a truncated or altered bundle is refused whole, with the reason;
- a bundle from an unknown or revoked box is kept aside, not applied, and
  applied once the box is registered (``retry_kept``);
- a sequence number the hub already holds with another event means the box
  forgot what it sent (restored from an old backup): a fork. Nothing of the
  bundle is applied; the acknowledgement says so and gives the hub's
  highest number, from which the box numbers its new events again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..domain import DomainError
from ..extensions import db
from ..timeutil import utcnow
from .bundle import Bundle, BundleError, check_bundle, read_bundle
from .identity import ACK_CONTEXT, fingerprint, normalise_fingerprint, public_key_text, sign
from .models import (
    HubAttendance,
    HubBox,
    HubBundle,
    HubCertificate,
    HubCohort,
    HubEnrolment,
    HubLearner,
    HubLesson,
    HubMember,
    HubOrganisation,
    HubReceived,
    HubRevocation,
    HubSession,
)

ACK_FORMAT = "academy-sync-ack-1"
BATCH = 500


class HubError(DomainError):
    """Something the hub's admin can fix (a fingerprint mistyped...)."""


# -- boxes --------------------------------------------------------------------------

def register_box(box_fingerprint: str, name: str, now=None) -> HubBox:
    """Accept bundles from the box whose key has this fingerprint (as
    ``academy sync identity`` prints it on the box)."""
    box_id = normalise_fingerprint(box_fingerprint)
    if len(box_id) != 32:
        raise HubError("bad-fingerprint")
    box = db.session.get(HubBox, box_id)
    if box is None:
        try:
            with db.session.begin_nested():
                box = HubBox(id=box_id, name=(name or "").strip()[:200] or box_id[:8], registered_dt=now or utcnow())
                db.session.add(box)
            return box
        except IntegrityError:  # registered at the same moment (a double click): as registering again
            box = db.session.get(HubBox, box_id, populate_existing=True)
    # Registering again: a new name, or taking a revoked box back.
    box.name = (name or "").strip()[:200] or box.name
    box.revoked_dt = None
    db.session.flush()
    return box


def revoke_box(box: HubBox, now=None) -> None:
    """Accept nothing more from this box (a stolen box, a lost key). What it
    sent stays; its certificates verify as signed by a withdrawn key."""
    box.revoked_dt = now or utcnow()
    db.session.flush()


def boxes() -> list[HubBox]:
    return list(db.session.scalars(select(HubBox).order_by(HubBox.name)))


# -- the result and the acknowledgement -----------------------------------------------

@dataclass
class ImportResult:
    status: str  # applied, duplicate, kept-aside, fork, refused
    reason: str = ""  # a code: not-a-bundle, bad-signature, unknown-box, fork, ...
    box_id: str | None = None
    bundle_no: int | None = None
    applied: int = 0
    duplicates: int = 0
    acknowledged_seq: int = 0
    max_seq: int = 0
    gaps: list = field(default_factory=list)
    state_bundle_no: int = 0
    details: dict = field(default_factory=dict)
    record_id: int | None = None  # the hub_bundles row
    bundle_sha256: str = ""  # of the bytes received, which the acknowledgement names


def signed_ack_text(ack: dict) -> bytes:
    """The bytes an acknowledgement's signature covers: the hub signs them,
    the box checks them (academy.sync.box.read_ack)."""
    return json.dumps(ack, sort_keys=True, separators=(",", ":")).encode("utf-8")


def acknowledgement(result: ImportResult, hub_key, now=None) -> bytes:
    """The signed answer a box imports to know what arrived."""
    ack = {"format": ACK_FORMAT, "hub_key": public_key_text(hub_key), "box_id": result.box_id,
           "bundle_no": result.bundle_no, "bundle_sha256": result.bundle_sha256, "status": result.status,
           "reason": result.reason, "applied": result.applied, "duplicates": result.duplicates,
           "acknowledged_seq": result.acknowledged_seq, "max_seq": result.max_seq, "gaps": result.gaps,
           "state_bundle_no": result.state_bundle_no, "created": (now or utcnow()).isoformat()}
    return json.dumps({"ack": ack, "signature": sign(ACK_CONTEXT, signed_ack_text(ack), hub_key)}, sort_keys=True, indent=1).encode("utf-8")


# -- importing ----------------------------------------------------------------------

def _record(bundle_sha: str, result: ImportResult, kept_path: str | None = None, now=None) -> None:
    row = HubBundle(box_id=result.box_id, bundle_no=result.bundle_no, sha256=bundle_sha, status=result.status,
                    message=(result.reason or "")[:1000], kept_path=kept_path, received_dt=now or utcnow())
    db.session.add(row)
    db.session.flush()
    result.record_id = row.id


#: Where a hub keeps bundles it cannot apply yet, in its data folder (backups
#: keep the folder: academy.ops.backups.HUB_FOLDERS).
KEPT_FOLDER = "sync/kept"


#: Bundles kept aside for boxes that are not registered, at most (each at most
#: SYNC_MAX_BUNDLE_BYTES): registering a box applies its bundles and frees
#: the places.
MAX_KEPT_FOR_UNKNOWN_BOXES = 20


def _kept_for_unknown_boxes() -> int:
    return db.session.scalar(select(func.count(HubBundle.id)).where(
        HubBundle.status == "kept-aside", HubBundle.message == "unknown-box"))


def _keep_aside(data: bytes, data_dir: Path, sha: str) -> str:
    """Write the bundle into the kept folder; the path returned is relative
    to the data folder, so that a hub restored elsewhere still finds it."""
    folder = Path(data_dir) / KEPT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha}.zip"
    if not target.exists():
        # Hidden while it is written: a backup taken meanwhile leaves it out.
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    return f"{KEPT_FOLDER}/{target.name}"


def _progress(box: HubBox, result: ImportResult) -> None:
    """Advance the box's contiguous number and list what is missing above it."""
    received = set(db.session.scalars(select(HubReceived.seq).where(HubReceived.box_id == box.id,
                                                                     HubReceived.seq > box.acked_seq)))
    acked = box.acked_seq
    while acked + 1 in received:
        acked += 1
    box.acked_seq = acked
    box.max_seq = max([box.max_seq, acked, *received])
    gaps, start = [], None
    for seq in range(acked + 1, box.max_seq + 1):
        if seq not in received and start is None:
            start = seq
        if seq in received and start is not None:
            gaps.append([start, seq - 1])
            start = None
    result.acknowledged_seq, result.max_seq, result.gaps = box.acked_seq, box.max_seq, gaps
    result.state_bundle_no = box.state_bundle_no


def import_bundle(data: bytes, data_dir: Path, now: datetime | None = None) -> ImportResult:
    """Check a bundle and apply it (one savepoint), or keep it aside, or
    refuse it. Flushes; the command or view commits (also when refused: the
    hub keeps a record of every bundle received)."""
    now = now or utcnow()
    try:
        bundle = read_bundle(data)
    except BundleError as exc:
        result = ImportResult("refused", exc.code, bundle_sha256=hashlib.sha256(data).hexdigest())
        _record("-", result, now=now)
        return result
    result = ImportResult("refused", box_id=bundle.box_id, bundle_no=bundle.bundle_no, bundle_sha256=bundle.sha256)
    # One import per box at a time (PostgreSQL: the box's row is locked until
    # the caller commits): a push retried while the first is being applied
    # then finds its events already here, instead of meeting the unique keys.
    box = db.session.get(HubBox, bundle.box_id, with_for_update=True)
    # Checked before anything is kept, also for a box the hub does not know:
    # a push needs no sign-in, so only a whole bundle signed by the key its
    # box's fingerprint names may take room on the hub's disk.
    known_key = box.public_key if box is not None else None
    key = known_key or bundle.manifest.get("box_key") or ""
    try:
        if fingerprint(key) != bundle.box_id or (known_key and bundle.manifest.get("box_key") != known_key):
            raise BundleError("key-mismatch")
        events, state = check_bundle(bundle, key)
    except (BundleError, ValueError) as exc:
        result.reason = getattr(exc, "code", "key-mismatch")
        _record(bundle.sha256, result, now=now)
        return result
    if box is None or box.revoked_dt is not None:
        reason = "unknown-box" if box is None else "revoked-box"
        if reason == "unknown-box" and _kept_for_unknown_boxes() >= MAX_KEPT_FOR_UNKNOWN_BOXES:
            # Anyone can make a key: what unregistered boxes may leave here is bounded.
            result.reason = "too-many-kept"
            _record(bundle.sha256, result, now=now)
            return result
        result.status, result.reason = "kept-aside", reason
        _record(bundle.sha256, result, _keep_aside(data, data_dir, bundle.sha256), now)
        return result
    box.public_key = key
    box.last_bundle_dt = now

    new, duplicates, conflicts = _sort_events(box, events)
    if conflicts:
        result.status, result.reason = "fork", "fork"
        result.details = {"conflicting_seqs": conflicts[:20]}
        box.fork_dt = now
        box.fork_note = (f"bundle {bundle.bundle_no}: {len(conflicts)} sequence numbers the hub holds with other events "
                         f"(from {conflicts[0]}); the box was probably restored from an old backup")[:500]
        _progress(box, result)
        _record(bundle.sha256, result, _keep_aside(data, data_dir, bundle.sha256), now)
        return result

    with db.session.begin_nested():
        applier = _Applier(box, bundle)
        if bundle.bundle_no > box.state_bundle_no:
            applier.apply_state(state)
            box.state_bundle_no = bundle.bundle_no
        applier.apply_events(new)
        for batch_start in range(0, len(new), BATCH):
            db.session.add_all(HubReceived(box_id=box.id, seq=e["seq"], event_id=e["id"])
                               for e in new[batch_start:batch_start + BATCH])
        db.session.flush()
    result.status = "applied" if new or not duplicates else "duplicate"
    result.applied, result.duplicates = len(new), duplicates
    _progress(box, result)
    _record(bundle.sha256, result, now=now)
    return result


def _sort_events(box: HubBox, events: list[dict]) -> tuple[list[dict], int, list[int]]:
    """(events to apply, how many were here already, sequence numbers that
    the hub holds with another event)."""
    if not events:
        return [], 0, []
    seqs = {e["seq"] for e in events}
    held = dict(db.session.execute(select(HubReceived.seq, HubReceived.event_id).where(
        HubReceived.box_id == box.id, HubReceived.seq >= min(seqs), HubReceived.seq <= max(seqs))).all())
    ids = [e["id"] for e in events]
    known_ids = set()
    for batch_start in range(0, len(ids), BATCH):
        known_ids |= set(db.session.scalars(select(HubReceived.event_id).where(
            HubReceived.event_id.in_(ids[batch_start:batch_start + BATCH]))))
    new, duplicates, conflicts, seen = [], 0, [], set()
    for event in events:
        if event["id"] in known_ids or event["id"] in seen:
            duplicates += 1
        elif event["seq"] in held:
            conflicts.append(event["seq"])
        else:
            seen.add(event["id"])
            new.append(event)
    return new, duplicates, sorted(conflicts)


def retry_kept(data_dir: Path, now=None) -> list[ImportResult]:
    """Apply the bundles kept aside whose box is now registered."""
    results = []
    rows = db.session.scalars(select(HubBundle).where(HubBundle.status == "kept-aside", HubBundle.kept_path.is_not(None))
                              .order_by(HubBundle.id)).all()
    for row in rows:
        box = db.session.get(HubBox, row.box_id) if row.box_id else None
        path = Path(data_dir) / row.kept_path  # rows written before 2026-12 hold an absolute path: kept as is
        if box is None or box.revoked_dt is not None or not path.is_file():
            continue
        result = import_bundle(path.read_bytes(), data_dir, now)
        row.status = "retried"
        results.append(result)
    db.session.flush()
    return results


# -- applying -----------------------------------------------------------------------

def _existing(column, values) -> set:
    """Those of ``values`` that ``column`` holds, looked up in batches."""
    values, found = list(set(values)), set()
    for batch_start in range(0, len(values), BATCH):
        found.update(db.session.scalars(select(column).where(column.in_(values[batch_start:batch_start + BATCH]))))
    return found


def _dt(value):
    return datetime.fromisoformat(value) if value else None


def _earliest(current, new):
    return new if current is None or (new is not None and new < current) else current


class _Applier:
    """Applies one bundle's state and events for one box; looks rows up in
    batches and keeps them while the bundle is applied."""

    def __init__(self, box: HubBox, bundle: Bundle):
        self.box = box
        self.bundle = bundle
        self.learners: dict[str, HubLearner] = {}
        self.organisations: dict[int, int] = dict(db.session.execute(
            select(HubOrganisation.local_id, HubOrganisation.id).where(HubOrganisation.box_id == box.id)).all())
        self.cohorts: dict[int, int] = dict(db.session.execute(
            select(HubCohort.local_id, HubCohort.id).where(HubCohort.box_id == box.id)).all())

    # rows looked up or made

    def load_learners(self, keys) -> None:
        missing = [key for key in set(keys) if key and key not in self.learners]
        for batch_start in range(0, len(missing), BATCH):
            for learner in db.session.scalars(select(HubLearner).where(
                    HubLearner.box_id == self.box.id, HubLearner.key.in_(missing[batch_start:batch_start + BATCH]))):
                self.learners[learner.key] = learner
        for key in missing:
            if key not in self.learners:
                learner = HubLearner(box_id=self.box.id, key=key)
                db.session.add(learner)
                self.learners[key] = learner
        db.session.flush()

    def learner(self, key) -> HubLearner | None:
        """A learner to record things of; None when erased (or no key)."""
        if not key:
            return None
        if key not in self.learners:
            self.load_learners([key])
        learner = self.learners[key]
        return None if learner.erased else learner

    def cohort_id(self, local_id) -> int | None:
        if local_id is None:
            return None
        if local_id not in self.cohorts:  # named by an event before the state that describes it
            cohort = HubCohort(box_id=self.box.id, local_id=local_id, name="", course_id="")
            db.session.add(cohort)
            db.session.flush()
            self.cohorts[local_id] = cohort.id
        return self.cohorts[local_id]

    # the state

    def apply_state(self, lines: list[dict]) -> None:
        existing_orgs = {o.local_id: o for o in db.session.scalars(
            select(HubOrganisation).where(HubOrganisation.box_id == self.box.id))}
        for line in (item for item in lines if item.get("type") == "organisation"):
            row = existing_orgs.get(line["id"]) or HubOrganisation(box_id=self.box.id, local_id=line["id"])
            row.name, row.country = str(line["name"])[:200], str(line["country"])[:2]
            row.sector, row.parent = line.get("sector"), line.get("parent")
            db.session.add(row)
        db.session.flush()
        self.organisations = dict(db.session.execute(
            select(HubOrganisation.local_id, HubOrganisation.id).where(HubOrganisation.box_id == self.box.id)).all())
        existing_cohorts = {c.local_id: c for c in db.session.scalars(
            select(HubCohort).where(HubCohort.box_id == self.box.id))}
        for line in (item for item in lines if item.get("type") == "cohort"):
            row = existing_cohorts.get(line["id"]) or HubCohort(box_id=self.box.id, local_id=line["id"])
            row.name, row.course_id = str(line["name"])[:200], str(line["course"])[:100]
            row.organisation_id = self.organisations.get(line.get("organisation"))
            db.session.add(row)
        db.session.flush()
        self.cohorts = dict(db.session.execute(
            select(HubCohort.local_id, HubCohort.id).where(HubCohort.box_id == self.box.id)).all())
        learners = [item for item in lines if item.get("type") == "learner"]
        self.load_learners(item["key"] for item in learners)
        memberships = []
        for line in learners:
            learner = self.learners[line["key"]]
            if learner.erased:
                continue
            learner.role = line.get("role")
            learner.organisation_id = self.organisations.get(line.get("organisation"))
            learner.gender, learner.job_role, learner.age_band = line.get("gender"), line.get("job_role"), line.get("age_band")
            learner.display_name, learner.username = line.get("name"), line.get("username")
            memberships += [(learner.id, course, self.cohort_id(cohort)) for course, cohort in (line.get("cohorts") or {}).items()]
        ids = [self.learners[line["key"]].id for line in learners]
        for batch_start in range(0, len(ids), BATCH):
            db.session.execute(delete(HubMember).where(HubMember.learner_id.in_(ids[batch_start:batch_start + BATCH])))
        db.session.add_all(HubMember(learner_id=l_id, course_id=course, cohort_id=cohort) for l_id, course, cohort in memberships)
        db.session.flush()

    # the events

    def apply_events(self, events: list[dict]) -> None:
        """Merge the events, first within the bundle (earliest dates, best
        scores), then with what the hub holds: the same result in any order."""
        # Everything the events name is looked up in batches first, not a
        # query (and a flush) per certificate, session or attendant.
        self.load_learners([e.get("learner") for e in events]
                           + [key for e in events for key in (e.get("attendance") or {})])
        certificate_ids = [e["certificate"] for e in events if e["kind"] in ("certificate_issued", "certificate_revoked")]
        held_certificates = _existing(HubCertificate.id, certificate_ids)
        revoked = _existing(HubRevocation.certificate_id, certificate_ids)
        erased = [e for e in events if e["kind"] == "learner_erased"]
        for event in erased:
            self.erase(event["learner"])
        enrolments: dict[tuple, dict] = {}
        lessons: dict[tuple, dict] = {}
        for event in events:
            kind = event["kind"]
            if kind in ("enrolled", "course_started", "course_completed"):
                learner = self.learner(event["learner"])
                if learner is None:
                    continue
                column = {"enrolled": "enrolled_dt", "course_started": "started_dt", "course_completed": "completed_dt"}[kind]
                values = enrolments.setdefault((learner.id, event["course"]), {})
                values[column] = _earliest(values.get(column), _dt(event["at"]))
            elif kind in ("lesson_completed", "attempt_graded"):
                learner = self.learner(event["learner"])
                if learner is None:
                    continue
                values = lessons.setdefault((learner.id, event["course"], event["lesson"]), {})
                if kind == "lesson_completed":
                    values["completed_dt"] = _earliest(values.get("completed_dt"), _dt(event["at"]))
                    values["minutes"] = float(event.get("minutes") or 0)
                else:
                    values["best_score"] = max(values.get("best_score") or 0.0, float(event["score"]))
        self.merge_enrolments(enrolments)
        self.merge_lessons(lessons)
        for event in events:
            kind = event["kind"]
            if kind == "certificate_issued" and event["certificate"] not in held_certificates:
                self.certificate(event)
                held_certificates.add(event["certificate"])
            elif kind == "certificate_revoked" and event["certificate"] not in revoked:
                db.session.add(HubRevocation(certificate_id=event["certificate"], revoked_dt=_dt(event["at"]),
                                             reason=str(event.get("reason") or "")[:500]))
                revoked.add(event["certificate"])
        sessions = {}
        for event in events:  # the newest version of each session in this bundle
            if event["kind"] in ("session_held", "session_cancelled"):
                current = sessions.get(event["session"])
                if current is None or event["seq"] > current["seq"]:
                    sessions[event["session"]] = event
        held_sessions = {}
        keys = list(sessions)
        for batch_start in range(0, len(keys), BATCH):
            held_sessions.update((row.local_key, row) for row in db.session.scalars(select(HubSession).where(
                HubSession.box_id == self.box.id, HubSession.local_key.in_(keys[batch_start:batch_start + BATCH]))))
        for key, event in sessions.items():
            self.session(event, held_sessions.get(key))
        db.session.flush()

    def merge_enrolments(self, merged: dict) -> None:
        learner_ids = list({learner_id for learner_id, _course in merged})
        existing = {}
        for batch_start in range(0, len(learner_ids), BATCH):
            for row in db.session.scalars(select(HubEnrolment).where(
                    HubEnrolment.learner_id.in_(learner_ids[batch_start:batch_start + BATCH]))):
                existing[(row.learner_id, row.course_id)] = row
        for (learner_id, course_id), values in merged.items():
            row = existing.get((learner_id, course_id))
            if row is None:
                row = HubEnrolment(learner_id=learner_id, course_id=course_id)
                db.session.add(row)
            for column, value in values.items():
                setattr(row, column, _earliest(getattr(row, column), value))

    def merge_lessons(self, merged: dict) -> None:
        learner_ids = list({key[0] for key in merged})
        existing = {}
        for batch_start in range(0, len(learner_ids), BATCH):
            for row in db.session.scalars(select(HubLesson).where(
                    HubLesson.learner_id.in_(learner_ids[batch_start:batch_start + BATCH]))):
                existing[(row.learner_id, row.course_id, row.lesson_key)] = row
        for (learner_id, course_id, lesson_key), values in merged.items():
            row = existing.get((learner_id, course_id, lesson_key))
            if row is None:
                row = HubLesson(learner_id=learner_id, course_id=course_id, lesson_key=lesson_key)
                db.session.add(row)
            if "completed_dt" in values:
                row.completed_dt = _earliest(row.completed_dt, values["completed_dt"])
                row.minutes = values["minutes"]
            if "best_score" in values:
                row.best_score = max(row.best_score or 0.0, values["best_score"]) if row.best_score is not None \
                    else values["best_score"]

    def certificate(self, event: dict) -> None:
        """A certificate the hub does not hold yet."""
        learner = self.learner(event.get("learner")) if event.get("learner") else None
        if event.get("learner") and learner is None:
            return  # the learner was erased
        db.session.add(HubCertificate(
            id=event["certificate"], box_id=self.box.id, learner_id=learner.id if learner else None,
            course_id=event["course"], code=event["code"], generation=int(event.get("generation") or 1),
            course_version=str(event.get("course_version") or "")[:40], completed_on=date.fromisoformat(event["completed_on"]),
            issued_dt=_dt(event["at"]), organisation_name=str(event.get("organisation_name") or "")[:200],
            cohort_name=event.get("cohort_name"), learner_name=event.get("learner_name"),
            name_digest=str(event.get("name_digest") or "")))

    def session(self, event: dict, row: HubSession | None) -> None:
        """The newest version of a session in the bundle; ``row``: the hub's, if it has one."""
        if row is not None and row.version_seq >= event["seq"]:
            return  # the hub holds a newer version
        if row is None:
            if event["kind"] == "session_cancelled":
                row = HubSession(box_id=self.box.id, local_key=event["session"], modality="in-person",
                                 starts_dt=datetime(1970, 1, 1))
            else:
                row = HubSession(box_id=self.box.id, local_key=event["session"], modality=event["modality"],
                                 starts_dt=_dt(event["starts"]))
            db.session.add(row)
            db.session.flush()
        else:
            db.session.execute(delete(HubAttendance).where(HubAttendance.session_id == row.id))
        row.version_seq = event["seq"]
        row.present_count = row.absent_count = row.excused_count = 0
        if event["kind"] == "session_cancelled":
            row.cancelled = True
            return
        row.cancelled = False
        row.cohort_id = self.cohort_id(event.get("cohort"))
        row.modality, row.starts_dt = event["modality"], _dt(event["starts"])
        for status, number in (event.get("attendance_counts") or {}).items():
            if status in ("present", "absent", "excused"):
                setattr(row, f"{status}_count", int(number))
        for key, status in (event.get("attendance") or {}).items():
            learner = self.learner(key)
            if learner is not None and status in ("present", "absent", "excused"):
                db.session.add(HubAttendance(session_id=row.id, learner_id=learner.id, status=status))

    def erase(self, key: str) -> None:
        """A learner deleted on the box: everything the hub holds of them
        goes, and nothing of them is recorded again."""
        if key not in self.learners:
            self.load_learners([key])
        learner = self.learners[key]
        learner.erased = True
        learner.role = learner.organisation_id = learner.gender = learner.job_role = learner.age_band = None
        learner.display_name = learner.username = None
        for model in (HubEnrolment, HubLesson, HubMember, HubAttendance, HubCertificate):
            db.session.execute(delete(model).where(model.learner_id == learner.id))
        db.session.flush()


__all__ = ["register_box", "revoke_box", "boxes", "import_bundle", "retry_kept", "acknowledgement", "ImportResult",
           "HubError"]
