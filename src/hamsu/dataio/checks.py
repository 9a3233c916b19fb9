"""Field checks for the import's hot loop: the model field's own validation, with a fast
path for values that plainly pass.

``field.clean`` (what ``full_clean`` runs) costs ~10 µs a call through Django's
validator and translation machinery; at a million rows and six fields that is a minute.
The fast path accepts a value only when it passes the very checks those validators make
(length ≤ max_length, not blank unless allowed, no NUL character, and for e-mail a
pattern that is a strict subset of Django's EmailValidator). Anything else goes to
``field.clean`` itself, so every rejection — and its message — is Django's own.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models

# Dot-atom local part and LDH domain labels with an alphabetic TLD: every address this
# matches, Django's EmailValidator accepts (it also accepts more, e.g. IP literals and
# IDNs, which take the slow path).
_SIMPLE_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_PLAIN_VALIDATORS = (MaxLengthValidator, ProhibitNullCharactersValidator)


class FieldCheck:
    def __init__(self, field: models.Field):
        self.field = field
        self.max_length = field.max_length
        self.blank = field.blank
        self.email = isinstance(field, models.EmailField)
        extra = [
            v
            for v in field.validators
            if not isinstance(v, _PLAIN_VALIDATORS) and not (self.email and isinstance(v, EmailValidator))
        ]
        # The fast path is only sound when nothing else would be checked.
        self.fast = isinstance(field, models.CharField) and not field.choices and not extra

    def __call__(self, value: str) -> tuple[str, str | None]:
        if (
            self.fast
            and isinstance(value, str)
            and (self.max_length is None or len(value) <= self.max_length)
        ):
            if not value:
                if self.blank:
                    return value, None
            elif self.email:
                if _SIMPLE_EMAIL.fullmatch(value):
                    return value, None
            elif "\x00" not in value:
                return value, None
        try:
            return self.field.clean(value, None), None
        except ValidationError as error:
            return value, "; ".join(error.messages)
