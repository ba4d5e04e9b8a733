"""Previewing courses on the author's own computer: ``academy preview DIR``.

The command builds an app of its own (``create_preview_app``) on a
temporary data folder that is deleted when it stops; it never loads the
admin's configuration, data folder or database. It is therefore a command
of the ``academy`` program itself (cli.py), not one of the app's COMMANDS:
those are found by loading the configured app first, which creates the
data folder's secret key and logs.
"""

from __future__ import annotations

import logging
import secrets
import signal
import tempfile
from pathlib import Path

import click
from waitress.server import create_server

from ..app import create_preview_app
from ..extensions import db
from ..preview.services import NoCourses, preview_target
from ..setup import upgrade_database
from .server import open_addresses, server_options

DEFAULT_PORT = 8090  # beside `academy serve`'s 8080, so that both can run on one laptop
THREADS = 4


@click.command("preview")
@click.argument("directory", required=False, default=".",
                type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. 0.0.0.0 lets a phone on your network open the preview too "
                   "(with the printed link).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="Port to listen on (0: any free port).")
def preview_command(directory: Path, host: str, port: int):
    """Show the course in DIRECTORY (or the courses in it) as learners will
    see it, with the answer keys and every problem on its pages. Each page
    shows the files as last saved, and an open page reloads itself when a
    file changes. Nothing is written to DIRECTORY; what the preview keeps
    (your answers) is deleted when it stops.

    DIRECTORY (default: the current folder) is a course folder (it has a
    course.yml), a folder of course folders, or a repository with a courses/
    folder."""
    try:
        target = preview_target(directory)
    except NoCourses as exc:
        raise click.ClickException(str(exc)) from None
    token = secrets.token_urlsafe(24)
    # SIGTERM stops the preview as Ctrl+C does, from the start: the temporary folder is always deleted.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with tempfile.TemporaryDirectory(prefix="academy-preview-") as data_dir:
            _preview(target, Path(data_dir), token, host, port)
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo("Preview stopped; its temporary data is deleted.")


def _preview(target, data_dir: Path, token: str, host: str, port: int) -> None:
    app = create_preview_app(target.courses_dir, data_dir, token, only=target.only, root=Path.cwd())
    _make_database(app)
    app.logger.setLevel(logging.INFO)  # the author's terminal: what each save changed
    app.logger.propagate = False  # once, by Flask's handler (the migrations gave the root logger one too)
    _print_courses(app, target)
    try:
        server = create_server(app, host=host, port=port, **server_options(app.config, THREADS))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host} port {port} ({exc.strerror}); "
                                   f"choose another port with --port") from None
    try:
        page = f"courses/{target.only}/" if target.only else ""
        click.echo("Open the preview at (the link lets your browser in; it works until the preview stops):")
        for address in open_addresses(host, server.effective_port, local="127.0.0.1"):
            click.echo(f"  {address}{page}?token={token}")
        click.echo("Pages show your files as last saved. Press Ctrl+C to stop.")
        server.run()  # until Ctrl+C or SIGTERM, which end waitress's loop
    except KeyboardInterrupt:
        pass  # before the loop started: the same stop
    finally:
        server.close()
        with app.app_context():
            db.engine.dispose()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _make_database(app) -> None:
    """The throwaway database: the real schema, without alembic's progress lines."""
    logging.disable(logging.INFO)
    try:
        upgrade_database(app)
    finally:
        logging.disable(logging.NOTSET)


def _print_courses(app, target) -> None:
    cache = app.extensions["academy.library"]
    library = cache.get()
    where = target.courses_dir / target.only if target.only else target.courses_dir
    states = cache.states()
    click.echo(f"Previewing {len(states)} course(s) from {where} (read only: nothing is written there):")
    for state in states:
        counts = f"{len(state.errors)} error(s), {len(state.warnings) + len(state.stale_translations)} warning(s)"
        if state.served is None:
            click.echo(f"  {state.id}: cannot be read, {counts}; its page shows them")
        else:
            click.echo(f"  {state.id}: {state.served.text(state.served.source_language).title} ({counts})")
    paths = len(library.paths)
    if paths:
        click.echo(f"  and {paths} learning path(s)")

