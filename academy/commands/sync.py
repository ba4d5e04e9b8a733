"""Many boxes, one hub: `academy sync ...` (docs/sync.md).

On a box: ``identity``, ``privacy``, ``trust-hub``, ``export``, ``ack``,
``push``. On a hub (ACADEMY_ROLE=hub): ``identity``, ``register``,
``revoke``, ``import``, ``retry``, ``boxes``."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..library import get_library
from ..settings import get_setting, set_setting
from ..sync import box as box_side
from ..sync import hub
from ..sync.bundle import PRIVACY_LEVELS, BundleError, export_bundle, privacy_level
from ..sync.identity import box_key, display_fingerprint, fingerprint, normalise_fingerprint, public_key_text
from ..sync.models import HubBox

# The shell speaks English: these are for the admin at the console.
PROBLEMS = {
    "not-a-bundle": "the file is not a complete bundle (truncated, or another kind of file); nothing was applied",
    "bad-manifest": "the bundle's manifest cannot be read; nothing was applied",
    "bad-signature": "the bundle's signature does not match the box's key: it was altered, or signed by another key; "
                     "nothing was applied",
    "bad-hash": "a file in the bundle does not match its hash: the bundle was altered or damaged; nothing was applied",
    "bad-count": "the bundle holds a different number of lines than its manifest says; nothing was applied",
    "bad-lines": "the bundle's lines cannot be read; nothing was applied",
    "key-mismatch": "the bundle is signed with another key than the one registered for this box; nothing was applied",
    "unknown-box": "kept aside, not applied: no box with this fingerprint is registered "
                   "(academy sync register FINGERPRINT, then academy sync retry)",
    "revoked-box": "kept aside, not applied: this box is revoked",
    "too-many-kept": "not kept: the hub already keeps as many bundles from unregistered boxes as it may "
                     "(register the boxes you know with academy sync register, then send the bundle again)",
    "fork": "not applied: the box's numbers clash with events the hub already holds (a box restored from an old "
            "backup?). Give the box this acknowledgement: it numbers its new events again, and its next bundle applies",
    "bad-privacy": f"the privacy level is one of {', '.join(PRIVACY_LEVELS)}",
    "bad-fingerprint": "a fingerprint has 32 hexadecimal digits (academy sync identity prints it on the box)",
    "no-hub-key": "this box does not know the hub's key yet: academy sync trust-hub KEY (the hub prints it with "
                  "academy sync identity)",
    "not-an-ack": "the file is not an acknowledgement from a hub",
    "other-box": "this acknowledgement is for another box",
    "bad-hub-key": "that is not an Ed25519 public key (ed25519:...)",
}
# An acknowledgement's problems, where they differ from a bundle's.
ACK_PROBLEMS = {
    **PROBLEMS,
    "bad-signature": "the acknowledgement is not signed by the hub this box trusts (academy sync trust-hub KEY); "
                     "nothing was changed",
}


def _is_hub() -> bool:
    return current_app.config.get("ROLE") == "hub"


def _need(role: str) -> None:
    if (role == "hub") != _is_hub():
        if role == "hub":
            raise click.ClickException("this command is for a hub: start it with ACADEMY_ROLE=hub")
        raise click.ClickException("this command is for a box, and this Academy runs as a hub (ACADEMY_ROLE=hub)")


def _key():
    return box_key(current_app.config["DATA_DIR"])


@click.group("sync")
def sync_group():
    """Send this box's records to a hub, or receive the boxes' (docs/sync.md)."""


@sync_group.command("identity")
@with_appcontext
def identity_command():
    """Print this Academy's fingerprint and public key."""
    key = _key()
    click.echo(f"role: {current_app.config.get('ROLE', 'box')}")
    click.echo(f"fingerprint: {display_fingerprint(fingerprint(key))}")
    click.echo(f"public key: {public_key_text(key)}")
    if not _is_hub():
        click.echo(f"privacy level: {privacy_level()}")
        click.echo(f"acknowledged by the hub up to event: {get_setting('sync_acked_seq') or 0}")
        click.echo(f"hub's key: {get_setting(box_side.HUB_KEY_SETTING) or '(not set: academy sync trust-hub KEY)'}")


@sync_group.command("privacy")
@click.argument("level", type=click.Choice(PRIVACY_LEVELS))
@with_appcontext
def privacy_command(level):
    """Choose what leaves this box: aggregates, pseudonymised or full."""
    _need("box")
    set_setting("sync_privacy", level)
    db.session.commit()
    click.echo(f"privacy level: {level}")


@sync_group.command("trust-hub")
@click.argument("key")
@with_appcontext
def trust_hub_command(key):
    """Remember the hub's public key, to check its acknowledgements."""
    _need("box")
    try:
        box_side.trust_hub(key)
    except box_side.AckError as exc:
        raise click.ClickException(PROBLEMS[exc.code]) from None
    db.session.commit()
    click.echo("the hub's key is set")


def _export(privacy, new_only=False):
    """The bundle, flushed; the caller commits once it is safely out."""
    try:
        return export_bundle(_key(), get_library(), privacy, new_only=new_only)
    except BundleError as exc:
        raise click.ClickException(PROBLEMS.get(exc.code, exc.code)) from None


