"""The import engine: stream rows → validate each with the CRM's own field rules →
de-duplicate → write in bulk, inside one transaction, with a row-level report.

Why bulk writes do not bypass the CRM's invariants (docs/dataio.md says more):
- every value is checked by the same model-field validators ``full_clean`` runs in the
  services (max lengths, e-mail syntax, choices, minimum values), and the same
  normalisation (e-mail lower-case, bare domains, ISO country upper-case, team from owner,
  size band from employees, base amount and gross profit from the currency rate);
- rows that fail are not written and are listed with their row, column and reason;
- the audit log gets one entry per import job (who imported which file, with the counts)
  instead of one per row, and every opportunity gets its stage events — with the
  historical timestamps when the file has them — exactly as the services would write;
- the whole file is one transaction, so a crash or a file error half-way leaves nothing.

Rows arrive in chunks of CHUNK (``TableFile.chunks``); an importer either handles a
whole chunk at once (contacts: column-wise checks, one key lookup per chunk) or, by
default, row by row through ``process``. Chunks change nothing about the transaction:
they are written as they are processed, and the commit comes after the last one.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.bulk import reset_sequences
from hamsu.core.company import company_settings
from hamsu.core.dates import format_datetime
from hamsu.core.db_datetimes import stored_datetime
from hamsu.core.errors import ValidationFailed
from hamsu.core.models import CurrencyRate
from hamsu.core.money import MAX_AMOUNT
from hamsu.crm.models import Account, Product, Segment
from hamsu.dataio import parsing
from hamsu.dataio.bulk import insert_rows
from hamsu.dataio.checks import FieldCheck, drop_tracebacks
from hamsu.dataio.collector import fewer_gc_passes
from hamsu.dataio.mapping import Mapping
from hamsu.dataio.readers import TableFile
from hamsu.directory.models import Function, Person, RoleTitle, Team

MAX_STORED_ISSUES = 2000  # per kind of issue; the counts stay exact beyond it
BATCH = 5000
CHUNK = 5000  # rows read and handed to the importer at a time


class DryRunRollback(Exception):
    """Raised at the end of a dry run to roll its writes back."""


# The column of a file that says when each row's record last changed where the file came
# from; a record changed in Hamsu after it is reported, not overwritten (issue 18) …
FILE_UPDATED_AT = "updated_at"
# … unless the mapping's options say so.
OVERWRITE_NEWER = "overwrite_changed_in_hamsu"


def _as_moment(value) -> datetime.datetime | None:
    """A stored time as read back raw (SQLite hands text to a raw cursor) made aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)  # stored in UTC
    return value


def _newer_in_hamsu(stored_at, seen_at) -> bool:
    """Whether Hamsu changed the record after the file's row says it last changed; compared
    to the second, as files (exports of Hamsu's own included) rarely carry microseconds."""
    if stored_at is None or seen_at is None:
        return False
    return stored_at.replace(microsecond=0) > seen_at.replace(microsecond=0)


@dataclass
class Issue:
    row: int
    column: str
    kind: str  # error | duplicate | warning
    message: str


@dataclass
class Report:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows not written because Hamsu changed the record after the row's own updated_at.
    changed_in_hamsu: int = 0
    duplicates: int = 0
    error_rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    stored: dict[str, int] = field(default_factory=dict)
    also_created: dict[str, int] = field(default_factory=dict)
    also_created_names: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def wants(self, kind: str) -> bool:
        return self.stored.get(kind, 0) < MAX_STORED_ISSUES

    def add(self, row: int, column: str, kind: str, message: str) -> None:
        if self.stored.get(kind, 0) < MAX_STORED_ISSUES:
            self.issues.append(Issue(row, column, kind, message))
            self.stored[kind] = self.stored.get(kind, 0) + 1

    def note_created(self, what: str, label: str) -> None:
        self.also_created[what] = self.also_created.get(what, 0) + 1
        names = self.also_created_names.setdefault(what, [])
        if len(names) < 20:
            names.append(label)

    def summary(self) -> dict:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "changed_in_hamsu": self.changed_in_hamsu,
            "duplicates": self.duplicates,
            "error_rows": self.error_rows,
            "also_created": self.also_created,
            "also_created_names": self.also_created_names,
            **self.extra,
        }


