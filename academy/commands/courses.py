"""Installing a new version of the courses, and going back to the previous
one: the admin's commands (docs/operations.md, "Updating courses")."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from ..content_updates import UpdateError, install, previous_dir, rollback, staged_update, update_target
from ..extensions import db
from ..learn.services import impact_of

# The shell speaks English: these are for the admin at the console.
UPDATE_PROBLEMS = {
    "no-source": "{name} does not exist",
    "unknown-source": "{name} is not a folder, a .zip file or a git bundle",
    "bad-zip": "the zip file cannot be read ({reason})",
    "unsafe-path": "the zip file has an entry that would land outside its folder ({name})",
    "symlink": "{name} is a symbolic link; courses must hold real files, so copy the file itself",
    "too-large": "the zip file unpacks to more than {limit_mb} MB",
    "too-many-files": "the zip file holds more than {limit} files",
    "no-courses": "no course found in it: a course is a folder with a course.yml",
    "course-without-folder": "it holds one course's files without their folder; zip the course's folder itself "
                             "(bike-basics/, not the files in it)",
    "git-missing": "git is not installed; install git, or bring the courses as a .zip file or a folder",
    "git-failed": "git could not read it: {reason}",
    "git-no-head": "the repository has no default branch; choose one with --ref (branches: {branches})",
    "git-no-ref": "the repository has no branch, tag or commit {ref}",
    "git-checkout": "the courses folder {folder} is a git checkout: update it with 'git pull' there "
                    "(or unset ACADEMY_COURSES_DIR, and Academy keeps its courses in the data folder)",
    "not-writable": "cannot write in {folder}: {reason}",
    "busy": "another update is running (if none is, delete {lock})",
    "no-previous": "there is no previous version to go back to ({folder} does not exist)",
}


def problem_text(error: UpdateError) -> str:
    return UPDATE_PROBLEMS.get(error.code, error.code).format(**error.details)


@click.group("courses")
def courses_group():
    """Install a new version of the courses, or go back to the previous one."""


@courses_group.command("update")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--strict/--no-strict", default=False, show_default=True,
              help="Refuse the new version for warnings too (missing or stale translations); errors always refuse it.")
@click.option("--merge", is_flag=True, help="Keep the courses SOURCE does not hold (for a zip of one course).")
@click.option("--ref", help="Branch, tag or commit of a git repository or bundle (default: its HEAD).")
@click.option("--dry-run", is_flag=True, help="Check SOURCE and show what would change; install nothing.")
@with_appcontext
def update_command(source: Path, strict: bool, merge: bool, ref: str | None, dry_run: bool):
    """Check the courses in SOURCE and put them in place of the current ones.

    SOURCE is a folder, a .zip file, a git bundle (git bundle create) or a git
    repository. Learners never see half a copy: the new version is unpacked
    and checked beside the courses folder, then swapped in. The version it
    replaces is kept; 'academy courses rollback' puts it back."""
    config = current_app.config
    try:
        target = update_target(config["COURSES_DIR"], config["DATA_DIR"], config["SHIPPED_COURSES_DIR"])
        with staged_update(source, target=target, current=config["COURSES_DIR"], languages=config["LANGUAGES"],
                           merge=merge, ref=ref) as update:
            for note in update.source.notes:
                click.echo(f"note: {note}", err=True)
            for problem in update.problems:
                click.echo(str(problem))
            click.echo(f"{len(update.results)} course(s) checked; {update.error_count} error(s), "
                       f"{update.warning_count} warning(s)", err=True)
            if update.refused(strict):
                why = "errors" if update.error_count else "warnings (--strict)"
                raise click.ClickException(f"the new courses have {why}; nothing was installed, learners keep the current ones")
            echo_changes(update.changes)
            if dry_run:
                click.echo("Nothing was installed (--dry-run).")
                return
            previous = install(update)
    except UpdateError as exc:
        raise click.ClickException(f"{source}: {problem_text(exc)}; nothing was installed") from None
    click.echo(f"Installed in {target}; the version it replaced is kept in {previous} "
               "('academy courses rollback' puts it back).")
    if target != config["COURSES_DIR"]:
        click.echo(f"The shipped courses are never changed: from now on Academy reads the courses from {target}. "
                   f"A running server switches to it within {config['CONTENT_RELOAD_SECONDS']} s.")
    else:
        click.echo(f"A running server serves the new version within {config['CONTENT_RELOAD_SECONDS']} s.")


@courses_group.command("rollback")
@with_appcontext
def rollback_command():
    """Go back to the courses the last update replaced. The version rolled
    back from is kept in its place: a second rollback undoes the first."""
    config = current_app.config
    try:
        target = update_target(config["COURSES_DIR"], config["DATA_DIR"], config["SHIPPED_COURSES_DIR"])
        changes = rollback(target, config["LANGUAGES"])
    except UpdateError as exc:
        raise click.ClickException(problem_text(exc)) from None
    echo_changes(changes)
    click.echo(f"The previous courses are back in {target}; the ones they replaced are kept in {previous_dir(target)} "
               "(run 'academy courses rollback' again to undo).")


def echo_changes(changes) -> None:
    """What changed, and which learners' records a change leaves behind."""
    if changes.none:
        click.echo("No course, module, lesson or question changed.")
        return
    click.echo("Changes:")
    for line in changes.lines():
        click.echo(f"  {line}")
    try:
        impact = impact_of(changes)
    except SQLAlchemyError:  # a data folder whose database was never set up: nobody to count
        db.session.rollback()
        click.echo("  (learners' records not counted: the database is not set up yet)")
        return
    for course_id, count in impact.courses.items():
        if count:
            click.echo(f"  {count} learner(s) enrolled in {course_id}: their records are kept, the course is no longer offered")
    for (course_id, key), count in impact.lessons.items():
        if count:
            click.echo(f"  {count} learner(s) have progress or attempts in {course_id} {key}: kept, but no longer counted "
                       "towards the course")
