"""Is a long job still being worked on? A lease the operating system hands back when the
process holding it ends, however it ends.

A job marked "running" in the database stays so when its worker is killed (SIGKILL, the
out-of-memory killer, a server restarted mid-import): no code of ours runs to mark it
finished. A heartbeat column cannot tell either: an import writes in one transaction, and
until it commits no other connection sees its writes (on SQLite a second writer would
even wait for it). So liveness is held outside the database, as an exclusive ``flock``
on one file per job: the kernel releases it the moment the process dies, so
``is_held`` answers exactly, with no timeout to tune and no clock to trust.

The files live in ``HAMSU_LEASE_DIR`` (``MEDIA_ROOT/leases``): the web processes and the
workers must share that directory, as they share the uploads (a worker reads the file a
user uploaded through the web).
A lease file is left in place when released (unlinking it could let a checker lock a
file that a new holder no longer uses); ``release_file`` removes it with its job.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class LeaseHeld(Exception):
    """Another live process holds the lease: the job is being worked on already."""


def _path(name: str) -> Path:
    directory = Path(settings.HAMSU_LEASE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{_SAFE.sub('_', name)}.lock"


@contextlib.contextmanager
def hold(name: str) -> Iterator[None]:
    """Hold the lease ``name`` while the block runs; raises ``LeaseHeld`` if a live
    process (this one included, through another ``hold``) holds it."""
    fd = os.open(_path(name), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LeaseHeld(name) from None
    try:
        # For a person looking at the directory: which process holds it.
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def is_held(name: str) -> bool:
    """Whether a live process holds the lease ``name`` right now."""
    path = _path(name)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also gives back the lock we may just have taken
    return False


def release_file(name: str) -> None:
    """Remove the lease's file once its job is gone for good."""
    with contextlib.suppress(OSError):
        _path(name).unlink()
