"""Template filters for dates, money and numbers in the active language."""

from __future__ import annotations

from decimal import Decimal

from django import forms, template
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst

from hamsu.core import dates, numbers
from hamsu.core.company import company_currency

register = template.Library()


@register.filter
def ldate(value):
    """A date in the active language's calendar (Jalali for Persian)."""
    return dates.format_date(value)


@register.filter
def ldatetime(value):
    return dates.format_datetime(value)


@register.filter
def num(value, places: int = 0):
    """A grouped number, in Persian digits and separators when the page is Persian."""
    return numbers.format_number(value, places)


@register.filter
def money(value, currency: str = ""):
    """An amount with its currency: ``{{ deal.amount|money:deal.currency }}``.

    Without a currency the amount is in the company currency (a total, a converted
    amount, a target), and says so: no amount on a page is a bare number.
    """
    if value in (None, ""):
        return ""
    return numbers.format_money(value, str(currency or company_currency()))


@register.inclusion_tag("core/_conversion_note.html")
def conversion_note():
    """Once per page, beside its totals: the company currency they are in and the rates
    (with their dates) amounts in other currencies were converted at."""
    from hamsu.core.selectors import conversion

    now = conversion()
    rates = [
        {
            "one": numbers.format_money(1, rate.currency),
            # As many decimals as the rate was set with: 0.0000238 must not read as 0.00.
            "worth": numbers.format_money(rate.rate, now.base, places=_decimals(rate.rate)),
            "set_on": rate.set_on,
        }
        for rate in now.rates
    ]
    return {"base": numbers.currency_unit(now.base), "rates": rates, "set_on": now.set_on}


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@register.filter
def pct(value, places: int = 0):
    if value in (None, ""):
        return ""
    return f"{num(Decimal(value) * 100, places)}%"


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for sort/page links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag
def text_direction():
    return "rtl" if translation.get_language_bidi() else "ltr"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


# Widgets a person types into: in a compact row their label doubles as the placeholder.
_TYPED_INPUTS = {"text", "email", "number", "url", "search", "tel", "password"}


@register.filter
def bs(bound_field, layout: str = ""):
    """Render a form field with Bootstrap classes, marked invalid when it has errors.

    ``layout="inline"`` is for a field in a compact row that has no <label> of its own: the
    field's label names it for assistive technology (aria-label) and, in an empty text box,
    shows as the placeholder, so neither a screen reader nor a sighted person meets a
    nameless box.
    """
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type == "checkbox":
        css = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if layout == "inline":
        label = capfirst(bound_field.label)
        attrs["aria-label"] = label
        typed = input_type in _TYPED_INPUTS or isinstance(widget, forms.Textarea)
        if typed and "placeholder" not in widget.attrs:
            attrs["placeholder"] = label
    return bound_field.as_widget(attrs=attrs)


@register.inclusion_tag("core/_explain.html")
def explain(key: str):
    """The "How is this computed?" link from a figure to its glossary entry.

    A key nobody registered renders nothing (and is logged) rather than breaking the page;
    a test holds every key used in a template to a registered term.
    """
    from hamsu.core.glossary import find

    return {"term": find(key)}


@register.filter(is_safe=True)
def bdi(value):
    """Text a user typed (a name, a title, a note), isolated from the page's direction.

    In a Persian page an English name such as "Acme <Beta>" would otherwise be laid out
    right to left with its neighbours (the "<" jumps to the other end); ``<bdi>`` gives it
    its own direction, taken from its first strong letter, whatever script it is in.
    """
    if value in (None, ""):
        return ""
    return format_html("<bdi>{}</bdi>", value)
