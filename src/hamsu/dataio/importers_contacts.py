"""Contacts: the import that must take a million rows (issue 8: ≥ 20,000 rows/s with
validation and de-duplication, memory bounded whatever the file size).

A chunk of rows is handled column by column, then row by row only where rows differ:

1. each text column is stripped, defaulted, aliased and lower/upper-cased with C-level
   ``map`` calls, and checked by the model field's own rules (``FieldCheck.column``);
2. the chunk's external ids and e-mails are looked up in the database in one query each
   (``bulk.rows_with_keys``, through the columns' indexes), fetching the stored values
   a merge compares against — no per-row query, and no dict of every contact in memory:
   earlier chunks are already written in this transaction, so the lookup finds them too;
3. a plain loop decides per row: error, repeat of an earlier row, merge, or insert;
4. inserts go out in one multi-row statement batch (COPY on PostgreSQL), updates grouped
   by the columns they change.

The result — counts, report lines, what is written — is the row-by-row importer's: the
tests in tests/dataio run both small files and chunk-boundary cases through it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hamsu.crm.models import Account, Contact
from hamsu.dataio import parsing
from hamsu.dataio.bulk import insert_rows, rows_with_keys
from hamsu.dataio.checks import FieldCheck
from hamsu.dataio.engine import FILE_UPDATED_AT, OVERWRITE_NEWER
from hamsu.dataio.keyed import _Keyed

# Read back for the matched records: the key columns and what a merge compares.
STORED = [
    "id",
    "external_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "title",
    "country",
    "account_id",
    "owner_id",
    "team_id",
    "updated_at",  # when Hamsu last changed it (against the file's own updated_at)
]
UPDATED_AT = 11  # the position of updated_at in a STORED row
# Incoming field → position in a STORED row.
STORED_AT = {
    "external_id": 1,
    "email": 2,
    "first_name": 3,
    "last_name": 4,
    "phone": 5,
    "title": 6,
    "country": 7,
    "account": 8,
    "owner": 9,
    "team": 10,
}
ATTNAMES = {"account": "account_id", "owner": "owner_id", "team": "team_id"}
# Accounts a contact names that are not in the CRM yet (the AccountImporter's columns).
# Every column of an account, in the model's order (what insert_rows writes positionally).
# The version is left to its column's database default (1, a new record).
ACCOUNT_COLUMNS = [f.column for f in Account._meta.concrete_fields if f.name != "version"]


class ContactImporter(_Keyed):
    kind = "contacts"
    model = Contact
    TARGETS = {
        "updated_at",  # the file's own: when the row's record last changed (see engine)
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
    # The model's order; the version is left to its column's database default (1).
    INSERT_COLUMNS = [f.column for f in Contact._meta.concrete_fields if f.name != "version"]
    TEXT = ("first_name", "last_name", "phone", "title", "external_id", "email", "country")

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        self.create_accounts = self.options.get("create_missing_accounts", True)
        # Per text field: its column (or None), default, value aliases and check.
        self.text_fields = [
            (
                name,
                self.index.get(name),
                parsing.text(mapping.defaults.get(name, "")),
                mapping.values.get(name) or None,
                FieldCheck(self.fields[name]),
            )
            for name in self.TEXT
        ]
        self.width = max(index.values(), default=-1) + 1
        self.has_accounts = bool({"account", "account_external_id", "account_domain"} & set(index))
        self.has_owner = "owner" in index or bool(self.options.get("default_owner"))
        self.has_created = "created_at" in index
        self.has_updated = FILE_UPDATED_AT in index
        self.t_match = _("Matches contact #%(id)s by %(what)s")
        self.new_accounts: list[tuple] = []  # this chunk's, written before its contacts

    def process(self, number: int, cells: list) -> None:
        self.process_chunk([number], [cells])

    # ---------------------------------------------------------------- the chunk

    def _columns(self, cells: list[tuple], count: int) -> tuple[dict[str, list[str]], dict[int, list]]:
        """Each text field as a cleaned column, and the errors by row position."""
        clean = str.strip if self.text_cells else parsing.text
        columns: dict[str, list[str]] = {}
        errors: dict[int, list] = {}
        for name, index, default, aliases, check in self.text_fields:
            if index is None:
                # Not in the file: one value for every row, checked once.
                value = aliases.get(default.casefold(), default) if aliases and default else default
                value = value.lower() if name == "email" else value.upper() if name == "country" else value
                columns[name] = [value] * count
                message = check(value)[1]
                if message:
                    for position in range(count):
                        errors.setdefault(position, []).append((name, message))
                continue
            column = list(map(clean, cells[index]))
            if default and "" in column:
                column = [value or default for value in column]
            if aliases:
                column = [aliases.get(value.casefold(), value) if value else value for value in column]
            if name == "email":
                column = list(map(str.lower, column))
            elif name == "country":
                column = list(map(str.upper, column))
            column = check.one_line(column)
            for position, message in check.column(column).items():
                errors.setdefault(position, []).append((name, message))
            columns[name] = column
        return columns, errors

    def _text(self, cells: list[tuple], target: str, count: int) -> list[str]:
        """A column as ``Importer.cell`` reads each cell: text, default if empty, alias."""
        index = self.index.get(target)
        default = parsing.text(self.mapping.defaults.get(target, ""))
        if index is None:
            column = [default] * count
        else:
            column = list(map(str.strip if self.text_cells else parsing.text, cells[index]))
            if default and "" in column:
                column = [value or default for value in column]
        aliases = self.mapping.values.get(target)
        if aliases:
            column = [aliases.get(value.casefold(), value) if value else value for value in column]
        return column

    def _owners(self, cells: list[tuple], count: int, errors: dict[int, list]) -> list:
        """The owner of each row (``owner_of``'s rule), each distinct name looked up once."""
        default = self.options.get("default_owner", "")
        found: dict[str, tuple] = {}
        owners = []
        for position, text in enumerate(self._text(cells, "owner", count)):
            if text not in found:
                if not text:
                    found[text] = (self.ctx.person(default) if default else None, None)
                else:
                    owner = self.ctx.person(text)
                    message = None if owner else _("No person “%(name)s” in the directory.") % {"name": text}
                    found[text] = (owner, message)
            owner, message = found[text]
            if message:
                errors.setdefault(position, []).append(("owner", message))
            owners.append(owner)
        return owners

    def _accounts(self, cells: list[tuple], count: int, valid) -> list:
        """Per row: the account's id, None (no account named), or — for an account not in
        the CRM yet — its (name, external id, domain), created when a row gets to it."""
        names = self._text(cells, "account", count)
        external_ids = self._text(cells, "account_external_id", count)
        domains = list(map(parsing.domain_of, self._text(cells, "account_domain", count)))
        resolved: dict[tuple, object] = {("", "", ""): None}
        accounts: list = [None] * count
        for position in valid:
            key = (names[position], external_ids[position], domains[position])
            if key not in resolved:
                found = self.ctx.account(external_id=key[1], domain=key[2], name=key[0])
                resolved[key] = found[0] if found else key
            accounts[position] = resolved[key]
        return accounts

    def _account_for(self, key: tuple, owner, number: int) -> int | None:
        """The account a row names that was not in the CRM when its chunk began; None
        (and the row rejected) when it may not be created."""
        name, external_id, domain = key
        found = self.ctx.account(external_id=external_id, domain=domain, name=name)
        if found:  # an earlier row of this chunk created it
            return found[0]
        if not (self.create_accounts and name):
            message = _("No account “%(name)s”.") % {"name": name or external_id or domain}
            self.reject(number, [("account", message)])
            return None
        pk = self.ctx.new_id(Account)
        name, external_id, now = name[:200], external_id[:100], self.ctx.now_db
        owner_id, team_id = (owner[0], owner[1]) if owner else (None, None)
        # ACCOUNT_COLUMNS: what ctx.account_create would store, model defaults included.
        self.new_accounts.append(
            (pk, name, "", None, "", None, "", None, "", owner_id, team_id, None, external_id, now, now)
        )
        self.ctx.remember_account(pk, None, name=name, external_id=external_id)
        self.report.note_created("accounts", name)
        return pk

    def process_chunk(self, numbers: list[int], rows: list[list]) -> None:
        width = self.width
        if width and min(map(len, rows)) < width:
            # Short rows (trailing cells missing) read as empty cells.
            rows = [row if len(row) >= width else [*row, *[""] * (width - len(row))] for row in rows]
        count = len(rows)
        # One C-level transpose; rows are at least self.width long (padded above).
        cells = list(zip(*rows, strict=False)) if width else []
        columns, errors = self._columns(cells, count)
        created: dict[int, object] = {}
        if self.has_created:
            for position, row in enumerate(rows):
                row_errors = errors.get(position, [])
                created[position] = self.parse(parsing.moment, row, "created_at", row_errors)
                if row_errors:
                    errors[position] = row_errors
        seen_at: dict[int, object] = {}
        if self.has_updated and not self.options.get(OVERWRITE_NEWER):
            seen_at = {p: self.file_updated_at(numbers[p], row) for p, row in enumerate(rows)}
        owners = self._owners(cells, count, errors) if self.has_owner else None
        for position in sorted(errors):
            self.reject(numbers[position], errors[position])

        external_ids, emails = columns["external_id"], columns["email"]
        valid = [p for p in range(count) if p not in errors] if errors else range(count)
        accounts = self._accounts(cells, count, valid) if self.has_accounts else None
        self.new_accounts = []
        by_external_id: dict[str, tuple] = {}
        for stored in rows_with_keys(
            self.table, STORED, "external_id", {external_ids[p] for p in valid} - {""}
        ):
            by_external_id.setdefault(stored[1], stored)
        by_email: dict[str, tuple] = {}
        wanted = {emails[p] for p in valid if external_ids[p] not in by_external_id} - {""}
        for stored in rows_with_keys(self.table, STORED, "email", wanted):
            by_email.setdefault(stored[2], stored)
        # Keys this chunk gave to records (new ones, and the merged ones' new values): a
        # later row of the chunk finds them as it would after a write.
        chunk_external_ids: dict[str, int] = {}
        chunk_emails: dict[str, int] = {}
        # Records this chunk created or merged into → the row that did (into the run's
        # RowMemo at the end of the chunk, in one go).
        chunk_rows: dict[int, int] = {}

        first_names, last_names = columns["first_name"], columns["last_name"]
        phones, titles, countries = columns["phone"], columns["title"], columns["country"]
        seen = self.seen_at_row
        now_db = self.ctx.now_db
        adapt = self.ctx.adapt_datetime
        has_accounts, has_owner, has_created = self.has_accounts, self.has_owner, self.has_created
        next_id = self.ctx.peek_id(Contact)
        inserts = []
        updates: dict[tuple, list] = {}
        for position in valid:
            number = numbers[position]
            external_id = external_ids[position]
            email = emails[position]
            stored = pk = None
            if external_id:
                stored = by_external_id.get(external_id)
                pk = stored[0] if stored else chunk_external_ids.get(external_id)
                label, target = self.l_external_id, "external_id"
            if pk is None and email:
                stored = by_email.get(email)
                pk = stored[0] if stored else chunk_emails.get(email)
                label, target = self.l_email, "email"
            if pk is not None:
                first = chunk_rows.get(pk) or seen.get(pk)
                if first:
                    self.repeated(number, first, label, target)
                    continue
            owner = owners[position] if has_owner else None
            account_id = None
            if has_accounts:
                account_id = accounts[position]
                if account_id.__class__ is tuple:
                    account_id = self._account_for(account_id, owner, number)
                    if account_id is None:
                        continue  # rejected: no such account
            if pk is not None:
                chunk_rows[pk] = number
                values = {
                    "first_name": first_names[position],
                    "last_name": last_names[position],
                    "email": email,
                    "phone": phones[position],
                    "title": titles[position],
                    "country": countries[position],
                    "external_id": external_id,
                    "account": account_id,
                    "owner": owner[0] if owner else None,
                    "team": owner[1] if owner else None,
                }
                changed = {
                    name: value
                    for name, value in values.items()
                    if value not in ("", None) and stored[STORED_AT[name]] != value
                }
                if (
                    changed
                    and seen_at
                    and self.kept_newer(pk, number, stored[UPDATED_AT], seen_at[position], changed)
                ):
                    continue  # changed in Hamsu after the file's row: reported, not overwritten
                self._merged(pk, number, label, changed, updates)
                if external_id:
                    chunk_external_ids.setdefault(external_id, pk)
                if email:
                    chunk_emails.setdefault(email, pk)
                continue
            pk = next_id + len(inserts)
            chunk_rows[pk] = number
            if external_id:
                chunk_external_ids[external_id] = pk
            if email:
                chunk_emails.setdefault(email, pk)
            moment = created.get(position) if has_created else None
            inserts.append(
                (
                    pk,
                    account_id,
                    first_names[position],
                    last_names[position],
                    email,
                    phones[position],
                    titles[position],
                    countries[position],
                    owner[0] if owner else None,
                    owner[1] if owner else None,
                    external_id,
                    adapt(moment) if moment else now_db,
                    now_db,
                )
            )
        seen.update(chunk_rows)
        self.report.duplicates += len(chunk_rows) - len(inserts)  # the merges
        if self.new_accounts:  # before the contacts that name them
            insert_rows(Account._meta.db_table, ACCOUNT_COLUMNS, self.new_accounts)
        if inserts:
            self.ctx.take_ids(Contact, len(inserts))
            insert_rows(self.table, self.INSERT_COLUMNS, inserts)
            self.report.created += len(inserts)
        self._write_updates(updates)

    def _merged(self, pk: int, number: int, label: str, changed: dict, updates: dict) -> None:
        report = self.report
        if not changed:
            report.unchanged += 1
            if report.wants("duplicate"):
                reason = self.t_match % {"id": pk, "what": label}
                report.add(number, "", "duplicate", self.t_nothing % {"reason": reason})
            return
        report.updated += 1
        key = tuple(sorted(changed))
        if report.wants("duplicate"):
            reason = self.t_match % {"id": pk, "what": label}
            report.add(
                number, "", "duplicate", self.t_will_update % {"reason": reason, "fields": ", ".join(key)}
            )
        updates.setdefault(key, []).append([changed[name] for name in key] + [self.ctx.now_db, pk])

    def _write_updates(self, updates: dict) -> None:
        if not updates:
            return
        from django.db import connection

        with connection.cursor() as cursor:
            for key, rows in updates.items():
                assignments = ", ".join(f'"{ATTNAMES.get(name, name)}" = %s' for name in key)
                cursor.executemany(
                    f'UPDATE "{self.table}" SET {assignments}, "updated_at" = %s, "version" = "version" + 1 '
                    'WHERE "id" = %s',
                    rows,
                )

    def finish(self) -> None:
        """Every chunk is written as it is processed."""
