"""Form helpers shared by every app's views."""

from __future__ import annotations

import re

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.core.dates import parse_date, to_ascii_digits
from hamsu.core.errors import DomainError


def apply_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Show a service's field errors on the form fields they belong to."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message if target else f"{field}: {message}")


def form_error_messages(form: forms.Form) -> list[str]:
    """A refused form's errors as sentences, each after its field's label, for a page
    that sends the user back elsewhere (a quick action, a panel on a record page) and so
    cannot show the errors under the fields. Never the field's code: users read labels."""
    out = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = capfirst(field.label) if field is not None and field.label else ""
        out.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return out


def form_error_text(form: forms.Form) -> str:
    """``form_error_messages`` as one message."""
    return "; ".join(form_error_messages(form))


class LocalDateField(forms.DateField):
    """A date typed in Gregorian or Jalali, with Latin, Persian or Arabic digits."""

    widget = forms.TextInput(attrs={"placeholder": gettext_lazy("YYYY-MM-DD"), "inputmode": "numeric"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        try:
            return parse_date(str(value))
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(
                _("Enter a valid date as YYYY-MM-DD (Gregorian or Jalali).")
            ) from error


class LocalDecimalField(forms.DecimalField):
    """Accepts Persian/Arabic digits and thousands separators."""

    def to_python(self, value):
        if isinstance(value, str):
            value = to_ascii_digits(value).replace(",", "").replace("٬", "").replace("٫", ".").strip()
        return super().to_python(value)


class RecordChoiceField(forms.CharField):
    """Pick a record by typing its name; the datalist option carries ``[#id]``."""

    pattern = re.compile(r"\[#(\d+)\]\s*$")

    def __init__(self, *, queryset, **kwargs):
        self.queryset = queryset
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if hasattr(value, "pk"):
            return f"{value} [#{value.pk}]"
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            record = self.queryset.filter(pk=int(value)).first()
            return f"{record} [#{record.pk}]" if record else value
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = self.pattern.search(value) or (re.fullmatch(r"\s*(\d+)\s*", value))
        record = self.queryset.filter(pk=int(match.group(1))).first() if match else None
        if record is None:
            record = (
                self.queryset.filter(name__iexact=value.strip()).first()
                if hasattr(self.queryset.model, "name")
                else None
            )
        if record is None:
            raise forms.ValidationError(_("Choose an existing record from the list."))
        return record
