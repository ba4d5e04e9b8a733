"""The box's own certificate authority and the certificate it gives the box."""

from __future__ import annotations

import datetime
import ipaddress
import stat

import pytest
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from academy.tls import (
    TlsError,
    box_certificate,
    certificate_names,
    fingerprint,
    read_ca,
    spki_sha256,
    tls_files,
)


@pytest.fixture
def files(tmp_path):
    return tls_files(tmp_path)


def verifies(box, name: str) -> bool:
    """Whether a phone that installed the box's authority accepts the box's
    certificate for this name (chain, name constraints, key usage)."""
    subject = x509.IPAddress(ipaddress.ip_address(name)) if name[0].isdigit() or ":" in name else x509.DNSName(name)
    verifier = PolicyBuilder().store(Store([box.ca])).build_server_verifier(subject)
    try:
        verifier.verify(box.cert, [])
    except VerificationError:
        return False
    return True


def test_the_certificate_names_the_host_its_lan_addresses_and_localhost(files):
    box = box_certificate(files, ["192.168.1.20", "10.0.0.7"], hostname="factory-box")
    dns, ips = certificate_names(box.cert)
    assert dns == {"factory-box", "factory-box.local", "localhost"}
    assert ips == {"192.168.1.20", "10.0.0.7", "127.0.0.1", "::1"}
    assert all(verifies(box, name) for name in ["factory-box", "localhost", "192.168.1.20", "10.0.0.7", "127.0.0.1"])


def test_another_name_given_by_the_admin_is_in_the_certificate(files):
    box = box_certificate(files, [], ["academy.lan"], hostname="factory-box")
    assert "academy.lan" in certificate_names(box.cert)[0]
    assert verifies(box, "academy.lan")


def test_the_authority_vouches_only_for_local_names_and_private_addresses(files):
    box = box_certificate(files, ["192.168.1.20"], ["training.example.com"], hostname="factory-box")
    assert box.refused == ("training.example.com",)
    assert "training.example.com" not in certificate_names(box.cert)[0]
    constraints = box.ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    permitted = {str(sub.value) for sub in constraints.value.permitted_subtrees}
    assert {"lan", "local", "localhost", "factory-box", "192.168.0.0/16", "10.0.0.0/8"} <= permitted
    assert "0.0.0.0/0" not in permitted


def test_the_keys_are_readable_by_their_owner_only(files):
    box_certificate(files, ["192.168.1.20"], hostname="factory-box")
    for key in (files.ca_key, files.key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(files.folder.stat().st_mode) == 0o700


def test_the_same_addresses_keep_the_same_certificate(files):
    first = box_certificate(files, ["192.168.1.20"], hostname="factory-box")
    again = box_certificate(files, ["192.168.1.20"], hostname="factory-box")
    assert first.renewed and not again.renewed
    assert again.cert.serial_number == first.cert.serial_number


def test_a_new_address_gets_a_new_certificate_from_the_same_authority(files):
    first = box_certificate(files, ["192.168.1.20"], hostname="factory-box")
    moved = box_certificate(files, ["192.168.8.5"], hostname="factory-box")
    assert moved.renewed
    assert "192.168.8.5" in certificate_names(moved.cert)[1] and "192.168.1.20" not in certificate_names(moved.cert)[1]
    assert fingerprint(moved.ca) == fingerprint(first.ca)  # phones keep trusting the box
    assert verifies(moved, "192.168.8.5")
    assert x509.load_pem_x509_certificates(files.cert.read_bytes())[0] == moved.cert


def test_a_certificate_is_renewed_a_month_before_it_expires(files):
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
    first = box_certificate(files, [], hostname="factory-box", now=now)
    assert first.cert.not_valid_after_utc - now <= datetime.timedelta(days=398)  # what Apple accepts
    later = box_certificate(files, [], hostname="factory-box", now=first.cert.not_valid_after_utc - datetime.timedelta(days=40))
    due = box_certificate(files, [], hostname="factory-box", now=first.cert.not_valid_after_utc - datetime.timedelta(days=20))
    assert not later.renewed and due.renewed


def test_the_certificate_is_for_a_server_and_cannot_sign_others(files):
    box = box_certificate(files, [], hostname="factory-box")
    assert box.cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usages = box.cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in usages


def test_an_unreadable_authority_is_reported_not_replaced(files):
    box_certificate(files, [], hostname="factory-box")
    files.ca_key.write_text("damaged")
    with pytest.raises(TlsError, match="cannot be read"):
        box_certificate(files, [], hostname="factory-box")
    assert read_ca(files) is not None


def test_the_public_key_pin_is_base64_sha256(files):
    box = box_certificate(files, [], hostname="factory-box")
    assert len(spki_sha256(box.cert)) == 44 and spki_sha256(box.cert).endswith("=")
