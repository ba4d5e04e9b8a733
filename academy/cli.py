"""The ``academy`` command: serve, check courses, stamp translations, users.

The same commands are on ``flask --app academy``.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import __version__, create_app


def _print_version(ctx, param, value):
    if value and not ctx.resilient_parsing:
        click.echo(f"academy {__version__}")
        ctx.exit()


main = FlaskGroup(
    name="academy",
    create_app=lambda: create_app(),
    add_version_option=False,
    set_debug_flag=False,
    params=[click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                         callback=_print_version, help="Show the version and exit.")],
    help="Academy: training for people who work in global supply chains.",
)


@click.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
def check_command(directory: Path | None, strict: bool):
    """Validate every course under DIRECTORY (default: the configured courses)."""
    from .content import load_library

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
    click.echo(f"{served} course(s) valid, {len(library.refused)} refused; {errors} error(s), {warnings} warning(s)", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@click.command("stamp")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
def stamp_command(paths):
    """Record that translations are up to date with their source: writes the
    source file's current hash into each translation's source_hash.

    PATHS are translation files, course folders or the courses folder."""
    from .content.stamp import StampError, stamp, translation_files

    try:
        for target in paths:
            for path in translation_files(target):
                new_hash = stamp(path)
                if new_hash:
                    click.echo(f"{path}: source_hash {new_hash}")
    except StampError as exc:
        raise click.ClickException(str(exc)) from None


def _interface_addresses() -> set[str]:
    """IPv4 addresses of this machine's network interfaces (Linux: asks the
    kernel per interface; sends nothing on the network)."""
    try:
        import fcntl
        import struct
    except ImportError:  # Windows: getaddrinfo below is what there is
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
    import waitress

    from .auth.services import issue_setup_token
    from .setup import upgrade_database

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
    shown_host = "localhost" if host in ("0.0.0.0", "::") else host
    addresses = [f"http://{shown_host}:{port}/"]
    if host in ("0.0.0.0", "::"):
        addresses += [f"http://{address}:{port}/" for address in lan_addresses()]
    click.echo("Open Academy at:")
    for address in addresses:
        click.echo(f"  {address}")
    token = issue_setup_token()
    if token:
        click.echo(f"No administrator yet. Create one (this link works once): {addresses[-1]}setup/{token}")
    waitress.serve(app, host=host, port=port, threads=threads, ident="Academy")


@click.command("backup")
@click.argument("destination", type=click.Path(path_type=Path, dir_okay=False))
@with_appcontext
def backup_command(destination: Path):
    """Copy the SQLite database to DESTINATION while Academy keeps running
    (SQLite's online backup: a consistent copy, even mid-write)."""
    import sqlite3

    from .extensions import db

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


@click.group("users")
def users_group():
    """Manage accounts from the shell."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["learner", "tutor", "admin"]), default="learner", show_default=True)
@click.option("--name", "display_name", default="", help="Display name (any script); default: the username.")
@click.option("--language", default="en", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
@with_appcontext
def users_create_command(username, role, display_name, language, password_stdin):
    """Create an account; the password is asked for (or read from stdin)."""
    from .auth.services import AccountError, create_user

    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(username, password, display_name, role=role, language=language)
    except AccountError as exc:
        raise click.ClickException({
            "bad-username": "a username is 2 to 64 letters, digits, dots, hyphens or underscores",
            "password-too-short": "the password must have at least 8 characters",
            "username-taken": f"the username {username!r} is taken",
        }.get(exc.code, exc.code)) from None
    click.echo(f"created {user.role} {user.username}")


@click.group("translations")
def translations_group():
    """Keep the interface catalogs (translations/) whole."""


@translations_group.command("update")
def translations_update_command():
    """Extract every interface string and add new ones to each language."""
    from . import catalogs

    template = catalogs.extract()
    click.echo(f"{catalogs.write_template(template)}: {len(template)} strings")
    catalogs.update(template)


@translations_group.command("compile")
def translations_compile_command():
    """Compile the .po catalogs into the .mo files the server reads."""
    from . import catalogs

    catalogs.compile_all()


@translations_group.command("check")
def translations_check_command():
    """List every string without a translation; exit 1 if there is any."""
    from . import catalogs

    found = catalogs.problems()
    for line in found:
        click.echo(line)
    if found:
        sys.exit(1)


@click.group("certificates")
def certificates_group():
    """Certificate keys and offline verification."""


@certificates_group.command("public-key")
@with_appcontext
def certificates_public_key_command():
    """Print the public key that verifies this server's certificates."""
    from .certificates.signing import load_or_create_signing_key, public_key_text

    click.echo(public_key_text(load_or_create_signing_key(current_app.config["DATA_DIR"])))


@certificates_group.command("verify")
@click.argument("certificate")
@click.option("--public-key", "public_key", help="The issuing server's public key (ed25519:...); default: this server's.")
def certificates_verify_command(certificate: str, public_key: str | None):
    """Check a certificate PDF (or the payload scanned from its QR code)
    with the public key alone, without reaching the server."""
    from .certificates.render import extract_payload_from_pdf
    from .certificates.signing import PayloadInvalid, load_or_create_signing_key, public_key_text, verify_payload

    if public_key is None:
        public_key = public_key_text(load_or_create_signing_key(current_app.config["DATA_DIR"]))
    if certificate.startswith("AC1.") or "?p=" in certificate:  # a payload, or the scanned QR link
        payload = certificate.split("?p=")[-1].split("&")[0]
    else:
        path = Path(certificate)
        if not path.is_file():
            raise click.ClickException(f"{path}: no such file")
        payload = extract_payload_from_pdf(path)
        if payload is None:
            raise click.ClickException(f"{path}: no signed payload found in this PDF")
    try:
        fields = verify_payload(payload, public_key)
    except (PayloadInvalid, ValueError) as exc:
        click.echo(f"NOT VALID: {getattr(exc, 'reason', exc)}")
        sys.exit(1)
    click.echo("VALID: signed by the key " + public_key)
    for name, value in fields.items():
        if value is not None:
            click.echo(f"  {name}: {value}")
    click.echo("Check that the name and course printed on the certificate are the ones above; "
               "whether it was revoked since can only be seen on the server's /verify page.")


def init_app(app) -> None:
    for command in (check_command, stamp_command, serve_command, backup_command, users_group, translations_group,
                    certificates_group):
        app.cli.add_command(command)
