"""What a box keeps to send its records, and what a hub keeps of every box.

On a box: the outbox of events, numbered in the order they were collected
(``seq``), the random key each learner is known by outside the box, and the
last version of each held session that was sent.

On a hub: the registered boxes, every event received (by box and number,
for idempotency and gaps), the bundles received, and the facts the events
and states make: tables with the columns the impact report reads (see
``academy.sync.source``). Rows are qualified by the box they came from; the
hub's own numbering joins them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

# -- a box --------------------------------------------------------------------------


class OutboxEvent(db.Model):
    """An event recorded on this box, once. ``source_key`` says what it is
    about ("attempt:<token>", "lesson:<learner>:<course>:<lesson>", ...) so
    that collecting again finds nothing new."""

    __tablename__ = "sync_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    source_key: Mapped[str] = mapped_column(String(400), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    recorded_dt: Mapped[datetime] = mapped_column(default=utcnow)


class SyncLearner(db.Model):
    """The key a learner is known by outside this box: random, so it tells
    nothing about the person. ``user_created_dt`` tells a reused account
    number from the same account."""

    __tablename__ = "sync_learners"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    user_created_dt: Mapped[datetime] = mapped_column()
    erased_dt: Mapped[datetime | None] = mapped_column()


class SentSession(db.Model):
    """The last version of a held session (its time, modality and
    attendance) that went into the outbox."""

    __tablename__ = "sync_sent_sessions"

    session_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    cancelled: Mapped[bool] = mapped_column(default=False)


# -- a hub --------------------------------------------------------------------------


class HubBox(db.Model):
    """A box the hub accepts bundles from, registered by its key's
    fingerprint (``id``); the key itself arrives with its first bundle."""

    __tablename__ = "hub_boxes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the fingerprint
    name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str | None] = mapped_column(String(100))
    registered_dt: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_dt: Mapped[datetime | None] = mapped_column()
    last_bundle_dt: Mapped[datetime | None] = mapped_column()
    state_bundle_no: Mapped[int] = mapped_column(default=0)  # the newest state applied
    acked_seq: Mapped[int] = mapped_column(default=0)  # every event up to it has arrived
    max_seq: Mapped[int] = mapped_column(default=0)
    fork_dt: Mapped[datetime | None] = mapped_column()
    fork_note: Mapped[str | None] = mapped_column(String(500))


class HubReceived(db.Model):
    __tablename__ = "hub_received"

    box_id: Mapped[str] = mapped_column(ForeignKey("hub_boxes.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)


class HubBundle(db.Model):
    """A bundle the hub received, what became of it and why."""

    __tablename__ = "hub_bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    box_id: Mapped[str | None] = mapped_column(String(32), index=True)
    bundle_no: Mapped[int | None] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # applied, duplicate, kept-aside, fork, refused
    message: Mapped[str] = mapped_column(String(1000), default="")
    kept_path: Mapped[str | None] = mapped_column(String(500))  # a bundle kept aside, to apply later
    received_dt: Mapped[datetime] = mapped_column(default=utcnow)


class HubOrganisation(db.Model):
    __tablename__ = "hub_organisations"
    __table_args__ = (UniqueConstraint("box_id", "local_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    box_id: Mapped[str] = mapped_column(String(32))
    local_id: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    sector: Mapped[str | None] = mapped_column(String(32))
    parent: Mapped[str | None] = mapped_column(String(200))


class HubCohort(db.Model):
    __tablename__ = "hub_cohorts"
    __table_args__ = (UniqueConstraint("box_id", "local_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    box_id: Mapped[str] = mapped_column(String(32))
    local_id: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    course_id: Mapped[str] = mapped_column(String(100))
    organisation_id: Mapped[int | None] = mapped_column()  # hub_organisations.id


class HubLearner(db.Model):
    """A learner of a box, by the box's random key. Created by the first
    event or state that names them; ``role`` is None until their state
    arrives (and they are not counted until then)."""

    __tablename__ = "hub_learners"
    __table_args__ = (UniqueConstraint("box_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    box_id: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(index=True)  # hub_organisations.id
    gender: Mapped[str | None] = mapped_column(String(24))
    job_role: Mapped[str | None] = mapped_column(String(24))
    age_band: Mapped[str | None] = mapped_column(String(24))
    display_name: Mapped[str | None] = mapped_column(String(200))  # privacy level "full" only
    username: Mapped[str | None] = mapped_column(String(64))  # privacy level "full" only
    erased: Mapped[bool] = mapped_column(default=False)


class HubMember(db.Model):
    __tablename__ = "hub_members"

    learner_id: Mapped[int] = mapped_column(ForeignKey("hub_learners.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    cohort_id: Mapped[int] = mapped_column()  # hub_cohorts.id


class HubEnrolment(db.Model):
    __tablename__ = "hub_enrolments"
    __table_args__ = (UniqueConstraint("learner_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("hub_learners.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    enrolled_dt: Mapped[datetime | None] = mapped_column()
    started_dt: Mapped[datetime | None] = mapped_column()
    completed_dt: Mapped[datetime | None] = mapped_column()


class HubLesson(db.Model):
    __tablename__ = "hub_lessons"
    __table_args__ = (UniqueConstraint("learner_id", "course_id", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("hub_learners.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    lesson_key: Mapped[str] = mapped_column(String(201))
    completed_dt: Mapped[datetime | None] = mapped_column()
    minutes: Mapped[float | None] = mapped_column()
    best_score: Mapped[float | None] = mapped_column()


class HubCertificate(db.Model):
    """A certificate a box issued: what /verify on the hub answers with."""

    __tablename__ = "hub_certificates"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the certificate's own random id
    box_id: Mapped[str] = mapped_column(String(32))
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("hub_learners.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(16), index=True)
    generation: Mapped[int] = mapped_column(default=1)
    course_version: Mapped[str] = mapped_column(String(40))
    completed_on: Mapped[date] = mapped_column(Date)
    issued_dt: Mapped[datetime] = mapped_column()
    organisation_name: Mapped[str] = mapped_column(String(200))
    cohort_name: Mapped[str | None] = mapped_column(String(200))
    learner_name: Mapped[str | None] = mapped_column(String(200))  # privacy level "full" only
    # sha256 of the certificate id and the name printed: a name read off the
    # certificate can be checked without the hub keeping names.
    name_digest: Mapped[str] = mapped_column(String(64))


class HubRevocation(db.Model):
    """Kept apart from the certificate: a revocation may arrive first."""

    __tablename__ = "hub_revocations"

    certificate_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    revoked_dt: Mapped[datetime] = mapped_column()
    reason: Mapped[str] = mapped_column(String(500), default="")


class HubSession(db.Model):
    __tablename__ = "hub_sessions"
    __table_args__ = (UniqueConstraint("box_id", "local_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    box_id: Mapped[str] = mapped_column(String(32))
    local_key: Mapped[str] = mapped_column(String(64))
    cohort_id: Mapped[int | None] = mapped_column()  # hub_cohorts.id
    modality: Mapped[str] = mapped_column(String(16))
    starts_dt: Mapped[datetime] = mapped_column()
    version_seq: Mapped[int] = mapped_column(default=0)  # the box's seq of the version applied
    cancelled: Mapped[bool] = mapped_column(default=False)
    # From a box that sends aggregates only: attendance counted, no learner.
    present_count: Mapped[int] = mapped_column(default=0)
    absent_count: Mapped[int] = mapped_column(default=0)
    excused_count: Mapped[int] = mapped_column(default=0)


class HubAttendance(db.Model):
    __tablename__ = "hub_attendance"

    session_id: Mapped[int] = mapped_column(ForeignKey("hub_sessions.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("hub_learners.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))

