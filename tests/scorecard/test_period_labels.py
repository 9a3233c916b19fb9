"""Periods are named for the reader: a Jalali company's quarters and years in Persian
words and digits on a Persian page, never the key ("1405-Q3") or a Gregorian name."""

from __future__ import annotations

from django.utils import translation

from hamsu.scorecard.periods import GREGORIAN, JALALI, MONTH, QUARTER, YEAR, Period


def _label(period, language):
    with translation.override(language):
        return period.label


def test_a_jalali_quarter_is_named_in_persian():
    assert _label(Period(QUARTER, JALALI, 1405, 3), "fa") == "فصل سوم ۱۴۰۵"


def test_a_jalali_year_is_named_in_persian():
    assert _label(Period(YEAR, JALALI, 1405, 1), "fa") == "سال ۱۴۰۵"


def test_a_jalali_month_is_named_by_its_persian_month():
    assert _label(Period(MONTH, JALALI, 1405, 9), "fa") == "آذر ۱۴۰۵"


def test_a_gregorian_quarter_reads_in_english():
    assert _label(Period(QUARTER, GREGORIAN, 2026, 4), "en") == "Q4 2026"


def test_the_key_is_unchanged_for_urls_and_the_api():
    assert Period(QUARTER, JALALI, 1405, 3).key == "1405-Q3"
