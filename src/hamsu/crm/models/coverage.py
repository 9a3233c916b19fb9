"""A person's coverage: the segments, products and accounts they can be asked about.

It belongs to the CRM, which sits above the directory: the directory's people know
nothing of segments, products or accounts, and the CRM's models point down at them.
One row per person and record covered, whatever its kind, so a person's whole coverage
(the profile, the people API) is one query. The directory's profile pages, API, HR
import and search reach it through ``hamsu.directory.coverage``, which the CRM fills from
``CrmConfig.ready()`` (``hamsu.crm.directory_coverage``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamsu.directory.coverage import PersonCoverage

# Exactly one of the covered records is set on a row.
_ONE_RECORD = (
    Q(segment__isnull=False, product__isnull=True, account__isnull=True)
    | Q(segment__isnull=True, product__isnull=False, account__isnull=True)
    | Q(segment__isnull=True, product__isnull=True, account__isnull=False)
)

# The record kinds a person covers, each with the column that holds it.
KINDS = {"segments": "segment", "products": "product", "accounts": "account"}


class CoverageQuerySet(models.QuerySet):
    def of(self, person) -> PersonCoverage:
        """Everything ``person`` covers, each kind by name, in one query."""
        covered = PersonCoverage()
        for row in self.filter(person=person).select_related(*KINDS.values()):
            for kind, column in KINDS.items():
                record = getattr(row, column)
                if record is not None:
                    getattr(covered, kind).append(record)
        for kind in KINDS:
            getattr(covered, kind).sort(key=lambda record: (record.name, record.pk))
        return covered

    def replace(self, *, person, **records) -> dict[str, list[int]]:
        """Replace what ``person`` covers of each kind given (``segments=``, ``products=``,
        ``accounts=``: records; a kind not given stays as it is); the ids now covered, by
        kind. Called inside the caller's transaction (a profile update, an import row)."""
        unknown = set(records) - set(KINDS)
        if unknown:
            raise TypeError(f"Unknown coverage kinds: {sorted(unknown)}")
        now: dict[str, list[int]] = {}
        for kind, wanted in records.items():
            column = KINDS[kind]
            wanted_ids = {record.pk for record in wanted or []}
            held = self.filter(person=person, **{f"{column}__isnull": False})
            held_ids = set(held.values_list(f"{column}_id", flat=True))
            held.filter(**{f"{column}_id__in": held_ids - wanted_ids}).delete()
            self.bulk_create(
                [self.model(person=person, **{f"{column}_id": pk}) for pk in sorted(wanted_ids - held_ids)]
            )
            now[kind] = sorted(wanted_ids)
        return now


class Coverage(models.Model):
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    segment = models.ForeignKey(
        "crm.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="coverage",
    )
    product = models.ForeignKey(
        "crm.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="coverage",
    )
    account = models.ForeignKey(
        "crm.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="coverage",
    )

    objects = CoverageQuerySet.as_manager()

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        constraints = [
            models.CheckConstraint(condition=_ONE_RECORD, name="coverage_one_record"),
            models.UniqueConstraint(
                fields=["person", "segment"], condition=Q(segment__isnull=False), name="coverage_segment_once"
            ),
            models.UniqueConstraint(
                fields=["person", "product"], condition=Q(product__isnull=False), name="coverage_product_once"
            ),
            models.UniqueConstraint(
                fields=["person", "account"], condition=Q(account__isnull=False), name="coverage_account_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.segment or self.product or self.account}"
