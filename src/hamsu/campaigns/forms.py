"""HTML forms: they parse and show errors; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hamsu.campaigns.models import CampaignStatus, CampaignType, Channel
from hamsu.core.form_versions import VersionedForm
from hamsu.core.forms import LocalDateField, LocalDecimalField
from hamsu.core.money import CURRENCY_CHOICES
from hamsu.crm.models import Product, Segment
from hamsu.directory.models import Person


class CampaignForm(VersionedForm, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    type = forms.ChoiceField(label=_("type"), choices=CampaignType.choices, initial=CampaignType.OTHER)
    status = forms.ChoiceField(
        label=_("status"), choices=CampaignStatus.choices, initial=CampaignStatus.PLANNED
    )
    segment = forms.ModelChoiceField(
        label=_("segment"), queryset=Segment.objects.order_by("name"), required=False
    )
    product = forms.ModelChoiceField(
        label=_("product"), queryset=Product.objects.order_by("name"), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("owner"), queryset=Person.objects.filter(is_active=True).order_by("full_name"), required=False
    )
    start_date = LocalDateField(label=_("start date"), required=False)
    end_date = LocalDateField(label=_("end date"), required=False)
    utm_source = forms.CharField(label=_("UTM source"), max_length=100, required=False)
    utm_medium = forms.CharField(label=_("UTM medium"), max_length=100, required=False)
    utm_campaign = forms.CharField(
        label=_("UTM campaign"),
        max_length=100,
        required=False,
        help_text=_("Touches whose landing page carries this utm_campaign are linked to this campaign."),
    )
    utm_content = forms.CharField(label=_("UTM content"), max_length=100, required=False)
    utm_term = forms.CharField(label=_("UTM term"), max_length=100, required=False)
    budget = LocalDecimalField(
        label=_("budget"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("currency"), choices=CURRENCY_CHOICES, initial="USD")
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CostLineForm(forms.Form):
    period_start = LocalDateField(label=_("period start"))
    period_end = LocalDateField(label=_("period end"))
    amount = LocalDecimalField(label=_("amount"), min_value=0, max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=_("currency"), choices=CURRENCY_CHOICES)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, comma-separated, with a header row."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it."))
        return upload
