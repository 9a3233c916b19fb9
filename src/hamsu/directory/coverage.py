"""What a person covers (segments, products, accounts), as the directory sees it.

Those records and the coverage table belong to the CRM, one layer above the directory,
so the directory cannot import them. The CRM plugs a ``CoverageSource`` in here from
``CrmConfig.ready()`` (as apps register navigation entries, record links and index
sources); the directory's profile pages, people API, HR import and who-to-contact search
ask ``source()`` for everything they show or change about coverage.

Each method runs the same queries the directory ran when it read the CRM's tables
itself, so the pinned query counts of those pages do not move.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

# The kinds of record a person covers, by the name the profile and the import use.
KINDS = ("segments", "products", "accounts")


@dataclass
class PersonCoverage:
    """Everything one person covers, each kind sorted by name."""

    segments: list = field(default_factory=list)
    products: list = field(default_factory=list)
    accounts: list = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    """A person found through a covered record: why (``kind``, a who-to-contact reason)
    and the record's name (``label``)."""

    person_id: int | None
    kind: str  # "account_owner", "account_covered", "deal", "segment", "product"
    label: str


class CoverageSource(Protocol):
    # --- a person's coverage (profile pages, people API, HR import)
    def of(self, person) -> PersonCoverage: ...

    def replace(self, *, person, **records) -> dict[str, list[int]]:
        """Replace the kinds given (``segments=``, ``products=``, ``accounts=``); the ids
        now covered, by kind. Runs inside the caller's transaction."""

    def in_bulk(self, kind: str, ids: Iterable[int]) -> dict[int, object]: ...

    def find(self, kind: str, name: str):
        """The record of ``kind`` named ``name`` (any case) or with that external id, or None."""

    # --- what a form offers
    def choices(self, kind: str, *, active_only: bool = False):
        """A queryset of the records of ``kind`` (segments, products) sorted by name."""

    def account_choices(self, person):
        """The accounts a profile form lists for ``person``: those covered and owned."""

    # --- the who-to-contact search
    def accounts(self, *, ids: Iterable[int] | None = None, name: str = "", limit: int) -> list: ...

    def account_hits(self, accounts: list, *, limit: int) -> list[Hit]:
        """Owners, people covering and people on open deals of ``accounts``."""

    def records(self, kind: str, *, name: str = "", pk: int | None = None, limit: int) -> dict[int, str]:
        """Segments or products (``kind``) matching ``name`` or ``pk``: id → name."""

    def covering(self, kind: str, records: dict[int, str], *, limit: int) -> list[Hit]:
        """People covering the segments or products ``records`` (id → name)."""


_SOURCE: list[CoverageSource] = []


def register(coverage_source: CoverageSource) -> None:
    """Plug the CRM's coverage in; registering again replaces it (ready() may run twice)."""
    _SOURCE[:] = [coverage_source]


def source() -> CoverageSource:
    if not _SOURCE:
        raise ImproperlyConfigured("No coverage source registered: hamsu.crm must be installed.")
    return _SOURCE[0]
