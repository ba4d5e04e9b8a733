"""Academy: an offline-first training platform for global supply chains.

The package itself loads nothing: ``academy.content`` (the course pipeline)
and ``academy.pdf`` must stay usable without Flask. ``create_app`` lives in
``academy.app`` and is handed out from here on first use, so that
``flask --app academy``, ``wsgi.py`` and ``from academy import create_app``
keep working.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("academy")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"


def __getattr__(name: str):
    if name == "create_app":
        # Deferred: importing academy.app loads Flask and every blueprint,
        # which an author's CI running academy.content must not pay for.
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'academy' has no attribute {name!r}")
