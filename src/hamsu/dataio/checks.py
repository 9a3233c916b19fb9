"""Field checks for the import's hot loop: the model field's own validation, with a fast
path for values that plainly pass.

``field.clean`` (what ``full_clean`` runs) costs ~10 µs a call through Django's
validator and translation machinery; at a million rows and six fields that is a minute.
The fast path accepts a value only when it passes the very checks those validators make
(length ≤ max_length, not blank unless allowed, no NUL character, and for e-mail a
pattern that is a strict subset of Django's EmailValidator). Anything else goes to
``field.clean`` itself, so every rejection — and its message — is Django's own.

``column`` makes the same decision for a whole column of a chunk at once: the length,
blank and NUL checks are one C-level pass over the column (``max(map(len, …))``,
``"" in …``, ``"\x00" in "".join(…)``), and only the values a pass flags — normally none —
are looked at one by one.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models

from hamsu.core.validation import LINE_BREAKS, clean_text, single_line

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
        # Hamsu's own validators (country code, host name) say cheaply which values they
        # accept (``accepts``, a set look-up or one regex); those stay on the fast path.
        self.accepts = [v.accepts for v in extra if hasattr(v, "accepts")]
        extra = [v for v in extra if not hasattr(v, "accepts")]
        # The fast path is only sound when nothing else would be checked.
        self.fast = isinstance(field, models.CharField) and not field.choices and not extra
        # A CharField is one line (``hamsu.core.validation.single_line``, as full_clean does).
        self.single_line = isinstance(field, models.CharField) and not isinstance(field, models.TextField)

    def one_line(self, values: list[str]) -> list[str]:
        """The column with line breaks and tabs of a single-line field made spaces."""
        if self.single_line and LINE_BREAKS.search("".join(values)):
            return [single_line(value) for value in values]
        return values

    def __call__(self, value: str) -> tuple[str, str | None]:
        if self.single_line and isinstance(value, str):
            value = single_line(value)
        if (
            self.fast
            and isinstance(value, str)
            and (self.max_length is None or len(value) <= self.max_length)
            and all(accepts(value) for accepts in self.accepts)
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
            return self._clean(value), None
        except ValidationError as error:
            return value, _message(error)

    def _clean(self, value):
        """``field.clean``, after the rule every text write follows: a model field does
        not refuse NUL itself (a form field does), so ``clean_text`` does."""
        if isinstance(value, str) and "\x00" in value:
            clean_text(value)
        return self.field.clean(value, None)

    def column(self, values: list[str]) -> dict[int, str]:
        """position → Django's message, for the values of a column (all ``str``) that fail."""
        if not self.fast:
            found = {}
            for position, value in enumerate(values):
                _value, error = self(value)
                if error:
                    found[position] = error
            return found
        suspects: set[int] = set()
        limit = self.max_length
        if limit is not None and values and max(map(len, values)) > limit:
            suspects.update(i for i, value in enumerate(values) if len(value) > limit)
        if not self.blank and "" in values:
            suspects.update(i for i, value in enumerate(values) if not value)
        for accepts in self.accepts:
            suspects.update(i for i, value in enumerate(values) if not accepts(value))
        if self.email:
            matches = list(map(_SIMPLE_EMAIL.fullmatch, values))
            # The pattern never matches "": as many misses as empty cells means none failed.
            if matches.count(None) > values.count(""):
                suspects.update(
                    i for i, (value, m) in enumerate(zip(values, matches, strict=True)) if value and m is None
                )
        elif "\x00" in "".join(values):
            suspects.update(i for i, value in enumerate(values) if "\x00" in value)
        found = {}
        for position in sorted(suspects):
            try:
                self._clean(values[position])
            except ValidationError as error:
                found[position] = _message(error)
        return found


def _message(error: ValidationError) -> str:
    """The messages, with every traceback in the error dropped.

    A ValidationError lists itself in its own ``error_list`` (and field.clean wraps the
    validators' errors, each listing itself too), so it lives until the cycle collector
    runs; through a traceback's frames it would keep the caller's whole chunk — every
    row, every cell — alive with it, and the collector would walk it again and again.
    """
    drop_tracebacks(error)
    return "; ".join(error.messages)


def drop_tracebacks(error: BaseException) -> None:
    pending, done = [error], set()
    while pending:
        current = pending.pop()
        if id(current) in done:
            continue
        done.add(id(current))
        current.__traceback__ = None
        pending.extend(
            e
            for e in (current.__context__, current.__cause__, *getattr(current, "error_list", ()))
            if isinstance(e, BaseException)
        )
