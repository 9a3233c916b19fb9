"""Sales and marketing costs per fiscal month (``scorecard.CostEntry``), from the monthly
export of the accounting system.

The rules are ``scorecard.services.cost_entry_create``'s: the month is snapped to the first
day of its fiscal month, the amount is ≥ 0, the currency is the base one or has a stored
rate, a ``market_entry`` cost names its segment, marketing's advertising, events and
content are refused (they are campaign spend, ``scorecard.models.is_campaign_spend``), and
``amount_base`` is converted by the same helper (``core.company.to_base_currency``).

A row is the same cost as a stored entry when month, function, category and segment are
equal; it then updates amount, currency and note (re-importing the file changes nothing).
"""

from __future__ import annotations

import datetime
import re

from django.utils import translation
from django.utils.translation import gettext as _

from hamsu.core.company import company_settings, to_base_currency
from hamsu.core.dates import to_ascii_digits
from hamsu.core.money import CURRENCIES, quantize
from hamsu.core.validation import EARLIEST_DATE, LATEST_DATE
from hamsu.dataio import parsing
from hamsu.dataio.keyed import _Keyed
from hamsu.scorecard.models import (
    CAMPAIGN_SPEND_BELONGS_ON_CAMPAIGN,
    MARKET_ENTRY_NEEDS_SEGMENT,
    CostCategory,
    CostEntry,
    CostFunction,
    is_campaign_spend,
)
from hamsu.scorecard.periods import bucket, parse_period

# YYYY-MM (or YYYY/MM, Persian digits already made ASCII): a month key, not a date.
_MONTH_KEY = re.compile(r"(\d{4})[-/](\d{1,2})")


