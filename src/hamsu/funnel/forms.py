from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from hamsu.directory.models import Function, Person
from hamsu.funnel.models import DefinitionKind, ReturnReason


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=ReturnReason.choices)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("why"), max_length=300, required=False)


class AssignForm(forms.Form):
    person = forms.ModelChoiceField(label=_("seller"), queryset=Person.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            is_active=True, function=Function.SALES
        ).order_by("full_name")


class DefinitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DefinitionKind.choices)
    rules = forms.CharField(
        label=_("rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "ltr", "class": "font-monospace"}),
        help_text=_(
            'e.g. {"all": [{"field": "country", "op": "in", "value": ["IR"]}, {"field": "score", "op": "gte", "value": 50}]}'
        ),
    )
    summary = forms.CharField(label=_("summary"), max_length=300, required=False)

    def clean_rules(self):
        try:
            return json.loads(self.cleaned_data["rules"])
        except ValueError as error:
            raise forms.ValidationError(_("This is not valid JSON: %(error)s") % {"error": error}) from error


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    comment = forms.CharField(label=_("comment"), max_length=300, required=False)


class FunnelEditForm(forms.Form):
    stages = forms.CharField(
        label=_("stages (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "dir": "ltr", "class": "font-monospace small"}),
    )
    note = forms.CharField(label=_("what changed"), max_length=300, required=False)

    def clean_stages(self):
        try:
            return json.loads(self.cleaned_data["stages"])
        except ValueError as error:
            raise forms.ValidationError(_("This is not valid JSON: %(error)s") % {"error": error}) from error


class CaptureFormForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    allowed_origins = forms.CharField(
        label=_("allowed origins"), required=False, help_text=_("One per line, e.g. https://www.example.com")
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("rate limit per minute"), min_value=1, max_value=1_000_000, initial=600
    )

    def clean_allowed_origins(self):
        return [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines() if line.strip()]