class Context:
    """What one import run shares: the actor, the clock, id allocation and lookups."""

    def __init__(self, *, actor=None, dry_run: bool = False, report: Report | None = None):
        self.actor = actor
        self.dry_run = dry_run
        self.now = timezone.now()
        # Adapted once: the SQLite driver would otherwise format it for every row.
        self.now_db = stored_datetime(self.now)
        self.adapt_datetime = stored_datetime
        self.report = report or Report()
        self._next_id: dict[type, int] = {}
        self._touched: set[type] = set()
        self._people: dict[str, tuple[int, int | None, str]] | None = None
        self._accounts: dict[str, tuple[int, int | None]] | None = None
        self._segments: dict[str, int] | None = None
        self._teams: dict[str, int] | None = None
        self._products: dict[str, tuple[int, Decimal, str, Decimal]] | None = None
        self._rates: dict[str, Decimal] = {}
        self.base_currency = company_settings().base_currency

    # ---------------------------------------------------------------- ids

    def new_id(self, model: type[models.Model]) -> int:
        """Ids are assigned here so related rows can be written in bulk in the same pass.

        The import runs in one transaction that holds the database's write lock (SQLite
        runs IMMEDIATE transactions; on PostgreSQL the table is locked), so max+1 is safe.
        """
        value = self.peek_id(model)
        self._next_id[model] = value + 1
        return value

    def peek_id(self, model: type[models.Model]) -> int:
        """The id ``new_id`` would give next, without taking it (see ``take_ids``)."""
        if model not in self._next_id:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN EXCLUSIVE MODE')
            self._next_id[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            self._touched.add(model)
        return self._next_id[model]

    def take_ids(self, model: type[models.Model], count: int) -> None:
        """Mark ``count`` ids from ``peek_id`` on as used (a chunk numbers its rows itself)."""
        self._next_id[model] = self.peek_id(model) + count

    def finish(self) -> None:
        reset_sequences(*self._touched)

    # ---------------------------------------------------------------- lookups

    def _load_people(self) -> dict:
        if self._people is None:
            self._people = {}
            for pk, email, name, ext, team_id, function in Person.objects.values_list(
                "pk", "email", "full_name", "external_id", "team_id", "function"
            ):
                entry = (pk, team_id, function)
                if ext:
                    self._people.setdefault(f"x:{ext}", entry)
                self._people.setdefault(f"e:{email.lower()}", entry)
                self._people.setdefault(f"n:{name.casefold()}", entry)
        return self._people

    def person(self, value: str) -> tuple[int, int | None, str] | None:
        """A person by external id, e-mail or full name (in that order)."""
        if not value:
            return None
        people = self._load_people()
        return (
            people.get(f"x:{value}")
            or people.get(f"e:{value.lower()}")
            or people.get(f"n:{value.casefold()}")
        )

    def person_create(
        self,
        *,
        full_name: str,
        email: str,
        function: str = Function.SALES,
        role_title: str = RoleTitle.SALES_REP,
        team_id: int | None = None,
        manager_id: int | None = None,
        external_id: str = "",
        phone: str = "",
        counted: bool = True,
    ) -> tuple[int, int | None, str]:
        person = Person(
            id=self.new_id(Person),
            full_name=full_name[:160],
            email=email.lower(),
            function=function,
            role_title=role_title,
            team_id=team_id,
            manager_id=manager_id,
            external_id=external_id[:100],
            phone=phone,
        )
        person.full_clean(exclude=["team", "manager", "user"], validate_unique=False)
        person.save(force_insert=True)
        entry = (person.pk, team_id, function)
        people = self._load_people()
        if external_id:
            people[f"x:{external_id}"] = entry
        people[f"e:{person.email}"] = entry
        people.setdefault(f"n:{person.full_name.casefold()}", entry)
        if counted:
            self.report.note_created("people", person.full_name)
        return entry

    def _load_accounts(self) -> dict:
        if self._accounts is None:
            self._accounts = {}
            for pk, name, domain, ext, segment_id in Account.objects.values_list(
                "pk", "name", "domain", "external_id", "segment_id"
            ).iterator(chunk_size=10_000):
                entry = (pk, segment_id)
                if ext:
                    self._accounts.setdefault(f"x:{ext}", entry)
                if domain:
                    self._accounts.setdefault(f"d:{domain}", entry)
                self._accounts.setdefault(f"n:{name.casefold()}", entry)
        return self._accounts

    def account(
        self, *, external_id: str = "", domain: str = "", name: str = ""
    ) -> tuple[int, int | None] | None:
        accounts = self._load_accounts()
        for key in (
            f"x:{external_id}" if external_id else "",
            f"d:{domain}" if domain else "",
            f"n:{name.casefold()}" if name else "",
        ):
            if key and key in accounts:
                return accounts[key]
        return None

    def remember_account(
        self, pk: int, segment_id: int | None, *, name: str, domain: str = "", external_id: str = ""
    ) -> None:
        accounts = self._load_accounts()
        entry = (pk, segment_id)
        if external_id:
            accounts[f"x:{external_id}"] = entry
        if domain:
            accounts.setdefault(f"d:{domain}", entry)
        accounts.setdefault(f"n:{name.casefold()}", entry)

    def account_create(
        self,
        *,
        name: str,
        owner: tuple | None = None,
        external_id: str = "",
        segment_id: int | None = None,
        industry: str = "",
    ) -> tuple[int, int | None]:
        account = Account(
            id=self.new_id(Account),
            name=name[:200],
            owner_id=owner[0] if owner else None,
            team_id=owner[1] if owner else None,
            external_id=external_id[:100],
            segment_id=segment_id,
            industry=industry[:80],
            created_at=self.now,
        )
        account.save(force_insert=True)
        self.remember_account(account.pk, segment_id, name=account.name, external_id=account.external_id)
        self.report.note_created("accounts", account.name)
        return account.pk, segment_id

    def segment(self, name: str, *, create: bool = True) -> int | None:
        if not name:
            return None
        if self._segments is None:
            self._segments = {n.casefold(): pk for pk, n in Segment.objects.values_list("pk", "name")}
        key = name.casefold()
        if key not in self._segments:
            if not create:
                return None
            segment = Segment(id=self.new_id(Segment), name=name[:120])
            segment.save(force_insert=True)
            self._segments[key] = segment.pk
            self.report.note_created("segments", name)
        return self._segments[key]

    def team(self, name: str, *, function: str = Function.SALES) -> int | None:
        if not name:
            return None
        if self._teams is None:
            self._teams = {n.casefold(): pk for pk, n in Team.objects.values_list("pk", "name")}
        key = name.casefold()
        if key not in self._teams:
            team = Team(id=self.new_id(Team), name=name[:120], function=function)
            team.save(force_insert=True)
            self._teams[key] = team.pk
            self.report.note_created("teams", name)
        return self._teams[key]

    def _load_products(self) -> dict:
        if self._products is None:
            self._products = {}
            for pk, name, code, cost, currency, price in Product.objects.values_list(
                "pk", "name", "code", "unit_cost", "currency", "list_price"
            ):
                entry = (pk, cost, currency, price)
                self._products[f"n:{name.casefold()}"] = entry
                self._products.setdefault(f"c:{code.casefold()}", entry)
        return self._products

    def product(self, value: str) -> tuple[int, Decimal, str, Decimal] | None:
        if not value:
            return None
        products = self._load_products()
        return products.get(f"n:{value.casefold()}") or products.get(f"c:{value.casefold()}")

    def remember_product(self, entry: tuple, *, name: str, code: str) -> None:
        products = self._load_products()
        products[f"n:{name.casefold()}"] = entry
        products.setdefault(f"c:{code.casefold()}", entry)

    def rate(self, currency: str) -> Decimal:
        """The same conversion as hamsu.core.company.to_base_currency, cached per run."""
        if currency == self.base_currency:
            return Decimal("1")
        if currency not in self._rates:
            rate = (
                CurrencyRate.objects.filter(currency=currency).values_list("rate_to_base", flat=True).first()
            )
            if rate is None:
                raise ValueError(
                    _("No exchange rate from %(currency)s to %(base)s is set; add one in Settings.")
                    % {"currency": currency, "base": self.base_currency}
                )
            self._rates[currency] = rate
        return self._rates[currency]


class Importer:
    """One kind of record. Subclasses define TARGETS and ``process``; the base class does
    cell access, field validation with the model's own fields, batching and updates."""

    kind = ""
    model: type[models.Model]
    TARGETS: set[str] = set()
    # Columns written on insert, in this order (subclasses build tuples to match).
    INSERT_COLUMNS: list[str] = []

    def __init__(self, ctx: Context, mapping: Mapping, index: dict[str, int]):
        self.ctx = ctx
        self.report = ctx.report
        self.mapping = mapping
        self.index = index
        self.options = mapping.options
        self.inserts: list[tuple] = []
        self.updates: list[tuple] = []  # (pk, values, row number, reason, the row's own updated_at)
        # The file's own "last changed" column (FILE_UPDATED_AT), read per row (see update()).
        self.seen_at: datetime.datetime | None = None
        self.t_newer = _(
            "Record #%(id)s was changed in Hamsu at %(changed)s, after this row's updated_at (%(seen)s); "
            "not overwritten (%(fields)s). To replace it, turn on “Overwrite records changed in Hamsu "
            "since the file” and import again."
        )
        self.fields = {f.name: f for f in self.model._meta.concrete_fields}
        self.checks: dict[str, FieldCheck] = {}
        self.table = self.model._meta.db_table
        # Translated once per run, not once per row.
        self.t_nothing = _("%(reason)s; nothing to change.")
        self.t_will_update = _("%(reason)s; will update: %(fields)s.")
        # CSV cells are always str; XLSX ones may be numbers, dates or None.
        self.text_cells = False

    def process_chunk(self, numbers: list[int], rows: list[list]) -> None:
        """A chunk of rows (``numbers`` as the spreadsheet shows them); row by row unless
        the importer does better."""
        process = self.process
        file_updated_at = FILE_UPDATED_AT in self.index
        for number, cells in zip(numbers, rows, strict=True):
            if file_updated_at:
                self.seen_at = self.file_updated_at(number, cells)
            process(number, cells)

    def kept_newer(self, pk: int, number: int, stored_at, seen_at, changed) -> bool:
        """Whether record ``pk`` changed in Hamsu after the row's own updated_at
        (``seen_at``): then the row is reported, not written (unless the mapping's options
        say OVERWRITE_NEWER; the caller checks that)."""
        stored_at = _as_moment(stored_at)
        if not _newer_in_hamsu(stored_at, seen_at):
            return False
        # The record stays as it is: an unchanged row (so the counts still add up to the
        # file's rows), and counted apart as one Hamsu changed after the file.
        self.report.unchanged += 1
        self.report.changed_in_hamsu += 1
        if self.report.wants("warning"):
            self.report.add(
                number,
                self.column_name(FILE_UPDATED_AT),
                "warning",
                self.t_newer
                % {
                    "id": pk,
                    "changed": format_datetime(stored_at),
                    "seen": format_datetime(seen_at),
                    "fields": ", ".join(sorted(changed)),
                },
            )
        return True

    def file_updated_at(self, number: int, cells: list) -> datetime.datetime | None:
        """When the row's record last changed where the file came from (its own
        ``updated_at`` column), None when the cell is empty or is no date."""
        try:
            return parsing.moment(self.raw(cells, FILE_UPDATED_AT))
        except ValueError as error:
            self.report.add(number, self.column_name(FILE_UPDATED_AT), "warning", str(error))
            return None

    # ---------------------------------------------------------------- cells

    def raw(self, cells: list, target: str):
        index = self.index.get(target)
        value = cells[index] if index is not None and index < len(cells) else None
        if value is None or value == "":
            return self.mapping.defaults.get(target, "")
        return value

    def cell(self, cells: list, target: str) -> str:
        value = parsing.text(self.raw(cells, target))
        return self.mapping.alias(target, value) if value else value

    def clean(self, name: str, value, errors: list, *, target: str | None = None):
        """Validate with the model field itself: the checks full_clean runs in the services."""
        check = self.checks.get(name)
        if check is None:
            check = self.checks[name] = FieldCheck(self.fields[name])
        value, error = check(value)
        if error:
            errors.append((target or name, error))
        return value

    def check_amount(self, amount, errors: list, *, target: str = "amount") -> None:
        """What every required money column checks: there, not negative, not too large.

        "Required" is not added when the cell already failed to parse (one reason is enough).
        """
        if amount is None:
            if not any(name == target for name, _message in errors):
                errors.append((target, _("This field is required.")))
        elif amount < 0:
            errors.append((target, _("The amount cannot be negative.")))
        elif amount > MAX_AMOUNT:
            errors.append((target, _("The amount is too large.")))

    def parse(self, func: Callable, cells: list, target: str, errors: list, *, field_name: str | None = None):
        raw = self.raw(cells, target)
        try:
            value = func(raw)
        except ValueError as error:
            errors.append((target, str(error)))
            return None
        if value is not None and field_name:
            try:
                self.fields[field_name].run_validators(value)
            except ValidationError as error:
                drop_tracebacks(error)  # see checks._message: it would keep the chunk alive
                errors.append((target, "; ".join(error.messages)))
                return None
        return value

    def reject(self, number: int, errors: list) -> None:
        self.report.error_rows += 1
        for target, message in errors:
            column = self.column_name(target)
            self.report.add(number, column, "error", message)

    def column_name(self, target: str) -> str:
        sources = self.mapping.columns.get(target)
        return sources[0] if sources else target

    # ---------------------------------------------------------------- writing

    def insert(self, row: tuple) -> None:
        self.inserts.append(row)
        self.report.created += 1
        if len(self.inserts) >= BATCH:
            self.flush()

    def update(self, pk: int, values: dict, number: int, reason: str) -> None:
        """Merge into an existing record: non-empty incoming values replace stored ones."""
        values = {k: v for k, v in values.items() if v not in ("", None)}
        self.updates.append((pk, values, number, reason, self.seen_at))
        if len(self.updates) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.inserts:
            insert_rows(self.table, self.INSERT_COLUMNS, self.inserts)
            self.after_insert(self.inserts)
            self.inserts = []
        if self.updates:
            self._apply_updates(self.updates)
            self.updates = []

    def after_insert(self, rows: list[tuple]) -> None:
        """Related rows (stage events, participants) for a batch just inserted."""

    def _apply_updates(self, updates: list) -> None:
        columns = sorted({name for _pk, values, _n, _r, _at in updates for name in values})
        attnames = {name: self.fields[name].attname for name in columns}
        # When Hamsu last changed each record: a row describing an older state must not win.
        stamped = ["updated_at"] if "updated_at" in self.fields and "updated_at" not in attnames else []
        current = {
            row["pk"]: row
            for row in self.model.objects.filter(pk__in=[u[0] for u in updates]).values(
                "pk", *attnames.values(), *stamped
            )
        }
        by_columns: dict[tuple, list] = {}
        overwrite_newer = bool(self.options.get(OVERWRITE_NEWER))
        for pk, values, number, reason, seen_at in updates:
            stored = current.get(pk, {})
            changed = {
                name: value for name, value in values.items() if _differs(stored.get(attnames[name]), value)
            }
            if (
                changed
                and not overwrite_newer
                and self.kept_newer(pk, number, stored.get("updated_at"), seen_at, changed)
            ):
                continue
            if not changed:
                self.report.unchanged += 1
                if self.report.wants("duplicate"):
                    self.report.add(number, "", "duplicate", self.t_nothing % {"reason": reason})
                continue
            self.report.updated += 1
            if self.report.wants("duplicate"):
                fields = ", ".join(sorted(changed))
                self.report.add(
                    number, "", "duplicate", self.t_will_update % {"reason": reason, "fields": fields}
                )
            key = tuple(sorted(changed))
            by_columns.setdefault(key, []).append([changed[name] for name in key] + [pk])
        with connection.cursor() as cursor:
            for key, rows in by_columns.items():
                assignments = ", ".join(f'"{attnames[name]}" = %s' for name in key)
                if "updated_at" in self.fields:
                    assignments += ', "updated_at" = %s'
                    rows = [row[:-1] + [self.ctx.now, row[-1]] for row in rows]
                if "version" in self.fields:
                    # A form or API client holding the old version must see this change.
                    assignments += ', "version" = "version" + 1'
                cursor.executemany(f'UPDATE "{self.table}" SET {assignments} WHERE "id" = %s', rows)

    def finish(self) -> None:
        self.flush()


def _differs(stored, incoming) -> bool:
    if isinstance(incoming, models.Model):
        incoming = incoming.pk
    if isinstance(stored, Decimal) or isinstance(incoming, Decimal):
        try:
            return Decimal(str(stored)) != Decimal(str(incoming))
        except Exception:  # noqa: BLE001 - a stored value that is not a number differs
            return True
    if isinstance(stored, datetime.datetime) and isinstance(incoming, datetime.datetime):
        return stored != incoming
    return stored != incoming


ProgressCallback = Callable[[int, int], None]


def run_import(
    *,
    table: TableFile,
    mapping: Mapping,
    actor=None,
    dry_run: bool = False,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    total_hint: int = 0,
    job=None,
) -> Report:
    """Import every row of ``table``; a dry run does the same writes and rolls them back,
    so its report cannot disagree with the real import."""
    from hamsu.dataio.importers import IMPORTERS

    importer_class = IMPORTERS.get(mapping.kind)
    if importer_class is None:
        raise ValidationFailed(
            _("Unknown kind of record."),
            errors={"kind": [_("Unknown kind “%(kind)s”.") % {"kind": mapping.kind}]},
        )
    index = mapping.resolve(table.headers, importer_class.TARGETS)
    missing = sorted(set(importer_class.REQUIRED) - set(index) - set(mapping.defaults))
    if missing:
        raise ValidationFailed(
            _("Some required fields are not mapped to a column."),
            errors={name: [_("Map a column to this field.")] for name in missing},
        )
    report = Report()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A bigger page cache keeps the indexes of a large table in memory while the
            # import writes to them (64 MB; the default is 2 MB).
            cursor.execute("PRAGMA cache_size = -65536")
    try:
        with fewer_gc_passes(), transaction.atomic():
            ctx = Context(actor=actor, dry_run=dry_run, report=report)
            importer = importer_class(ctx, mapping, index)
            if hasattr(importer, "attach_headers"):
                importer.attach_headers(table.headers)
            importer.text_cells = table.format == "csv"
            last = time.monotonic()
            for numbers, rows in table.chunks(CHUNK):
                report.total += len(rows)
                importer.process_chunk(numbers, rows)
                if progress and time.monotonic() - last > 1:
                    last = time.monotonic()
                    progress(report.total, total_hint)
            importer.finish()
            ctx.finish()
            if progress:
                progress(report.total, total_hint or report.total)
            if strict and report.error_rows:
                report.extra["aborted"] = True
                raise DryRunRollback
            if job is not None:
                audit.record(
                    actor=actor,
                    action="create",
                    instance=job,
                    changes={
                        "kind": mapping.kind,
                        "file": table.path.name,
                        "dry_run": dry_run,
                        **report.summary(),
                    },
                    via="import",
                )
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return report
