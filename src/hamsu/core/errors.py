"""Domain errors raised by services; the UI and the API translate them the same way."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the business was broken; ``errors`` maps field names to messages."""

    status = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}

    def summary(self) -> str:
        """Every field message on one line (for flash messages and htmx replies)."""
        return "; ".join(m for messages in self.errors.values() for m in messages) or self.message


class ValidationFailed(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
