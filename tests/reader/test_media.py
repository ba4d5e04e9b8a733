"""Course media is served from the course's media/ folder and from nowhere
else, whatever links an author put there or swapped in later."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import serve_copies

from academy.cli import main

TINY_COURSE = Path(__file__).resolve().parents[1] / "fixtures" / "courses" / "valid" / "tiny-course"


@pytest.fixture
def app_config():
    return {"SECRET_KEY": None}  # the key is generated and kept in DATA_DIR/secret_key, as in production


@pytest.fixture
def courses(app, tmp_path):
    """The tiny fixture course in a courses folder of its own, read on every request."""
    return serve_copies(app, tmp_path / "courses", TINY_COURSE)


def test_a_media_file_of_the_course_is_served(client, courses):
    response = client.get("/courses/tiny-course/media/bicycle.svg")
    assert response.status_code == 200 and response.data == (courses / "tiny-course/media/bicycle.svg").read_bytes()


def test_a_symlinked_image_never_serves_the_secret_key(app, client, courses):
    secret_key = app.config["DATA_DIR"] / "secret_key"
    assert secret_key.read_text(encoding="ascii").strip() == app.config["SECRET_KEY"]
    (courses / "tiny-course" / "media" / "logo.svg").symlink_to(secret_key)
    response = client.get("/courses/tiny-course/media/logo.svg")
    assert response.status_code == 404
    assert app.config["SECRET_KEY"].encode() not in response.data


def test_academy_check_reports_the_symlinked_image(app, courses):
    (courses / "tiny-course" / "media" / "logo.svg").symlink_to(app.config["DATA_DIR"] / "secret_key")
    result = CliRunner().invoke(main, ["check", str(courses)], env={"ACADEMY_DATA_DIR": str(app.config["DATA_DIR"])})
    assert result.exit_code == 1
    assert "tiny-course/media/logo.svg: error: \"logo.svg\" is a symbolic link;" in result.stdout


def test_a_media_file_swapped_for_a_symlink_after_loading_is_not_served(app, client, courses):
    app.extensions["academy.library"].reload_seconds = 3600  # the library was read before the swap
    assert client.get("/courses/tiny-course/media/bicycle.svg").status_code == 200
    image = courses / "tiny-course" / "media" / "bicycle.svg"
    image.unlink()
    image.symlink_to(app.config["DATA_DIR"] / "secret_key")
    response = client.get("/courses/tiny-course/media/bicycle.svg")
    assert response.status_code == 404
    assert app.config["SECRET_KEY"].encode() not in response.data


def test_a_media_folder_swapped_for_a_symlink_after_loading_is_not_served(app, client, courses, tmp_path):
    app.extensions["academy.library"].reload_seconds = 3600
    assert client.get("/courses/tiny-course/media/bicycle.svg").status_code == 200
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "bicycle.svg").write_bytes(b"<svg>not the course's</svg>")
    media = courses / "tiny-course" / "media"
    shutil.rmtree(media)
    media.symlink_to(elsewhere, target_is_directory=True)
    assert client.get("/courses/tiny-course/media/bicycle.svg").status_code == 404
