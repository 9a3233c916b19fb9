"""The CRM's side of a person's coverage, plugged into ``hamsu.directory.coverage``.

The directory (below the CRM) shows and edits what a person covers and searches people
by the accounts, segments and products they work on; the records and the coverage
table are the CRM's, so the CRM answers those questions here, registered from
``CrmConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from hamsu.crm.models import Account, Coverage, OpportunityParticipant, Product, Segment
from hamsu.crm.stages import OPEN_STAGES
from hamsu.directory.coverage import Hit, PersonCoverage

MODELS = {"segments": Segment, "products": Product, "accounts": Account}
# The coverage column of each kind the search looks people up by.
COLUMNS = {"segment": "segment_id", "product": "product_id"}


class CrmCoverage:
    def of(self, person) -> PersonCoverage:
        return Coverage.objects.of(person)

    def replace(self, *, person, **records) -> dict[str, list[int]]:
        return Coverage.objects.replace(person=person, **records)

    def in_bulk(self, kind: str, ids: Iterable[int]) -> dict[int, object]:
        return MODELS[kind].objects.in_bulk(list(ids))

    def find(self, kind: str, name: str):
        model = MODELS[kind]
        record = model.objects.filter(name__iexact=name).first()
        if record is None and hasattr(model, "external_id"):
            record = model.objects.filter(external_id=name).first()
        return record

    def choices(self, kind: str, *, active_only: bool = False):
        records = MODELS[kind].objects.order_by("name")
        return records.filter(is_active=True) if active_only else records

    def account_choices(self, person):
        # Only the accounts already covered are listed; more are added through the API or
        # import, since a select of every account would not scale.
        covered = Coverage.objects.filter(person=person, account__isnull=False).values("account_id")
        owned = Account.objects.filter(owner=person).values("pk")[:200]
        return Account.objects.filter(pk__in=covered) | Account.objects.filter(pk__in=owned)

    def accounts(self, *, ids: Iterable[int] | None = None, name: str = "", limit: int) -> list:
        found = Account.objects.only("id", "name", "owner_id").order_by("name")
        if ids is not None:
            return list(found.filter(pk__in=ids))
        return list(found.filter(name__icontains=name)[:limit])

    def account_hits(self, accounts: list, *, limit: int) -> list[Hit]:
        by_id = {a.pk: a for a in accounts}
        hits = [Hit(account.owner_id, "account_owner", account.name) for account in accounts]
        covered = Coverage.objects.filter(account_id__in=by_id).values_list("account_id", "person_id")[:limit]
        hits += [
            Hit(person_id, "account_covered", by_id[account_id].name) for account_id, person_id in covered
        ]
        on_deals = (
            OpportunityParticipant.objects.filter(
                opportunity__account_id__in=by_id, opportunity__stage__in=OPEN_STAGES
            )
            .values_list("opportunity__account_id", "person_id")
            .distinct()[:limit]
        )
        hits += [Hit(person_id, "deal", by_id[account_id].name) for account_id, person_id in on_deals]
        return hits

    def records(self, kind: str, *, name: str = "", pk: int | None = None, limit: int) -> dict[int, str]:
        model = Segment if kind == "segment" else Product
        if pk is not None:
            matching = model.objects.filter(pk=pk)
        elif kind == "product":
            matching = Product.objects.filter(Q(name__icontains=name) | Q(code__iexact=name))
        else:
            matching = Segment.objects.filter(name__icontains=name)
        return dict(matching.values_list("id", "name")[:limit])

    def covering(self, kind: str, records: dict[int, str], *, limit: int) -> list[Hit]:
        column = COLUMNS[kind]
        rows = Coverage.objects.filter(**{f"{column}__in": list(records)}).values_list(column, "person_id")
        return [Hit(person_id, kind, records[record_id]) for record_id, person_id in rows[:limit]]