def choice_lookup(choices: type) -> dict[str, str]:
    """value, English label and Persian label (any case) → value.

    A spreadsheet exported in either language names the function "Marketing" or
    "بازاریابی"; both mean the same stored value.
    """
    lookup: dict[str, str] = {}
    for language in (translation.get_language() or "en", "en", "fa"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(str(label).casefold(), value)
    for value in choices.values:
        lookup[value.casefold()] = value
    return lookup


class CostImporter(_Keyed):
    kind = "costs"
    model = CostEntry
    TARGETS = {"month", "function", "category", "amount", "currency", "segment", "note"}
    REQUIRED = {"month", "function", "amount"}
    # The version is left to its column's database default (1, a new record).
    INSERT_COLUMNS = [f.column for f in CostEntry._meta.concrete_fields if f.name != "version"]
    _ATTNAMES = [f.attname for f in CostEntry._meta.concrete_fields if f.name != "version"]

    def __init__(self, ctx, mapping, index):
        super().__init__(ctx, mapping, index)
        # Oldest first: when several entries were typed in for the same month, function,
        # category and segment, the import keeps updating the first one.
        for pk, month, function, category, segment_id in CostEntry.objects.order_by("pk").values_list(
            "pk", "month", "function", "category", "segment_id"
        ):
            self.keys.setdefault(self._key(month, function, category, segment_id), pk)
        self.calendar = company_settings().fiscal_calendar
        self.functions = choice_lookup(CostFunction)
        self.categories = choice_lookup(CostCategory)
        self.create_segments = bool(self.options.get("create_missing_segments", False))
        self.entered_by = self.ctx.actor.pk if getattr(self.ctx.actor, "pk", None) else None
        self.l_key = _("month, function, category and segment")

    @staticmethod
    def _key(month: datetime.date, function: str, category: str, segment_id: int | None) -> str:
        return f"{month.isoformat()}|{function}|{category}|{segment_id or ''}"

    def process(self, number: int, cells: list) -> None:
        errors: list = []
        month = self._month(cells, errors)
        function = self._choice(cells, "function", self.functions, errors)
        category = self._choice(cells, "category", self.categories, errors) or CostCategory.OTHER
        amount = self.parse(parsing.decimal, cells, "amount", errors)
        self.check_amount(amount, errors)
        currency = (self.cell(cells, "currency") or self.ctx.base_currency).upper()
        if currency not in CURRENCIES:
            errors.append(("currency", _("Unknown currency %(code)s.") % {"code": currency}))
        else:
            try:
                self.ctx.rate(currency)  # cached per run; its message is the service's, translated
            except ValueError as error:
                errors.append(("currency", str(error)))
        segment_name = self.cell(cells, "segment")
        segment_id = self.ctx.segment(segment_name, create=False)
        if segment_name and segment_id is None and not self.create_segments:
            errors.append(("segment", _("No segment named “%(name)s”.") % {"name": segment_name}))
        if category == CostCategory.MARKET_ENTRY and not segment_name:
            errors.append(("segment", str(MARKET_ENTRY_NEEDS_SEGMENT)))
        if function and is_campaign_spend(function, category):
            errors.append(("category", str(CAMPAIGN_SPEND_BELONGS_ON_CAMPAIGN)))
        note = self.clean("note", self.cell(cells, "note"), errors)
        if errors:
            return self.reject(number, errors)

        if segment_name and segment_id is None:
            segment_id = self.ctx.segment(segment_name)  # create_missing_segments
        key = self._key(month, function, category, segment_id)
        pk, label, target = self.match([(key, self.l_key, "month")])
        if pk is not None and self.duplicate_in_file(number, pk, label, target):
            return
        amount = quantize(amount)
        values = {
            "amount": amount,
            "currency": currency,
            # The service's own conversion (one rate lookup per row: cost files are small).
            "amount_base": to_base_currency(amount, currency, base=self.ctx.base_currency),
            "note": note,
        }
        if pk is not None:
            self.report.duplicates += 1
            self.update(
                pk, values, number, _("Matches cost entry #%(id)s by %(what)s") % {"id": pk, "what": label}
            )
            return
        pk = self.ctx.new_id(CostEntry)
        self.seen_at_row[pk] = number
        self.keys[key] = pk
        row = {
            **values,
            "id": pk,
            "month": month,
            "function": function,
            "category": category,
            "segment_id": segment_id,
            "entered_by_id": self.entered_by,
            "created_at": self.ctx.now_db,  # adapted once for the database (see Context)
        }
        self.insert(tuple(row[name] for name in self._ATTNAMES))

    def _month(self, cells: list, errors: list) -> datetime.date | None:
        """The first day of the fiscal month, as the service stores it.

        ``2026-03`` is a month of the company's fiscal calendar (``1405-01`` when it is
        Jalali), read exactly as the service reads it; a full date (ISO, Jalali
        ``1405/01/15``, an Excel date cell) stands for the fiscal month containing it.
        """
        raw = self.raw(cells, "month")
        if raw in ("", None):
            errors.append(("month", _("This field is required.")))
            return None
        key = _MONTH_KEY.fullmatch(to_ascii_digits(raw.strip())) if isinstance(raw, str) else None
        if key:
            try:
                return parse_period(f"{key[1]}-{int(key[2]):02d}", self.calendar).start
            except ValueError as error:
                errors.append(("month", str(error)))
                return None
        try:
            day = parsing.date(raw)
        except ValueError:
            errors.append(
                (
                    "month",
                    _("“%(value)s” is not a month (use YYYY-MM, or any date in the month).")
                    % {"value": parsing.text(raw)},
                )
            )
            return None
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            errors.append(
                (
                    "month",
                    _("Date must be between %(start)s and %(end)s.")
                    % {"start": EARLIEST_DATE, "end": LATEST_DATE},
                )
            )
            return None
        return bucket(day, self.calendar)

    def _choice(self, cells: list, target: str, lookup: dict[str, str], errors: list) -> str:
        text = self.cell(cells, target)
        if not text:
            if target in self.REQUIRED:
                errors.append((target, _("This field is required.")))
            return ""
        value = lookup.get(text.casefold())
        if value is None:
            known = ", ".join(dict.fromkeys(lookup.values()))
            errors.append(
                (
                    target,
                    _("Unknown %(field)s “%(value)s” (known: %(known)s); add it to the mapping's values.")
                    % {"field": self._field_label(target), "value": text, "known": known},
                )
            )
            return ""
        return value

    def _field_label(self, target: str) -> str:
        return str(CostEntry._meta.get_field(target).verbose_name)

    def finish(self) -> None:
        self.flush()
