from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.form_versions import VersionedForm
from hamsu.core.forms import LocalDateField, LocalDecimalField, RecordChoiceField
from hamsu.core.money import CURRENCY_CHOICES
from hamsu.crm.models import Account, ActivityKind, ActivityOutcome, Contact, Opportunity, Source
from hamsu.crm.stages import Stage
from hamsu.directory.models import Person


def _people():
    return Person.objects.filter(is_active=True).order_by("full_name")


class AccountForm(VersionedForm, forms.ModelForm):
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label=_("owner"))

    class Meta:
        model = Account
        fields = ["name", "domain", "segment", "industry", "employees", "annual_revenue", "country", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class ContactForm(VersionedForm, forms.ModelForm):
    account = RecordChoiceField(queryset=Account.objects.all(), required=False, label=_("account"))
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label=_("owner"))

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone", "title", "country", "account", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class OpportunityForm(VersionedForm):
    name = forms.CharField(label=_("name"), max_length=200)
    account = RecordChoiceField(queryset=Account.objects.all(), label=_("account"))
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("owner"))
    amount = LocalDecimalField(label=_("amount"), max_digits=14, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(label=_("currency"), choices=CURRENCY_CHOICES)
    product = forms.ModelChoiceField(queryset=None, required=False, label=_("product"))
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, initial=1)
    source = forms.ChoiceField(label=_("source"), choices=Source.choices)
    expected_close = LocalDateField(label=_("expected close"))

    def __init__(self, *args, **kwargs):
        from hamsu.crm.models import Product

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        self.fields["product"].queryset = Product.objects.filter(is_active=True)

    @classmethod
    def initial_from(cls, opportunity: Opportunity) -> dict:
        return {name: getattr(opportunity, name) for name in cls.base_fields}


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices)
    # The stage the deal was in on the page or board card the move was made from.
    from_stage = forms.ChoiceField(choices=Stage.choices, required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("why"), max_length=300, required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("subject"), max_length=200)
    body = forms.CharField(label=_("details"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    outcome = forms.ChoiceField(label=_("outcome"), choices=ActivityOutcome.choices, required=False)


class TaskForm(forms.Form):
    """Plan a task or a deal's next step: what, and when (a date in either calendar, a time)."""

    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices, initial=ActivityKind.CALL)
    subject = forms.CharField(label=_("what"), max_length=200)
    due_date = LocalDateField(label=_("due date"))
    due_time = forms.TimeField(
        label=_("time"),
        required=False,
        initial="09:00",
        widget=forms.TextInput(attrs={"placeholder": "09:00", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("due_date")
        if day is not None:
            cleaned["due_at"] = at_local_time(day, cleaned.get("due_time"))
        return cleaned


class TaskDoneForm(forms.Form):
    """Mark a task done: how it went and, optionally, the next step in the same go."""

    outcome = forms.ChoiceField(label=_("outcome"), choices=ActivityOutcome.choices, required=False)
    note = forms.CharField(label=_("note"), max_length=2000, required=False)
    next_subject = forms.CharField(label=_("next step"), max_length=200, required=False)
    next_date = LocalDateField(label=_("next step due"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("next_date")
        cleaned["next_due_at"] = at_local_time(day, None) if day is not None else None
        return cleaned


SNOOZE_CHOICES = (("hour", _("1 hour")), ("tomorrow", _("tomorrow morning")), ("week", _("next week")))


class TaskSnoozeForm(forms.Form):
    until = forms.ChoiceField(label=_("put off to"), choices=SNOOZE_CHOICES)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def at_local_time(day, time) -> datetime.datetime:
    """A date and an optional time (09:00 when none) in the company's time zone."""
    moment = datetime.datetime.combine(day, time or datetime.time(9, 0))
    return timezone.make_aware(moment, timezone.get_current_timezone())


def snooze_until(choice: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment a snooze choice means, in the company's time zone."""
    local = timezone.localtime(now or timezone.now())
    if choice == "hour":
        return local + datetime.timedelta(hours=1)
    days = 1 if choice == "tomorrow" else 7
    return at_local_time(local.date() + datetime.timedelta(days=days), None)
