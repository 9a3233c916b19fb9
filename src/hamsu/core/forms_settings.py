from django import forms

from hamsu.core.models import CompanySettings


class CompanySettingsForm(forms.ModelForm):
    class Meta:
        model = CompanySettings
        fields = [
            "name",
            "base_currency",
            "visibility",
            "fiscal_calendar",
            "big_deal_threshold",
            "influence_lookback_days",
        ]
