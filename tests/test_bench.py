"""The benchmark scripts still run against the current schema (they seed
the tables with SQL of their own, which a migration can leave behind)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_report_benchmark_seeds_and_times_a_small_programme():
    result = subprocess.run([sys.executable, str(REPO / "bench" / "report.py"), "--learners", "200", "--attempts", "2000",
                             "--runs", "1"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| queries: a year, everything |" in result.stdout and "under the 2 s target" in result.stdout
