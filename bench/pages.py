"""How fast Academy serves its pages with the production server.

Starts `academy serve` (waitress) on loopback with a fresh data folder, signs
in a learner, then requests each page from several client threads for a few
seconds and prints a table. Only 127.0.0.1 is ever contacted.

    python bench/pages.py [--seconds 5] [--clients 16]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, path: str, cookie: str = "", method: str = "GET", body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def sign_in(port: int) -> str:
    response, page = request(port, "/register")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"csrf_token": token, "display_name": "Bench Learner", "username": "bench",
                                   "password": "bench-password", "confirm": "bench-password", "language": "vi"})
    response, _ = request(port, "/register", cookie, "POST", form)
    return response.getheader("Set-Cookie").split(";")[0]


def hammer(port: int, path: str, cookie: str, seconds: float, clients: int):
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        mine = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            response, _ = request(port, path, cookie)
            assert response.status == 200, (path, response.status)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return len(latencies) / seconds, statistics.median(latencies), latencies[int(len(latencies) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="academy-bench-")
    env = {**os.environ, "ACADEMY_DATA_DIR": data_dir}
    server = subprocess.Popen([sys.executable, "-m", "academy", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                request(port, "/")
                break
            except OSError:
                time.sleep(0.1)
        cookie = sign_in(port)
        pages = [
            ("catalog, anonymous", "/", ""),
            ("course page, anonymous", "/courses/climate-action-cycling/", ""),
            ("lesson, anonymous", "/courses/climate-action-cycling/where-emissions-come-from/bicycle-hot-spots", ""),
            ("quiz lesson, signed in", "/courses/climate-action-cycling/why-climate-action/check-your-understanding", cookie),
            ("my learning, signed in", "/my", cookie),
        ]
        request(port, "/courses/climate-action-cycling/enroll", cookie, "POST", "")  # no token: refused, harmless
        print(f"waitress, 8 threads; {args.clients} client threads for {args.seconds:g} s per page (loopback)\n")
        print(f"| {'page':<26} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} |")
        print(f"|{'-' * 28}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
        for name, path, page_cookie in pages:
            rate, p50, p95 = hammer(port, path, page_cookie, args.seconds, args.clients)
            print(f"| {name:<26} | {rate:>7.0f} | {p50 * 1000:>7.1f} | {p95 * 1000:>7.1f} |")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
