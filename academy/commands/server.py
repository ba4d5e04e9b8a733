"""Running the box: serving, and copying the database while it serves."""

from __future__ import annotations

import socket
import sqlite3
import struct
from pathlib import Path

import click
import waitress
from flask import current_app
from flask.cli import with_appcontext

from ..auth.services import issue_setup_token
from ..extensions import db
from ..setup import upgrade_database
from ..sync.identity import box_key, display_fingerprint, fingerprint

try:
    import fcntl
except ImportError:  # Windows: getaddrinfo is what there is
    fcntl = None


def _interface_addresses() -> set[str]:
    """IPv4 addresses of this machine's network interfaces (Linux: asks the
    kernel per interface; sends nothing on the network)."""
    if fcntl is None:
        return set()
    found = set()
    for _index, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                packed = fcntl.ioctl(sock.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))  # SIOCGIFADDR
            except OSError:  # an interface without an IPv4 address
                continue
            found.add(socket.inet_ntoa(packed[20:24]))
    return found


def server_options(config, threads: int) -> dict:
    """waitress settings for a LAN of phones (docs/operations.md says why).

    - A request body larger than the app accepts is refused from its
      headers, before a byte of it is stored (waitress would otherwise
      buffer a half-sent 900 MB body to disk).
    - A class of 50 phones keeps about 6 connections each: 500 connections,
      watched with poll() (select() stops at 1,024 descriptors).
    - A connection that sends nothing for 30 s is closed, checked every 10 s,
      so that a hundred idle or half-open connections from one host do not
      hold every place for long.
    """
    return {
        "threads": threads,
        "ident": "Academy",
        # A hub receives the boxes' bundles (academy/sync): its limit is theirs.
        "max_request_body_size": int(config["SYNC_MAX_BUNDLE_BYTES"] if config.get("ROLE") == "hub"
                                     else config["MAX_CONTENT_LENGTH"]),
        "connection_limit": int(config["SERVER_CONNECTION_LIMIT"]),
        "channel_timeout": int(config["SERVER_CHANNEL_TIMEOUT"]),
        "cleanup_interval": 10,
        "asyncore_use_poll": True,
    }


def lan_addresses() -> list[str]:
    """This machine's addresses that another device on the LAN can reach."""
    found = _interface_addresses()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127."))


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on (all interfaces by default).")
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--no-migrate", is_flag=True, help="Do not upgrade the database schema on start (run 'academy db upgrade' yourself).")
@with_appcontext
def serve_command(host: str, port: int, threads: int, no_migrate: bool):
    """Run Academy with the production server (waitress)."""
    app = current_app._get_current_object()
    if not no_migrate:
        try:
            upgrade_database(app)
        except Exception as exc:  # report the cause plainly; never start half-upgraded
            raise click.ClickException(f"the database could not be upgraded, so Academy did not start: {exc}") from None
    library = app.extensions["academy.library"].get()
    click.echo(f"Courses: {len(library.courses)} served from {app.config['COURSES_DIR']}"
               + (f"; refused (see the log or 'academy check'): {', '.join(library.refused)}" if library.refused else ""))
    click.echo(f"Data: {app.config['DATA_DIR']}")
    # The box's identity (docs/sync.md): its key signs certificates and bundles.
    identity = fingerprint(box_key(app.config["DATA_DIR"]))
    click.echo(f"{'Hub' if app.config.get('ROLE') == 'hub' else 'Box'} fingerprint: {display_fingerprint(identity)}")
    shown_host = "localhost" if host in ("0.0.0.0", "::") else host
    addresses = [f"http://{shown_host}:{port}/"]
    if host in ("0.0.0.0", "::"):
        addresses += [f"http://{address}:{port}/" for address in lan_addresses()]
    click.echo("Open Academy at:")
    for address in addresses:
        click.echo(f"  {address}")
    token = issue_setup_token()
    db.session.commit()
    if token:
        click.echo(f"No administrator yet. Create one (this link works once): {addresses[-1]}setup/{token}")
    waitress.serve(app, host=host, port=port, **server_options(app.config, threads))


@click.command("backup")
@click.argument("destination", type=click.Path(path_type=Path, dir_okay=False))
@with_appcontext
def backup_command(destination: Path):
    """Copy the SQLite database to DESTINATION while Academy keeps running
    (SQLite's online backup: a consistent copy, even mid-write)."""
    if db.engine.dialect.name != "sqlite":
        raise click.ClickException("for PostgreSQL use pg_dump; this command copies the SQLite database")
    if destination.exists():
        raise click.ClickException(f"{destination} exists; choose a new file name")
    source = sqlite3.connect(db.engine.url.database)
    target = sqlite3.connect(destination)
    with target:
        source.backup(target)
    target.close()
    source.close()
    click.echo(f"copied {db.engine.url.database} to {destination}")
