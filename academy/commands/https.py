"""``academy serve --https``: the options, and serving plain HTTP and HTTPS
side by side (docs/deploy.md, "HTTPS on the box").

Plain HTTP stays on: a phone fetches the box's certificate authority there
(``/ca``) before it can trust the secure address."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from ..tls import TlsError, box_certificate, certificate_names, fingerprint, tls_files
from ..tls_server import CertificateWatcher, create_servers, server_context


def https_options(command):
    """The serve command's HTTPS options (passed on to :func:`serve_https`)."""
    options = [
        click.option("--https", "https", is_flag=True,
                     help="Also serve HTTPS, with the box's own certificate authority unless --cert/--key are given."),
        click.option("--https-port", default=8443, show_default=True, type=int),
        click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Certificate chain (PEM) for HTTPS, e.g. from your organisation; implies --https."),
        click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Private key (PEM) of --cert."),
        click.option("--name", "names", multiple=True, metavar="NAME",
                     help="Another name of this box for its own certificate (e.g. academy.lan); repeatable."),
    ]
    return functools.reduce(lambda cmd, option: option(cmd), reversed(options), command)


def wants_https(options: dict) -> bool:
    return bool(options.get("https") or options.get("cert") or options.get("key"))


def _box_context(app, addresses, names):
    """The box's certificate (made or renewed now) and a function the
    watcher calls to renew it when the addresses change."""
    files = tls_files(app.config["DATA_DIR"])
    try:
        box = box_certificate(files, addresses(), names)
    except (TlsError, OSError) as exc:
        raise click.ClickException(f"HTTPS could not start: {exc}") from None
    for name in box.refused:
        click.echo(f"Warning: '{name}' is left out of the box's certificate: its own authority vouches only for local "
                   "names (.lan, .local, .internal, .home.arpa, the host name) and private addresses. "
                   "Use such a name (--name), or your organisation's certificate (--cert/--key).")
    dns, ips = certificate_names(box.cert)
    click.echo(f"Certificate for: {', '.join(sorted(dns) + sorted(ips))}"
               + (" (new)" if box.renewed else ""))
    click.echo(f"Box certificate authority, SHA-256: {fingerprint(box.ca)}")

    def renew():
        renewed = box_certificate(files, addresses(), names)
        if not renewed.renewed:
            return None
        app.logger.warning("the box's addresses changed or its certificate was due; a new certificate is in use")
        return server_context(files.cert, files.key)

    return server_context(files.cert, files.key), renew, dns | ips


def serve_https(app, *, host: str, port: int, server_options: dict, addresses, shown_addresses, https: bool, https_port: int,
                cert: Path | None, key: Path | None, names: tuple[str, ...]) -> None:
    """Serve plain HTTP on ``port`` and HTTPS on ``https_port`` until stopped.
    ``addresses()`` gives the LAN addresses now (the watcher asks again
    every minute); ``shown_addresses`` are the hosts printed for people."""
    if (cert is None) != (key is None):
        raise click.ClickException("give both --cert and --key, or neither (then the box's own authority is used)")
    renew, covered = None, None
    if cert is not None:
        try:
            context = server_context(cert, key)
        except (OSError, ValueError) as exc:
            raise click.ClickException(f"the certificate or key could not be loaded: {exc}") from None
    else:
        context, renew, covered = _box_context(app, addresses, names)
    app.config["HTTP_PORT"], app.config["HTTPS_PORT"] = port, https_port
    if covered is not None:  # the /ca page links only to a secure address the certificate names
        app.config["HTTPS_HOSTS"] = sorted(covered)
        app.config["HTTPS_NAME"] = next((name for name in names if name.lower() in covered), None)
        secure_hosts = [*shown_addresses, *(name for name in names if name.lower() in covered)]
    else:
        secure_hosts = shown_addresses
    try:
        runner, _plain, secure = create_servers(app, host=host, port=port, https_port=https_port, ssl_context=context,
                                                **server_options)
    except OSError as exc:
        raise click.ClickException(f"could not listen on port {port} or {https_port}: {exc}") from None
    click.echo("Secure addresses (saved courses work there):")
    for shown in secure_hosts:
        if covered is None or shown in covered:  # the box's certificate names only local addresses
            click.echo(f"  https://{shown}:{https_port}/")
    if renew is not None:
        click.echo(f"Each phone installs the box's certificate once, from http://{shown_addresses[-1]}:{port}/ca")
    watcher = CertificateWatcher(secure, renew, logger=app.logger) if renew is not None else None
    if watcher:
        watcher.start()
    try:
        runner.run()
    finally:
        if watcher:
            watcher.stop()
