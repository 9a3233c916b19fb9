"""Edit forms that carry the version they loaded, and the page after a refused save.

A form mixes in :class:`VersionedForm` (a hidden ``version``). The view passes
``form.cleaned_data["version"]`` to the service as ``expected_version`` and the data from
:meth:`VersionedForm.changes`. When the service refuses (``StaleVersion``), the view
renders :func:`after_conflict`'s form: the record as it is now with the user's own edits
on top (fields only the other person changed show their value), the new version in the
hidden field, and for each field both changed a "keep yours / keep theirs" choice
(``core/_conflict.html``). Saving that form writes only with the new version.
"""

from __future__ import annotations

from typing import Any

from django import forms

from hamsu.core.versioning import StaleVersion

KEEP_PREFIX = "keep__"


class VersionedForm(forms.Form):
    """Mix into an edit form (before ``forms.Form``/``forms.ModelForm``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def changes(self) -> dict[str, Any]:
        """The cleaned values to write, without the version and without every field whose
        conflict the user settled as "keep theirs" (not writing it keeps theirs)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and self.data.get(KEEP_PREFIX + name) != "theirs"
        }


def after_conflict(
    form_class, stale: StaleVersion, data: dict[str, Any], *, initial: dict[str, Any], **form_kwargs
):
    """The form to show after ``stale``: ``initial`` is the record as it is now."""
    merged = dict(initial)
    for name, value in data.items():
        if name not in stale.kept_theirs:
            merged[name] = value
    merged["version"] = stale.current
    return form_class(initial=merged, **form_kwargs)


def redrawn(form, stale: StaleVersion, *, initial: dict[str, Any], **form_kwargs):
    """The form to show after ``stale``, from the refused, bound ``form`` itself: ``initial``
    is the record as it is now (in the form's own terms, e.g. ``Form.initial_for(record)``);
    each field keeps what the user submitted unless it is one the user left alone and the
    other person changed (then theirs shows). Unlike :func:`after_conflict` it redraws the
    user's typed text, so fields whose cleaned value is no widget value (a JSON text, a list
    typed as "IR, AE") come back as typed."""
    merged = dict(initial)
    for name in form.fields:
        if name != "version" and name not in stale.kept_theirs:
            value = form[name].value()
            merged[name] = None if value == "" else value  # an empty choice is "none", not a key
    merged["version"] = stale.current
    return type(form)(initial=merged, **form_kwargs)


def conflict_context(stale: StaleVersion) -> dict[str, Any]:
    return {"conflict": stale, "keep_prefix": KEEP_PREFIX}
