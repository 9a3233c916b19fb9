"""The project's form renderer (``FORM_RENDERER``): every form field of every app is bound
through ``LengthCheckedBoundField``.

Django gives a text box of a ``max_length`` field the HTML ``maxlength`` attribute, and a
browser then cuts pasted or typed text at that length without a word (a 10,000-character
deal name was saved as its first 200). Left out, the server's own ``max_length`` check
answers instead, on the field: "Ensure this value has at most 200 characters (it has
10000)." The limit stays in ``data-maxlength`` for scripts that count as one types.
"""

from __future__ import annotations

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class LengthCheckedBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        limit = attrs.get("maxlength", widget.attrs.get("maxlength"))
        if limit is not None and limit is not False:
            attrs["data-maxlength"] = limit
            attrs["maxlength"] = False  # an attribute set to False is left out of the tag
        return attrs


class FormRenderer(DjangoTemplates):
    bound_field_class = LengthCheckedBoundField
