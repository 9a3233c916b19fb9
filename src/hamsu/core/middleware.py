"""Every form a page posts passes ``hamsu.core.validation``'s text rule before a view sees
it: control characters other than tab and line breaks are removed from each field.

One place for every form of every app (the API has its parser, imports their reader). A
NUL is left where it is: Django's form fields refuse it with a field error, and the
services' ``full_clean`` does for anything a form does not check."""

from __future__ import annotations

from hamsu.core.validation import CONTROL_CHARACTERS

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class FormTextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and not request.path.startswith("/api/")
        ):
            posted = request.POST
            if any(CONTROL_CHARACTERS.search(value) for value in _values(posted)):
                cleaned = posted.copy()
                for key in cleaned:
                    cleaned.setlist(
                        key, [CONTROL_CHARACTERS.sub("", value) for value in cleaned.getlist(key)]
                    )
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)


def _values(posted):
    for key in posted:
        yield from posted.getlist(key)
