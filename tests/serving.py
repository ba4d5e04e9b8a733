"""Running the real `academy serve` in a process of its own (plain functions)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def academy_env(data_dir: Path, **variables: str) -> dict:
    """The environment of an `academy` process: this one's, without any
    ACADEMY_* setting of the machine, plus the data folder and ``variables``."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ACADEMY_")}
    environment["ACADEMY_DATA_DIR"] = str(data_dir)
    environment.update({f"ACADEMY_{name}": value for name, value in variables.items()})
    return environment


def start_server(data_dir: Path, *args: str, log: Path, **variables: str) -> tuple[subprocess.Popen, str]:
    """Start `academy serve` on a free loopback port; returns (process, base URL)
    once /healthz answers."""
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen([sys.executable, "-m", "academy", "serve", "--host", "127.0.0.1", "--port", str(port),
                                    "--threads", "4", *args], stdout=output, stderr=subprocess.STDOUT,
                                   env=academy_env(data_dir, **variables))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    return process, base
        except (OSError, urllib.error.URLError, ValueError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            raise AssertionError(f"academy serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
