"""Import boundaries that keep the parts usable on their own."""

import subprocess
import sys


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_the_content_pipeline_loads_without_flask():
    result = run("import sys, academy.content; assert 'flask' not in sys.modules, sorted(m for m in sys.modules if 'flask' in m)")
    assert result.returncode == 0, result.stderr


def test_the_certificate_renderer_imports_on_its_own():
    result = run("import academy.certificates.render, academy.certificates.signing")
    assert result.returncode == 0, result.stderr
