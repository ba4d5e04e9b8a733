"""The offline bundle installs Academy on a box with no network, and the
installed Academy serves. The bundle is built once for this machine (its
wheels come from PyPI); every install runs with the network shut off."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
WEASYPRINT_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0"
slow = pytest.mark.slow


def load_builder():
    spec = importlib.util.spec_from_file_location("offline_bundle", REPO / "scripts" / "offline_bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = load_builder()


def platforms(args: list[str]) -> list[str]:
    return [args[i + 1] for i, arg in enumerate(args) if arg == "--platform"]


def test_x86_64_takes_every_manylinux_spelling_up_to_glibc_2_28():
    args = builder.pip_target_args("linux-x86_64", "3.11")
    tags = platforms(args)
    assert tags[0] == "manylinux_2_28_x86_64"  # the newest first: pip prefers earlier tags
    assert {"manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_24_x86_64", "manylinux2010_x86_64",
            "manylinux1_x86_64", "manylinux_2_5_x86_64"} <= set(tags)
    assert "manylinux_2_29_x86_64" not in tags
    assert all(tag.endswith("_x86_64") for tag in tags)
    assert args[:5] == ["--only-binary=:all:", "--implementation", "cp", "--python-version", "3.11"]


def test_aarch64_takes_its_own_tags_from_glibc_2_17():
    tags = platforms(builder.pip_target_args("linux-aarch64", "3.12"))
    assert {"manylinux_2_28_aarch64", "manylinux_2_24_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"} <= set(tags)
    assert all(tag.endswith("_aarch64") for tag in tags)
    assert not any(tag.startswith(("manylinux1", "manylinux2010", "manylinux_2_16")) for tag in tags)  # none exist for aarch64


@pytest.mark.parametrize(("machine", "expected"), [("x86_64", "linux-x86_64"), ("AMD64", "linux-x86_64"),
                                                   ("aarch64", "linux-aarch64"), ("arm64", "linux-aarch64")])
def test_current_is_this_machines_architecture(monkeypatch, machine, expected):
    monkeypatch.setattr(builder.host, "machine", lambda: machine)
    monkeypatch.setattr(builder.sys, "platform", "linux")
    assert builder.resolve_platform("current") == expected


@pytest.mark.parametrize("name", ["linux-riscv64", "windows", "x86_64"])
def test_an_unknown_platform_is_refused(name):
    with pytest.raises(SystemExit, match="unknown platform"):
        builder.resolve_platform(name)


def test_python_older_than_3_11_is_refused():
    assert builder.python_version("3.12") == "3.12"
    for wrong in ("3.10", "3", "3.11.2", "py3.11"):
        with pytest.raises(builder.argparse.ArgumentTypeError, match="3.11 or newer"):
            builder.python_version(wrong)


# --- the real thing: build, carry, install with no network, serve ---------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle-out")
    subprocess.run([str(REPO / "scripts" / "make-offline-bundle"), "--platform", "current", "--python", PYTHON, "--out", str(out)],
                   check=True, env={**os.environ, "PYTHON": sys.executable})
    return next(out.glob("academy-offline-*.tar.gz"))


def extract(archive: Path, into: Path) -> Path:
    subprocess.run(["tar", "xzf", str(archive), "-C", str(into)], check=True)  # as the admin does
    return into / archive.name.removesuffix(".tar.gz")


def network_cut() -> list[str]:
    """A command prefix that runs in a network namespace of its own (no
    interface up), where this machine allows one; else nothing."""
    unshare = shutil.which("unshare")
    for prefix in ([unshare, "--net"], [unshare, "--map-root-user", "--net"]) if unshare else ():
        if subprocess.run([*prefix, "true"], check=False, capture_output=True).returncode == 0:
            return prefix
    return []


def run_install(bundle: Path, venv: Path, path_prefix: Path | None = None) -> subprocess.CompletedProcess:
    # Belt and braces: no index and a proxy that answers nothing, besides the
    # script's own --no-index and the cut network.
    dead = "http://127.0.0.1:9"
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_PROXY": dead, "http_proxy": dead, "https_proxy": dead,
           "ACADEMY_PYTHON": sys.executable}
    if path_prefix:
        env["PATH"] = f"{path_prefix}{os.pathsep}{env['PATH']}"
    return subprocess.run([*network_cut(), str(bundle / "install.sh"), str(venv)], check=False, env=env,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def bundle(archive, tmp_path_factory) -> Path:
    return extract(archive, tmp_path_factory.mktemp("usb-stick"))


@pytest.fixture(scope="module")
def venv(bundle, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("box") / "academy-venv"
    result = run_install(bundle, venv)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "academy serve" in result.stdout and "--role admin" in result.stdout  # the next steps
    return venv


@slow
def test_the_archive_holds_wheels_installer_readme_docs_and_checksums(archive, bundle):
    assert archive.name == f"academy-offline-{VERSION}-{builder.resolve_platform('current')}-py{PYTHON}.tar.gz"
    wheels = {path.name.split("-")[0].lower() for path in (bundle / "wheels").iterdir()}
    assert {"academy", "flask", "weasyprint", "cryptography", "pillow", "waitress"} <= wheels
    assert os.access(bundle / "install.sh", os.X_OK)
    readme = (bundle / "README.txt").read_text()
    assert WEASYPRINT_PACKAGES in readme and "academy serve" in readme and "docs/" in readme
    assert (bundle / "docs" / "deploy.md").is_file()
    listed = {line.split("  ", 1)[1] for line in (bundle / "SHA256SUMS").read_text().splitlines()}
    files = {path.relative_to(bundle).as_posix() for path in bundle.rglob("*") if path.is_file()}
    assert listed == files - {"SHA256SUMS"}


@slow
def test_the_offline_install_checks_its_own_courses(venv, tmp_path):
    result = subprocess.run([str(venv / "bin" / "academy"), "check"], check=False, cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "ACADEMY_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 course(s) valid, 0 refused; 0 error(s), 0 warning(s); 1 learning path(s) valid" in result.stderr
    module = subprocess.run([str(venv / "bin" / "python"), "-c", "import academy, weasyprint; print(academy.__file__)"],
                            cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(venv) in module  # the bundle's wheel, not this checkout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@slow
def test_the_offline_install_serves_the_home_page(venv, tmp_path):
    port = free_port()
    server = subprocess.Popen([str(venv / "bin" / "academy"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=tmp_path, env={**os.environ, "ACADEMY_DATA_DIR": str(tmp_path / "data")},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).status == 200
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(server.stdout.read() if server.poll() is not None else "server did not start")
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "/setup/" in output  # the one-time link for the first administrator


@slow
def test_a_damaged_file_stops_the_install_before_anything_is_installed(archive, tmp_path):
    bundle = extract(archive, tmp_path)
    wheel = next((bundle / "wheels").glob("flask-*.whl"))
    wheel.write_bytes(wheel.read_bytes()[:-10])
    result = run_install(bundle, tmp_path / "venv")
    assert result.returncode != 0
    assert "differ from SHA256SUMS" in result.stderr
    assert not (tmp_path / "venv").exists()


@slow
def test_missing_system_libraries_are_named_with_the_apt_command(bundle, tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ldconfig").write_text("#!/bin/sh\necho '0 libs found in cache'\n")  # a box without Pango
    (fake / "ldconfig").chmod(0o755)
    result = run_install(bundle, tmp_path / "venv", path_prefix=fake)
    assert result.returncode != 0
    assert f"sudo apt-get install {WEASYPRINT_PACKAGES}\n" in result.stderr
    assert not (tmp_path / "venv").exists()
