#!/usr/bin/env bash
# Installs Academy @VERSION@ from this folder into a virtualenv, without any
# network access. See README.txt.
#
#   sudo ./install.sh [VENV_DIR]
#
# VENV_DIR defaults to $ACADEMY_VENV, then /opt/academy/venv. An existing
# virtualenv there is upgraded. $ACADEMY_PYTHON picks the Python to use.
set -euo pipefail

BUNDLE_PYTHON="@PYTHON@"   # the wheels hold compiled code for this Python only
BUNDLE_ARCH="@ARCH@"
VERSION="@VERSION@"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$(realpath -m "${1:-${ACADEMY_VENV:-/opt/academy/venv}}")"

# The libraries WeasyPrint loads to draw certificates, and the package of each:
# WeasyPrint's docs (First Steps, Installation, "Debian >= 11" and "Ubuntu >=
# 20.04", inside a virtualenv using wheels) name these packages.
LIBRARIES=(
  "libpango-1.0.so.0 libpango-1.0-0"
  "libpangoft2-1.0.so.0 libpangoft2-1.0-0"
  "libharfbuzz.so.0 libharfbuzz0b"
  "libharfbuzz-subset.so.0 libharfbuzz-subset0"
)

say() { printf '%s\n' "$*"; }
fail() { printf '\ninstall.sh: %s\n' "$*" >&2; exit 1; }

verify_checksums() {
  command -v sha256sum >/dev/null || fail "sha256sum is missing (package coreutils)"
  (cd "$HERE" && sha256sum --check --quiet --strict SHA256SUMS) \
    || fail "files differ from SHA256SUMS: this copy is damaged. Copy the archive again."
  # pip would install any wheel it finds here, so a wheel not on the list is refused.
  local listed wheel
  listed="$(cut -d' ' -f3 "$HERE/SHA256SUMS")"
  for wheel in "$HERE"/wheels/*; do
    grep -qxF "wheels/${wheel##*/}" <<<"$listed" || fail "wheels/${wheel##*/} is not in SHA256SUMS; remove it."
  done
}

check_machine() {
  local arch
  arch="$(uname -m)"
  [ "$arch" = "$BUNDLE_ARCH" ] \
    || fail "this bundle is for $BUNDLE_ARCH machines, this one is $arch. Build one with: scripts/make-offline-bundle --platform linux-$arch"
}

python_version_of() {
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

find_python() {
  local candidates=(python3 "python$BUNDLE_PYTHON") candidate found=""
  [ -n "${ACADEMY_PYTHON:-}" ] && candidates=("$ACADEMY_PYTHON")
  for candidate in "${candidates[@]}"; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    [ "$(python_version_of "$candidate")" = "$BUNDLE_PYTHON" ] && { echo "$candidate"; return; }
    found="$found $candidate=$(python_version_of "$candidate")"
  done
  fail "this bundle needs Python $BUNDLE_PYTHON (found:${found:- none}). Install python$BUNDLE_PYTHON, or build a bundle
for the Python this box has: scripts/make-offline-bundle --python X.Y (Academy needs 3.11 or newer)."
}

check_venv_module() {
  # Debian ships venv's pip bootstrap (ensurepip) in a separate package.
  "$1" -c 'import venv, ensurepip' 2>/dev/null \
    || fail "Python's venv module is missing: sudo apt-get install python3-venv (or python$BUNDLE_PYTHON-venv)"
}

missing_packages() {
  local ldconfig cache entry
  ldconfig="$(command -v ldconfig || echo /sbin/ldconfig)"
  [ -x "$ldconfig" ] || return 0  # cannot tell here; the import check after the install will
  cache="$("$ldconfig" -p)"
  for entry in "${LIBRARIES[@]}"; do
    grep -qF "${entry%% *} (" <<<"$cache" || printf '%s ' "${entry#* }"
  done
}

check_system_libraries() {
  local missing
  missing="$(missing_packages)"
  [ -z "$missing" ] || fail "WeasyPrint (certificates, join sheets) needs system libraries this box lacks. Install:

    sudo apt-get install ${missing% }

With no internet, take the packages from the distribution's installation media, or
fetch the .deb files on a connected machine of the same release (see README.txt)."
}

create_venv() {
  if [ -x "$VENV/bin/python" ]; then
    [ "$(python_version_of "$VENV/bin/python")" = "$BUNDLE_PYTHON" ] \
      || fail "$VENV was made with another Python than $BUNDLE_PYTHON; remove it or choose another folder."
    say "Upgrading the virtualenv in $VENV"
  else
    say "Creating a virtualenv in $VENV"
    "$1" -m venv "$VENV"
  fi
}

install_wheels() {
  say "Installing Academy $VERSION from $HERE/wheels"
  # Only this folder's wheels: no index, and no pip configuration or PIP_*
  # variables of this machine that could add another source.
  PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" -m pip --isolated install --quiet --disable-pip-version-check \
    --no-index --find-links "$HERE/wheels" --upgrade academy \
    || fail "pip could not install from wheels/ (see above): this bundle lacks a wheel this box needs.
Build it again for this box's platform and Python (README.txt, section 1)."
}

check_weasyprint() {
  local output
  output="$("$VENV/bin/python" -c 'import weasyprint' 2>&1)" \
    || fail "WeasyPrint cannot load its system libraries:
$output

Install them (Debian/Ubuntu): sudo apt-get install ${LIBRARIES[*]#* }"
}

print_next_steps() {
  cat <<EOF

Academy $("$VENV/bin/academy" --version | cut -d' ' -f2) is installed in $VENV.

Start it (the data folder keeps the database and the keys: back it up):

    sudo install -d -o \$USER /var/lib/academy
    ACADEMY_DATA_DIR=/var/lib/academy $VENV/bin/academy serve

It listens on port 8080 and prints the addresses phones on the network can
open, and a one-time link that creates the first administrator. Or create
the administrator from the shell:

    ACADEMY_DATA_DIR=/var/lib/academy $VENV/bin/academy users create NAME --role admin

Running it as a service, backups and upgrades: docs/deploy.md in this folder.
EOF
}

main() {
  verify_checksums
  check_machine
  local python
  python="$(find_python)"
  check_venv_module "$python"
  check_system_libraries
  create_venv "$python"
  install_wheels
  check_weasyprint
  print_next_steps
}

main
