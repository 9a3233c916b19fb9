"""Dates shown in the user's calendar: Gregorian in English, Jalali (Solar Hijri) in Persian."""

from __future__ import annotations

import datetime

import jdatetime
from django.utils import timezone, translation

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Arabic-Indic and Persian digits typed by users are read as ASCII digits.
ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def uses_jalali(language: str | None = None) -> bool:
    return (language or translation.get_language() or "en").startswith("fa")


def to_persian_digits(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


def to_ascii_digits(text: str) -> str:
    return text.translate(ASCII_DIGITS)


def format_date(value: datetime.date | datetime.datetime | None, language: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if uses_jalali(language):
        jalali = jdatetime.date.fromgregorian(date=value)
        return to_persian_digits(f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}")
    return value.strftime("%Y-%m-%d")


def format_datetime(value: datetime.datetime | None, language: str | None = None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = f"{format_date(local, language)} {local:%H:%M}"
    return to_persian_digits(text) if uses_jalali(language) else text


def parse_date(text: str) -> datetime.date:
    """Read ``YYYY-MM-DD`` (or with ``/``) in either calendar, with any digits.

    A year below 1700 can only be Jalali (Solar Hijri years are ~621 behind), so it is
    converted; that lets Persian users type dates the way they read them.
    """
    cleaned = to_ascii_digits(text.strip()).replace("/", "-")
    year, month, day = (int(part) for part in cleaned.split("-"))
    if year < 1700:
        return jdatetime.date(year, month, day).togregorian()
    return datetime.date(year, month, day)
