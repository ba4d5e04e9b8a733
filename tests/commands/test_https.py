"""`academy serve --https`: the box's own authority, or the admin's certificate."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serving(tmp_path):
    """`academy serve --https` in its own process, until the test ends."""
    port, https_port = free_port(), free_port()
    env = {**os.environ, "ACADEMY_DATA_DIR": str(tmp_path), "ACADEMY_SECRET_KEY": "serve-test", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "academy", "serve", "--host", "127.0.0.1", "--port", str(port), "--https",
         "--https-port", str(https_port), "--name", "academy.lan"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        output.append(line)
        if line.startswith("Each phone installs") or not line:
            break
    yield port, https_port, "".join(output), tmp_path
    process.terminate()
    process.wait(timeout=10)


def test_serve_https_makes_the_box_authority_and_serves_both_addresses(serving):
    port, https_port, output, data_dir = serving
    assert f"https://127.0.0.1:{https_port}/" in output
    assert f"http://127.0.0.1:{port}/ca" in output
    assert "academy.lan" in output and "SHA-256" in output
    # A phone fetches the authority over plain HTTP, installs it, then trusts the secure address.
    der = urllib.request.urlopen(f"http://127.0.0.1:{port}/ca.crt", timeout=10).read()
    trusted = ssl.create_default_context(cadata=x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM).decode())
    for host in ("localhost", "127.0.0.1"):
        page = urllib.request.urlopen(f"https://{host}:{https_port}/", context=trusted, timeout=10).read().decode()
        assert "<title>" in page and "Academy" in page
    assert (data_dir / "tls" / "ca.key").stat().st_mode & 0o077 == 0


def test_a_certificate_without_its_key_is_refused_in_one_line(app, tmp_path):
    cert = tmp_path / "box.pem"
    cert.write_text("not really")
    result = app.test_cli_runner().invoke(args=["serve", "--no-migrate", "--cert", str(cert)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "Error: give both --cert and --key, or neither (then the box's own authority is used)"


def test_a_certificate_that_cannot_be_loaded_is_reported_in_one_line(app, tmp_path):
    cert, key = tmp_path / "box.pem", tmp_path / "box.key"
    cert.write_text("not a certificate")
    key.write_text("not a key")
    result = app.test_cli_runner().invoke(args=["serve", "--no-migrate", "--cert", str(cert), "--key", str(key)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: the certificate or key could not be loaded")
    assert "Traceback" not in result.output
