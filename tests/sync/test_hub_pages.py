"""A hub's pages: a box pushes its bundle, an admin registers boxes and
uploads bundles, /verify knows every box's certificates, the report counts
every box. A box has none of these pages."""

from __future__ import annotations

import io
import json
import threading

import pytest
from helpers import CsrfClient
from sqlalchemy import select
from sync_helpers import inside, learn, people

from academy.auth.services import create_user
from academy.certificates.models import Certificate
from academy.certificates.services import revoke, signed_fields
from academy.certificates.signing import sign_payload
from academy.extensions import db
from academy.library import get_library
from academy.programmes import services as programmes
from academy.sync import box as box_side
from academy.sync import hub
from academy.sync.bundle import export_bundle
from academy.sync.identity import box_key, display_fingerprint, fingerprint, public_key_text
from academy.sync.models import HubBox, HubBundle

PASSWORD = "a long password"


@pytest.fixture
def box(make_academy, shipped_library):
    app = make_academy("box")
    with inside(app):
        organisation = programmes.create_organisation("Dongguan Bikes", "CN", "cycling")
        for user in people("li", 5, organisation, gender="woman"):
            learn(user, shipped_library.get("hrdd-essentials"))
        db.session.commit()
    return app


@pytest.fixture
def central(make_academy):
    app = make_academy("hub", role="hub")
    app.test_client_class = CsrfClient
    with inside(app):
        create_user("hubadmin", PASSWORD, "Hub Admin", role="admin")
        create_user("officer", PASSWORD, "Officer", role="officer")
        db.session.commit()
    return app


def client_of(app, username=None):
    client = app.test_client()
    if username:
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def bundle(app, **options) -> bytes:
    with inside(app):
        data = export_bundle(box_key(app.config["DATA_DIR"]), get_library(), **options).data
        db.session.commit()
        return data


def box_id_of(app) -> str:
    with inside(app):
        return fingerprint(box_key(app.config["DATA_DIR"]))


def register(central, box):
    with inside(central):
        hub.register_box(box_id_of(box), "Dongguan")
        db.session.commit()


def test_a_box_pushes_a_bundle_and_reads_the_signed_acknowledgement(box, central):
    register(central, box)
    response = client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    assert response.status_code == 200
    with inside(central):
        hub_key = public_key_text(box_key(central.config["DATA_DIR"]))
    with inside(box):
        box_side.trust_hub(hub_key)
        ack = box_side.read_ack(response.data, box_key(box.config["DATA_DIR"]))
        box_side.apply_ack(ack)
        db.session.commit()
        from academy.settings import get_setting

        assert ack["status"] == "applied" and int(get_setting("sync_acked_seq")) == ack["acknowledged_seq"] > 0


