"""A hub imports a box's bundles: once each, in any order, whole or not at
all, only from registered boxes, and never over newer events of its own."""

from __future__ import annotations

import io
import shutil
import stat
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from sync_helpers import inside, learn, people
from sqlalchemy import func, select

from academy.cohorts import attendance
from academy.cohorts import services as cohorts
from academy.extensions import db
from academy.library import get_library
from academy.programmes import services as programmes
from academy.programmes.report import BoxSource, ReportFilters, compute_report
from academy.sync import box as box_side
from academy.sync import hub
from academy.sync.bundle import export_bundle
from academy.sync.identity import box_key, fingerprint, public_key_text
from academy.sync.models import HubBox, HubBundle, HubEnrolment, HubLearner, HubLesson, HubReceived
from academy.sync.source import HubSource

YEAR = ReportFilters(date(2000, 1, 1), date(2100, 12, 31))


def numbers(report):
    """What a funder reads, comparable between a box and a hub."""
    def g(group):
        return (group.enrolled, group.started, group.completed, group.certified, group.scored,
                round(group.score_sum, 3), group.score_count, round(group.minutes, 3))

    return {
        "total": g(report.total),
        "gender": {k: g(v) for k, v in report.by_gender.items()},
        "job_role": {k: g(v) for k, v in report.by_job_role.items()},
        "course": {k: g(v) for k, v in report.by_course.items()},
        "modality": {k: g(v) for k, v in report.by_modality.items()},
        "country": {k: g(v) for k, v in report.by_country.items()},
        "organisation": {report.organisation_names.get(k): g(v) for k, v in report.by_organisation.items()},
        "sessions": {k: (v.sessions, v.present, v.absent, v.excused) for k, v in report.sessions.items()},
    }


def box_numbers(app):
    with inside(app):
        return numbers(compute_report(BoxSource(get_library()), YEAR))


def hub_numbers(app):
    with inside(app):
        return numbers(compute_report(HubSource(get_library()), YEAR))


@pytest.fixture
def box(make_academy, shipped_library):
    """A factory's box: 6 women who completed the climate course in a
    cohort that met in person, 5 men half-way."""
    app = make_academy("saigon")
    course = shipped_library.get("climate-action-cycling")
    with inside(app):
        organisation = programmes.create_organisation("Saigon Garments", "VN", "apparel")
        tutor = people("tutor", 1)[0]
        tutor.role = "tutor"
        cohort = cohorts.create_cohort(course, "Line 3", "vi", date(2026, 5, 1), date(2026, 6, 1), [tutor],
                                       organisation_id=organisation.id)
        women = people("woman", 6, organisation, gender="woman", job_role="worker")
        for user in women:
            cohorts.join_cohort(user, cohort, course)
            learn(user, course)
        for user in people("man", 5, organisation, gender="man", job_role="supervisor"):
            learn(user, course, lessons=4)
        session = attendance.add_session(cohort, datetime(2026, 5, 4, 9), "in-person")
        attendance.record_attendance(session, {u.id: "present" for u in women})
        db.session.commit()
    return app


@pytest.fixture
def central(make_academy):
    return make_academy("hub", role="hub")


def export(app, **options) -> bytes:
    with inside(app):
        written = export_bundle(box_key(app.config["DATA_DIR"]), get_library(), **options)
        db.session.commit()
        return written.data


def register(hub_app, box_app, name="Saigon Garments box"):
    with inside(box_app):
        box_id = fingerprint(box_key(box_app.config["DATA_DIR"]))
    with inside(hub_app):
        hub.register_box(box_id, name)
        db.session.commit()
    return box_id


def deliver(hub_app, data: bytes) -> hub.ImportResult:
    with inside(hub_app):
        result = hub.import_bundle(data, hub_app.config["DATA_DIR"])
        db.session.commit()
        return result


def acknowledge(hub_app, box_app, data: bytes, result) -> dict:
    """The hub's signed acknowledgement, taken in by the box."""

    with inside(hub_app):
        hub_key = box_key(hub_app.config["DATA_DIR"])
        ack = hub.acknowledgement(result, hub_key)
    with inside(box_app):
        box_side.trust_hub(public_key_text(hub_key))
        changed = box_side.apply_ack(box_side.read_ack(ack, box_key(box_app.config["DATA_DIR"])))
        db.session.commit()
    return changed


