from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.collaboration.models import (
    ActionStatus,
    AssignmentKind,
    Cadence,
    CollateralKind,
    DealOutcome,
    EventKind,
    MeetingStatus,
    ParticipationKind,
    PlanItemKind,
    PlanStatus,
    ThemeStatus,
)
from hamsu.core.dates import parse_date, to_ascii_digits
from hamsu.core.form_versions import VersionedForm
from hamsu.core.forms import LocalDateField, RecordChoiceField
from hamsu.crm.models import Account, Opportunity, Product, Segment
from hamsu.crm.stages import Stage
from hamsu.directory.models import Function, Person, Team


def _people():
    return Person.objects.filter(is_active=True).order_by("full_name")


class LocalDateTimeField(forms.CharField):
    """``YYYY-MM-DD HH:MM`` in either calendar and any digits, read in the current time zone."""

    widget = forms.TextInput(attrs={"placeholder": gettext_lazy("YYYY-MM-DD HH:MM"), "inputmode": "numeric"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        text = to_ascii_digits(value).replace("T", " ").strip()
        date_part, _sep, time_part = text.partition(" ")
        try:
            day = parse_date(date_part)
            hour, minute = (int(x) for x in (time_part or "09:00").split(":")[:2])
            moment = datetime.datetime.combine(day, datetime.time(hour, minute))
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(_("Enter a date and time as YYYY-MM-DD HH:MM.")) from error
        return timezone.make_aware(moment)


class PeopleField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Person.objects.none(), **kwargs)

    def _set_queryset(self):
        self.queryset = _people()


def _init_people(form: forms.Form) -> None:
    for field in form.fields.values():
        if (
            isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField)
            and field.queryset.model is Person
        ):
            field.queryset = _people()


class KeyAccountFilterForm(forms.Form):
    """The key-account table's one filter: a segment, or every segment."""

    segment = forms.ModelChoiceField(
        queryset=Segment.objects.order_by("name"),
        required=False,
        label=gettext_lazy("Segment"),
        empty_label=gettext_lazy("All segments"),
    )


class PeopleForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _init_people(self)


class LiaisonForm(PeopleForm):
    liaison = forms.ModelChoiceField(label=gettext_lazy("liaison"), queryset=Person.objects.none())
    team = forms.ModelChoiceField(
        label=gettext_lazy("sales team"), queryset=Team.objects.filter(function=Function.SALES)
    )
    starts_on = LocalDateField(label=gettext_lazy("starts on"), required=False)
    ends_on = LocalDateField(label=gettext_lazy("ends on"), required=False)
    note = forms.CharField(label=gettext_lazy("note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = _people().filter(function__in=Function.marketing())


class MeetingForm(PeopleForm):
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    starts_at = LocalDateTimeField(label=gettext_lazy("starts"))
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("duration (minutes)"), initial=60, min_value=15, max_value=480
    )
    location = forms.CharField(label=gettext_lazy("location"), max_length=200, required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("attendees"), queryset=Person.objects.none(), required=False
    )


class SeriesForm(PeopleForm):
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    cadence = forms.ChoiceField(label=gettext_lazy("cadence"), choices=Cadence.choices)
    first_at = LocalDateTimeField(label=gettext_lazy("first meeting"))
    team = forms.ModelChoiceField(
        label=gettext_lazy("sales team"),
        queryset=Team.objects.filter(function=Function.SALES),
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("duration (minutes)"), initial=60, min_value=15, max_value=480
    )
    location = forms.CharField(label=gettext_lazy("location"), max_length=200, required=False)
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("members"), queryset=Person.objects.none(), required=False
    )
    occurrences = forms.IntegerField(
        label=gettext_lazy("meetings to schedule"), initial=4, min_value=1, max_value=24
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("status"), choices=MeetingStatus.choices)


class DecisionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("decision"), max_length=500)


class ActionItemForm(PeopleForm):
    title = forms.CharField(label=gettext_lazy("action"), max_length=300)
    owner = forms.ModelChoiceField(label=gettext_lazy("owner"), queryset=Person.objects.none())
    due_on = LocalDateField(label=gettext_lazy("due"))


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("status"), choices=ActionStatus.choices)


