"""Checking courses and stamping translations: the author's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from ..content import load_library
from ..content.stamp import StampError, stamp, translation_files


@click.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
def check_command(directory: Path | None, strict: bool):
    """Validate every course (and learning path, in DIRECTORY/paths) under
    DIRECTORY (default: the configured courses)."""
    if directory is None:
        directory = current_app.config["COURSES_DIR"]
    languages = current_app.config["LANGUAGES"] if current_app else None
    library = load_library(directory, languages, root=Path.cwd())
    errors = warnings = 0
    for problem in library.problems:
        click.echo(str(problem))
        errors += problem.level == "error"
        warnings += problem.level == "warning"
    served = len(library.courses)
    paths = f"; {len(library.paths)} learning path(s) valid" if library.paths else ""
    click.echo(f"{served} course(s) valid, {len(library.refused)} refused; {errors} error(s), {warnings} warning(s){paths}", err=True)
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
