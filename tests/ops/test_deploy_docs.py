"""The systemd unit that docs/deploy.md shows and docs/academy.service ships."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(delimiters=("=",), comment_prefixes=("#", ";"), interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((DOCS / "academy.service").read_text(encoding="utf-8"))
    return parser


def test_the_unit_runs_academy_serve_as_its_own_user_and_restarts_on_failure():
    service = unit()["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[0].endswith("/bin/academy") and command[1] == "serve"
    assert service["User"] == "academy" and service["Restart"] == "on-failure"
    environment = dict(item.split("=", 1) for item in shlex.split(service["Environment"]))
    data_dir = environment["ACADEMY_DATA_DIR"]
    assert service["WorkingDirectory"] == data_dir
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_the_unit_lets_academy_write_only_to_its_data_folder():
    service = unit()["Service"]
    environment = dict(item.split("=", 1) for item in shlex.split(service["Environment"]))
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"].split() == [environment["ACADEMY_DATA_DIR"]]
    assert environment["XDG_CACHE_HOME"].startswith(environment["ACADEMY_DATA_DIR"])


def test_the_guide_shows_the_unit_that_ships():
    guide = (DOCS / "deploy.md").read_text(encoding="utf-8")
    shown = re.search(r"```ini\n(\[Unit\].*?)```", guide, re.DOTALL).group(1)
    shipped = (DOCS / "academy.service").read_text(encoding="utf-8")
    assert shipped[shipped.index("[Unit]"):] == shown
