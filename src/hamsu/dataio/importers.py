"""One importer per kind of record. Each validates a row with the model's own fields,
finds the record it duplicates (and says how it merges), then inserts or updates in bulk.

Merge rule for a row that matches an existing record: its non-empty values replace the
stored ones, empty cells never blank a stored value. A row that repeats an earlier row of
the same file is imported once, from the first row, and reported as a duplicate.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hamsu.crm.models import Account, Product, size_band_for
from hamsu.dataio import parsing
from hamsu.dataio.engine import Importer
from hamsu.dataio.keyed import RowMemo, _Keyed  # noqa: F401 - RowMemo re-exported
from hamsu.directory.models import Function, Person, RoleTitle

# ---------------------------------------------------------------- accounts


class AccountImporter(_Keyed):
    kind = "accounts"
    model = Account
    TARGETS = {
        "updated_at",  # the file's own: when the row's record last changed (see engine)
        "name",
        "domain",
        "industry",
        "employees",
        "annual_revenue",
        "country",
        "owner",
        "segment",
        "parent",
        "external_id",
        "created_at",
    }
    REQUIRED = {"name"}
    # The version is left to its column's database default (1, a new record).
    INSERT_COLUMNS = [f.column for f in Account._meta.concrete_fields if f.name != "version"]

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        for pk, name, domain, ext in Account.objects.values_list(
            "pk", "name", "domain", "external_id"
        ).iterator(chunk_size=10_000):
            if ext:
                self.keys.setdefault(f"x:{ext}", pk)
            if domain:
                self.keys.setdefault(f"d:{domain}", pk)
            self.keys.setdefault(f"n:{name.casefold()}", pk)
        self.parents: list[tuple[int, str, int]] = []
        self.revenue_scale = Decimal(str(self.options.get("annual_revenue_scale", 1)))

    def process(self, number: int, cells: list) -> None:
        errors: list = []
        name = self.clean("name", self.cell(cells, "name"), errors)
        domain = self.clean("domain", parsing.domain_of(self.cell(cells, "domain")), errors)
        industry = self.clean("industry", self.cell(cells, "industry"), errors)
        country = self.clean("country", self.cell(cells, "country").upper(), errors)
        external_id = self.clean("external_id", self.cell(cells, "external_id"), errors)
        employees = self.parse(parsing.integer, cells, "employees", errors, field_name="employees")
        revenue = self.parse(parsing.decimal, cells, "annual_revenue", errors)
        if revenue is not None:
            revenue = (revenue * self.revenue_scale).quantize(Decimal("0.01"))
            if revenue < 0:
                errors.append(("annual_revenue", _("The amount cannot be negative.")))
        created_at = self.parse(parsing.moment, cells, "created_at", errors)
        owner = self.owner_of(cells, errors)
        if errors:
            return self.reject(number, errors)
        pk, label, target = self.match(
            [
                (f"x:{external_id}" if external_id else "", self.l_external_id, "external_id"),
                (f"d:{domain}" if domain else "", self.l_domain, "domain"),
                (f"n:{name.casefold()}", self.l_name, "name"),
            ]
        )
        if pk is not None and self.duplicate_in_file(number, pk, label, target):
            return
        segment_id = self.ctx.segment(
            self.cell(cells, "segment"), create=self.options.get("create_missing_segments", True)
        )
        values = {
            "name": name,
            "domain": domain,
            "industry": industry,
            "employees": employees,
            "size_band": size_band_for(employees) if employees is not None else "",
            "annual_revenue": revenue,
            "country": country,
            "owner": owner[0] if owner else None,
            "team": owner[1] if owner else None,
            "segment": segment_id,
            "external_id": external_id,
        }
        if pk is not None:
            self.report.duplicates += 1
            self.update(
                pk, values, number, _("Matches account #%(id)s by %(what)s") % {"id": pk, "what": label}
            )
        else:
            pk = self.ctx.new_id(Account)
            self.seen_at_row[pk] = number
            for key in (
                f"x:{external_id}" if external_id else "",
                f"d:{domain}" if domain else "",
                f"n:{name.casefold()}",
            ):
                if key:
                    self.keys.setdefault(key, pk)
            self.ctx.remember_account(pk, segment_id, name=name, domain=domain, external_id=external_id)
            now = self.ctx.now
            self.insert(
                (
                    pk,
                    name,
                    domain,
                    segment_id,
                    industry,
                    employees,
                    values["size_band"],
                    revenue,
                    country,
                    values["owner"],
                    values["team"],
                    None,
                    external_id,
                    created_at or now,
                    now,
                )
            )
        parent = self.cell(cells, "parent")
        if parent:
            self.parents.append((pk, parent, number))

    def finish(self) -> None:
        self.flush()
        links = []
        for pk, parent, number in self.parents:
            found = self.ctx.account(external_id=parent, name=parent)
            if found is None:
                self.report.add(
                    number,
                    self.column_name("parent"),
                    "warning",
                    _("Parent account “%(name)s” not found; the account is imported without a parent.")
                    % {"name": parent},
                )
            elif found[0] != pk:
                links.append((found[0], pk))
        if links:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.executemany(
                    f'UPDATE "{self.table}" SET "parent_id" = %s, "version" = "version" + 1 WHERE "id" = %s',
                    links,
                )


# ---------------------------------------------------------------- people


class PersonImporter(_Keyed):
    kind = "people"
    model = Person
    TARGETS = {
        "full_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "function",
        "role_title",
        "team",
        "manager",
        "external_id",
    }
    REQUIRED: set[str] = set()

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        for pk, ext, email in Person.objects.values_list("pk", "external_id", "email"):
            if ext:
                self.keys.setdefault(f"x:{ext}", pk)
            self.keys.setdefault(f"e:{email.lower()}", pk)
        self.email_domain = self.options.get("email_domain", "")

    def _email_for(self, full_name: str) -> str:
        return (
            f"{slugify(full_name).replace('-', '.') or 'person'}@{self.email_domain}"
            if self.email_domain
            else ""
        )

    def process(self, number: int, cells: list) -> None:
        errors: list = []
        full_name = self.cell(cells, "full_name") or " ".join(
            part for part in (self.cell(cells, "first_name"), self.cell(cells, "last_name")) if part
        )
        full_name = self.clean(
            "full_name", full_name, errors, target="full_name" if "full_name" in self.index else "last_name"
        )
        email = self.cell(cells, "email").lower() or self._email_for(full_name)
        email = self.clean("email", email, errors)
        phone = self.clean("phone", self.cell(cells, "phone"), errors)
        function = self.clean("function", self.cell(cells, "function") or Function.SALES, errors)
        role_title = self.clean("role_title", self.cell(cells, "role_title") or RoleTitle.SALES_REP, errors)
        external_id = self.clean("external_id", self.cell(cells, "external_id"), errors)
        if errors:
            return self.reject(number, errors)
        pk, label, target = self.match(
            [
                (f"x:{external_id}" if external_id else "", self.l_external_id, "external_id"),
                (f"e:{email}", self.l_email, "email"),
            ]
        )
        if pk is not None and self.duplicate_in_file(number, pk, label, target):
            return
        team_id = self.ctx.team(self.cell(cells, "team"), function=function)
        manager_id = self._manager(cells, team_id)
        values = {
            "full_name": full_name,
            "email": email,
            "phone": phone,
            "function": function,
            "role_title": role_title,
            "team": team_id,
            "manager": manager_id,
            "external_id": external_id,
        }
        if pk is not None:
            self.report.duplicates += 1
            self.update(
                pk, values, number, _("Matches person #%(id)s by %(what)s") % {"id": pk, "what": label}
            )
            return
        try:
            entry = self.ctx.person_create(
                full_name=full_name,
                email=email,
                function=function,
                role_title=role_title,
                team_id=team_id,
                manager_id=manager_id,
                external_id=external_id,
                phone=phone,
                counted=False,
            )
        except ValidationError as error:
            return self.reject(number, [(k, "; ".join(v)) for k, v in error.message_dict.items()])
        self.report.created += 1
        self.seen_at_row[entry[0]] = number
        self.keys[f"e:{email}"] = entry[0]
        if external_id:
            self.keys[f"x:{external_id}"] = entry[0]

    def _manager(self, cells, team_id) -> int | None:
        name = self.cell(cells, "manager")
        if not name:
            return None
        found = self.ctx.person(name)
        if found:
            return found[0]
        if not self.email_domain and not self.options.get("create_missing_managers"):
            return None
        entry = self.ctx.person_create(
            full_name=name,
            email=self._email_for(name) or f"{slugify(name)}@example.invalid",
            function=Function.SALES,
            role_title=RoleTitle.SALES_MANAGER,
            team_id=team_id,
        )
        self.keys[f"e:{self._email_for(name)}"] = entry[0]
        return entry[0]

    def finish(self) -> None:
        self.flush()


# ---------------------------------------------------------------- products


class ProductImporter(_Keyed):
    kind = "products"
    model = Product
    TARGETS = {"name", "code", "list_price", "unit_cost", "currency"}
    REQUIRED = {"name"}

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        for pk, name, code in Product.objects.values_list("pk", "name", "code"):
            self.keys.setdefault(f"n:{name.casefold()}", pk)
            self.keys.setdefault(f"c:{code.casefold()}", pk)

    def process(self, number: int, cells: list) -> None:
        errors: list = []
        name = self.clean("name", self.cell(cells, "name"), errors)
        code = self.clean("code", self.cell(cells, "code") or slugify(name).upper()[:40], errors)
        list_price = self.parse(
            parsing.decimal, cells, "list_price", errors, field_name="list_price"
        ) or Decimal("0")
        unit_cost = self.parse(
            parsing.decimal, cells, "unit_cost", errors, field_name="unit_cost"
        ) or Decimal("0")
        currency = self.clean(
            "currency", (self.cell(cells, "currency") or self.ctx.base_currency).upper(), errors
        )
        if errors:
            return self.reject(number, errors)
        pk, label, target = self.match(
            [(f"n:{name.casefold()}", self.l_name, "name"), (f"c:{code.casefold()}", self.l_code, "code")]
        )
        if pk is not None and self.duplicate_in_file(number, pk, label, target):
            return
        values = {
            "name": name,
            "code": code,
            "list_price": list_price,
            "unit_cost": unit_cost,
            "currency": currency,
        }
        if pk is not None:
            self.report.duplicates += 1
            self.update(
                pk, values, number, _("Matches product #%(id)s by %(what)s") % {"id": pk, "what": label}
            )
            return
        product = Product(id=self.ctx.new_id(Product), **values)
        product.save(force_insert=True)
        self.report.created += 1
        self.seen_at_row[product.pk] = number
        self.keys[f"n:{name.casefold()}"] = product.pk
        self.keys.setdefault(f"c:{code.casefold()}", product.pk)
        self.ctx.remember_product((product.pk, unit_cost, currency, list_price), name=name, code=code)

    def finish(self) -> None:
        self.flush()


# The contact and deal-side importers subclass _Keyed, so they are imported once it exists.
from hamsu.dataio.importers_activities import ActivityImporter  # noqa: E402
from hamsu.dataio.importers_contacts import ContactImporter  # noqa: E402
from hamsu.dataio.importers_costs import CostImporter  # noqa: E402
from hamsu.dataio.importers_deals import OpportunityImporter  # noqa: E402
from hamsu.dataio.importers_leads import LeadImporter  # noqa: E402

IMPORTERS: dict[str, type[Importer]] = {
    "accounts": AccountImporter,
    "contacts": ContactImporter,
    "people": PersonImporter,
    "products": ProductImporter,
    "opportunities": OpportunityImporter,
    "activities": ActivityImporter,
    "leads": LeadImporter,
    "costs": CostImporter,
}
