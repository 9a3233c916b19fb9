"""One spelling for text typed in Persian, Arabic or English, so that words compare equal
however they were typed: the feedback themes and the who-to-contact word index both
normalise with it. Pure Python (no Django), cheap to import.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic letter forms Persian keyboards and copied text mix in, mapped to the Persian ones.
_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "\u0640": "",  # tatweel (kashida), a purely visual stretch
        # Zero-width non-joiner: "سرنخ‌ها" reads as the word "سرنخ" plus a suffix, which
        # the stop-word list drops; labels then show whole, correctly spelled words.
        "\u200c": " ",
        "\u200d": "",
        "۰": "0",
        "۱": "1",
        "۲": "2",
        "۳": "3",
        "۴": "4",
        "۵": "5",
        "۶": "6",
        "۷": "7",
        "۸": "8",
        "۹": "9",
        "٠": "0",
        "١": "1",
        "٢": "2",
        "٣": "3",
        "٤": "4",
        "٥": "5",
        "٦": "6",
        "٧": "7",
        "٨": "8",
        "٩": "9",
    }
)
_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """One spelling for Persian/Arabic letter variants and digits; lower case; tidy spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _DIACRITICS.sub("", text.translate(_LETTERS))
    return _SPACES.sub(" ", text.lower()).strip()
