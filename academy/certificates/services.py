"""Issuing, rendering, verifying and revoking certificates.

Plain functions with explicit arguments; the views and the CLI call them.
They flush; the view or command that performs the step commits. A learner
completing a course does not issue anything here by itself: the view that
recorded the completion calls :func:`issue_if_eligible` (one explicit call
from the layer above learning and cohorts, see docs/architecture.md)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..cohorts.attendance import attendance_requirement_met
from ..cohorts.models import Cohort, CohortMember
from ..content import Course, LearningPath
from ..domain import DomainError, normalise_code, readable_code
from ..extensions import db
from ..learn import learning_paths
from ..learn.models import Enrollment, PathEnrollment
from ..learn.services import enrollment_for
from ..pdf import missing_characters
from ..settings import organisation_name
from ..svg import svg_is_unsafe
from ..timeutil import utcnow
from .models import Certificate
from .render import CertificateDocument, UnsafeLogo, design_fingerprint, render_certificate_pdf
from .signing import load_or_create_signing_key, sign_payload, verify_payload

CODE_LENGTH = 8


class CertificateError(DomainError):
    pass


def new_code() -> str:
    return readable_code(CODE_LENGTH)


def find_by_code(text: str) -> Certificate | None:
    code = normalise_code(text)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(Certificate).filter_by(code=code))


def active_certificate(user_id: int, course_id: str) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).filter_by(user_id=user_id, course_id=course_id, revoked_dt=None)
        .order_by(Certificate.generation.desc())
    )


_CERTIFICATES_OF = (select(Certificate).where(Certificate.user_id == bindparam("user_id"))  # "My learning": built once
                    .order_by(Certificate.issued_dt.desc()))


def certificates_of(user) -> list[Certificate]:
    return list(db.session.scalars(_CERTIFICATES_OF, {"user_id": user.id}))


@dataclass(frozen=True)
class CohortFacts:
    name: str | None = None
    tutors: tuple[str, ...] = ()
    attendance_met: bool = True


def cohort_facts(user, course_id: str) -> CohortFacts:
    """The learner's cohort for a course (if any) as the certificate needs it."""
    member = db.session.scalar(select(CohortMember).filter_by(user_id=user.id, course_id=course_id))
    if member is None:
        return CohortFacts()
    cohort = member.cohort
    return CohortFacts(cohort.name, tuple(t.display_name for t in cohort.tutors),
                       attendance_requirement_met(user, course_id))


def issue_if_eligible(user, course: Course, organisation: str | None = None, now=None) -> Certificate | None:
    """Issue the certificate for a completed course, once. Returns the
    active certificate, or None while the learner is not eligible (course
    not complete, no certificate for this course, attendance rule not met)."""
    existing = active_certificate(user.id, course.id)
    if existing is not None or not course.certificate:
        return existing
    enrollment = enrollment_for(user, course.id)
    if enrollment is None or enrollment.completed_dt is None:
        return None
    facts = cohort_facts(user, course.id)
    if not facts.attendance_met:
        return None
    return _issue(user, course, organisation or organisation_name(), facts, enrollment.completed_dt.date(), now or utcnow())


def issue_held_certificates(cohort, course: Course | None, now=None) -> list[Certificate]:
    """Issue the certificates a cohort's attendance rule was holding back,
    for members who completed the course and now meet it. Called by the
    views that change attendance, sessions or the rule; returns the new ones."""
    if course is None or not course.certificate:
        return []
    waiting = db.session.scalars(
        select(User).join(CohortMember, CohortMember.user_id == User.id)
        .join(Enrollment, (Enrollment.user_id == User.id) & (Enrollment.course_id == course.id))
        .outerjoin(Certificate, (Certificate.user_id == User.id) & (Certificate.course_id == course.id)
                   & Certificate.revoked_dt.is_(None))
        .where(CohortMember.cohort_id == cohort.id, Enrollment.completed_dt.is_not(None), Certificate.id.is_(None))
    ).all()
    issued = []
    for user in waiting:
        certificate = issue_if_eligible(user, course, now=now)
        if certificate is not None:
            issued.append(certificate)
    return issued


