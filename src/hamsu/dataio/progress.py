"""Progress of a running import, in a small JSON file beside the upload.

The import writes in one transaction that other connections cannot see into (and on
SQLite a second writer would wait for it), so the job row cannot carry live progress;
a file written with an atomic rename can, for the page that polls it every second.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path


def progress_path(file_path: str) -> Path:
    return Path(f"{file_path}.progress.json")


def write_progress(file_path: str, processed: int, total: int) -> None:
    path = progress_path(file_path)
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps({"processed": processed, "total": total, "at": time.time()}))
        os.replace(tmp, path)
    except OSError:
        pass  # progress is a courtesy; never fail an import over it


def read_progress(file_path: str) -> dict | None:
    try:
        return json.loads(progress_path(file_path).read_text())
    except (OSError, ValueError):
        return None


def clear_progress(file_path: str) -> None:
    with contextlib.suppress(OSError):
        progress_path(file_path).unlink()
