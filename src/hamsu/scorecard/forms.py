"""Forms of the scorecard pages; they only parse input — services decide and validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hamsu.core.forms import LocalDecimalField
from hamsu.core.money import CURRENCY_CHOICES
from hamsu.crm.models import Product, Segment
from hamsu.directory.models import Person, Team
from hamsu.scorecard.models import CostCategory, CostFunction, TargetScope
from hamsu.scorecard.plans import NUMBER_KEYS, RATE_KEYS

PERIOD_HELP = _("YYYY, YYYY-Qn or YYYY-MM in the company's fiscal calendar.")


def _period_field(**kwargs):
    return forms.CharField(label=_("Period"), max_length=8, help_text=PERIOD_HELP, **kwargs)


class TargetForm(forms.Form):
    period = _period_field()
    scope = forms.ChoiceField(label=_("Scope"), choices=TargetScope.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False)
    segment = forms.ModelChoiceField(
        label=_("Segment"), queryset=Segment.objects.order_by("name"), required=False
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("name"), required=False
    )
    person = forms.ModelChoiceField(
        label=_("Seller"),
        queryset=Person.objects.filter(is_active=True).order_by("full_name"),
        required=False,
    )
    amount = LocalDecimalField(
        label=_("Amount (base currency)"), min_value=0, max_digits=16, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CostForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), max_length=7, help_text=_("YYYY-MM in the company's fiscal calendar.")
    )
    function = forms.ChoiceField(label=_("Function"), choices=CostFunction.choices)
    category = forms.ChoiceField(label=_("Category"), choices=CostCategory.choices)
    amount = LocalDecimalField(label=_("Amount"), min_value=0, max_digits=16, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="USD")
    segment = forms.ModelChoiceField(
        label=_("Segment (new-segment entry costs)"),
        queryset=Segment.objects.order_by("name"),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


ADJUST_LABELS = {
    "inquiry_to_mql": _("Inquiry → MQL rate"),
    "mql_to_sal": _("MQL → SAL rate"),
    "sal_to_sql": _("SAL → SQL rate"),
    "sql_to_opportunity": _("SQL → opportunity rate"),
    "win_rate": _("Win rate"),
    "avg_deal_size": _("Average deal size"),
    "sales_cycle_days": _("Sales cycle (days)"),
    "days_in_inquiry": _("Days as inquiry"),
    "days_in_mql": _("Days as MQL"),
    "days_in_sal": _("Days as SAL"),
    "days_in_sql": _("Days as SQL"),
}


class PlanForm(forms.Form):
    """The plan's target and any adjusted rates (empty keeps the measured value)."""

    target_amount = LocalDecimalField(
        label=_("Revenue target"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("Empty: the company's number for the period."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, with_period: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_period:
            self.fields = {"period": _period_field(), **self.fields}
        for key in (*RATE_KEYS, *NUMBER_KEYS):
            self.fields[key] = LocalDecimalField(
                label=ADJUST_LABELS[key], required=False, max_digits=16, decimal_places=4
            )

    def adjustments(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in (*RATE_KEYS, *NUMBER_KEYS)
            if self.cleaned_data.get(k) is not None
        }


class CallForm(forms.Form):
    period = _period_field()
    commit = LocalDecimalField(label=_("Commit"), min_value=0, max_digits=16, decimal_places=2)
    best_case = LocalDecimalField(label=_("Best case"), min_value=0, max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class OverrideForm(forms.Form):
    commit = LocalDecimalField(
        label=_("Manager's commit"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    best_case = LocalDecimalField(
        label=_("Manager's best case"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