class FeedbackForm(forms.Form):
    """The one-minute form: every field optional but at least one must say something."""

    opportunity = RecordChoiceField(
        queryset=Opportunity.objects.all(), required=False, label=gettext_lazy("opportunity")
    )
    account = RecordChoiceField(queryset=Account.objects.all(), required=False, label=gettext_lazy("account"))
    customer_need = forms.CharField(
        label=gettext_lazy("What did the customer need?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    competitor = forms.CharField(label=gettext_lazy("Competitor met"), max_length=120, required=False)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Deal outcome"), choices=DealOutcome.choices, initial=DealOutcome.OPEN
    )
    outcome_reason = forms.CharField(label=gettext_lazy("Why won or lost?"), max_length=300, required=False)
    product_gap = forms.CharField(
        label=gettext_lazy("Product gap"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    winning_message = forms.CharField(
        label=gettext_lazy("Message that worked"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    lead_quality_complaint = forms.BooleanField(
        label=gettext_lazy("The lead was not ready for sales"), required=False
    )
    log_call_report = forms.BooleanField(label=gettext_lazy("Also log this as a call report"), required=False)


class DigestForm(forms.Form):
    period_start = LocalDateField(label=gettext_lazy("from"))
    period_end = LocalDateField(label=gettext_lazy("to"))
    n_themes = forms.IntegerField(
        label=gettext_lazy("themes (empty: automatic)"), min_value=2, max_value=30, required=False
    )


class ThemeActForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("status"), choices=[c for c in ThemeStatus.choices if c[0] != ThemeStatus.NEW]
    )
    action_taken = forms.CharField(
        label=gettext_lazy("what marketing did"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanForm(PeopleForm):
    account = RecordChoiceField(queryset=Account.objects.all(), label=gettext_lazy("account"))
    sales_owner = forms.ModelChoiceField(label=gettext_lazy("sales owner"), queryset=Person.objects.none())
    marketing_owner = forms.ModelChoiceField(
        label=gettext_lazy("marketing owner"), queryset=Person.objects.none(), required=False
    )
    objectives = forms.CharField(
        label=gettext_lazy("objectives"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("status"), choices=PlanStatus.choices, initial=PlanStatus.ACTIVE
    )


class PlanEditForm(VersionedForm, PlanForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["account"]


class PlanItemForm(PeopleForm):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=PlanItemKind.choices)
    title = forms.CharField(label=gettext_lazy("title"), max_length=300)
    owner = forms.ModelChoiceField(
        label=gettext_lazy("owner"), queryset=Person.objects.none(), required=False
    )
    due_on = LocalDateField(label=gettext_lazy("due"), required=False)


class StakeholderForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=160)
    title = forms.CharField(label=gettext_lazy("role at the customer"), max_length=160, required=False)
    stance = forms.CharField(label=gettext_lazy("stance"), max_length=80, required=False)


class ParticipationForm(PeopleForm):
    person = forms.ModelChoiceField(label=gettext_lazy("marketer"), queryset=Person.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ParticipationKind.choices)
    occurred_on = LocalDateField(label=gettext_lazy("on"), required=False)
    note = forms.CharField(label=gettext_lazy("note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people().filter(function__in=Function.marketing())


class CollateralForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=CollateralKind.choices)
    description = forms.CharField(
        label=gettext_lazy("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    url = forms.URLField(label=gettext_lazy("link"), max_length=500, required=False, assume_scheme="https")
    stages = forms.MultipleChoiceField(
        label=gettext_lazy("funnel stages"), choices=Stage.choices, required=False
    )
    segments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("segments"), queryset=Segment.objects.all(), required=False
    )
    products = forms.ModelMultipleChoiceField(
        label=gettext_lazy("products"), queryset=Product.objects.all(), required=False
    )
    language = forms.ChoiceField(label=gettext_lazy("language"), choices=[("en", "English"), ("fa", "فارسی")])


class AttachForm(forms.Form):
    opportunity = RecordChoiceField(queryset=Opportunity.objects.all(), label=gettext_lazy("opportunity"))


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=gettext_lazy("rating"), choices=[(i, "★" * i) for i in range(1, 6)], coerce=int
    )
    comment = forms.CharField(label=gettext_lazy("comment"), max_length=300, required=False)


class EventForm(PeopleForm):
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=EventKind.choices)
    starts_at = LocalDateTimeField(label=gettext_lazy("starts"))
    ends_at = LocalDateTimeField(label=gettext_lazy("ends"))
    location = forms.CharField(label=gettext_lazy("location"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    participants = forms.ModelMultipleChoiceField(
        label=gettext_lazy("participants"), queryset=Person.objects.none()
    )


class AssignmentForm(PeopleForm):
    person = forms.ModelChoiceField(label=gettext_lazy("person"), queryset=Person.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=AssignmentKind.choices)
    host_team = forms.ModelChoiceField(
        label=gettext_lazy("host team"), queryset=Team.objects.all(), required=False
    )
    description = forms.CharField(label=gettext_lazy("what"), max_length=300)
    starts_on = LocalDateField(label=gettext_lazy("starts on"))
    ends_on = LocalDateField(label=gettext_lazy("ends on"), required=False)
