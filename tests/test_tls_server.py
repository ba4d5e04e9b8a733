"""HTTPS beside plain HTTP in one waitress loop, as `academy serve --https` runs it."""

from __future__ import annotations

import http.client
import socket
import ssl
import time

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from helpers import ServerThread

from academy.tls import box_certificate, tls_files
from academy.tls_server import CertificateWatcher, create_servers, server_context


def echo_app(environ, start_response):
    """Answers with the scheme and the size of the body it received."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    reply = f"{environ['wsgi.url_scheme']} {len(body)}".encode() + b"." * 300_000
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(reply)))])
    return [reply]


@pytest.fixture
def servers(tmp_path):
    files = tls_files(tmp_path)
    box_certificate(files, [], hostname="box")
    runner, plain, secure = create_servers(echo_app, host="127.0.0.1", port=0, https_port=0, threads=2,
                                           ssl_context=server_context(files.cert, files.key))
    serving = ServerThread(runner)
    yield files, plain, secure
    serving.stop()


def phone_trusting(files) -> ssl.SSLContext:
    """A client that trusts only the box's authority, and checks the name."""
    return ssl.create_default_context(cafile=str(files.ca_cert))


def get(connection, method="GET", body=None) -> str:
    connection.request(method, "/", body=body)
    response = connection.getresponse()
    return response.read()[:40].decode().rstrip(".")


def test_https_is_served_with_the_box_certificate_and_plain_http_beside_it(servers):
    files, plain, secure = servers
    https = http.client.HTTPSConnection("localhost", secure.effective_port, context=phone_trusting(files), timeout=5)
    assert get(https) == "https 0"
    assert get(http.client.HTTPConnection("127.0.0.1", plain.effective_port, timeout=5)) == "http 0"


def test_one_https_connection_carries_many_requests_with_large_bodies(servers):
    files, _plain, secure = servers
    https = http.client.HTTPSConnection("localhost", secure.effective_port, context=phone_trusting(files), timeout=5)
    for size in (0, 70_000, 2_000_000, 5):
        assert get(https, "POST", b"x" * size) == f"https {size}"


def test_a_phone_that_connects_and_says_nothing_does_not_stop_the_others(servers):
    files, plain, secure = servers
    silent = socket.create_connection(("127.0.0.1", secure.effective_port))  # no TLS handshake, ever
    plain_text = socket.create_connection(("127.0.0.1", secure.effective_port))
    plain_text.sendall(b"GET / HTTP/1.1\r\nHost: box\r\n\r\n")  # an http:// address typed on the HTTPS port
    https = http.client.HTTPSConnection("localhost", secure.effective_port, context=phone_trusting(files), timeout=5)
    assert get(https) == "https 0"
    assert get(http.client.HTTPConnection("127.0.0.1", plain.effective_port, timeout=5)) == "http 0"
    silent.close()
    plain_text.close()


def test_a_request_sent_a_byte_at_a_time_is_answered(servers):
    files, _plain, secure = servers
    with phone_trusting(files).wrap_socket(socket.create_connection(("127.0.0.1", secure.effective_port), timeout=5),
                                           server_hostname="localhost") as tls:
        for byte in b"POST / HTTP/1.1\r\nHost: box\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc":
            tls.sendall(bytes([byte]))
        reply = b""
        while chunk := tls.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200") and b"https 3" in reply


def test_a_renewed_certificate_is_used_for_new_connections_without_a_restart(servers):
    files, _plain, secure = servers
    renewed = box_certificate(files, ["192.168.50.2"], hostname="box")
    secure.ssl_context = server_context(files.cert, files.key)
    with phone_trusting(files).wrap_socket(socket.create_connection(("127.0.0.1", secure.effective_port), timeout=5),
                                           server_hostname="192.168.50.2") as tls:
        assert tls.getpeercert(binary_form=True) == renewed.cert.public_bytes(Encoding.DER)


def test_the_watcher_hands_a_renewed_certificate_to_the_server(servers):
    files, _plain, secure = servers
    fresh = server_context(files.cert, files.key)
    answers = iter([None, fresh])  # nothing changed, then a new certificate
    watcher = CertificateWatcher(secure, lambda: next(answers, None), interval=0.01)
    watcher.start()
    try:
        deadline = time.monotonic() + 5
        while secure.ssl_context is not fresh and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        watcher.stop()
    assert secure.ssl_context is fresh


def test_the_watcher_keeps_the_certificate_it_has_when_renewing_fails(servers):
    _files, _plain, secure = servers
    before = secure.ssl_context
    calls = []

    def broken():
        calls.append(1)
        raise OSError("disk full")

    watcher = CertificateWatcher(secure, broken, interval=0.01)
    watcher.start()
    deadline = time.monotonic() + 5
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    watcher.stop()
    assert len(calls) >= 3 and secure.ssl_context is before
