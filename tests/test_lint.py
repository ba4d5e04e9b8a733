"""Pyflakes-class mistakes (undefined names, unused imports, shadowing) fail the build."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_code_has_no_undefined_names_or_unused_imports():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.fail("ruff is not installed; it is in the test extras")
    result = subprocess.run([ruff, "check", "--select", "F,E9", "--no-cache", "academy", "tests", "bench", "scripts"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