def test_a_pushed_bundle_that_was_tampered_with_is_refused_with_a_reason(box, central):
    register(central, box)
    data = bytearray(bundle(box))
    data[len(data) // 2] ^= 0xFF
    response = client_of(central).post("/sync/bundles", data=bytes(data), content_type="application/zip")
    assert response.status_code == 422
    assert json.loads(response.data)["ack"]["status"] == "refused"


def test_an_acknowledgement_signed_by_another_hub_is_refused(box, central, make_academy):
    register(central, box)
    response = client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    other = make_academy("other-hub", role="hub")
    with inside(other):
        other_key = public_key_text(box_key(other.config["DATA_DIR"]))
    with inside(box):
        box_side.trust_hub(other_key)
        with pytest.raises(box_side.AckError) as caught:
            box_side.read_ack(response.data, box_key(box.config["DATA_DIR"]))
    assert caught.value.code == "bad-signature"


@pytest.mark.parametrize("path", ["/admin/sync", "/sync/bundles"])
def test_a_box_has_no_hub_pages(box, path):
    with inside(box):
        create_user("boxadmin", PASSWORD, "Box Admin", role="admin")
        db.session.commit()
    client = client_of(box, "boxadmin")
    response = client.get(path) if path == "/admin/sync" else client.post(path, data=b"x", csrf=False)
    assert response.status_code == 404


def test_an_admin_registers_a_box_and_its_kept_bundle_is_applied(box, central):
    client = client_of(central, "hubadmin")
    pushed = client.post("/sync/bundles", data=bundle(box), content_type="application/zip")
    assert pushed.status_code == 202
    response = client.post("/admin/sync", data={"fingerprint": display_fingerprint(box_id_of(box)),
                                                 "name": "Dongguan Bikes box", "register_box": "y"})
    assert response.status_code == 302
    page = client.get("/admin/sync").get_data(as_text=True)
    assert "Dongguan Bikes box" in page and "applied" in page


def test_an_admin_uploads_a_bundle_and_fetches_its_acknowledgement(box, central):
    register(central, box)
    client = client_of(central, "hubadmin")
    response = client.post("/admin/sync", data={"file": (io.BytesIO(bundle(box)), "bundle.zip"),
                                                "import_bundle": "y"}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get("/admin/sync").get_data(as_text=True)
    assert "new events" in page
    link = page.split('href="/admin/sync/acknowledgements/')[1].split('"')[0]
    ack = client.get(f"/admin/sync/acknowledgements/{link}")
    assert json.loads(ack.data)["ack"]["status"] == "applied"


def test_a_form_posted_to_the_boxes_page_without_its_token_is_refused(box, central):
    response = client_of(central, "hubadmin").post("/admin/sync", csrf=False, data={
        "fingerprint": display_fingerprint(box_id_of(box)), "name": "Forged", "register_box": "y"})
    assert response.status_code == 400
    with inside(central):
        assert hub.boxes() == []


def test_the_upload_page_takes_a_bundle_larger_than_other_forms(box, central):
    central.config["MAX_CONTENT_LENGTH"] = 1024
    register(central, box)
    data = bundle(box)
    assert len(data) > 1024
    response = client_of(central, "hubadmin").post("/admin/sync", data={
        "file": (io.BytesIO(data), "bundle.zip"), "import_bundle": "y"}, content_type="multipart/form-data")
    assert response.status_code == 302


def test_a_bundle_over_the_hubs_limit_is_refused_before_it_is_read(box, central):
    central.config["SYNC_MAX_BUNDLE_BYTES"] = 1024
    register(central, box)
    response = client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    assert response.status_code == 413


@pytest.mark.parametrize("who", [None, "learner", "tutor", "officer"])
def test_only_the_hubs_admins_reach_its_sync_pages(box, central, who):
    """Every sync page of a hub, tried by each role that is not its admin:
    the way in for anonymous visitors, not found for the others, nothing changed."""
    with inside(central):
        create_user("learner", PASSWORD, "Learner")
        create_user("tutor", PASSWORD, "Tutor", role="tutor")
        db.session.commit()
    box_id = box_id_of(box)
    register(central, box)
    assert client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip").status_code == 200
    with inside(central):
        record_id = db.session.scalar(select(HubBundle.id))
    routes = [("get", "/admin/sync"), ("post", "/admin/sync"), ("post", f"/admin/sync/boxes/{box_id}/revoke"),
              ("get", f"/admin/sync/acknowledgements/{record_id}.json")]
    client = client_of(central, who)
    for method, path in routes:
        response = getattr(client, method)(path, data={"name": "Intruder", "fingerprint": box_id, "register": "y"})
        assert response.status_code == (302 if who is None else 404), (method, path)
        if who is None:
            assert "/login" in response.headers["Location"]
    with inside(central):
        assert db.session.get(HubBox, box_id).revoked_dt is None
    admin = client_of(central, "hubadmin")
    assert [admin.get(path).status_code for method, path in routes if method == "get"] == [200, 200]


def test_the_hubs_report_counts_the_boxes_learners(box, central):
    register(central, box)
    client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    page = client_of(central, "officer").get("/reports", query_string={"start": "2000-01-01", "end": "2100-12-31"})
    text = page.get_data(as_text=True)
    assert '<dd><bdi dir="ltr">5</bdi></dd>' in text and "Dongguan Bikes" in text and "China" in text


# -- certificates across boxes --------------------------------------------------------

def certificate_link(app, username="li0"):
    """The code and the signed code a learner's certificate carries."""
    with inside(app):
        from academy.auth.models import User

        certificate = db.session.scalar(select(Certificate).join(User).filter(User.username == username))
        payload = sign_payload(signed_fields(certificate, "en", "HRDD essentials"), box_key(app.config["DATA_DIR"]))
        return certificate.code, payload


def test_a_synced_certificate_is_valid_and_recorded_on_the_hub(box, central):
    register(central, box)
    client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    code, payload = certificate_link(box)
    page = client_of(central).get(f"/verify/{code}").get_data(as_text=True)
    assert "valid and recorded" in page and "Dongguan" in page
    signed = client_of(central).get(f"/verify/{code}", query_string={"p": payload}).get_data(as_text=True)
    assert "valid and recorded" in signed and "Li 0" in signed and "not the name recorded" not in signed


def test_a_learning_paths_certificate_is_named_by_its_path_on_the_hub(box, central, shipped_library):
    from academy.auth.models import User
    from academy.learn.learning_paths import enrol_in_path

    with inside(box):
        path = shipped_library.get_path("workplace-rights-basics")
        user = people("an", 1)[0]
        enrol_in_path(user, path, shipped_library)
        for course_id in path.courses:
            learn(user, shipped_library.get(course_id))
        db.session.commit()
        code = db.session.scalar(select(Certificate.code).join(User).filter(
            User.username == "an0", Certificate.course_id == "path:workplace-rights-basics"))
    register(central, box)
    client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    page = client_of(central).get(f"/verify/{code}").get_data(as_text=True)
    assert "valid and recorded" in page and "Workplace rights basics" in page and "path:" not in page
    assert "Learning path" in page


def test_a_certificate_not_yet_synced_verifies_by_its_signature(box, central):
    register(central, box)
    with inside(central):  # the hub knows the box's key from an earlier, empty bundle
        db.session.get(HubBox, box_id_of(box)).public_key = public_key_text(box_key(box.config["DATA_DIR"]))
        db.session.commit()
    code, payload = certificate_link(box)
    response = client_of(central).get(f"/verify/{code}", query_string={"p": payload})
    assert response.status_code == 200 and "has not reached this hub yet" in response.get_data(as_text=True)


def test_a_revoked_certificate_shows_as_revoked_on_the_hub(box, central):
    register(central, box)
    with inside(box):
        from academy.auth.models import User

        revoke(db.session.scalar(select(Certificate).join(User).filter(User.username == "li1")), "wrong name")
        db.session.commit()
    client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    code, payload = certificate_link(box, "li1")
    page = client_of(central).get(f"/verify/{code}", query_string={"p": payload}).get_data(as_text=True)
    assert "was revoked" in page and "wrong name" in page


def test_a_certificate_from_an_unknown_box_is_not_vouched_for(box, central):
    code, payload = certificate_link(box)
    response = client_of(central).get(f"/verify/{code}", query_string={"p": payload})
    assert response.status_code == 404 and "No box registered here signed" in response.get_data(as_text=True)


def test_a_signed_code_with_another_name_is_flagged(box, central):
    register(central, box)
    client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    with inside(box):
        from academy.auth.models import User

        certificate = db.session.scalar(select(Certificate).join(User).filter(User.username == "li0"))
        fields = {**signed_fields(certificate, "en", "HRDD"), "learner_name": "Someone Else"}
        payload = sign_payload(fields, box_key(box.config["DATA_DIR"]))
    page = client_of(central).get(f"/verify/{certificate.code}", query_string={"p": payload}).get_data(as_text=True)
    assert "not the name recorded" in page


# -- the commands -----------------------------------------------------------------------

def test_the_commands_carry_a_bundle_from_a_box_to_the_hub_and_back(box, central, tmp_path):
    box_cli, hub_cli = box.test_cli_runner(), central.test_cli_runner()
    identity = box_cli.invoke(args=["sync", "identity"])
    assert identity.exit_code == 0
    fingerprint_line = next(line for line in identity.output.splitlines() if line.startswith("fingerprint:"))
    assert hub_cli.invoke(args=["sync", "register", fingerprint_line.split(": ")[1], "--name", "Dongguan"]).exit_code == 0
    hub_identity = hub_cli.invoke(args=["sync", "identity"]).output
    hub_key = next(line for line in hub_identity.splitlines() if line.startswith("public key:")).split(": ")[1]
    assert box_cli.invoke(args=["sync", "trust-hub", hub_key]).exit_code == 0
    exported = box_cli.invoke(args=["sync", "export", str(tmp_path)])
    assert exported.exit_code == 0, exported.output
    path = next(tmp_path.glob("academy-*.zip"))
    imported = hub_cli.invoke(args=["sync", "import", str(path)])
    assert imported.exit_code == 0 and "applied" in imported.output, imported.output
    again = hub_cli.invoke(args=["sync", "import", str(path)])
    assert again.exit_code == 0 and "0 events applied" in again.output
    acked = box_cli.invoke(args=["sync", "ack", str(path) + ".ack.json"])
    assert acked.exit_code == 0 and "the hub says: duplicate" in acked.output, acked.output


def test_importing_a_damaged_bundle_says_why_in_one_line_and_exits_1(central, tmp_path):
    path = tmp_path / "bundle.zip"
    path.write_bytes(b"not a bundle at all")
    result = central.test_cli_runner().invoke(args=["sync", "import", str(path)])
    assert result.exit_code == 1 and "not a complete bundle" in result.output and "Traceback" not in result.output


def test_an_export_to_a_folder_that_does_not_exist_says_so_in_one_line_and_keeps_the_bundle_number(box, tmp_path):
    runner = box.test_cli_runner()
    result = runner.invoke(args=["sync", "export", str(tmp_path / "no-such-stick" / "bundle.zip")])
    assert result.exit_code == 1 and "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert result.output.count("\n") == 1 and "no-such-stick" in result.output
    written = runner.invoke(args=["sync", "export", str(tmp_path)])
    assert written.exit_code == 0 and "bundle 1," in written.output, written.output


def test_an_acknowledgement_from_another_hub_is_refused_in_words_about_the_hub(box, central, make_academy, tmp_path):
    register(central, box)
    response = client_of(central).post("/sync/bundles", data=bundle(box), content_type="application/zip")
    other = make_academy("other-hub", role="hub")
    with inside(other):
        other_key = public_key_text(box_key(other.config["DATA_DIR"]))
    runner = box.test_cli_runner()
    runner.invoke(args=["sync", "trust-hub", other_key])
    ack = tmp_path / "ack.json"
    ack.write_bytes(response.data)
    result = runner.invoke(args=["sync", "ack", str(ack)])
    assert result.exit_code == 1 and "acknowledgement" in result.output and "bundle" not in result.output


def test_a_hub_command_on_a_box_says_so(box):
    result = box.test_cli_runner().invoke(args=["sync", "register", "ab" * 16])
    assert result.exit_code == 1 and "for a hub" in result.output


def test_push_sends_the_bundle_over_the_network_and_reads_the_answer(box, central):
    from waitress.server import create_server

    register(central, box)
    server = create_server(central, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with inside(central):
            hub_key = public_key_text(box_key(central.config["DATA_DIR"]))
        runner = box.test_cli_runner()
        runner.invoke(args=["sync", "trust-hub", hub_key])
        result = runner.invoke(args=["sync", "push", f"http://127.0.0.1:{server.effective_port}"])
        assert result.exit_code == 0 and "the hub says: applied" in result.output, result.output
    finally:
        server.close()
