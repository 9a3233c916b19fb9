import datetime

import pytest
from django.utils import translation

from hamsu.core import dates
from hamsu.settings import env_bool


def test_jalali_dates_in_persian_and_gregorian_in_english():
    day = datetime.date(2026, 3, 21)  # Nowruz 1405
    with translation.override("fa"):
        assert dates.format_date(day) == "۱۴۰۵/۰۱/۰۱"
    with translation.override("en"):
        assert dates.format_date(day) == "2026-03-21"


@pytest.mark.parametrize("text", ["1405/01/01", "۱۴۰۵-۰۱-۰۱", "2026-03-21", "٢٠٢٦/٠٣/٢١"])
def test_dates_are_read_in_either_calendar_and_any_digits(text):
    assert dates.parse_date(text) == datetime.date(2026, 3, 21)


def test_debug_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv("HAMSU_DEBUG", raising=False)
    assert env_bool("HAMSU_DEBUG", False) is False
    monkeypatch.setenv("HAMSU_DEBUG", "yes")
    assert env_bool("HAMSU_DEBUG", False) is True


def test_the_persian_catalogue_is_complete():
    """Every Persian catalogue in the project translates every string it holds."""
    import re
    from pathlib import Path

    import hamsu

    catalogues = list(Path(hamsu.__file__).parent.rglob("locale/fa/LC_MESSAGES/django.po"))
    assert catalogues
    for po in catalogues:
        entries = po.read_text(encoding="utf-8").split("\n\n")[1:]  # the first block is the header
        fuzzy = [e for e in entries if "#, fuzzy" in e]
        # An untranslated entry ends with an empty msgstr and no continuation lines.
        empty = [e for e in entries if re.search(r'msgstr(\[\d\])? ""\s*$', e.strip())]
        assert not fuzzy, (str(po), (fuzzy + empty)[:3])
        assert not empty, (str(po), (fuzzy + empty)[:3])
