"""The lead importer: leads with their state history and touches."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hamsu.crm.models import StageEvent
from hamsu.dataio import parsing
from hamsu.dataio.importers_rows import ModelRows
from hamsu.funnel.models import Lead, LeadQueue, LeadState, LeadTouch


class LeadImporter(ModelRows):
    kind = "leads"
    model = Lead
    TARGETS = {
        "updated_at",  # the file's own: when the row's record last changed (see engine)
        "email",
        "first_name",
        "last_name",
        "company",
        "title",
        "phone",
        "country",
        "employees",
        "segment",
        "origin",
        "state",
        "owner",
        "created_at",
        "external_id",
        "touch_kind",
        "touch_source",
    }
    REQUIRED: set[str] = set()

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        for pk, ext, email in Lead.objects.values_list("pk", "external_id", "email").iterator(
            chunk_size=20_000
        ):
            if ext:
                self.keys.setdefault(f"x:{ext}", pk)
            if email:
                self.keys.setdefault(f"e:{email}", pk)
        self.touches: list[LeadTouch] = []

    def process(self, number: int, cells: list) -> None:
        errors: list = []
        values = {}
        for name in ("first_name", "last_name", "company", "title", "phone", "origin", "external_id"):
            values[name] = self.clean(name, self.cell(cells, name), errors)
        values["email"] = self.clean("email", self.cell(cells, "email").lower(), errors)
        values["country"] = self.clean("country", self.cell(cells, "country").upper(), errors)
        values["employees"] = self.parse(parsing.integer, cells, "employees", errors, field_name="employees")
        state = self.clean("state", self.cell(cells, "state") or LeadState.INQUIRY, errors)
        created_at = self.parse(parsing.moment, cells, "created_at", errors) or self.ctx.now
        owner = self.owner_of(cells, errors)
        if not (values["email"] or values["last_name"] or values["phone"] or values["external_id"]):
            errors.append(("email", _("Give at least an e-mail, a phone or a name.")))
        if errors:
            return self.reject(number, errors)
        ext = values["external_id"]
        pk, label, target = self.match(
            [
                (f"x:{ext}" if ext else "", self.l_external_id, "external_id"),
                (f"e:{values['email']}" if values["email"] else "", self.l_email, "email"),
            ]
        )
        if pk is not None and self.duplicate_in_file(number, pk, label, target):
            return
        values["segment"] = self.ctx.segment(self.cell(cells, "segment"))
        if pk is not None:
            self.report.duplicates += 1
            self.update(pk, values, number, _("Matches lead #%(id)s by %(what)s") % {"id": pk, "what": label})
            return
        queue = (
            ""
            if owner
            else self.options.get(
                "queue", LeadQueue.HANDOFF if state == LeadState.MQL else LeadQueue.MARKETING
            )
        )
        pk = self.ctx.new_id(Lead)
        self.seen_at_row[pk] = number
        if ext:
            self.keys[f"x:{ext}"] = pk
        if values["email"]:
            self.keys.setdefault(f"e:{values['email']}", pk)
        self.event(StageEvent.ObjectType.LEAD, pk, None, "", LeadState.INQUIRY, created_at, _("imported"))
        if state != LeadState.INQUIRY:
            self.event(
                StageEvent.ObjectType.LEAD, pk, None, LeadState.INQUIRY, state, created_at, _("imported")
            )
        row = {f.attname: values[f.name] for f in self.concrete if f.name in values and f.name != "segment"}
        row.update(
            id=pk,
            segment_id=values["segment"],
            state=state,
            state_changed_at=created_at,
            owner_id=owner[0] if owner else None,
            team_id=owner[1] if owner else None,
            queue=queue,
            created_at=created_at,
            updated_at=self.ctx.now,
        )
        self.insert(self.model_row(row))
        touch_kind = self.cell(cells, "touch_kind")
        if touch_kind:
            self.touches.append(
                LeadTouch(
                    lead_id=pk,
                    kind=touch_kind[:40],
                    at=created_at,
                    source=self.cell(cells, "touch_source")[:100],
                )
            )

    def flush(self) -> None:
        super().flush()
        if self.touches:
            LeadTouch.objects.bulk_create(self.touches, batch_size=2000)
            self.touches = []
