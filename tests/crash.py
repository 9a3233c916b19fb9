"""Kill a long job for real: run it in a child process on the test's database, let it
stop at a chosen point (inside its work, with writes not yet committed), and SIGKILL it.

The child opens the database the test wrote (the test needs ``transactional_db`` so its
rows are committed): on PostgreSQL the test database itself; on SQLite, whose test
database lives in this process's memory, a copy in a file, copied back into the test's
database when the child is gone, so the test reads what the killed process left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

# Prepended to every child's script: Django set up, and ``stall()``, which tells the
# test the child reached its point and then waits there to be killed.
PRELUDE = """
import os, sys, time
from pathlib import Path
import django
django.setup()

def stall(*_args, **_kwargs):
    Path(os.environ["CRASH_MARKER"]).write_text("here")
    time.sleep(600)
"""


@contextlib.contextmanager
def shared_database(tmp_path: Path):
    """Yield a database URL a child process can use, holding what the test wrote."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        yield (
            f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@{s['HOST'] or 'localhost'}"
            f":{s['PORT'] or 5432}/{s['NAME']}"
        )
        return
    path = tmp_path / "shared.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    yield f"sqlite:///{path}"
    written = sqlite3.connect(path)
    written.backup(connection.connection)
    written.close()


def kill_when_stalled(script: str, *, database_url: str, tmp_path: Path, timeout: float = 300) -> str:
    """Run ``script`` (which calls ``stall()`` where it should die) in a child process,
    SIGKILL it once it stalls there, and return its stderr (for a failing assert)."""
    marker = tmp_path / "stalled"
    marker.unlink(missing_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("HAMSU_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hamsu.settings",
            "HAMSU_VAR_DIR": str(tmp_path),
            "HAMSU_DATABASE_URL": database_url,
            "HAMSU_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "HAMSU_LEASE_DIR": str(settings.HAMSU_LEASE_DIR),
            "CRASH_MARKER": str(marker),
        }
    )
    log = tmp_path / "child.log"
    with log.open("w") as err:
        child = subprocess.Popen([sys.executable, "-c", PRELUDE + script], env=env, stderr=err)
        deadline = time.monotonic() + timeout
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        reached = marker.exists()
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
    stderr = log.read_text()
    assert reached, f"the child did not reach its stall point:\n{stderr}"
    return stderr
