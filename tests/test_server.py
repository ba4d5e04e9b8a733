"""The production server's settings hold on a LAN of phones: a huge body is
refused from its headers, and idle connections do not lock others out."""

from __future__ import annotations

import socket
import time
import urllib.request

import pytest
from helpers import ServerThread
from waitress.server import create_server

from academy.commands.server import server_options


@pytest.fixture
def served(app):
    server = create_server(app, host="127.0.0.1", port=0, **server_options(app.config, threads=4))
    serving = ServerThread(server)
    yield f"127.0.0.1:{server.effective_port}", server
    serving.stop()


def test_the_server_refuses_a_body_larger_than_the_app_accepts_before_reading_it(served):
    address, _server = served
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: box\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 900000000\r\n\r\n" + b"x" * 1024)
        reply = sock.recv(200)
    assert reply.startswith(b"HTTP/1.1 413")


def test_a_hundred_and_ten_idle_connections_from_one_host_leave_room_for_a_learner(served):
    address, _server = served
    host, port = address.split(":")
    idle = []
    try:
        for _ in range(110):
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: box\r\n")  # half a request, then nothing
            idle.append(sock)
        started = time.monotonic()
        with urllib.request.urlopen(f"http://{address}/", timeout=10) as response:
            assert response.status == 200
        assert time.monotonic() - started < 5
    finally:
        for sock in idle:
            sock.close()


def test_the_server_settings_follow_the_configuration(app):
    options = server_options(app.config, threads=8)
    assert options["max_request_body_size"] == max(app.config["MAX_CONTENT_LENGTH"], app.config["COURSE_UPLOAD_MAX_MB"] << 20)
    assert options["connection_limit"] >= 200 and options["channel_timeout"] <= 60


def test_a_hub_takes_bundles_as_large_as_its_sync_limit(tmp_path):
    """waitress refuses a body larger than any route takes: on a hub, the
    boxes' bundles (SYNC_MAX_BUNDLE_BYTES) may be the largest."""
    from academy import create_app

    hub = create_app({"DATA_DIR": str(tmp_path), "ROLE": "hub", "SYNC_MAX_BUNDLE_BYTES": 900 << 20})
    assert server_options(hub.config, threads=8)["max_request_body_size"] == 900 << 20


def test_a_box_takes_no_bundle_larger_than_its_other_routes(tmp_path):
    from academy import create_app

    box = create_app({"DATA_DIR": str(tmp_path), "SYNC_MAX_BUNDLE_BYTES": 900 << 20})
    assert server_options(box.config, threads=8)["max_request_body_size"] < 900 << 20