def _issue(user, course: Course | LearningPath, organisation: str, facts: CohortFacts, completed_on, now) -> Certificate:
    """A new certificate for a course or, named ``path:<id>``, a learning
    path (with the ids of the courses it names)."""
    is_path = isinstance(course, LearningPath)
    subject = course.key if is_path else course.id
    generation = (db.session.scalar(
        select(func.max(Certificate.generation)).filter_by(user_id=user.id, course_id=subject)) or 0) + 1
    for _ in range(5):  # a code collision is unlikely (31^8); retry if it happens
        certificate = Certificate(
            id=uuid.uuid4().hex, code=new_code(), user_id=user.id, course_id=subject, generation=generation,
            course_version=course.version, learner_name=user.display_name, completed_on=completed_on,
            cohort_name=facts.name, tutor_names="; ".join(facts.tutors) or None,
            organisation_name=organisation or "Academy", issued_dt=now,
            course_ids=list(course.courses) if is_path else None,
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
            return certificate
        except IntegrityError:
            already = active_certificate(user.id, subject)
            if already is not None:  # issued meanwhile by another request
                return already
    raise CertificateError("could-not-issue")


def revoke(certificate: Certificate, reason: str, now=None) -> None:
    if certificate.is_revoked:
        return
    certificate.revoked_dt = now or utcnow()
    certificate.revoke_reason = reason.strip()[:500] or "—"
    db.session.flush()


def reissue(certificate: Certificate, user, course: Course | LearningPath, organisation: str, reason: str,
            now=None) -> Certificate:
    """Revoke a certificate and issue its next generation with today's facts
    (e.g. a corrected name), keeping the original completion date."""
    now = now or utcnow()
    revoke(certificate, reason, now)
    facts = path_cohort_facts(user, course) if isinstance(course, LearningPath) else cohort_facts(user, course.id)
    return _issue(user, course, organisation, facts, certificate.completed_on, now)


# -- learning paths --------------------------------------------------------------

@dataclass(frozen=True)
class Issued:
    """What a completion just earned: the course's certificate (if it is new)
    and any learning path certificates."""

    course: Certificate | None = None
    paths: tuple[Certificate, ...] = ()

    def __bool__(self) -> bool:
        return self.course is not None or bool(self.paths)


def issue_after_completion(user, course: Course, library, now=None) -> Issued:
    """Called by the view that recorded a lesson as complete: the course's
    certificate if the course is now complete (once), then the certificates
    of the learner's paths that are now complete. Most answers complete no
    course: for them this is one query."""
    enrollment = enrollment_for(user, course.id)
    if enrollment is None or enrollment.completed_dt is None:
        return Issued()  # neither the course's certificate nor a path's can be due
    had = active_certificate(user.id, course.id)
    certificate = issue_if_eligible(user, course, now=now) if had is None else None
    return Issued(certificate, tuple(issue_path_certificates(user, library, now=now)))


def path_cohort_facts(user, path: LearningPath) -> CohortFacts:
    """The learner's cohort on this path (a cohort whose target is the
    path), if any: its name, tutors and attendance rule."""
    member = db.session.scalar(
        select(CohortMember).join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id == user.id, Cohort.course_id == path.key).limit(1))
    if member is None:
        return CohortFacts()
    cohort = member.cohort
    return CohortFacts(cohort.name, tuple(t.display_name for t in cohort.tutors),
                       attendance_requirement_met(user, member.course_id))


def issue_path_certificates(user, library, organisation: str | None = None, now=None) -> list[Certificate]:
    """After a course completes: record the learner's paths that are now
    complete and issue each one's certificate, once. Returns the new ones."""
    now = now or utcnow()
    learning_paths.update_path_completion(user, library, now)
    issued = []
    for row in db.session.scalars(select(PathEnrollment).filter_by(user_id=user.id).where(PathEnrollment.completed_dt.is_not(None))):
        path = library.get_path(row.path_id)
        if path is None or not path.certificate or active_certificate(user.id, path.key) is not None:
            continue
        facts = path_cohort_facts(user, path)
        if not facts.attendance_met:
            continue
        issued.append(_issue(user, path, organisation or organisation_name(), facts, row.completed_dt.date(), now))
    return issued


# -- the PDF ---------------------------------------------------------------------

