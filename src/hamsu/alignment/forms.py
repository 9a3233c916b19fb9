from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hamsu.alignment.models import ActionItem, Assessment, Level, RespondentFunction
from hamsu.core import uploads
from hamsu.core.forms import LocalDateField
from hamsu.directory.models import Function, Person

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_LINKS = 200


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    closes_on = LocalDateField(
        label=_("Closes on"), help_text=_("Answers are accepted until the end of this day.")
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        initial=True,
        help_text=_("Keep only each respondent's function. This cannot be changed later."),
    )
    min_group_size = forms.IntegerField(
        label=_("Smallest group shown"),
        initial=3,
        min_value=2,
        max_value=50,
        help_text=_('Functions with fewer respondents are pooled into "other".'),
    )


class InviteForm(forms.Form):
    directory_functions = forms.MultipleChoiceField(
        label=_("Invite everyone in the directory from"),
        choices=Function.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    emails = forms.CharField(
        label=_("Or invite by e-mail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "name@example.com, sales, head"}),
        help_text=_(
            "One per line: e-mail, function (sales, marketing, service, leadership, other), optionally head or staff."
        ),
    )
    links = forms.IntegerField(
        label=_("Or create personal links"), required=False, min_value=0, max_value=MAX_LINKS, initial=0
    )
    links_function = forms.ChoiceField(
        label=_("Function for the links"), choices=RespondentFunction.choices, required=False
    )
    links_level = forms.ChoiceField(
        label=_("Level for the links"), choices=Level.choices, required=False, initial=Level.STAFF
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("Columns: respondent, function, s1 … s20 (ratings 1–5).")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from error
        try:
            uploads.check_csv_text(text)
        except uploads.TooLarge as error:
            raise forms.ValidationError(error.message) from None
        return text


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = [
            "company_size",
            "informal_relations_good",
            "marketing_role",
            "cycle_length",
            "complexity",
            "market",
            "pace",
        ]
        widgets = dict.fromkeys(
            ["company_size", "marketing_role", "cycle_length", "complexity", "market", "pace"],
            forms.RadioSelect,
        )


class AdoptForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.filter(is_active=True).order_by("full_name")
    )
    due_on = LocalDateField(label=_("Due"), required=False)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)
