"""A database too busy to answer in time is a 503 with Retry-After, not a 500.

SQLite lets one writer at a time; a writer that waits longer than ``busy_timeout``
(settings: 10 s) gets "database is locked". PostgreSQL gives up on a lock after
``lock_timeout`` and may cancel one side of a deadlock or a serialization conflict.
None of these is a bug in the request: the same request succeeds a moment later, so the
client is told to come back (and a capture client retries with its Idempotency-Key, which
makes the retry safe)."""

from __future__ import annotations

from django.db import OperationalError

RETRY_AFTER_SECONDS = 5

# SQLite reports contention only in the message text.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
# PostgreSQL SQLSTATEs: lock_not_available, deadlock_detected, serialization_failure.
_POSTGRES_BUSY = {"55P03", "40P01", "40001"}


def is_database_busy(error: BaseException | None) -> bool:
    """True for an error that means "the database was busy", whatever the backend.

    Django wraps the driver's error (``__cause__``), which carries PostgreSQL's SQLSTATE."""
    if not isinstance(error, OperationalError):
        return False
    while error is not None:
        if getattr(error, "sqlstate", None) in _POSTGRES_BUSY:
            return True
        if any(text in str(error).lower() for text in _SQLITE_BUSY):
            return True
        error = error.__cause__
    return False
