"""Checking courses and stamping translations: the author's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from ..content import find_courses, load_library, read_course
from ..content.stamp import StampError, stamp, translation_files


@click.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
def check_command(directory: Path | None, strict: bool):
    """Validate every course (and learning path, in DIRECTORY/paths) under
    DIRECTORY. Without DIRECTORY: the course repository you are in (the
    current folder is a course, holds course folders, or has a courses/
    folder that does), else the configured courses."""
    languages = current_app.config["LANGUAGES"] if current_app else None
    if directory is None:
        directory, single = find_courses(Path.cwd())
        if directory is None:
            directory = current_app.config["COURSES_DIR"]
        else:
            click.echo(f"Checking {'the course' if single else 'the courses'} in {directory}", err=True)
    else:
        single = False
    if single:
        result = read_course(directory, languages, root=Path.cwd())
        problems, valid, refused = result.problems, int(result.servable), int(not result.servable)
    else:
        library = load_library(directory, languages, root=Path.cwd())
        problems, valid, refused = library.problems, len(library.courses), len(library.refused)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(problem.level == "error" for problem in problems)
    warnings = sum(problem.level == "warning" for problem in problems)
    paths = f"; {len(library.paths)} learning path(s) valid" if not single and library.paths else ""
    click.echo(f"{valid} course(s) valid, {refused} refused; {errors} error(s), {warnings} warning(s){paths}", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@click.command("stamp")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
def stamp_command(paths):
    """Record that translations are up to date with their source: writes the
    source file's current hash into each translation's source_hash.

    PATHS are translation files, course folders or the courses folder."""
    try:
        for target in paths:
            for path in translation_files(target):
                new_hash = stamp(path)
                if new_hash:
                    click.echo(f"{path}: source_hash {new_hash}")
    except StampError as exc:
        raise click.ClickException(str(exc)) from None
