"""Where the shipped resources are: beside the package in a source checkout,
inside it (academy/_bundled) in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = PACKAGE_DIR / "_bundled"
_CHECKOUT = PACKAGE_DIR.parent


def resource(name: str) -> Path:
    """``static``, ``translations``, ``courses`` or ``migrations``."""
    bundled = _BUNDLED / name
    return bundled if bundled.is_dir() else _CHECKOUT / name