def hub_rows(hub_app):
    """Everything the hub holds of the boxes' learning, as plain values."""
    with inside(hub_app):
        return (
            sorted(db.session.execute(select(HubLearner.key, HubLearner.role, HubLearner.gender, HubLearner.erased)).all()),
            sorted(db.session.execute(select(HubLearner.key, HubEnrolment.course_id, HubEnrolment.enrolled_dt,
                                             HubEnrolment.started_dt, HubEnrolment.completed_dt)
                                      .join(HubLearner, HubLearner.id == HubEnrolment.learner_id)).all()),
            sorted(db.session.execute(select(HubLearner.key, HubLesson.lesson_key, HubLesson.completed_dt,
                                             HubLesson.best_score, HubLesson.minutes)
                                      .join(HubLearner, HubLearner.id == HubLesson.learner_id)).all()),
        )


def test_the_hubs_report_equals_the_boxs_after_one_bundle(box, central):
    register(central, box)
    result = deliver(central, export(box))
    assert result.status == "applied" and result.gaps == []
    assert hub_numbers(central) == box_numbers(box)
    assert hub_numbers(central)["total"][0] == 11


def test_a_bundle_imported_twice_changes_nothing(box, central):
    register(central, box)
    data = export(box)
    deliver(central, data)
    before = hub_rows(central), hub_numbers(central)
    again = deliver(central, data)
    assert again.status == "duplicate" and again.applied == 0 and again.duplicates > 0
    assert (hub_rows(central), hub_numbers(central)) == before


def test_bundles_out_of_order_are_applied_and_the_gap_is_listed_until_it_arrives(box, central, shipped_library):
    register(central, box)
    first = export(box, new_only=True)
    with inside(box):
        learn(people("late", 2, gender="woman")[0], shipped_library.get("hrdd-essentials"))
        db.session.commit()
    second = export(box, new_only=True)
    result = deliver(central, second)
    assert result.status == "applied" and result.gaps and result.gaps[0][0] == 1
    assert result.acknowledged_seq == 0
    result = deliver(central, first)
    assert result.status == "applied" and result.gaps == [] and result.acknowledged_seq == result.max_seq
    assert hub_numbers(central) == box_numbers(box)


