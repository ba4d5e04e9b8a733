"""Done when: two boxes and a hub on PostgreSQL. Learners on both boxes
complete courses (one with an assignment a tutor accepts), both boxes
export, the hub imports every bundle twice and out of order (pushed to its
address as a box does, and with `academy sync import`), and the hub's
report is the sum of the boxes' reports."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime

import pytest
from helpers import CsrfClient
from sqlalchemy import create_engine, text
from sync_helpers import inside, learn, people

from academy import create_app
from academy.cohorts import attendance
from academy.cohorts import services as cohorts
from academy.extensions import db
from academy.library import get_library
from academy.programmes import services as programmes
from academy.programmes.report import BoxSource, ReportFilters, compute_report
from academy.setup import upgrade_database
from academy.sync import hub
from academy.sync.bundle import export_bundle
from academy.sync.identity import box_key, fingerprint
from academy.sync.source import HubSource

ALL_TIME = ReportFilters(date(2000, 1, 1), date(2100, 12, 31))


@pytest.fixture
def hub_url(postgres_url):
    """A database of its own on the throwaway server."""
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS academy_hub"))
        connection.execute(text("CREATE DATABASE academy_hub"))
    engine.dispose()
    yield postgres_url.replace("@/academy?", "@/academy_hub?")


def academy(tmp_path, name, migrated_db, **config):
    data_dir = tmp_path / name
    data_dir.mkdir()
    if "DATABASE_URL" not in config:
        shutil.copy(migrated_db, data_dir / "academy.sqlite3")
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": name, "SQLITE_SYNCHRONOUS": "NORMAL",
                      **config})
    app.test_client_class = CsrfClient
    return app


def numbers(report):
    def g(group):
        return [group.enrolled, group.started, group.completed, group.certified, group.scored,
                round(group.score_sum, 3), group.score_count, round(group.minutes, 3)]

    return {
        "total": {"all": g(report.total)},
        "gender": {str(k): g(v) for k, v in report.by_gender.items()},
        "job_role": {str(k): g(v) for k, v in report.by_job_role.items()},
        "course": {k: g(v) for k, v in report.by_course.items()},
        "modality": {k: g(v) for k, v in report.by_modality.items()},
        "country": {str(k): g(v) for k, v in report.by_country.items()},
        "organisation": {report.organisation_names.get(k, "none"): g(v) for k, v in report.by_organisation.items()},
        "sessions": {k: [v.sessions, v.present, v.absent, v.excused] for k, v in report.sessions.items()},
    }


def added(*reports):
    total: dict = {}
    for report in reports:
        for section, rows in report.items():
            for key, values in rows.items():
                current = total.setdefault(section, {}).setdefault(key, [0] * len(values))
                total[section][key] = [round(a + b, 3) for a, b in zip(current, values)]
    return total


def test_the_hubs_report_is_the_sum_of_the_boxes_reports(tmp_path, migrated_db, hub_url):
    saigon = academy(tmp_path, "saigon", migrated_db)
    dongguan = academy(tmp_path, "dongguan", migrated_db)
    central = academy(tmp_path, "hub", migrated_db, DATABASE_URL=hub_url, ROLE="hub")
    upgrade_database(central)

    with inside(saigon):
        library = get_library()
        climate, hrdd = library.get("climate-action-cycling"), library.get("hrdd-essentials")
        garments = programmes.create_organisation("Saigon Garments", "VN", "apparel")
        tutor = people("tutor", 1)[0]
        tutor.role = "tutor"
        line = cohorts.create_cohort(climate, "Line 3", "vi", date(2026, 5, 1), date(2026, 6, 1), [tutor],
                                     organisation_id=garments.id)
        women = people("hoa", 7, garments, gender="woman", job_role="worker")
        for user in women:
            cohorts.join_cohort(user, line, climate)
            learn(user, climate)
        for user in people("nam", 6, garments, gender="man", job_role="supervisor"):
            learn(user, hrdd, lessons=3)
        held = attendance.add_session(line, datetime(2026, 5, 5, 8), "in-person")
        attendance.record_attendance(held, {u.id: "present" if i else "absent" for i, u in enumerate(women)})
        db.session.commit()
        garments_id = garments.id
    with inside(dongguan):
        bikes = programmes.create_organisation("Dongguan Bikes", "CN", "cycling")
        tutor = people("tutor", 1)[0]
        tutor.role = "tutor"
        evening = cohorts.create_cohort(hrdd, "Evening class", "zh", date(2026, 5, 1), date(2026, 6, 1), [tutor],
                                        organisation_id=bikes.id)
        members = people("wang", 8, bikes, gender="woman", job_role="worker")
        for user in members:
            cohorts.join_cohort(user, evening, hrdd)
            learn(user, hrdd)
        for user in people("li", 5, bikes, gender="man", job_role="manager"):
            learn(user, climate)
        harassment = library.get("preventing-sexual-harassment")  # a lesson done when the tutor accepts an answer
        for user in people("zhao", 6, bikes, gender="woman", job_role="supervisor"):
            learn(user, harassment, reviewer=tutor)
        for day in (6, 13):
            session = attendance.add_session(evening, datetime(2026, 5, day, 19), "webinar")
            attendance.record_attendance(session, {u.id: "present" for u in members})
        db.session.commit()

    def export(app, **options):
        with inside(app):
            data = export_bundle(box_key(app.config["DATA_DIR"]), get_library(), **options).data
            db.session.commit()
            return data

    saigon_first = export(saigon, new_only=True)
    with inside(saigon):  # more learning after the first bundle
        for user in people("late", 5, db.session.get(programmes.Organisation, garments_id), gender="woman"):
            learn(user, hrdd)
        db.session.commit()
    saigon_second = export(saigon, new_only=True)
    dongguan_only = export(dongguan)

    with inside(central):
        for app in (saigon, dongguan):
            with inside(app):
                box_id = fingerprint(box_key(app.config["DATA_DIR"]))
            hub.register_box(box_id, app.config["SECRET_KEY"])
        db.session.commit()
        assert db.session.execute(text("select version()")).scalar().startswith("PostgreSQL")
    # Out of order, each twice: pushed to the hub's address as a box does,
    # then carried on a stick and imported with the command.
    statuses = []
    for data in (saigon_second, dongguan_only, saigon_first):
        pushed = central.test_client().post("/sync/bundles", data=data, content_type="application/zip")
        statuses.append(json.loads(pushed.data)["ack"]["status"])
    for number, data in enumerate((saigon_second, dongguan_only, saigon_first)):
        stick = tmp_path / f"bundle-{number}.zip"
        stick.write_bytes(data)
        imported = central.test_cli_runner().invoke(args=["sync", "import", str(stick)])
        assert imported.exit_code == 0, imported.output
        statuses.append(imported.output.split(": ")[1].split(" ")[0])
    assert statuses == ["applied", "applied", "applied", "duplicate", "duplicate", "duplicate"]
    with inside(central):
        at_hub = numbers(compute_report(HubSource(get_library()), ALL_TIME))

    boxes = []
    for app in (saigon, dongguan):
        with inside(app):
            boxes.append(numbers(compute_report(BoxSource(get_library()), ALL_TIME)))
    assert at_hub == added(*boxes)
    assert at_hub["total"]["all"][0] == 7 + 6 + 5 + 8 + 5 + 6
    assert at_hub["course"]["preventing-sexual-harassment"][2:4] == [6, 6]  # completed and certified
    assert at_hub["sessions"] == {"in-person": [1, 6, 1, 0], "webinar": [2, 16, 0, 0]}
    assert set(at_hub["organisation"]) == {"Saigon Garments", "Dongguan Bikes"}

    # The officer's page on the hub shows the same.
    with inside(central):
        from academy.auth.services import create_user

        create_user("officer", "a long password", "Officer", role="officer")
        db.session.commit()
    client = central.test_client()
    client.post("/login", data={"username": "officer", "password": "a long password"})
    page = client.get("/reports", query_string={"start": "2000-01-01", "end": "2100-12-31"}).get_data(as_text=True)
    assert f'<dd><bdi dir="ltr">{at_hub["total"]["all"][0]}</bdi></dd>' in page
    for app in (saigon, dongguan, central):
        with inside(app):
            db.engine.dispose()


def test_a_bundle_pushed_several_times_at_once_is_applied_once_on_postgresql(tmp_path, migrated_db, hub_url):
    """A box whose connection drops retries its push while the first is
    still being applied: every push is answered, the events land once."""
    from helpers import in_parallel
    from sqlalchemy import func, select

    from academy.sync.models import HubEnrolment, HubReceived

    saigon = academy(tmp_path, "saigon", migrated_db)
    central = academy(tmp_path, "hub", migrated_db, DATABASE_URL=hub_url, ROLE="hub")
    upgrade_database(central)
    with inside(saigon):
        hrdd = get_library().get("hrdd-essentials")
        for user in people("mai", 8):
            learn(user, hrdd, lessons=2)
        db.session.commit()
        data = export_bundle(box_key(saigon.config["DATA_DIR"]), get_library()).data
        db.session.commit()
        box_id = fingerprint(box_key(saigon.config["DATA_DIR"]))
    with inside(central):
        hub.register_box(box_id, "Saigon")
        db.session.commit()

    def push(_index):
        response = central.test_client().post("/sync/bundles", data=data, content_type="application/zip")
        return response.status_code, json.loads(response.data)["ack"]["status"]

    answers = in_parallel(4, push)
    assert sorted(answers) == [(200, "applied")] + [(200, "duplicate")] * 3
    with inside(central):
        assert db.session.scalar(select(func.count(HubEnrolment.id))) == 8
        received = db.session.scalar(select(func.count(HubReceived.seq)))
        assert received == db.session.scalar(select(func.count(func.distinct(HubReceived.seq))))
    for app in (saigon, central):
        with inside(app):
            db.engine.dispose()


def test_a_box_registered_twice_at_once_is_registered_once_on_postgresql(tmp_path, migrated_db, hub_url):
    from helpers import in_parallel
    from sqlalchemy import func, select

    from academy.auth.services import create_user
    from academy.sync.models import HubBox

    central = academy(tmp_path, "hub", migrated_db, DATABASE_URL=hub_url, ROLE="hub")
    upgrade_database(central)
    with inside(central):
        create_user("hubadmin", "a long password", "Hub Admin", role="admin")
        db.session.commit()
    browsers = [central.test_client() for _ in range(4)]
    for browser in browsers:
        assert browser.post("/login", data={"username": "hubadmin", "password": "a long password"}).status_code == 302
    csrf = [browser.csrf_token() for browser in browsers]
    statuses = in_parallel(4, lambda i: browsers[i].post("/admin/sync", csrf=False, data={
        "fingerprint": "ab" * 16, "name": "Saigon", "register_box": "y", "csrf_token": csrf[i]}).status_code)
    assert statuses == [302] * 4
    with inside(central):
        assert db.session.scalar(select(func.count(HubBox.id))) == 1
        db.engine.dispose()
