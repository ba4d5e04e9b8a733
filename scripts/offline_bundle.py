"""Builds the offline install archive for a box with no internet.

    scripts/make-offline-bundle [--platform linux-x86_64|linux-aarch64|current] [--python 3.11] [--out DIR]

Run it on a connected machine from a checkout. It builds Academy's wheel,
downloads the wheel of every runtime dependency for the named platform and
Python from PyPI, and writes one archive
``academy-offline-<version>-<platform>-py<python>.tar.gz`` holding
``wheels/``, ``install.sh``, ``README.txt``, ``docs/`` and ``SHA256SUMS``.
The templates for install.sh and README.txt are in ``scripts/bundle-files/``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import platform as host
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "bundle-files"
ARCHES = ("x86_64", "aarch64")
MACHINE_NAMES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}
# Wheels built for glibc 2.28 or older are taken, so the bundle runs on any box
# with glibc >= 2.28 (Debian 10+, Ubuntu 20.04+, RHEL 8+): every system that
# can have Python 3.11 has at least that.
NEWEST_GLIBC_MINOR = 28
# The oldest manylinux baseline per architecture: aarch64 starts at 2.17.
OLDEST_GLIBC_MINOR = {"x86_64": 5, "aarch64": 17}
# PEP 600 names the legacy tags as aliases of these glibc versions.
LEGACY_MANYLINUX = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}


def resolve_platform(name: str) -> str:
    """'current' becomes this machine's 'linux-<arch>'; the others are checked."""
    if name == "current":
        arch = MACHINE_NAMES.get(host.machine().lower())
        if not sys.platform.startswith("linux") or arch is None:
            raise SystemExit(f"no bundle for this machine ({sys.platform} {host.machine()}); "
                             f"pass --platform {' or '.join('linux-' + a for a in ARCHES)}")
        return f"linux-{arch}"
    if name not in [f"linux-{arch}" for arch in ARCHES]:
        raise SystemExit(f"unknown platform {name!r}: use linux-x86_64, linux-aarch64 or current")
    return name


def manylinux_tags(arch: str) -> list[str]:
    """Every manylinux tag a wheel for this architecture may carry, newest glibc
    first (pip prefers the earlier ones), in both spellings: pip does not treat
    manylinux2014 and manylinux_2_17 as the same when given --platform."""
    tags = []
    for minor in range(NEWEST_GLIBC_MINOR, OLDEST_GLIBC_MINOR[arch] - 1, -1):
        tags.append(f"manylinux_2_{minor}_{arch}")
        if minor in LEGACY_MANYLINUX:
            tags.append(f"{LEGACY_MANYLINUX[minor]}_{arch}")
    return tags


def pip_target_args(platform: str, python: str) -> list[str]:
    """The pip options that pick wheels for the target box instead of this one."""
    arch = platform.removeprefix("linux-")
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python]
    for tag in manylinux_tags(arch):
        args += ["--platform", tag]
    return args


def python_version(text: str) -> str:
    if not re.fullmatch(r"3\.\d+", text) or int(text.split(".")[1]) < 11:
        raise argparse.ArgumentTypeError(f"{text!r}: give the box's Python as 3.11 or newer, e.g. 3.11")
    return text


def running_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def bundle_name(version: str, platform: str, python: str) -> str:
    return f"academy-offline-{version}-{platform}-py{python}"


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"], check=True)


def build_academy_wheel(wheels: Path) -> Path:
    # With hatchling at hand the build needs no network and no throwaway env.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    pip("wheel", "--no-deps", *isolation, "-w", str(wheels), str(REPO))
    return next(wheels.glob("academy-*.whl"))


def download_dependencies(academy_wheel: Path, wheels: Path, platform: str, python: str) -> None:
    pip("download", *pip_target_args(platform, python), "-d", str(wheels), str(academy_wheel))


def fill_template(name: str, values: dict[str, str]) -> str:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def write_checksums(root: Path) -> None:
    """SHA256SUMS in `sha256sum -c` format, for every file in the bundle."""
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}\n")
    (root / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def stage_bundle(root: Path, platform: str, python: str) -> str:
    """Fills root with the bundle's files; returns Academy's version."""
    wheels = root / "wheels"
    academy_wheel = build_academy_wheel(wheels)
    version = academy_wheel.name.split("-")[1]
    download_dependencies(academy_wheel, wheels, platform, python)
    values = {"VERSION": version, "PLATFORM": platform, "ARCH": platform.removeprefix("linux-"), "PYTHON": python}
    install = root / "install.sh"
    install.write_text(fill_template("install.sh", values), encoding="utf-8")
    install.chmod(0o755)
    (root / "README.txt").write_text(fill_template("README.txt", values), encoding="utf-8")
    shutil.copytree(REPO / "docs", root / "docs")  # the box has no other way to read them
    write_checksums(root)
    return version


def build_bundle(platform: str, python: str, out: Path) -> Path:
    platform = resolve_platform(platform)
    if python != running_python():
        # pip evaluates dependencies' markers (python_version < "3.13") for the
        # Python it runs on, whatever --python-version says.
        print(f"warning: building for Python {python} with Python {running_python()}; a dependency needed only "
              f"on {python} could be missing. Run this script with python{python} to be sure.", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "bundle"
        version = stage_bundle(staging, platform, python)
        name = bundle_name(version, platform, python)
        out.mkdir(parents=True, exist_ok=True)
        archive = out / f"{name}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(staging, arcname=name)
    return archive


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build Academy's offline install archive.")
    parser.add_argument("--platform", default="current", help="linux-x86_64, linux-aarch64 or current (default)")
    parser.add_argument("--python", type=python_version, default=running_python(),
                        help="the box's Python version, e.g. 3.11 (default: the Python running this script)")
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="where to write the archive (default: dist/)")
    args = parser.parse_args(argv)
    archive = build_bundle(args.platform, args.python, args.out)
    print(f"{archive} ({archive.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
