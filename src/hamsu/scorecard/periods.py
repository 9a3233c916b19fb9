"""Fiscal periods (month, quarter, year) in the Gregorian or the Jalali calendar.

Every period is a whole number of fiscal months, so the aggregate tables are kept per
fiscal month (its first day, as a Gregorian date) and any period is a range of them.
A Jalali year starts at Nowruz (1 Farvardin); its quarters are months 1–3, 4–6, …
Keys: ``2026-11``, ``2026-Q4``, ``2026`` (Gregorian) or ``1405-08``, ``1405-Q3``, ``1405``
(Jalali) — the calendar is stored next to the key, never guessed from it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import jdatetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hamsu.core.dates import to_persian_digits, uses_jalali

GREGORIAN = "gregorian"
QUARTER_NAMES = (
    gettext_noop("Q1 %(year)d"),
    gettext_noop("Q2 %(year)d"),
    gettext_noop("Q3 %(year)d"),
    gettext_noop("Q4 %(year)d"),
)
JALALI_MONTHS = (
    gettext_noop("Farvardin"),
    gettext_noop("Ordibehesht"),
    gettext_noop("Khordad"),
    gettext_noop("Tir"),
    gettext_noop("Mordad"),
    gettext_noop("Shahrivar"),
    gettext_noop("Mehr"),
    gettext_noop("Aban"),
    gettext_noop("Azar"),
    gettext_noop("Dey"),
    gettext_noop("Bahman"),
    gettext_noop("Esfand"),
)
GREGORIAN_MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
JALALI = "jalali"
MONTH, QUARTER, YEAR = "month", "quarter", "year"
KINDS = (MONTH, QUARTER, YEAR)
MONTHS_IN = {MONTH: 1, QUARTER: 3, YEAR: 12}
_KEY = re.compile(r"^(?P<y>\d{4})(?:-(?:(?P<m>\d{2})|Q(?P<q>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    kind: str
    calendar: str
    year: int
    index: int  # month 1–12, quarter 1–4, or 1 for a year

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == QUARTER:
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def first_month(self) -> int:
        return {MONTH: self.index, QUARTER: 3 * (self.index - 1) + 1, YEAR: 1}[self.kind]

    @property
    def start(self) -> datetime.date:
        return month_start(self.calendar, self.year, self.first_month)

    @property
    def end(self) -> datetime.date:
        """Last day of the period (inclusive)."""
        return self.next().start - datetime.timedelta(days=1)

    def months(self) -> list[datetime.date]:
        """First day (Gregorian date) of each fiscal month in the period."""
        y, m = self.year, self.first_month
        out = []
        for _i in range(MONTHS_IN[self.kind]):
            out.append(month_start(self.calendar, y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def next(self) -> Period:
        last = {MONTH: 12, QUARTER: 4, YEAR: 1}[self.kind]
        if self.kind == YEAR:
            return Period(self.kind, self.calendar, self.year + 1, 1)
        if self.index == last:
            return Period(self.kind, self.calendar, self.year + 1, 1)
        return Period(self.kind, self.calendar, self.year, self.index + 1)

    def previous(self) -> Period:
        if self.kind == YEAR:
            return Period(self.kind, self.calendar, self.year - 1, 1)
        if self.index == 1:
            return Period(self.kind, self.calendar, self.year - 1, 4 if self.kind == QUARTER else 12)
        return Period(self.kind, self.calendar, self.year, self.index - 1)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        """The period named for a reader in the active language: "Q4 2026" or "فصل سوم ۱۴۰۵",
        "Azar 1405", "سال ۱۴۰۵". The key stays the period's name in URLs, files and the API."""
        if self.kind == QUARTER:
            text = _(QUARTER_NAMES[self.index - 1]) % {"year": self.year}
        elif self.kind == YEAR:
            text = _("Year %(year)d") % {"year": self.year}
        else:
            names = JALALI_MONTHS if self.calendar == JALALI else GREGORIAN_MONTHS
            text = _("%(month)s %(year)d") % {"month": _(names[self.index - 1]), "year": self.year}
        return to_persian_digits(text) if uses_jalali() else text

    def __str__(self) -> str:
        return self.key


def month_start(calendar: str, year: int, month: int) -> datetime.date:
    if calendar == JALALI:
        return jdatetime.date(year, month, 1).togregorian()
    return datetime.date(year, month, 1)


def fiscal_month_of(day: datetime.date, calendar: str) -> tuple[int, int]:
    """(fiscal year, fiscal month) containing a Gregorian ``day``."""
    if calendar == JALALI:
        j = jdatetime.date.fromgregorian(date=day)
        return j.year, j.month
    return day.year, day.month


def bucket(day: datetime.date, calendar: str) -> datetime.date:
    """The first day of the fiscal month containing ``day`` — the aggregate tables' grain."""
    year, month = fiscal_month_of(day, calendar)
    return month_start(calendar, year, month)


def period_containing(day: datetime.date, kind: str, calendar: str) -> Period:
    year, month = fiscal_month_of(day, calendar)
    index = {MONTH: month, QUARTER: (month - 1) // 3 + 1, YEAR: 1}[kind]
    return Period(kind, calendar, year, index)


def parse_period(key: str, calendar: str) -> Period:
    """Read a period key; raises ValueError with a message a user can act on."""
    match = _KEY.match((key or "").strip())
    if not match:
        raise ValueError(_("Write the period as YYYY (year), YYYY-Qn (quarter) or YYYY-MM (month)."))
    year = int(match["y"])
    if calendar == JALALI and not 1300 <= year <= 1500:
        raise ValueError(_("A Jalali year is between 1300 and 1500."))
    if calendar == GREGORIAN and not 1990 <= year <= 2100:
        raise ValueError(_("A Gregorian year is between 1990 and 2100."))
    if match["m"]:
        month = int(match["m"])
        if not 1 <= month <= 12:
            raise ValueError(_("A month is between 01 and 12."))
        return Period(MONTH, calendar, year, month)
    if match["q"]:
        return Period(QUARTER, calendar, year, int(match["q"]))
    return Period(YEAR, calendar, year, 1)


def recent_periods(today: datetime.date, kind: str, calendar: str, count: int) -> list[Period]:
    """The ``count`` periods ending with the one containing ``today``, oldest first."""
    current = period_containing(today, kind, calendar)
    out = [current]
    for _i in range(count - 1):
        out.append(out[-1].previous())
    return list(reversed(out))
