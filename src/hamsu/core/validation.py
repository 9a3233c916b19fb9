"""Turn Django model validation into the domain error every entry point understands."""

from __future__ import annotations

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator, URLValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed

EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def full_clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    errors: dict[str, list[str]] = {}
    clean_instance_texts(instance, errors)  # NUL refused, control characters removed
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)


def check_date_range(field: str, value: datetime.date | None, errors: dict[str, list[str]]) -> None:
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        errors.setdefault(field, []).append(
            _("Date must be between %(start)s and %(end)s.") % {"start": EARLIEST_DATE, "end": LATEST_DATE}
        )


def max_length_of(model: type[models.Model], field: str) -> int:
    """A text column's limit, for the forms and API schemas that take it: they say no with
    the model's own number rather than a copy of it that could drift."""
    return model._meta.get_field(field).max_length


def check_length(
    field: str,
    value: str | None,
    errors: dict[str, list[str]],
    *,
    model: type[models.Model],
    column: str = "",
) -> None:
    """An over-long text is an error on ``field`` (never cut to fit without a word); the
    message is Django's own, so it reads the same as a form's and is translated."""
    try:
        MaxLengthValidator(max_length_of(model, column or field))(value or "")
    except ValidationError as error:
        errors.setdefault(field, []).extend(error.messages)


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)


# ---------------------------------------------------------------- text

# C0 control characters other than tab, line feed and carriage return: XML 1.0 cannot hold
# them (so neither can an XLSX cell — openpyxl refuses them) and no one types them on
# purpose; they arrive pasted from other systems. NUL is refused outright (PostgreSQL
# cannot store it; SQLite would, and every export would then choke on it).
# DEL and the C1 controls (U+007F–U+009F) are invisible leftovers of old encodings.
# The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
# reorder what a reader sees: "‮moc.elgoog" shows as a different name than the one stored
# and searched ("Trojan Source"). Persian and English mix correctly without them (the
# Unicode bidi algorithm orders each run by itself); the harmless marks LRM, RLM and ALM
# and the zero-width (non-)joiners that Persian spelling needs are kept.
# Decision (issue 15, defect 9): these are neutralised — removed on every write path — not
# refused: they cannot be seen or typed on purpose, so an error would name a character the
# user cannot find, and removing them is what the rule already did for C0 controls.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
CONTROL_CHARACTERS = re.compile(f"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
# In a single-line field (a model CharField) a line break or tab becomes one space: a name
# pasted from a multi-line cell stays one line on every page and in every export.
LINE_BREAKS = re.compile(r"[\t\r\n]+")
_NUL = ProhibitNullCharactersValidator()


def clean_text(value: str) -> str:
    """The text as stored: NUL rejected (Django's own message and code), other control
    characters removed. Every write path — services (``full_clean``), the API's parser,
    forms and imports — goes through this one rule."""
    if "\x00" in value:
        _NUL(value)
    return CONTROL_CHARACTERS.sub("", value) if CONTROL_CHARACTERS.search(value) else value


def single_line(value: str) -> str:
    """A single-line field's text: line breaks and tabs become one space."""
    return LINE_BREAKS.sub(" ", value) if LINE_BREAKS.search(value) else value


def printable_text(value: str) -> str:
    """For exports: what ``clean_text`` would have stored, never raising (NUL dropped)."""
    return CONTROL_CHARACTERS.sub("", value.replace("\x00", ""))


def clean_instance_texts(instance: models.Model, errors: dict[str, list[str]]) -> None:
    """Apply ``clean_text`` to every text field of ``instance`` (the value is cleaned in
    place; a NUL becomes a field error)."""
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        try:
            cleaned = clean_text(value)
        except ValidationError as error:
            errors.setdefault(field.name, []).extend(error.messages)
            continue
        if not isinstance(field, models.TextField):
            cleaned = single_line(cleaned)
        if cleaned is not value:
            setattr(instance, field.attname, cleaned)


# ---------------------------------------------------------------- countries and domains


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from django-countries (kept current with the standard)."""
    from django_countries import countries

    return frozenset(code for code, _name in countries)


@deconstructible
class CountryCodeValidator:
    """A stored country is an ISO 3166-1 alpha-2 code (``IR``, ``DE``), upper-case; the
    services upper-case what is typed (so a form's "ir" passes). "ZZ" or "UK" is refused."""

    code = "invalid_country"

    def accepts(self, value: str) -> bool:
        return not value or value.upper() in country_codes()

    def __call__(self, value) -> None:
        if not self.accepts(value):
            raise ValidationError(
                _("“%(value)s” is not a country code. Use the two letters of ISO 3166, e.g. IR or DE."),
                code=self.code,
                params={"value": value},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, CountryCodeValidator)

    def __hash__(self) -> int:
        return hash(self.code)


# A host name as a URL's host part holds it (Django's URLValidator's own parts: letters,
# digits and hyphens in dot-separated labels, internationalised letters included, and a
# top-level domain), nothing else: no scheme ("javascript:alert(1)", "https://"), no path,
# port, user, query or space, and not an IP address.
_HOST_NAME = re.compile(
    r"\A" + URLValidator.hostname_re + URLValidator.domain_re + URLValidator.tld_re + r"\Z",
    re.IGNORECASE,
)
MAX_HOST_NAME = 253


@deconstructible
class HostNameValidator:
    """A web domain is a bare host name, e.g. ``example.com`` (the services lower-case it
    and drop a leading ``www.``; imports also take a whole URL and keep its host)."""

    code = "invalid_host_name"

    def accepts(self, value: str) -> bool:
        return not value or (len(value) <= MAX_HOST_NAME and _HOST_NAME.match(value) is not None)

    def __call__(self, value) -> None:
        if not self.accepts(value):
            raise ValidationError(
                _("Enter a domain name only, such as example.com (no http://, path or spaces)."),
                code=self.code,
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, HostNameValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_country_code = CountryCodeValidator()
validate_host_name = HostNameValidator()
