"""`academy serve` on a fresh data folder, as the admin starts it: it
creates the database, answers /healthz, logs each request, takes the day's
backup in the background, and keeps a restore from running under it."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

from serving import academy_env, start_server, stop_server


def test_serve_on_a_fresh_data_folder_checks_logs_and_backs_up_and_blocks_a_restore(tmp_path):
    data = tmp_path / "data"
    server, base = start_server(data, log=tmp_path / "serve.log")
    try:
        with urllib.request.urlopen(base + "/verify?p=AC1.secret.payload", timeout=10) as response:
            assert response.status == 200
        deadline = time.monotonic() + 30
        while not list((data / "backups").glob("academy-*.tar.gz")) and time.monotonic() < deadline:
            time.sleep(0.1)
        backup = next((data / "backups").glob("academy-*.tar.gz"))
        restore = subprocess.run([sys.executable, "-m", "academy", "restore", str(backup)], capture_output=True,
                                 text=True, env=academy_env(data), timeout=120)
        assert restore.returncode == 1 and "stop 'academy serve' first" in restore.stderr
    finally:
        stop_server(server)
    access = (data / "logs" / "access.log").read_text()
    assert '"GET /healthz HTTP/1.1" 200' in access and "/verify?p=[hidden]" in access and "secret" not in access
    assert "No administrator yet" in (tmp_path / "serve.log").read_text()
    restore = subprocess.run([sys.executable, "-m", "academy", "restore", str(backup)], capture_output=True, text=True,
                             env=academy_env(data), timeout=120)
    assert restore.returncode == 0, restore.stderr