@sync_group.command("export")
@click.argument("path", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--privacy", type=click.Choice(PRIVACY_LEVELS), help="Default: the level set with academy sync privacy.")
@click.option("--new-only", is_flag=True, help="Only events not in an earlier bundle (default: all not acknowledged).")
@with_appcontext
def export_command(path, privacy, new_only):
    """Write a bundle of everything the hub has not acknowledged."""
    _need("box")
    written = _export(privacy, new_only)
    manifest = written.manifest
    name = f"academy-{manifest['box_id'][:8]}-{manifest['bundle_no']:05d}.zip"
    target = path / name if path is not None and path.is_dir() else (path or Path(name))
    try:
        target.write_bytes(written.data)
    except OSError as exc:
        db.session.rollback()  # no bundle written: its number and events go in the next one
        raise click.ClickException(f"{target}: the bundle could not be written ({exc.strerror or exc}); "
                                   "nothing was exported") from None
    db.session.commit()
    events = manifest["files"]["events.ndjson.gz"]["lines"]
    click.echo(f"{target}: bundle {manifest['bundle_no']}, {events} events "
               f"(after {manifest['acknowledged_seq']}), privacy {manifest['privacy']}, {len(written.data):,} bytes")


def _take_ack(data: bytes) -> dict:
    try:
        ack = box_side.read_ack(data, _key())
    except box_side.AckError as exc:
        raise click.ClickException(ACK_PROBLEMS[exc.code]) from None
    changed = box_side.apply_ack(ack)
    db.session.commit()
    click.echo(f"the hub says: {ack['status']}" + (f" ({PROBLEMS.get(ack['reason'], ack['reason'])})" if ack["reason"] else ""))
    click.echo(f"acknowledged up to event {changed['acknowledged_seq']}"
               + (f"; missing at the hub: {ack['gaps']}" if ack["gaps"] else ""))
    if changed["renumbered"]:
        click.echo(f"{changed['renumbered']} events not acknowledged are numbered again after {ack['max_seq']}: "
                   "export again")
    return ack


@sync_group.command("ack")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def ack_command(path):
    """Read the hub's acknowledgement of a bundle."""
    _need("box")
    _take_ack(path.read_bytes())


@sync_group.command("push")
@click.argument("url")
@click.option("--privacy", type=click.Choice(PRIVACY_LEVELS))
@with_appcontext
def push_command(url, privacy):
    """Export a bundle, send it to the hub at URL, and read its answer."""
    _need("box")
    written = _export(privacy)
    db.session.commit()
    request = urllib.request.Request(url.rstrip("/") + "/sync/bundles", data=written.data, method="POST",
                                     headers={"Content-Type": "application/zip"})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            answer = response.read()
    except urllib.error.HTTPError as exc:
        answer = exc.read()
        if exc.code in (404, 405):
            raise click.ClickException(f"{url} is not a hub (HTTP {exc.code})") from None
    except (urllib.error.URLError, OSError) as exc:
        raise click.ClickException(f"the hub could not be reached: {getattr(exc, 'reason', exc)}; "
                                   "the bundle waits for the next push or export") from None
    _take_ack(answer)


@sync_group.command("register")
@click.argument("box_fingerprint")
@click.option("--name", default="", help="A name to know the box by, e.g. the factory's.")
@with_appcontext
def register_command(box_fingerprint, name):
    """Accept bundles from the box with this fingerprint."""
    _need("hub")
    try:
        registered = hub.register_box(box_fingerprint, name)
    except hub.HubError as exc:
        raise click.ClickException(PROBLEMS[exc.code]) from None
    db.session.commit()
    click.echo(f"registered {registered.name} ({display_fingerprint(registered.id)})")


@sync_group.command("revoke")
@click.argument("box_fingerprint")
@with_appcontext
def revoke_command(box_fingerprint):
    """Accept nothing more from this box."""
    _need("hub")
    registered = db.session.get(HubBox, normalise_fingerprint(box_fingerprint))
    if registered is None:
        raise click.ClickException("no box with this fingerprint is registered")
    hub.revoke_box(registered)
    db.session.commit()
    click.echo(f"revoked {registered.name}")


def _report(path: Path, result: hub.ImportResult) -> None:
    line = f"{path}: {result.status}"
    if result.reason:
        line += f": {PROBLEMS.get(result.reason, result.reason)}"
    if result.status in ("applied", "duplicate"):
        line += f" ({result.applied} events applied, {result.duplicates} already here)"
    click.echo(line)
    if result.gaps:
        click.echo(f"  missing from this box: events {', '.join(f'{a}-{b}' if a != b else str(a) for a, b in result.gaps)}")


@sync_group.command("import")
@click.argument("bundles", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(bundles):
    """Check and apply bundles; write each acknowledgement next to its
    bundle (BUNDLE.ack.json) for the box. Exit 1 if any is not applied."""
    _need("hub")
    failed = False
    for path in bundles:
        data = path.read_bytes()
        result = hub.import_bundle(data, current_app.config["DATA_DIR"])
        db.session.commit()
        ack = hub.acknowledgement(result, _key())
        path.with_name(path.name + ".ack.json").write_bytes(ack)
        _report(path, result)
        failed = failed or result.status not in ("applied", "duplicate")
    if failed:
        sys.exit(1)


@sync_group.command("retry")
@with_appcontext
def retry_command():
    """Apply the bundles kept aside whose box is now registered."""
    _need("hub")
    results = hub.retry_kept(current_app.config["DATA_DIR"])
    db.session.commit()
    for result in results:
        _report(Path(f"bundle {result.bundle_no} of {result.box_id[:8]}"), result)
    if not results:
        click.echo("no bundle kept aside for a registered box")


@sync_group.command("boxes")
@with_appcontext
def boxes_command():
    """List the boxes this hub accepts bundles from."""
    _need("hub")
    for item in hub.boxes():
        state = "revoked" if item.revoked_dt else "fork detected" if item.fork_dt else "ok"
        click.echo(f"{display_fingerprint(item.id)}  {item.name}  events up to {item.acked_seq} "
                   f"(highest {item.max_seq})  {state}")