def signed_fields(certificate: Certificate, language: str, course_title: str,
                  course_titles: tuple[str, ...] = ()) -> dict:
    return {
        "course_titles": list(course_titles) if certificate.is_path else None,
        "verification_code": certificate.display_code,
        "certificate_id": certificate.id,
        "learner_name": certificate.learner_name,
        "course_id": certificate.course_id,
        "course_title": course_title,
        "content_version": certificate.course_version,
        "completed_on": certificate.completed_on,
        "language": language,
        "organisation_name": certificate.organisation_name,
        "cohort_name": certificate.cohort_name,
    }


def design_dir(data_dir: Path) -> Path | None:
    """An organisation's own design, if the admin put one in the data folder."""
    custom = Path(data_dir) / "certificate-design"
    return custom if (custom / "template.html").is_file() and (custom / "theme.css").is_file() else None


LOGO_NAMES = ("organisation-logo.svg", "organisation-logo.png", "organisation-logo.jpg")


def organisation_logo(data_dir: Path) -> Path | None:
    for name in LOGO_NAMES:
        path = Path(data_dir) / name
        if path.is_file():
            return path
    return None


def save_organisation_logo(data_dir: Path, filename: str, data: bytes) -> Path:
    """Keep the logo the admin uploaded (replacing any other); an SVG that
    could run a script or load from another host is refused
    (CertificateError "logo-type" / "logo-unsafe")."""
    suffix = Path(filename or "").suffix.lower().replace(".jpeg", ".jpg")
    if suffix not in (".svg", ".png", ".jpg"):
        raise CertificateError("logo-type")
    if suffix == ".svg" and svg_is_unsafe(data):
        raise CertificateError("logo-unsafe")
    target = Path(data_dir) / f"organisation-logo{suffix}"
    tmp = target.with_suffix(".upload")
    tmp.write_bytes(data)
    for name in LOGO_NAMES:
        (Path(data_dir) / name).unlink(missing_ok=True)
    os.replace(tmp, target)
    return target


def certificate_pdf(certificate: Certificate, language: str, course_title: str, labels: dict,
                    verify_base_url: str, data_dir: Path, course_titles: tuple[str, ...] = ()) -> bytes:
    """The PDF, rendered once per language and design and kept in the data
    folder; a changed design (or renderer) renders it again. A path
    certificate prints ``course_titles``, the path's courses."""
    design = design_dir(data_dir)
    logo = organisation_logo(data_dir)
    fingerprint = design_fingerprint(design)
    if logo is not None:
        fingerprint += f"-{logo.stat().st_mtime_ns:x}"
    # The address printed on it too: a changed PUBLIC_URL renders it again.
    fingerprint += "-" + hashlib.sha256(verify_base_url.encode()).hexdigest()[:8]
    cache = Path(data_dir) / "certificates" / certificate.id / f"{language}-{fingerprint}.pdf"
    if cache.is_file():
        return cache.read_bytes()
    printed = " ".join([certificate.learner_name, course_title, certificate.cohort_name or "",
                        *certificate.tutors, certificate.organisation_name, *course_titles])
    missing = missing_characters(printed)
    if missing:
        raise CertificateError("missing-glyphs", characters="".join(sorted(missing)))
    key = load_or_create_signing_key(Path(data_dir))
    payload = sign_payload(signed_fields(certificate, language, course_title, course_titles), key)
    document = CertificateDocument(
        learner_name=certificate.learner_name, course_title=course_title, completed_on=certificate.completed_on,
        language=language, code=certificate.display_code,
        verify_url=f"{verify_base_url.rstrip('/')}/verify/{certificate.display_code}",
        signed_payload=payload, organisation_name=certificate.organisation_name, labels=labels,
        organisation_logo=logo, cohort_name=certificate.cohort_name, tutor_names=certificate.tutors,
        course_titles=tuple(course_titles) if certificate.is_path else (),
    )
    try:
        pdf = render_certificate_pdf(document, design)
    except UnsafeLogo as error:  # saved before the upload was checked, or put there by hand
        raise CertificateError("unsafe-logo", reason=str(error)) from error
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(pdf)
    os.replace(tmp, cache)  # a crash mid-write never leaves half a PDF in the cache
    return pdf


def verify_offline(payload: str, public_key) -> dict:
    """The signed fields of a payload, checked with the public key only."""
    return verify_payload(payload, public_key)
