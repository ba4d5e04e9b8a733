"""The admin's "Content" page: which version of each course learners see,
what is wrong with the newest files, and a new version uploaded as a zip or
a git bundle (checked first, swapped in whole, the previous one kept)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from helpers import serve_copies
from markupsafe import escape

from academy.library import get_library

COURSE = "climate-action-cycling"
QUIZ_VI = "01-why-climate-action/03-check-your-understanding.vi.md"


@pytest.fixture
def app_config():
    return {"CONTENT_RELOAD_SECONDS": 0}


@pytest.fixture
def admin(client, make_user, login):
    user = make_user("chief", role="admin")
    login(client, user)
    return user


@pytest.fixture
def courses(app, tmp_path):
    """The server reads a courses folder of its own (a copy of one shipped course)."""
    folder = serve_copies(app, tmp_path / "served" / "courses", app.config["SHIPPED_COURSES_DIR"] / COURSE)
    app.config["COURSES_DIR"] = folder
    return folder


def break_a_vietnamese_option(courses):
    path = courses / COURSE / QUIZ_VI
    path.write_text(path.read_text(encoding="utf-8").replace("  - id: scope-2", "  - id: scope-two", 1), encoding="utf-8")


def zipped(folder, prefix="courses") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


@pytest.fixture
def new_version(app, tmp_path):
    """The shipped courses as an author would send them, to be changed by a test."""
    folder = tmp_path / "usb" / "courses"
    shutil.copytree(app.config["SHIPPED_COURSES_DIR"], folder)
    return folder


def upload(client, data: bytes, name="courses.zip", **fields):
    return client.post("/admin/content/upload", data={"archive": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def page(client) -> str:
    return client.get("/admin/content", headers={"Accept-Language": "en"}).get_data(as_text=True)


# -- the state of each course ----------------------------------------------------

def test_the_content_page_lists_every_course_with_its_version_and_status(client, admin, courses):
    served = get_library().get(COURSE)
    text = page(client)
    assert (COURSE in text, served.version in text, "Served" in text) == (True, True, True)


def test_a_course_with_errors_in_newer_files_says_learners_see_the_previous_version(client, admin, courses):
    get_library()
    break_a_vietnamese_option(courses)
    text = page(client)
    assert "Served with errors in newer files: learners see the previous version" in text
    assert f"courses/{COURSE}/{QUIZ_VI}:" in text


def test_a_course_broken_from_the_start_is_shown_as_refused_with_its_errors(client, admin, courses):
    break_a_vietnamese_option(courses)
    text = page(client)
    assert "Refused: not served until its errors are fixed" in text
    assert escape('option "scope-two" is not in the source') in text


def test_a_stale_translation_is_listed_on_the_content_page(client, admin, courses):
    path = courses / COURSE / QUIZ_VI
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "source_hash: 0123456789\ntitle:", 1), encoding="utf-8")
    text = page(client)
    assert "Translations that may be out of date" in text and f"courses/{COURSE}/{QUIZ_VI}:" in text


def test_the_content_page_shows_the_git_commit_of_the_courses_folder(client, admin, courses):
    subprocess.run(["git", "init", "--quiet"], cwd=courses, check=True)
    subprocess.run(["git", "-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "--quiet", "--allow-empty", "-m", "x"],
                   cwd=courses, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=courses, capture_output=True, text=True).stdout.strip()
    assert commit[:10] in page(client)


def test_the_admin_menu_links_to_the_content_page(client, admin):
    assert 'href="/admin/content"' in client.get("/my").get_data(as_text=True)


def test_the_content_page_speaks_the_admins_language(client, make_user, login):
    login(client, make_user("truong", role="admin", language="vi"))
    text = client.get("/admin/content").get_data(as_text=True)
    assert "<h1>Nội dung</h1>" in text


# -- uploading a new version ---------------------------------------------------------

def test_an_uploaded_zip_is_checked_and_installed(app, client, admin, new_version):
    shutil.rmtree(new_version / "hrdd-essentials")
    response = upload(client, zipped(new_version))
    assert response.status_code == 200
    assert "The new courses are installed." in response.get_data(as_text=True)
    assert "hrdd-essentials" not in get_library().courses


def test_the_upload_shows_what_changed(app, client, admin, new_version):
    shutil.rmtree(new_version / "hrdd-essentials")
    text = upload(client, zipped(new_version)).get_data(as_text=True)
    assert "Course removed: <code dir=\"ltr\">hrdd-essentials</code>" in text


def test_an_upload_with_errors_changes_nothing_and_shows_the_errors(app, client, admin, new_version):
    (new_version / COURSE / "course.yml").write_text("format: 2\n")
    response = upload(client, zipped(new_version))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was installed: the new courses have problems." in text and f"{COURSE}/course.yml" in text
    assert not (app.config["DATA_DIR"] / "courses").exists()


def test_an_upload_without_the_forms_token_is_refused(app, client, admin, new_version):
    response = client.post("/admin/content/upload", data={"archive": (io.BytesIO(zipped(new_version)), "courses.zip")},
                           content_type="multipart/form-data", csrf=False)
    assert (response.status_code, (app.config["DATA_DIR"] / "courses").exists()) == (400, False)


def test_an_upload_larger_than_the_limit_is_refused(app, client, admin, new_version):
    app.config["COURSE_UPLOAD_MAX_MB"] = 0.01
    response = upload(client, zipped(new_version))
    assert (response.status_code, (app.config["DATA_DIR"] / "courses").exists()) == (413, False)


def test_a_zip_that_climbs_out_of_its_folder_is_refused(app, client, admin, new_version, tmp_path):
    buffer = io.BytesIO(zipped(new_version))
    with zipfile.ZipFile(buffer, "a") as zf:
        zf.writestr("../../../outside.txt", "owned")
    response = upload(client, buffer.getvalue())
    assert response.status_code == 422
    assert "would land outside its folder" in response.get_data(as_text=True)
    assert not list(tmp_path.rglob("outside.txt"))


def test_a_refused_upload_leaves_no_file_in_the_data_folder(app, client, admin, new_version):
    (new_version / COURSE / "course.yml").write_text("format: 2\n")
    upload(client, zipped(new_version))
    assert [p.name for p in app.config["DATA_DIR"].iterdir() if "course" in p.name] == []


def test_an_uploaded_git_bundle_is_installed(app, client, admin, new_version, tmp_path):
    repo = new_version.parent
    for args in (["init", "--quiet"], ["add", "."], ["commit", "--quiet", "-m", "Courses"],
                 ["bundle", "create", str(tmp_path / "courses.bundle"), "--all"]):
        subprocess.run(["git", "-c", "user.name=A", "-c", "user.email=a@example.org", *args], cwd=repo, check=True,
                       capture_output=True)
    response = upload(client, (tmp_path / "courses.bundle").read_bytes(), name="courses.bundle")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]


def test_the_previous_version_can_be_put_back(app, client, admin, new_version):
    shutil.rmtree(new_version / "hrdd-essentials")
    upload(client, zipped(new_version))
    response = client.post("/admin/content/rollback")
    assert "The previous courses are back." in response.get_data(as_text=True)
    assert "hrdd-essentials" in get_library().courses
