"""Running the box: serving."""

from __future__ import annotations

import socket
import struct

import click
import waitress
from flask import current_app
from flask.cli import with_appcontext

from ..auth.services import issue_setup_token
from ..config import course_upload_limit, sync_bundle_limit, upload_request_limit
from ..extensions import db
from ..ops.backups import DailyBackups, sqlite_path
from ..ops.running import SHARED_LOCKS, ServeLock
from ..setup import upgrade_database
from ..sync.identity import box_key, display_fingerprint, fingerprint
from .database import ensure_schema
from .https import https_options, serve_https, wants_https

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


def largest_request_body(config) -> int:
    """Bytes: the largest body any route accepts (Flask refuses more per route)."""
    return int(max(config["MAX_CONTENT_LENGTH"], course_upload_limit(config), upload_request_limit(config),
                   sync_bundle_limit(config)))


def server_options(config, threads: int) -> dict:
    """waitress settings for a LAN of phones (docs/operations.md says why).

    - A request body larger than the app accepts anywhere (the admin's
      course upload, or on a hub the boxes' bundles) is refused from its
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
        "max_request_body_size": largest_request_body(config),
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


def open_addresses(host: str, port: int, local: str = "localhost") -> list[str]:
    """The addresses to print for a server on ``host``:``port``: ``local``
    and this machine's LAN addresses when it listens on all interfaces, else
    the address given (an IPv6 one in brackets)."""
    if host in ("0.0.0.0", "::"):
        return [f"http://{local}:{port}/"] + [f"http://{address}:{port}/" for address in lan_addresses()]
    return [f"http://{f'[{host}]' if ':' in host else host}:{port}/"]


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on (all interfaces by default).")
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--no-migrate", is_flag=True, help="Do not upgrade the database schema on start (run 'academy db upgrade' yourself).")
@https_options
@with_appcontext
def serve_command(host: str, port: int, threads: int, no_migrate: bool, **https):
    """Run Academy with the production server (waitress)."""
    app = current_app._get_current_object()
    # Held while serving: `academy restore` refuses to run under a live server.
    app.extensions["academy.serve_lock"] = lock = ServeLock(app.config["DATA_DIR"])
    if not lock.acquire() and SHARED_LOCKS:
        raise click.ClickException("a restore is running on this data folder; start Academy when it has finished")
    if no_migrate:
        ensure_schema(app, migrate=False)
    else:
        try:
            backup = upgrade_database(app)
        except Exception as exc:  # report the cause plainly; never start half-upgraded
            raise click.ClickException(f"the database could not be upgraded, so Academy did not start: {exc}") from None
        if backup is not None:
            click.echo(f"Upgraded the database; the database as it was is in {backup}")
    if sqlite_path(app) is not None and int(app.config["BACKUP_KEEP"]) > 0:
        DailyBackups(app).start()
    library = app.extensions["academy.library"].get()
    click.echo(f"Courses: {len(library.courses)} served from {app.config['COURSES_DIR']}"
               + (f"; refused (see the log or 'academy check'): {', '.join(library.refused)}" if library.refused else ""))
    click.echo(f"Data: {app.config['DATA_DIR']}")
    # The box's identity (docs/sync.md): its key signs certificates and bundles.
    identity = fingerprint(box_key(app.config["DATA_DIR"]))
    click.echo(f"{'Hub' if app.config.get('ROLE') == 'hub' else 'Box'} fingerprint: {display_fingerprint(identity)}")
    shown_host = "localhost" if host in ("0.0.0.0", "::") else f"[{host}]" if ":" in host else host
    addresses = open_addresses(host, port)
    click.echo("Open Academy at:")
    for address in addresses:
        click.echo(f"  {address}")
    # What certificates and join sheets print when ACADEMY_PUBLIC_URL is not
    # set: the LAN address (or the address given), never a request's Host.
    app.config["SERVE_URL"] = addresses[-1]
    click.echo(f"Certificates and join sheets point at {app.config.get('PUBLIC_URL') or addresses[-1]}"
               + ("" if app.config.get("PUBLIC_URL") else " (set ACADEMY_PUBLIC_URL to choose another address)"))
    token = issue_setup_token()
    db.session.commit()
    if token:
        click.echo(f"No administrator yet. Create one (this link works once): {addresses[-1]}setup/{token}")
    if wants_https(https):  # HTTPS beside plain HTTP: academy/commands/https.py
        shown = [shown_host] + (lan_addresses() if host in ("0.0.0.0", "::") else [])
        serve_https(app, host=host, port=port, server_options=server_options(app.config, threads),
                    addresses=lan_addresses, shown_addresses=shown, **https)
        return
    waitress.serve(app, host=host, port=port, **server_options(app.config, threads))
