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
    from pathlib import Path

    import hamsu

    for po in Path(hamsu.__file__).parent.rglob("locale/fa/LC_MESSAGES/django.po"):
        text = po.read_text(encoding="utf-8")
        assert "#, fuzzy" not in text.split("\n\n", 1)[1], po
        blocks = text.split("\n\n")[1:]
        untranslated = [b for b in blocks if 'msgstr ""' in b and not b.rstrip().endswith('"') is False and b.strip().endswith('msgstr ""')]
        assert not untranslated, (po, untranslated[:3])
