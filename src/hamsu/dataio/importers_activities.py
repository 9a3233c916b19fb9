"""The activity importer: calls, meetings and e-mails on deals and contacts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hamsu.core.validation import EARLIEST_DATE, LATEST_DATE
from hamsu.crm.models import Activity, Contact, Opportunity
from hamsu.dataio import parsing
from hamsu.dataio.bulk import insert_rows
from hamsu.dataio.importers_rows import ModelRows
from hamsu.dataio.models import ImportedRecord, ImportKind


class ActivityImporter(ModelRows):
    kind = "activities"
    model = Activity
    TARGETS = {
        "kind",
        "subject",
        "body",
        "outcome",
        "occurred_at",
        "account",
        "account_external_id",
        "contact",
        "opportunity",
        "owner",
        "external_id",
    }
    REQUIRED = {"subject"}

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        for ext, pk in ImportedRecord.objects.filter(kind=ImportKind.ACTIVITIES).values_list(
            "external_id", "object_id"
        ):
            self.keys[f"x:{ext}"] = pk
        self.records: list[tuple] = []
        self.participations: list[tuple] = []
        self._contacts: dict | None = None
        self._opportunities: dict | None = None

    def _contact(self, value: str):
        if self._contacts is None:
            self._contacts = {}
            for pk, email, ext, account_id in Contact.objects.values_list(
                "pk", "email", "external_id", "account_id"
            ).iterator(chunk_size=20_000):
                if ext:
                    self._contacts.setdefault(f"x:{ext}", (pk, account_id))
                if email:
                    self._contacts.setdefault(f"e:{email}", (pk, account_id))
        return self._contacts.get(f"x:{value}") or self._contacts.get(f"e:{value.lower()}")

    def _opportunity(self, value: str):
        if self._opportunities is None:
            self._opportunities = {
                ext: (pk, account_id)
                for pk, ext, account_id in Opportunity.objects.exclude(external_id="").values_list(
                    "pk", "external_id", "account_id"
                )
            }
        return self._opportunities.get(value)

    def process(self, number: int, cells: list) -> None:
        errors: list = []
        kind = self.clean("kind", self.cell(cells, "kind") or "note", errors)
        subject = self.clean("subject", self.cell(cells, "subject"), errors)
        body = self.cell(cells, "body")
        outcome = self.clean("outcome", self.cell(cells, "outcome"), errors)
        occurred_at = self.parse(parsing.moment, cells, "occurred_at", errors) or self.ctx.now
        if not EARLIEST_DATE <= occurred_at.date() <= LATEST_DATE:
            errors.append(
                (
                    "occurred_at",
                    _("Date must be between %(start)s and %(end)s.")
                    % {"start": EARLIEST_DATE, "end": LATEST_DATE},
                )
            )
        external_id = self.cell(cells, "external_id")[:100]
        owner = self.owner_of(cells, errors)
        if owner is None and not errors:
            errors.append(("owner", _("Every activity needs an owner; map a column or set a default owner.")))
        contact = opportunity = account = None
        for target, finder in (("contact", self._contact), ("opportunity", self._opportunity)):
            value = self.cell(cells, target)
            if value:
                found = finder(value)
                if found is None:
                    errors.append((target, _("No %(what)s “%(value)s”.") % {"what": target, "value": value}))
                elif target == "contact":
                    contact = found
                else:
                    opportunity = found
        account_name = self.cell(cells, "account")
        account_ext = self.cell(cells, "account_external_id")
        if account_name or account_ext:
            account = self.ctx.account(external_id=account_ext, name=account_name)
            if account is None:
                errors.append(
                    ("account", _("No account “%(name)s”.") % {"name": account_name or account_ext})
                )
        if not (errors or account or contact or opportunity):
            errors.append(("account", _("Link the activity to an account, a contact or an opportunity.")))
        if errors:
            return self.reject(number, errors)
        pk, label, target = self.match(
            [(f"x:{external_id}" if external_id else "", self.l_external_id, "external_id")]
        )
        if pk is not None and self.duplicate_in_file(number, pk, label, target):
            return
        # An activity on a deal or a contact also belongs to its account's timeline.
        account_id = account[0] if account else (opportunity or contact)[1]
        values = {
            "kind": kind,
            "subject": subject,
            "body": body,
            "outcome": outcome,
            "occurred_at": occurred_at,
            "account_id": account_id,
            "contact_id": contact[0] if contact else None,
            "opportunity_id": opportunity[0] if opportunity else None,
            "owner_id": owner[0],
            "team_id": owner[1],
        }
        if pk is not None:
            self.report.duplicates += 1
            names = {f.attname: f.name for f in self.concrete}
            self.update(
                pk,
                {names[k]: v for k, v in values.items()},
                number,
                _("Matches activity #%(id)s by %(what)s") % {"id": pk, "what": label},
            )
            return
        pk = self.ctx.new_id(Activity)
        self.seen_at_row[pk] = number
        if external_id:
            self.keys[f"x:{external_id}"] = pk
            self.records.append((ImportKind.ACTIVITIES, external_id, pk))
        self.participations.append((pk, owner[0], owner[2]))
        self.insert(self.model_row({**values, "id": pk, "created_at": self.ctx.now}))

    def flush(self) -> None:
        super().flush()
        if self.participations:
            insert_rows(
                "crm_activityparticipant", ["activity_id", "person_id", "function"], self.participations
            )
            self.participations = []
        if self.records:
            insert_rows(ImportedRecord._meta.db_table, ["kind", "external_id", "object_id"], self.records)
            self.records = []
