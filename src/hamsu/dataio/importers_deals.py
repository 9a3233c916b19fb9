"""The opportunity importer: deals with their stage history, linked to their lead."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from hamsu.core.money import CURRENCIES, quantize
from hamsu.core.validation import EARLIEST_DATE, LATEST_DATE
from hamsu.crm.models import DealRole, Opportunity, Source, StageEvent
from hamsu.crm.stages import CLOSED_STAGES, DEFAULT_PROBABILITY, STAGE_ORDER, Stage
from hamsu.dataio import parsing
from hamsu.dataio.bulk import insert_rows
from hamsu.dataio.importers_rows import LEAD_STATE_FOR_DEAL, ModelRows
from hamsu.funnel.models import Lead, LeadState


class OpportunityImporter(ModelRows):
    kind = "opportunities"
    model = Opportunity
    TARGETS = {
        "updated_at",  # the file's own: when the row's record last changed (see engine)
        "name",
        "account",
        "account_external_id",
        "account_domain",
        "account_segment",
        "account_industry",
        "owner",
        "stage",
        "amount",
        "currency",
        "product",
        "quantity",
        "segment",
        "source",
        "expected_close",
        "created_at",
        "closed_at",
        "probability",
        "lost_reason",
        "external_id",
        "lead",
        "lead_owner",
    }
    REQUIRED: set[str] = set()

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        self.stages: dict[int, str] = {}
        for pk, ext, stage in Opportunity.objects.exclude(external_id="").values_list(
            "pk", "external_id", "stage"
        ):
            self.keys[f"x:{ext}"] = pk
            self.stages[pk] = stage
        self.participants: list[tuple] = []
        self.lead_updates: list[tuple] = []
        self._leads: dict[str, tuple[int, str, int | None, str]] | None = None
        self.placeholder = self.options.get("placeholder_account", "Unknown account")
        self.history = [(stage, column) for stage, column in mapping.stage_history.items()]
        for stage, _column in self.history:
            if stage not in STAGE_ORDER:
                from hamsu.core.errors import ValidationFailed

                raise ValidationFailed(
                    _("Unknown stage in the stage history."),
                    errors={f"stage_history.{stage}": [_("Unknown stage %(stage)s.") % {"stage": stage}]},
                )
        self.history_index: dict[str, int] = {}

    def attach_headers(self, headers: list[str]) -> None:
        by_name = {h.casefold(): i for i, h in enumerate(headers)}
        self.history_index = {stage: by_name[column.casefold()] for stage, column in self.history}

    # ---------------------------------------------------------------- one row

    def process(self, number: int, cells: list) -> None:
        errors: list = []
        external_id = self.clean("external_id", self.cell(cells, "external_id"), errors)
        stage = self.cell(cells, "stage") or Stage.PROSPECTING
        stage = stage.lower() if stage.lower() in STAGE_ORDER else stage
        if stage not in STAGE_ORDER:
            errors.append(
                (
                    "stage",
                    _("Unknown stage “%(stage)s” (known: %(known)s); add it to the mapping's values.")
                    % {"stage": stage, "known": ", ".join(STAGE_ORDER)},
                )
            )
        product = None
        product_name = self.cell(cells, "product")
        if product_name:
            product = self.ctx.product(product_name)
            if product is None:
                errors.append(
                    (
                        "product",
                        _("No product “%(name)s” (add an alias in the mapping's values).")
                        % {"name": product_name},
                    )
                )
        quantity = self.parse(parsing.integer, cells, "quantity", errors, field_name="quantity") or 1
        amount = self.parse(parsing.decimal, cells, "amount", errors)
        if amount is None and product and self.options.get("amount_fallback") == "product_list_price":
            amount = product[3] * quantity

        self.check_amount(amount, errors)
        currency = (self.cell(cells, "currency") or self.ctx.base_currency).upper()
        rate = None
        if currency not in CURRENCIES:
            errors.append(("currency", _("Unknown currency %(code)s.") % {"code": currency}))
        else:
            try:
                rate = self.ctx.rate(currency)
            except ValueError as error:
                errors.append(("currency", str(error)))
        created_at = self.parse(parsing.moment, cells, "created_at", errors)
        closed_at = self.parse(parsing.moment, cells, "closed_at", errors)
        expected_close = self.parse(parsing.date, cells, "expected_close", errors)
        history = self._history(cells, stage, errors) if stage in STAGE_ORDER else []
        source = self.cell(cells, "source") or Source.SALES
        if source not in Source.values:
            errors.append(("source", _("Unknown source “%(value)s”.") % {"value": source}))
        probability = self.parse(parsing.integer, cells, "probability", errors, field_name="probability")
        owner_spec = self.options.get("create_missing_owners")
        owner_text = self.cell(cells, "owner") or self.options.get("default_owner", "")
        owner = self.person_or_create(owner_text, owner_spec, errors, "owner") if owner_text else None
        if not owner_text:
            errors.append(
                ("owner", _("Every opportunity needs an owner; map a column or set a default owner."))
            )
        if errors:
            return self.reject(number, errors)

        pk, label, target = self.match(
            [(f"x:{external_id}" if external_id else "", self.l_external_id, "external_id")]
        )
        if pk is not None and self.duplicate_in_file(number, pk, label, target):
            return
        account_id, account_segment = self._account(cells, owner, number)
        segment_id = self.ctx.segment(self.cell(cells, "segment")) or account_segment

        if created_at is None and self.options.get("created_at_from_lead"):
            lead = self._lead(self.cell(cells, "lead"))
            created_at = lead[4] if lead else None
        # The timeline: first event → created, last → stage changed, closing event → closed.
        if created_at is not None and history and created_at < history[0][1]:
            first = self.options.get("initial_stage", Stage.PROSPECTING)
            if history[0][0] != first:
                history.insert(0, (first, created_at))
        if not history:
            history = [(stage, closed_at or created_at or self.ctx.now)]
        elif history[-1][0] != stage:
            history.append((stage, closed_at or history[-1][1]))
        created_at = min(created_at, history[0][1]) if created_at else history[0][1]
        closed_at = (closed_at or history[-1][1]) if stage in CLOSED_STAGES else None
        if expected_close is None:
            expected_close = (
                (closed_at or created_at).date()
                if closed_at
                else (
                    created_at + datetime.timedelta(days=int(self.options.get("expected_close_days", 90)))
                ).date()
            )
            expected_close = min(max(expected_close, EARLIEST_DATE), LATEST_DATE)
        amount = quantize(amount)
        amount_base = quantize(amount * rate)
        gross_profit = Decimal("0")
        if product:
            gross_profit = amount_base - quantize(product[1] * quantity * self.ctx.rate(product[2]))
        lost_reason = self.clean("lost_reason", self.cell(cells, "lost_reason"), [])
        if stage == Stage.LOST and not lost_reason:
            lost_reason = self.options.get(
                "lost_reason_default", _("Imported as lost (no reason in the file)")
            )[:200]
        name = self.cell(cells, "name") or self._name(cells, external_id, product_name)
        values = {
            "name": name[:200],
            "account_id": account_id,
            "owner_id": owner[0],
            "team_id": owner[1],
            "stage": stage,
            "probability": DEFAULT_PROBABILITY[Stage(stage)] if probability is None else probability,
            "amount": amount,
            "currency": currency,
            "amount_base": amount_base,
            "product_id": product[0] if product else None,
            "quantity": quantity,
            "gross_profit": gross_profit,
            "segment_id": segment_id,
            "source": source,
            "expected_close": expected_close,
            "closed_at": closed_at,
            "stage_changed_at": history[-1][1],
            "lost_reason": lost_reason,
            "external_id": external_id,
        }
        if pk is not None:
            if "expected_close" not in self.index:
                values.pop("expected_close")  # derived from today's date: not news
            self._merge(pk, values, number, label, history)
        else:
            pk = self.ctx.new_id(Opportunity)
            self.seen_at_row[pk] = number
            if external_id:
                self.keys[f"x:{external_id}"] = pk
            previous = ""
            for to_stage, at in history:
                self.event(StageEvent.ObjectType.OPPORTUNITY, pk, pk, previous, to_stage, at, _("imported"))
                previous = to_stage
            self.participants.append((pk, owner[0], DealRole.OWNER, created_at))
            self.insert(
                self.model_row({**values, "id": pk, "created_at": created_at, "updated_at": self.ctx.now})
            )
        self._link_lead(cells, pk, stage, created_at, closed_at, errors, number)

    def _history(self, cells, stage: str, errors: list) -> list[tuple[str, datetime.datetime]]:
        """Stages the file dates, up to the current one, in time order."""
        events = []
        for to_stage, index in self.history_index.items():
            if to_stage != stage and (
                to_stage in CLOSED_STAGES or STAGE_ORDER[to_stage] > STAGE_ORDER[stage]
            ):
                continue
            value = cells[index] if index < len(cells) else None
            try:
                at = parsing.moment(value)
            except ValueError as error:
                errors.append((to_stage, str(error)))
                continue
            if at is not None:
                events.append((at, STAGE_ORDER[to_stage], to_stage))
        events.sort()
        return [(to_stage, at) for at, _order, to_stage in events]

    def _name(self, cells, external_id: str, product_name: str) -> str:
        template = self.options.get("name_template")
        if template:
            return template.format(
                external_id=external_id,
                product=product_name,
                account=self.cell(cells, "account"),
                account_external_id=self.cell(cells, "account_external_id"),
            )
        return " — ".join(
            part for part in (self.cell(cells, "account"), product_name, external_id) if part
        ) or _("Imported deal")

    def _account(self, cells, owner, number) -> tuple[int, int | None]:
        name = self.cell(cells, "account")
        external_id = self.cell(cells, "account_external_id")
        domain = parsing.domain_of(self.cell(cells, "account_domain"))
        if name or external_id or domain:
            found = self.ctx.account(external_id=external_id, domain=domain, name=name)
            if found:
                return found
            prefix = self.options.get("account_name_prefix", "")
            return self.ctx.account_create(
                name=name or f"{prefix}{external_id[:8] if prefix else external_id or domain}",
                owner=owner,
                external_id=external_id,
                segment_id=self.ctx.segment(self.cell(cells, "account_segment")),
                industry=self.cell(cells, "account_industry"),
            )
        # Never drop a deal for want of an account: attach it to the placeholder, and say so.
        self.report.add(
            number,
            self.column_name("account"),
            "warning",
            _("No account: attached to “%(name)s”.") % {"name": self.placeholder},
        )
        self.report.extra["placeholder_rows"] = self.report.extra.get("placeholder_rows", 0) + 1
        return self.ctx.account(name=self.placeholder) or self.ctx.account_create(name=self.placeholder)

    def _merge(self, pk: int, values: dict, number: int, label: str, history) -> None:
        self.report.duplicates += 1
        old_stage = self.stages.get(pk)
        if old_stage == values["stage"]:
            values.pop("stage_changed_at")  # the stage did not move; its date stays
        elif old_stage:
            self.event(
                StageEvent.ObjectType.OPPORTUNITY,
                pk,
                pk,
                old_stage,
                values["stage"],
                history[-1][1],
                _("imported"),
            )
            self.stages[pk] = values["stage"]
        names = {f.attname: f.name for f in self.concrete}
        self.update(
            pk,
            {names[k]: v for k, v in values.items() if k not in ("closed_at",)},
            number,
            _("Matches opportunity #%(id)s by %(what)s") % {"id": pk, "what": label},
        )

    # ---------------------------------------------------------------- leads

    def _lead(self, external_id: str):
        if self._leads is None:
            self._leads = {
                ext: (pk, state, owner_id, queue, created_at)
                for pk, ext, state, owner_id, queue, created_at in Lead.objects.exclude(
                    external_id=""
                ).values_list("pk", "external_id", "state", "owner_id", "queue", "created_at")
            }
        return self._leads.get(external_id)

    def _link_lead(self, cells, opportunity_id, stage, created_at, closed_at, errors, number) -> None:
        lead_ref = self.cell(cells, "lead")
        if not lead_ref:
            return
        lead = self._lead(lead_ref)
        if lead is None:
            self.report.add(
                number,
                self.column_name("lead"),
                "warning",
                _("No lead with external id “%(id)s”.") % {"id": lead_ref},
            )
            return
        lead_id, state, owner_id, queue, lead_created = lead
        owner = self.person_or_create(
            self.cell(cells, "lead_owner"), self.options.get("create_missing_lead_owners"), [], "lead_owner"
        )
        if owner:
            owner_id, queue = owner[0], ""
        target = LEAD_STATE_FOR_DEAL.get(stage, LeadState.OPPORTUNITY)
        at = closed_at or created_at
        if state != target:
            if state not in (LeadState.OPPORTUNITY, LeadState.WON, LeadState.LOST):
                self.event(
                    StageEvent.ObjectType.LEAD,
                    lead_id,
                    None,
                    state,
                    LeadState.OPPORTUNITY,
                    created_at,
                    _("imported"),
                )
                state = LeadState.OPPORTUNITY
            if state != target:
                self.event(StageEvent.ObjectType.LEAD, lead_id, None, state, target, at, _("imported"))
        self._leads[lead_ref] = (lead_id, target, owner_id, queue, lead_created)
        self.lead_updates.append((opportunity_id, target, at, owner_id, queue, self.ctx.now, lead_id))

    def flush(self) -> None:
        super().flush()
        if self.participants:
            insert_rows(
                "crm_opportunityparticipant",
                ["opportunity_id", "person_id", "role", "added_at"],
                self.participants,
            )
            self.participants = []
        if self.lead_updates:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f'UPDATE "{Lead._meta.db_table}" SET "opportunity_id" = %s, "state" = %s, "state_changed_at" = %s, '
                    # A new version: a form or API client holding the lead's old one sees this.
                    '"owner_id" = %s, "queue" = %s, "updated_at" = %s, "version" = "version" + 1 WHERE "id" = %s',
                    self.lead_updates,
                )
            self.lead_updates = []
