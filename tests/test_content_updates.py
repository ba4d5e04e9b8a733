"""The pieces of a course update that need no web app: which git commit a
courses folder holds, what changed between two versions, one update at a time."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from academy.content import load_library
from academy.content_updates import LOCK, MARKER, UpdateError, _locked, compare, folder_commit
from academy.paths import resource

SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
COURSE = "climate-action-cycling"


def git(*args, cwd):
    return subprocess.run(["git", "-c", "user.name=A", "-c", "user.email=a@example.org", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout.strip()


# -- folder_commit ---------------------------------------------------------------------

def test_the_commit_of_a_checkout_is_read_from_its_branch(tmp_path):
    git("init", "--quiet", cwd=tmp_path)
    git("commit", "--quiet", "--allow-empty", "-m", "x", cwd=tmp_path)
    (tmp_path / "courses").mkdir()
    assert folder_commit(tmp_path / "courses") == git("rev-parse", "HEAD", cwd=tmp_path)


def test_the_commit_is_found_in_packed_refs(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".git" / "packed-refs").write_text(f"# pack-refs with: peeled fully-peeled sorted\n{SHA} refs/heads/main\n")
    assert folder_commit(tmp_path) == SHA


def test_a_detached_head_is_its_own_commit(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text(f"{SHA}\n")
    assert folder_commit(tmp_path) == SHA


def test_the_commit_of_a_linked_worktree_is_read_through_its_gitdir_file(tmp_path):
    main = tmp_path / "main"
    main.mkdir()
    git("init", "--quiet", cwd=main)
    git("commit", "--quiet", "--allow-empty", "-m", "x", cwd=main)
    git("worktree", "add", "--quiet", "-b", "other", str(tmp_path / "other"), cwd=main)
    git("commit", "--quiet", "--allow-empty", "-m", "y", cwd=tmp_path / "other")
    assert folder_commit(tmp_path / "other") == git("rev-parse", "HEAD", cwd=tmp_path / "other")


def test_a_folder_outside_git_has_no_commit(tmp_path):
    assert folder_commit(tmp_path) is None


def test_an_installed_folder_names_the_commit_it_was_installed_from_not_the_repository_around_it(tmp_path):
    git("init", "--quiet", cwd=tmp_path)
    git("commit", "--quiet", "--allow-empty", "-m", "x", cwd=tmp_path)
    (tmp_path / "courses").mkdir()
    (tmp_path / "courses" / MARKER).write_text('{"source": "courses.zip", "kind": "zip", "commit": null}')
    assert folder_commit(tmp_path / "courses") is None


# -- compare -------------------------------------------------------------------------------

@pytest.fixture
def versions(tmp_path):
    """Two copies of a shipped course: before and after (to be edited)."""
    for name in ("before", "after"):
        shutil.copytree(resource("courses") / COURSE, tmp_path / name / COURSE)

    def changes():
        return compare(dict(load_library(tmp_path / "before").courses), dict(load_library(tmp_path / "after").courses))

    changes.after = tmp_path / "after" / COURSE
    return changes


def test_a_module_whose_id_changed_but_kept_its_number_is_renamed_with_its_lessons(versions):
    (versions.after / "03-reducing-emissions").rename(versions.after / "03-cutting-emissions")
    changes = versions()
    assert changes.modules_renamed == ((COURSE, "reducing-emissions", "cutting-emissions"),)
    assert [old for _c, old, _new in changes.lessons_renamed] == [
        "reducing-emissions/cleaner-energy-and-efficient-processes", "reducing-emissions/materials-data-and-design",
        "reducing-emissions/check-your-understanding",
    ]


def test_a_lesson_moved_to_another_number_under_a_new_id_is_removed_and_added_not_renamed(versions):
    module = versions.after / "03-reducing-emissions"
    for path in module.glob("02-materials-data-and-design.*.md"):
        path.rename(module / path.name.replace("02-materials-data-and-design", "04-materials"))
    changes = versions()
    assert (changes.lessons_renamed, changes.lessons_removed, changes.lessons_added) == (
        (), ((COURSE, "reducing-emissions/materials-data-and-design"),), ((COURSE, "reducing-emissions/materials"),)
    )


def test_the_same_version_has_no_changes(versions):
    assert versions().none


def test_removed_and_renamed_lessons_are_the_retired_ones(versions):
    module = versions.after / "03-reducing-emissions"
    for path in module.glob("03-check-your-understanding.*.md"):
        path.rename(module / path.name.replace("check-your-understanding", "final-check"))
    for path in module.glob("02-materials-data-and-design.*.md"):
        path.unlink()
    assert versions().retired_lessons() == {
        COURSE: {"reducing-emissions/check-your-understanding", "reducing-emissions/materials-data-and-design"}
    }


# -- one update at a time -------------------------------------------------------------------

def test_a_second_update_while_one_runs_is_refused(tmp_path):
    with _locked(tmp_path), pytest.raises(UpdateError) as caught, _locked(tmp_path):
        pass
    assert caught.value.code == "busy"


def test_a_lock_left_behind_by_a_crash_is_taken_over_after_an_hour(tmp_path):
    (tmp_path / LOCK).write_text("12345")
    an_hour_ago = time.time() - 3700
    os.utime(tmp_path / LOCK, (an_hour_ago, an_hour_ago))
    with _locked(tmp_path):
        assert (tmp_path / LOCK).read_text() == str(os.getpid())
    assert not (tmp_path / LOCK).exists()
