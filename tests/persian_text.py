"""What a reader sees on a page, for tests that hold a Persian page to Persian.

A Persian page shows no English UI text and no raw code. ``latin_words(html)`` returns
every word in Latin letters a reader meets in the page's main content: its text, and the
attributes a browser shows or reads out (title, aria-label, placeholder, alt). Scripts,
styles and the JSON a chart reads are not read. Acronyms written in capitals (MQL, SLA,
CRM, P10, CSV …) are how these terms are written in Persian too, and so is a formula's
single-letter variable (the t of a t-test, p < 0.05), so they are allowed; any other word
with a lower-case Latin letter, an underscore or a dot between letters (a code name such
as ``won.reached_amount``) is reported.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_]|[A-Za-z]")
ACRONYM = re.compile(r"[A-Z][A-Z0-9]*")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <main>
        self.hidden = 0  # inside <script>/<style>/<template>
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        if tag in ("script", "style", "template"):
            self.hidden += 1
        if self.depth and not self.hidden:
            self.texts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if self.depth and not self.hidden:
            self.texts.append(data)


def shown_texts(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return [text.strip() for text in reader.texts if text.strip()]


def allowed(word: str) -> bool:
    return len(word) == 1 or ACRONYM.fullmatch(word) is not None


def latin_words(html: str, *, data: tuple[str, ...] = ()) -> list[str]:
    """Latin-letter words shown in the main content, other than capital acronyms.

    ``data`` are values the test itself stored (names of people, teams, products …):
    user data is shown as entered, in whatever script it was typed in.
    """
    found = []
    for text in shown_texts(html):
        for value in data:
            text = text.replace(value, " ")
        found += [w for w in WORD.findall(text) if not allowed(w)]
    return found