def test_a_truncated_bundle_is_refused_whole(box, central):
    register(central, box)
    data = export(box)
    result = deliver(central, data[: len(data) // 2])
    assert (result.status, result.reason) == ("refused", "not-a-bundle")
    with inside(central):
        assert db.session.scalar(select(func.count()).select_from(HubReceived)) == 0
        assert db.session.scalar(select(func.count()).select_from(HubLearner)) == 0


def rewrite(data: bytes, name: str, change) -> bytes:
    """The bundle with one of its files changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            content = source.read(item)
            target.writestr(item, change(content) if item == name else content)
    return out.getvalue()


@pytest.mark.parametrize(("name", "reason"), [("events.ndjson.gz", "bad-hash"), ("manifest.json", "bad-signature"),
                                              ("state.ndjson.gz", "bad-hash")])
def test_a_tampered_bundle_is_refused_whole_with_the_reason(box, central, name, reason):
    import gzip

    register(central, box)
    data = export(box)

    def tamper(content: bytes) -> bytes:
        if name.endswith(".gz"):
            return gzip.compress(gzip.decompress(content).replace(b'"woman"', b'"man"').replace(b'"score":100', b'"score":1'))
        return content.replace(b'"privacy"', b'"privacy" ').replace(b"pseudonymised", b"full")

    result = deliver(central, rewrite(data, name, tamper))
    assert (result.status, result.reason) == ("refused", reason)
    with inside(central):
        assert db.session.scalar(select(func.count()).select_from(HubReceived)) == 0


def test_a_bundle_from_an_unknown_box_is_kept_aside_and_applied_once_the_box_is_registered(box, central):
    result = deliver(central, export(box))
    assert (result.status, result.reason) == ("kept-aside", "unknown-box")
    with inside(central):
        assert db.session.scalar(select(func.count()).select_from(HubReceived)) == 0
        kept = db.session.scalar(select(HubBundle).filter_by(status="kept-aside"))
        assert kept.kept_path and kept.box_id
    register(central, box)
    with inside(central):
        results = hub.retry_kept(central.config["DATA_DIR"])
        db.session.commit()
    assert [r.status for r in results] == ["applied"]
    assert hub_numbers(central) == box_numbers(box)


@pytest.mark.parametrize("tampered", ["events.ndjson.gz", "manifest.json"])
def test_a_bundle_from_an_unknown_box_takes_no_room_unless_it_is_whole_and_signed(box, central, tampered):
    """A push needs no sign-in: junk in a bundle's shape must not fill the hub's disk."""
    import gzip

    def tamper(content: bytes) -> bytes:
        if tampered.endswith(".gz"):
            return gzip.compress(gzip.decompress(content) + b"\n" + b"x" * 100_000)
        return content.replace(b'"privacy"', b'"privacy" ')

    result = deliver(central, rewrite(export(box), tampered, tamper))
    assert result.status == "refused" and result.reason in ("bad-hash", "bad-signature")
    assert not (Path(central.config["DATA_DIR"]) / hub.KEPT_FOLDER).exists()


def test_the_hub_keeps_a_bounded_number_of_bundles_for_unregistered_boxes(box, central, monkeypatch):
    monkeypatch.setattr(hub, "MAX_KEPT_FOR_UNKNOWN_BOXES", 1)
    assert deliver(central, export(box)).status == "kept-aside"
    result = deliver(central, export(box))
    assert (result.status, result.reason) == ("refused", "too-many-kept")
    assert len(list((Path(central.config["DATA_DIR"]) / hub.KEPT_FOLDER).iterdir())) == 1
    register(central, box)  # registering applies what was kept and frees its place
    with inside(central):
        assert [r.status for r in hub.retry_kept(central.config["DATA_DIR"])] == ["applied"]
        db.session.commit()
    assert deliver(central, export(box)).status in ("applied", "duplicate")


def test_a_kept_bundle_comes_back_with_a_backup_restored_into_another_data_folder(box, central, make_academy,
                                                                                   tmp_path):
    from academy.ops import backups
    from academy.setup import known_revisions

    assert hub.KEPT_FOLDER.split("/")[0] in backups.HUB_FOLDERS
    assert deliver(central, export(box)).status == "kept-aside"
    with inside(central):
        made = backups.create_backup(central, tmp_path / "hub.tar.gz")
    assert any(name.startswith(hub.KEPT_FOLDER + "/") for name in backups.archive_names(made))

    new_hub = make_academy("new-hub", role="hub")  # new hardware: another data folder
    with inside(new_hub):
        backups.restore_backup(new_hub, made, known_revisions(new_hub))
    kept = next((Path(new_hub.config["DATA_DIR"]) / hub.KEPT_FOLDER).glob("*.zip"))
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # learners' records
    register(new_hub, box)
    with inside(new_hub):
        results = hub.retry_kept(new_hub.config["DATA_DIR"])
        db.session.commit()
    assert [r.status for r in results] == ["applied"]
    assert hub_numbers(new_hub) == box_numbers(box)


def test_a_bundle_from_a_revoked_box_is_kept_aside(box, central):
    box_id = register(central, box)
    with inside(central):
        hub.revoke_box(db.session.get(HubBox, box_id))
        db.session.commit()
    result = deliver(central, export(box))
    assert (result.status, result.reason) == ("kept-aside", "revoked-box")
    assert hub_numbers(central)["total"][0] == 0


def test_a_bundle_signed_by_another_key_than_the_registered_one_is_refused(box, central, make_academy):
    impostor = make_academy("impostor")
    register(central, box)
    with inside(box):
        real_id = fingerprint(box_key(box.config["DATA_DIR"]))
    data = export(impostor)
    # The impostor claims the registered box's id.
    forged = rewrite(data, "manifest.json", lambda content: content.replace(
        content.split(b'"box_id": "')[1].split(b'"')[0], real_id.encode()))
    result = deliver(central, forged)
    assert result.status == "refused" and result.reason in ("key-mismatch", "bad-signature")


def test_a_box_restored_from_an_old_backup_is_a_fork_and_newer_events_at_the_hub_stay(box, central, shipped_library):
    register(central, box)
    hrdd = shipped_library.get("hrdd-essentials")
    first = export(box)
    acknowledge(central, box, first, deliver(central, first))
    backup = box.config["DATA_DIR"] / "backup.sqlite3"
    with inside(box):
        db.engine.dispose()
    shutil.copy(box.config["DATA_DIR"] / "academy.sqlite3", backup)
    with inside(box):  # after the backup: learners who will be lost on the box
        for user in people("lost", 2, gender="woman"):
            learn(user, hrdd)
        db.session.commit()
    second = export(box)
    acknowledge(central, box, second, deliver(central, second))
    with inside(central):
        held = db.session.scalar(select(func.count()).select_from(HubReceived))
    lost = hub_rows(central)
    # The box's disk fails; it is restored from the backup, and learning goes on.
    with inside(box):
        db.engine.dispose()
    shutil.copy(backup, box.config["DATA_DIR"] / "academy.sqlite3")
    with inside(box):
        for user in people("new", 3, gender="man"):
            learn(user, hrdd, lessons=2)
        db.session.commit()
    third = export(box)
    result = deliver(central, third)
    assert (result.status, result.reason) == ("fork", "fork")
    with inside(central):
        assert db.session.scalar(select(func.count()).select_from(HubReceived)) == held
        assert db.session.get(HubBox, result.box_id).fork_dt is not None
    assert hub_rows(central) == lost
    # The box learns of the fork, numbers its new events after the hub's,
    # and its next bundle applies: the hub has the lost learners and the new.
    changed = acknowledge(central, box, third, result)
    assert changed["renumbered"] > 0
    fourth = export(box)
    result = deliver(central, fourth)
    assert result.status == "applied" and result.gaps == []
    keys = {row[0] for row in hub_rows(central)[0]}
    assert {row[0] for row in lost[0]} <= keys
    with inside(central):
        genders = dict(db.session.execute(select(HubLearner.key, HubLearner.gender)).all())
    assert sum(1 for key in keys if genders[key] == "man") == 5 + 3


def test_a_deleted_learner_is_erased_at_the_hub(box, central):
    register(central, box)
    first = export(box)
    acknowledge(central, box, first, deliver(central, first))
    with inside(box):
        from academy.auth import services as accounts
        from academy.auth.models import User

        accounts.delete_user(db.session.scalar(select(User).filter_by(username="woman0")))
        db.session.commit()
    deliver(central, export(box))
    with inside(central):
        assert db.session.scalar(select(func.count()).select_from(HubLearner).filter_by(erased=True)) == 1
    assert hub_numbers(central) == box_numbers(box)
    assert hub_numbers(central)["gender"]["woman"][0] == 5


def test_a_box_that_sends_aggregates_only_gives_the_hub_its_sessions_and_certificates_but_no_learner(box, central):
    register(central, box)
    result = deliver(central, export(box, privacy="aggregates"))
    assert result.status == "applied" and result.gaps == []
    at_hub = hub_numbers(central)
    assert at_hub["total"][0] == 0
    assert at_hub["sessions"] == box_numbers(box)["sessions"] == {"in-person": (1, 6, 0, 0)}
    assert at_hub["organisation"] == {}
    with inside(central):
        from academy.sync.models import HubCertificate

        assert db.session.scalar(select(func.count()).select_from(HubCertificate).filter_by(learner_id=None)) == 6
        assert db.session.scalar(select(func.count()).select_from(HubLearner)) == 0


def test_a_mistyped_fingerprint_reads_as_a_sentence_in_the_admins_language(central):
    from flask_babel import force_locale

    from academy.messages import message_for

    with inside(central), central.test_request_context(), force_locale("en"):
        with pytest.raises(hub.HubError) as caught:
            hub.register_box("3F2A-91C0", "Too short")
        assert message_for(caught.value).startswith("A fingerprint has 32 letters and digits")
