"""The box's own certificate authority, and the certificate it gives the box.

Browsers let a page keep courses for use without a connection (a service
worker) only at a secure address. A LAN box has no public name, so no public
authority will vouch for it: Academy makes its own authority once, in the
data folder, and each phone that should use the secure address installs that
authority's certificate once (the ``/ca`` page explains how).

The authority may only vouch for local names and private addresses (name
constraints): should the box be stolen, its key cannot impersonate a bank to
the phones that trust it. The box's certificate names the box's host name,
its LAN addresses, localhost and 127.0.0.1; it is made again when these
change and a month before it expires.

Pure Python (``cryptography``): no Flask, no network."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
# Apple refuses TLS certificates valid for more than 825 days; 397 is the
# limit for public authorities and keeps every browser content.
SERVER_DAYS = 397
RENEW_BEFORE = datetime.timedelta(days=30)

# What the authority may vouch for: local names and private addresses only.
LOCAL_DOMAINS = ("localhost", "local", "lan", "internal", "home.arpa")
PRIVATE_NETWORKS = (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
    "100.64.0.0/10",  # shared address space: some phone hotspots and carrier boxes
    "::1/128", "fc00::/7", "fe80::/10",
)


class TlsError(Exception):
    """A problem the admin can fix; the message says how."""


@dataclass(frozen=True)
class TlsFiles:
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca.key"

    @property
    def cert(self) -> Path:
        """The box's certificate followed by the authority's (the chain a
        browser is sent)."""
        return self.folder / "box.crt"

    @property
    def key(self) -> Path:
        return self.folder / "box.key"


def tls_files(data_dir: Path) -> TlsFiles:
    return TlsFiles(Path(data_dir) / "tls")


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or datetime.datetime.now(datetime.timezone.utc)


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, replacing any older one whole."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o600)  # in case the file was left behind with other rights
    os.replace(tmp, path)


def _write_public(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _permitted_names(hostname: str) -> list[x509.GeneralName]:
    dns = list(LOCAL_DOMAINS)
    if hostname and hostname.lower() not in dns:
        dns.append(hostname.lower())
    return ([x509.DNSName(name) for name in dns]
            + [x509.IPAddress(ipaddress.ip_network(net)) for net in PRIVATE_NETWORKS])


def create_ca(files: TlsFiles, hostname: str | None = None, now=None) -> x509.Certificate:
    """Make the box's authority (key readable by its owner only)."""
    now = _now(now)
    hostname = hostname or socket.gethostname()
    files.folder.mkdir(parents=True, exist_ok=True)
    os.chmod(files.folder, 0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Academy"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"Academy on {hostname}"[:64]),
    ])
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.NameConstraints(permitted_subtrees=_permitted_names(hostname), excluded_subtrees=None),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(files.ca_key, _pem_key(key))
    _write_public(files.ca_cert, _pem(cert))
    return cert


def read_ca(files: TlsFiles) -> x509.Certificate | None:
    """The authority's certificate, or None when the box has none."""
    try:
        return x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    except (OSError, ValueError):
        return None


def _load_ca(files: TlsFiles):
    cert = read_ca(files)
    try:
        key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    except (OSError, ValueError):
        key = None
    if cert is None or key is None:
        return None, None
    return cert, key


def permitted(ca: x509.Certificate, name: str) -> bool:
    """Whether the authority may vouch for this DNS name or IP address."""
    try:
        constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        name = name.lower().rstrip(".")
        return any(isinstance(sub, x509.DNSName) and (name == sub.value or name.endswith("." + sub.value))
                   for sub in constraints.permitted_subtrees or ())
    return any(isinstance(sub, x509.IPAddress) and address in sub.value for sub in constraints.permitted_subtrees or ())


def certificate_names(cert: x509.Certificate) -> tuple[set[str], set[str]]:
    """(DNS names, IP addresses) a certificate is valid for."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set(), set()
    return set(san.get_values_for_type(x509.DNSName)), {str(a) for a in san.get_values_for_type(x509.IPAddress)}


def wanted_names(hostname: str, addresses, extra_names=()) -> tuple[set[str], set[str]]:
    """The names and addresses the box's certificate should carry."""
    dns = {"localhost"}
    if hostname:
        dns.add(hostname.lower())
        if "." not in hostname:
            dns.add(f"{hostname.lower()}.local")  # mDNS, which some phones resolve
    dns.update(name.lower().rstrip(".") for name in extra_names if name)
    ips = {"127.0.0.1", "::1"} | {str(ipaddress.ip_address(a)) for a in addresses}
    return dns, ips


def _needs_new(files: TlsFiles, ca: x509.Certificate, dns: set[str], ips: set[str], now) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
        serialization.load_pem_private_key(files.key.read_bytes(), password=None)
        cert.verify_directly_issued_by(ca)
    except (OSError, ValueError, TypeError, InvalidSignature):
        return True
    if cert.not_valid_after_utc - now < RENEW_BEFORE:
        return True
    return certificate_names(cert) != (dns, ips)


@dataclass(frozen=True)
class BoxCertificate:
    files: TlsFiles
    ca: x509.Certificate
    cert: x509.Certificate
    renewed: bool  # made (again) by this call
    refused: tuple[str, ...]  # names the authority may not vouch for


def box_certificate(files: TlsFiles, addresses, extra_names=(), hostname: str | None = None, now=None) -> BoxCertificate:
    """Make sure the box has an authority and a current certificate for its
    names and addresses; make a new certificate when they have changed or
    it expires within a month."""
    now = _now(now)
    hostname = hostname if hostname is not None else socket.gethostname()
    ca, ca_key = _load_ca(files)
    if ca is None:
        if files.ca_cert.exists() or files.ca_key.exists():
            raise TlsError(f"the certificate authority in {files.folder} cannot be read; move ca.crt and ca.key "
                           "away to make a new one (phones must then install it again)")
        ca = create_ca(files, hostname, now)
        ca, ca_key = _load_ca(files)
    dns, ips = wanted_names(hostname, addresses, extra_names)
    refused = tuple(sorted(name for name in dns | ips if not permitted(ca, name)))
    dns -= set(refused)
    ips -= set(refused)
    if not _needs_new(files, ca, dns, ips, now):
        cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
        return BoxCertificate(files, ca, cert, False, refused)
    key = ec.generate_private_key(ec.SECP256R1())
    common_name = hostname.lower() if hostname and hostname.lower() in dns else "localhost"
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])]))
        .issuer_name(ca.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(min(now + datetime.timedelta(days=SERVER_DAYS), ca.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(name) for name in sorted(dns)]
            + [x509.IPAddress(ipaddress.ip_address(ip)) for ip in sorted(ips)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(files.key, _pem_key(key))
    _write_public(files.cert, _pem(cert) + _pem(ca))
    return BoxCertificate(files, ca, cert, True, refused)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate, as phones show it: AB:CD:..."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def spki_sha256(cert: x509.Certificate) -> str:
    """Base64 SHA-256 of the public key (what Chromium's
    --ignore-certificate-errors-spki-list and HPKP-style pins use)."""
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(spki)
    return base64.b64encode(digest.finalize()).decode("ascii")
