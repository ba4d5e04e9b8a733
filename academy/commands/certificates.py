"""Certificate keys, and checking a certificate offline."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..certificates.render import extract_payload_from_pdf
from ..certificates.signing import PayloadInvalid, load_or_create_signing_key, public_key_text, verify_payload


@click.group("certificates")
def certificates_group():
    """Certificate keys and offline verification."""


@certificates_group.command("public-key")
@with_appcontext
def certificates_public_key_command():
    """Print the public key that verifies this server's certificates."""
    click.echo(public_key_text(load_or_create_signing_key(current_app.config["DATA_DIR"])))


@certificates_group.command("verify")
@click.argument("certificate")
@click.option("--public-key", "public_key", help="The issuing server's public key (ed25519:...); default: this server's.")
def certificates_verify_command(certificate: str, public_key: str | None):
    """Check a certificate PDF (or the payload scanned from its QR code)
    with the public key alone, without reaching the server."""
    if public_key is None:
        public_key = public_key_text(load_or_create_signing_key(current_app.config["DATA_DIR"]))
    if certificate.startswith("AC1.") or "?p=" in certificate:  # a payload, or the scanned QR link
        payload = certificate.split("?p=")[-1].split("&")[0]
    else:
        path = Path(certificate)
        try:
            payload = extract_payload_from_pdf(path)
        except ValueError as exc:
            raise click.ClickException(f"{path}: {exc}") from None
        if payload is None:
            raise click.ClickException(f"{path}: no signed payload found in this PDF")
    try:
        fields = verify_payload(payload, public_key)
    except (PayloadInvalid, ValueError) as exc:
        click.echo(f"NOT VALID: {getattr(exc, 'reason', exc)}")
        sys.exit(1)
    click.echo("VALID: signed by the key " + public_key)
    for name, value in fields.items():
        if isinstance(value, list):  # a path certificate's courses
            value = "; ".join(value)
        if value is not None:
            click.echo(f"  {name}: {value}")
    click.echo("Check that the name and course printed on the certificate are the ones above; "
               "whether it was revoked since can only be seen on the server's /verify page.")
