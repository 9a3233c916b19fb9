"""The HTTP face of record versions for every app's API router: ``ETag`` out, ``If-Match`` in.

A handler that returns one record sets its ``ETag`` (``"<version>"``); one that changes or
deletes a record takes ``if_match: IfMatch = None`` and hands ``expected_version(if_match)``
to the service with ``strict=True``, so a stale ``If-Match`` answers ``412 Precondition
Failed`` naming the fields changed since (``hamsu.core.versioning.StaleVersion``). Clients
that send no ``If-Match`` keep working as before.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Header

from hamsu.core import versioning

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag of the version you read (GET answers it, e.g. "3"). A record changed since '
        "then answers 412 Precondition Failed naming the fields changed, and nothing is written. "
        "Optional, but without it a change made meanwhile by someone else is overwritten.",
    ),
]


# The description of every versioned record's ``version`` in the API's schemas.
VERSION_DOC = "Goes up by one with every change; the ETag of this record. Send it back as If-Match."


def expected_version(if_match: str | None) -> int | None:
    return versioning.parse_if_match(if_match)


def with_etag(response, instance):
    """``instance`` as the body, with its version as the response's ``ETag``."""
    response["ETag"] = versioning.etag(instance)
    return instance
