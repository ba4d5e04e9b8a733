"""Import boundaries: every module loads on its own, the layers point one way
(docs/architecture.md), and the parts meant for use outside the web app
load without it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "academy"

# Lowest first. A module may import from its own layer or any lower one.
LAYERS = ("core", "auth", "learn", "cohorts", "certificates", "programmes", "sync", "web")
DOMAIN_PACKAGES = {"auth", "learn", "cohorts", "certificates", "programmes", "sync"}
WEB_PACKAGES = {"admin", "catalog", "commands"}
WEB_MODULES = {"academy", "academy.__main__", "academy.app", "academy.cli", "academy.models", "academy.data_export"}

# Imports that may stay inside a function, each for a reason.
DEFERRED_IMPORTS = {
    "weasyprint": "0.4 s to import; only a PDF render needs it",
    "fontTools": "only a PDF render or a glyph check needs it",
    "pypdf": "only reading a certificate back needs it",
    "openpyxl": "7 MB in every server process; only a workbook download needs it",
    "playwright": "only the browser tests need it",
    "academy.app": "academy/__init__ hands out create_app without loading Flask for academy.content",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def academy_modules() -> list[tuple[str, Path]]:
    """Every module of the package (folders without __init__.py, such as
    the fonts folder's build script, are not part of it)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if all((folder / "__init__.py").is_file() for folder in path.parents if PACKAGE in (folder, *folder.parents)):
            found.append((module_name(path), path))
    return found


def layer_of(module: str) -> str:
    parts = module.split(".")
    if module in WEB_MODULES or parts[-1] == "routes" or (len(parts) > 1 and parts[1] in WEB_PACKAGES):
        return "web"
    if len(parts) > 1 and parts[1] in DOMAIN_PACKAGES:
        return parts[1]
    return "core"


def imports_of(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import of
    an Academy module or a third-party one."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                    names = [f"{target}.{alias.name}" for alias in child.names] if not child.module else [target]
                else:
                    names = [child.module]
                found.extend((name, child.lineno, in_function) for name in names)
            visit(child, nested)

    visit(tree, False)
    return found


def resolve(name: str, known: set[str]) -> str:
    """``academy.cohorts.services`` for ``academy.cohorts.services.X``."""
    while name not in known and "." in name:
        name = name.rpartition(".")[0]
    return name


MODULES = academy_modules()
KNOWN = {name for name, _path in MODULES}


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_a_module_imports_only_from_its_own_layer_or_below(module, path):
    own = LAYERS.index(layer_of(module))
    upward = []
    for name, line, _in_function in imports_of(module, path):
        if not name.startswith("academy") or name in DEFERRED_IMPORTS:
            continue
        target = resolve(name, KNOWN)
        if LAYERS.index(layer_of(target)) > own:
            upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} ({layer_of(module)}) imports "
                          f"{target} ({layer_of(target)})")
    assert upward == []


def test_no_import_is_hidden_inside_a_function_without_a_reason():
    hidden = []
    for module, path in MODULES:
        for name, line, in_function in imports_of(module, path):
            if in_function and name.split(".")[0] not in DEFERRED_IMPORTS and name not in DEFERRED_IMPORTS:
                hidden.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {name}")
    assert hidden == []


def test_the_modules_import_each_other_without_a_cycle():
    graph = {module: set() for module in KNOWN}
    for module, path in MODULES:
        for name, _line, in_function in imports_of(module, path):
            target = resolve(name, KNOWN)
            if not in_function and target in KNOWN and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    cycles = []
    state: dict[str, str] = {}

    def walk(node, trail):
        state[node] = "open"
        for following in sorted(graph[node]):
            if state.get(following) == "open":
                cycles.append(" -> ".join(trail[trail.index(following):] + [following]))
            elif following not in state:
                walk(following, trail + [following])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


FRESH_IMPORTS = """
import importlib, json, sys
failures = {}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "academy" or m.startswith("academy.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as error:
        failures[name] = f"{type(error).__name__}: {error}"
print(json.dumps(failures))
"""


def test_every_module_imports_on_its_own_in_a_fresh_interpreter():
    names = sorted(KNOWN)
    result = subprocess.run([sys.executable, "-c", FRESH_IMPORTS, *names], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


@pytest.mark.parametrize("module", ["academy.content", "academy.pdf"])
def test_a_standalone_part_loads_without_flask_or_sqlalchemy(module):
    result = run(f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_certificate_renderer_and_signing_load_without_the_web_app():
    result = run("import json, sys, academy.certificates.render, academy.certificates.signing; "
                 "print(json.dumps(sorted(m for m in sys.modules if m.startswith('academy'))))")
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert loaded <= {"academy", "academy.certificates", "academy.certificates.render",
                      "academy.certificates.signing", "academy.pdf", "academy.svg"}
