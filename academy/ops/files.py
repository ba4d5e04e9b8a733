"""Files in the data folder stay the data folder owner's."""

from __future__ import annotations

import os
from pathlib import Path


def give_to_data_dir_owner(data_dir: Path, *paths: Path) -> None:
    """When root runs a command (``sudo academy restore``), hand what it made
    inside the data folder to the folder's owner, the user Academy runs as;
    otherwise the server could no longer open its own database."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    owner = Path(data_dir).stat()
    for path in paths:
        if path.exists() and Path(data_dir).resolve() in (path.resolve(), *path.resolve().parents):
            os.chown(path, owner.st_uid, owner.st_gid)
