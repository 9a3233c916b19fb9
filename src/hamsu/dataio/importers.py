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

from hamsu.crm.models import Account, Contact, Product, size_band_for
from hamsu.dataio import parsing
from hamsu.dataio.engine import Context, Importer
from hamsu.dataio.mapping import Mapping
from hamsu.directory.models import Function, Person, RoleTitle


class _Keyed(Importer):
    """Shared de-duplication: keys (``x:external``, ``e:email``…) → id, and which ids this
    run created (so a repeat inside the file is told apart from an existing record)."""

    def __init__(self, ctx: Context, mapping: Mapping, index: dict[str, int]):
        super().__init__(ctx, mapping, index)
        self.keys: dict[str, int] = {}
        # Records this run created or merged into → the first row that did it.
        self.seen_at_row: dict[int, int] = {}

    def match(self, candidates: list[tuple[str, str, str]]) -> tuple[int | None, str, str]:
        """(id, what matched, column) for the first key found."""
        for key, label, target in candidates:
            if key and key in self.keys:
                return self.keys[key], label, target
        return None, "", ""

    def update(self, pk: int, values: dict, number: int, reason: str) -> None:
        # A later row matching the same record is a repeat within the file, not a second merge.
        self.seen_at_row.setdefault(pk, number)
        super().update(pk, values, number, reason)

    def duplicate_in_file(self, number: int, pk: int, label: str, target: str) -> bool:
        first = self.seen_at_row.get(pk)
        if first is None:
            return False
        self.report.duplicates += 1
        self.report.add(
            number,
            self.column_name(target),
            "duplicate",
            _("Same %(what)s as row %(row)s: imported once, from row %(row)s.")
            % {"what": label, "row": first},
        )
        return True

    def owner_of(self, cells, errors) -> tuple | None:
        text = self.cell(cells, "owner")
        if not text:
            default = self.options.get("default_owner", "")
            return self.ctx.person(default) if default else None
        owner = self.ctx.person(text)
        if owner is None:
            errors.append(("owner", _("No person “%(name)s” in the directory.") % {"name": text}))
        return owner


# ---------------------------------------------------------------- accounts


class AccountImporter(_Keyed):
    kind = "accounts"
    model = Account
    TARGETS = {
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
    INSERT_COLUMNS = [
        "id",
        "name",
        "domain",
        "segment_id",
        "industry",
        "employees",
        "size_band",
        "annual_revenue",
        "country",
        "owner_id",
        "team_id",
        "parent_id",
        "external_id",
        "created_at",
        "updated_at",
    ]

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
                (f"x:{external_id}" if external_id else "", _("external id"), "external_id"),
                (f"d:{domain}" if domain else "", _("domain"), "domain"),
                (f"n:{name.casefold()}", _("name"), "name"),
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
                cursor.executemany(f'UPDATE "{self.table}" SET "parent_id" = %s WHERE "id" = %s', links)


# ---------------------------------------------------------------- contacts


class ContactImporter(_Keyed):
    kind = "contacts"
    model = Contact
    TARGETS = {
        "first_name",
        "last_name",
        "email",
        "phone",
        "title",
        "country",
        "owner",
        "account",
        "account_external_id",
        "account_domain",
        "external_id",
        "created_at",
    }
    REQUIRED = {"last_name"}
    INSERT_COLUMNS = [
        "id",
        "account_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "title",
        "country",
        "owner_id",
        "team_id",
        "external_id",
        "created_at",
        "updated_at",
    ]

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        for pk, ext, email in Contact.objects.values_list("pk", "external_id", "email").iterator(
            chunk_size=20_000
        ):
            if ext:
                self.keys.setdefault(f"x:{ext}", pk)
            if email:
                self.keys.setdefault(f"e:{email}", pk)
        self.create_accounts = self.options.get("create_missing_accounts", True)
        f = self.fields
        # The hot loop validates with the model fields directly (same checks as full_clean).
        self.text_fields = [
            (name, f[name], self.index.get(name))
            for name in ("first_name", "last_name", "phone", "title", "external_id")
        ]

    def process(self, number: int, cells: list) -> None:
        errors: list = []
        values = {}
        for name, model_field, index in self.text_fields:
            value = cells[index] if index is not None and index < len(cells) else None
            value = (
                parsing.text(value)
                if value not in (None, "")
                else parsing.text(self.mapping.defaults.get(name, ""))
            )
            try:
                values[name] = model_field.clean(value, None)
            except ValidationError as error:
                errors.append((name, "; ".join(error.messages)))
        email = self.clean("email", self.cell(cells, "email").lower(), errors)
        country = self.clean("country", self.cell(cells, "country").upper(), errors)
        created_at = (
            self.parse(parsing.moment, cells, "created_at", errors) if "created_at" in self.index else None
        )
        owner = self.owner_of(cells, errors)
        if errors:
            return self.reject(number, errors)
        external_id = values["external_id"]
        pk, label, target = self.match(
            [
                (f"x:{external_id}" if external_id else "", _("external id"), "external_id"),
                (f"e:{email}" if email else "", _("e-mail"), "email"),
            ]
        )
        if pk is not None and self.duplicate_in_file(number, pk, label, target):
            return
        account_id = self._account(cells, owner, number, errors)
        if errors:
            return self.reject(number, errors)
        values.update(
            email=email,
            country=country,
            account=account_id,
            owner=owner[0] if owner else None,
            team=owner[1] if owner else None,
        )
        if pk is not None:
            self.report.duplicates += 1
            self.update(
                pk, values, number, _("Matches contact #%(id)s by %(what)s") % {"id": pk, "what": label}
            )
            return
        pk = self.ctx.new_id(Contact)
        self.seen_at_row[pk] = number
        if external_id:
            self.keys[f"x:{external_id}"] = pk
        if email:
            self.keys.setdefault(f"e:{email}", pk)
        now = self.ctx.now
        self.insert(
            (
                pk,
                account_id,
                values["first_name"],
                values["last_name"],
                email,
                values["phone"],
                values["title"],
                country,
                values["owner"],
                values["team"],
                external_id,
                created_at or now,
                now,
            )
        )

    def _account(self, cells, owner, number, errors) -> int | None:
        name = self.cell(cells, "account")
        external_id = self.cell(cells, "account_external_id")
        domain = parsing.domain_of(self.cell(cells, "account_domain"))
        if not (name or external_id or domain):
            return None
        found = self.ctx.account(external_id=external_id, domain=domain, name=name)
        if found:
            return found[0]
        if not (self.create_accounts and name):
            errors.append(("account", _("No account “%(name)s”.") % {"name": name or external_id or domain}))
            return None
        return self.ctx.account_create(name=name, owner=owner, external_id=external_id)[0]


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
                (f"x:{external_id}" if external_id else "", _("external id"), "external_id"),
                (f"e:{email}", _("e-mail"), "email"),
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
            [(f"n:{name.casefold()}", _("name"), "name"), (f"c:{code.casefold()}", _("code"), "code")]
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


# The deal-side importers subclass _Keyed, so they are imported once it exists.
from hamsu.dataio.importers_deals import ActivityImporter, LeadImporter, OpportunityImporter  # noqa: E402

IMPORTERS: dict[str, type[Importer]] = {
    "accounts": AccountImporter,
    "contacts": ContactImporter,
    "people": PersonImporter,
    "products": ProductImporter,
    "opportunities": OpportunityImporter,
    "activities": ActivityImporter,
    "leads": LeadImporter,
}
