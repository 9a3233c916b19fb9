from django import forms
from django.utils.translation import gettext_lazy as _

from hamsu.core import roles
from hamsu.core.form_versions import VersionedForm
from hamsu.core.models import CompanySettings


class CompanySettingsForm(VersionedForm, forms.ModelForm):
    two_factor_roles = forms.MultipleChoiceField(
        label=_("roles that must use two-factor login"),
        choices=list(roles.ROLE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("People in these roles must set up an authenticator app before they can use Hamsu."),
    )

    class Meta:
        model = CompanySettings
        fields = [
            "name",
            "base_currency",
            "visibility",
            "fiscal_calendar",
            "big_deal_threshold",
            "influence_lookback_days",
            "two_factor_roles",
        ]
