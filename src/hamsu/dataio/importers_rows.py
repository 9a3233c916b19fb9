"""What the deal-side importers share: rows built for a raw insert from every concrete
column (``ModelRows``), stage events written beside them, people found or created."""

from __future__ import annotations

import json

from django.db.models import JSONField
from django.utils.translation import gettext as _

from hamsu.crm.models import StageEvent
from hamsu.crm.stages import Stage
from hamsu.dataio.bulk import insert_rows
from hamsu.dataio.keyed import _Keyed
from hamsu.directory.models import Function, RoleTitle
from hamsu.funnel.models import LeadState

LEAD_STATE_FOR_DEAL = {Stage.WON: LeadState.WON, Stage.LOST: LeadState.LOST}
EVENT_COLUMNS = [
    "object_type",
    "object_id",
    "opportunity_id",
    "from_stage",
    "to_stage",
    "at",
    "actor_id",
    "reason",
    "via",
]


class ModelRows(_Keyed):
    """Insert tuples built from every concrete column, defaults filled in like the ORM does
    (raw INSERTs get no Django defaults, and JSON must be serialised by hand)."""

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        self.concrete = list(self.model._meta.concrete_fields)
        self.INSERT_COLUMNS = [f.column for f in self.concrete]
        self.events: list[tuple] = []

    def model_row(self, values: dict) -> tuple:
        row = []
        for f in self.concrete:
            value = values[f.attname] if f.attname in values else f.get_default()
            if isinstance(f, JSONField):
                value = json.dumps(value)
            row.append(value)
        return tuple(row)

    def event(self, object_type, object_id, opportunity_id, from_stage, to_stage, at, reason) -> None:
        actor_id = getattr(self.ctx.actor, "pk", None)
        self.events.append(
            (
                object_type,
                object_id,
                opportunity_id,
                from_stage,
                to_stage,
                at,
                actor_id,
                reason[:300],
                "import",
            )
        )

    def flush(self) -> None:
        super().flush()
        if self.events:
            insert_rows(StageEvent._meta.db_table, EVENT_COLUMNS, self.events)
            self.events = []

    def person_or_create(self, value: str, spec: dict | None, errors: list, target: str) -> tuple | None:
        """Find a person; with ``spec`` (the mapping's create_missing_* option) create them."""
        if not value:
            return None
        found = self.ctx.person(value)
        if found or not spec:
            if not found:
                errors.append((target, _("No person “%(name)s” in the directory.") % {"name": value}))
            return found
        label = value[: spec.get("name_length", 160)]
        return self.ctx.person_create(
            full_name=f"{spec.get('name_prefix', '')}{label}",
            email=f"{value.lower()}@{spec.get('email_domain', 'example.invalid')}",
            function=spec.get("function", Function.SALES),
            role_title=spec.get("role_title", RoleTitle.SALES_REP),
            team_id=self.ctx.team(spec["team"]) if spec.get("team") else None,
            external_id=value,
        )
