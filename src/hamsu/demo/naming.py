"""Names for the demo company's customers: companies, the people at them, their deals and
the activities logged with them (words from ``hamsu.demo.names``).

Every name comes from the generator's own random stream for names (``names_rng``, seeded
from the demo's seed), so a seed gives the same names and naming draws nothing from the
stream the deals, leads and figures are simulated from: the company's numbers are the
same as before its customers had names.

No accidental duplicates: company names and web domains are unique, and no two people at
one company share a name (a duplicates review would rightly flag them). The demo makes a
few duplicates on purpose, documented in ``LeadPeople``.
"""

from __future__ import annotations

import datetime
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from hamsu.core.dates import to_persian_digits
from hamsu.demo import names as words

DOMAIN_SUFFIX = ".example"  # reserved (RFC 2606): no demo address reaches anyone
# Every DUPLICATE_EVERY-th lead is, on purpose, a person who was a lead at that company
# before: see ``LeadPeople``.
DUPLICATE_EVERY = 250
_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})


def group_of(country: str) -> str:
    return words.GROUP_OF_COUNTRY.get(country, "gb")


def ascii_slug(text: str, separator: str = "") -> str:
    """Lower-case ASCII letters and digits of a Latin name (accents dropped: Köln → koln)."""
    text = text.replace("ß", "ss").replace("ı", "i")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", separator, plain).strip(separator)


class _Draws:
    """Integers from the names stream, drawn in blocks (one NumPy call per 64k draws)."""

    def __init__(self, rng) -> None:
        self.rng = rng
        self.block = np.empty(0, dtype=np.int64)
        self.at = 0

    def below(self, n: int) -> int:
        if self.at >= len(self.block):
            self.block = self.rng.integers(0, 1 << 40, size=65_536)
            self.at = 0
        self.at += 1
        return int(self.block[self.at - 1] % n)


class CompanyNames:
    """Unique company names and web domains, fitting each company's country and industry."""

    def __init__(self, rng) -> None:
        self.rng = rng
        self.pools: dict[tuple[str, str], Iterator[tuple[str, str]]] = {}
        self.names: set[str] = set()
        self.domains: set[str] = set()

    def next(self, country: str, industry: str) -> tuple[str, str]:
        """(name, web domain) of the next company of ``country`` in ``industry``."""
        group = group_of(country)
        pool = self.pools.get((group, industry))
        if pool is None:
            pool = self.pools[(group, industry)] = self._candidates(group, industry)
        for name, latin in pool:
            if name not in self.names:
                self.names.add(name)
                return name, self._domain(latin, group)
        raise AssertionError("the candidates never run out")  # _candidates is endless

    def _domain(self, latin: str, group: str) -> str:
        slug = ascii_slug(latin)[:50]
        # A generator, not a tuple: the numbered spellings are made only when needed.
        for candidate in itertools.chain((slug, f"{slug}-{group}"), (f"{slug}{n}" for n in range(2, 10**6))):
            if candidate not in self.domains:
                self.domains.add(candidate)
                return candidate + DOMAIN_SUFFIX
        raise AssertionError("unreachable")

    def _candidates(self, group: str, industry: str) -> Iterator[tuple[str, str]]:
        """(name, Latin spelling) candidates: a pattern with a brand word or a city, in a
        seeded order; then the same with a city after it; then numbered (large scales)."""
        first = self._shuffled(self._tier_one(group, industry))
        yield from first
        yield from self._shuffled(self._with_cities(group, industry))
        for n in range(2, 10**9):
            for name, latin in first:
                yield f"{name} {to_persian_digits(str(n)) if group == 'fa' else n}", f"{latin} {n}"

    def _shuffled(self, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [items[i] for i in self.rng.permutation(len(items))]

    def _patterns(self, group: str, industry: str) -> list[tuple[str, str]]:
        local = words.LOCAL_PUBLIC_NAMES.get(group, {}).get(industry)
        if local:
            return [(pattern, pattern) for pattern in local]
        return words.INDUSTRY_NAMES[industry]

    def _slots(self, group: str, pattern: str) -> list[tuple[str, str]]:
        """What fills the pattern's slot: (display, Latin) brand words or cities."""
        if group == "fa":
            return words.FA_CITIES if "{c}" in pattern else words.FA_BRANDS
        if "{c}" in pattern:
            return [(c, c) for c in words.CITIES[group]]
        return [(b, b) for b in words.LOCAL_BRANDS[group] + words.EN_BRANDS]

    def _tier_one(self, group: str, industry: str) -> list[tuple[str, str]]:
        legal = "" if industry in words.PUBLIC_INDUSTRIES else words.LEGAL_FORM[group]
        out = []
        for fa_pattern, en_pattern in self._patterns(group, industry):
            pattern = fa_pattern if group == "fa" else en_pattern
            for shown, latin in self._slots(group, pattern):
                name = pattern.format(b=shown, c=shown)
                out.append((f"{name} {legal}".strip(), en_pattern.format(b=latin, c=latin)))
        return out

    def _with_cities(self, group: str, industry: str) -> list[tuple[str, str]]:
        cities = words.FA_CITIES if group == "fa" else [(c, c) for c in words.CITIES[group]]
        legal = "" if industry in words.PUBLIC_INDUSTRIES else words.LEGAL_FORM[group]
        out = []
        for fa_pattern, en_pattern in self._patterns(group, industry):
            pattern = fa_pattern if group == "fa" else en_pattern
            if "{c}" in pattern:
                continue  # named after its city already
            for shown, latin in self._slots(group, pattern):
                for city, city_latin in cities:
                    name = f"{pattern.format(b=shown)} {city}"
                    out.append((f"{name} {legal}".strip(), f"{en_pattern.format(b=latin)} {city_latin}"))
        return out


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str
    title: str


# Per name group: (name, Latin spelling) first and last names, and job titles.
_NAMES = {
    "fa": (words.FA_FIRST_NAMES, words.FA_LAST_NAMES, words.FA_TITLES),
    **{
        group: (
            [(n, ascii_slug(n, "-")) for n in words.FIRST_NAMES[group]],
            [(n, ascii_slug(n, "-")) for n in words.LAST_NAMES[group]],
            words.TITLES,
        )
        for group in words.FIRST_NAMES
    },
}


class People:
    """People at the demo's customers, drawn from the names of the company's country; no
    two people at one company share a name."""

    def __init__(self, rng) -> None:
        self.draws = _Draws(rng)
        # Per company, a bit for each (first, last) name taken: small at a million leads.
        self.taken: dict[int, int] = {}

    def new(self, account_id: int, country: str, domain: str) -> Person:
        firsts, lasts, titles = _NAMES[group_of(country)]
        taken = self.taken.get(account_id, 0)
        while True:  # a company has far fewer people than the names' combinations
            i, j = self.draws.below(len(firsts)), self.draws.below(len(lasts))
            bit = 1 << (i * len(lasts) + j)
            if not taken & bit:
                break
        self.taken[account_id] = taken | bit
        first, first_latin = firsts[i]
        last, last_latin = lasts[j]
        local = f"{first_latin}.{last_latin}".replace("-", "")
        return Person(first, last, f"{local}@{domain}", titles[self.draws.below(len(titles))])


class LeadPeople:
    """Who each demo lead is: ``ctx["lead_person"](account_id)``, called once per lead in
    the order the leads are made.

    The first leads at a company are its contacts, one each; after them each lead is a new
    person at the company (the contacts are the people sales already knows; a company
    with twenty inquiries over two years has more than three people asking). So no person
    is a lead twice by accident — except on purpose: every ``DUPLICATE_EVERY``-th lead is
    someone who was a lead at that company before, filling in another form. Half of those
    repeat the name and e-mail exactly; the other half are typed differently — a Persian
    name with Arabic ي/ك (an Arabic keyboard layout), a Latin one with a capitalised
    e-mail — the cases a duplicates review must catch.
    """

    def __init__(
        self, people: People, contacts: dict[int, list[tuple]], accounts: dict[int, tuple[str, str]]
    ):
        self.people = people
        self.contacts = contacts  # account id → [(contact id, Person)]
        self.accounts = accounts  # account id → (country, domain)
        self.fresh: dict[int, int] = {}  # account id → people used so far
        self.first: dict[int, tuple] = {}  # account id → its first lead's person
        self.count = 0
        self.duplicates = 0

    def __call__(self, account_id: int) -> tuple:
        """(contact id or None, account id, e-mail, first name, last name, title, country)."""
        self.count += 1
        country, domain = self.accounts[account_id]
        first = self.first.get(account_id)
        if self.count % DUPLICATE_EVERY == 0 and first is not None:
            self.duplicates += 1
            return self._typed_again(first) if self.duplicates % 2 == 0 else first
        used = self.fresh.get(account_id, 0)
        self.fresh[account_id] = used + 1
        known = self.contacts.get(account_id, [])
        if used < len(known):
            contact_id, person = known[used]
        else:
            contact_id, person = None, self.people.new(account_id, country, domain)
        row = (contact_id, account_id, person.email, person.first, person.last, person.title, country)
        self.first.setdefault(account_id, row)
        return row

    @staticmethod
    def _typed_again(row: tuple) -> tuple:
        contact_id, account_id, email, first, last, title, country = row
        if group_of(country) == "fa":
            return (contact_id, account_id, email, first.translate(_ARABIC_LETTERS),
                    last.translate(_ARABIC_LETTERS), title, country)  # fmt: skip
        local, _at, host = email.partition("@")
        shown = ".".join(part.capitalize() for part in local.split("."))
        return (contact_id, account_id, f"{shown}@{host}", first, last, title, country)


def _jalali_year(day: datetime.date) -> int:
    # Nowruz falls on 20 or 21 March; a deal named on those two days may carry the old year.
    return day.year - 621 if (day.month, day.day) >= (3, 21) else day.year - 622


def deal_names(
    *,
    rng,
    product_codes: list[str],
    quantities: list[int],
    created: list[datetime.date],
    account_names: list[str],
    account_groups: list[str],
) -> list[str]:
    """A name for each deal, as a seller writes it: what is sold (renewal with its year, or
    new business with its size), often after the customer's name; in Persian for an
    Iranian customer (Jalali year, Persian digits)."""
    n = len(product_codes)
    form = rng.integers(0, 3, size=n).tolist()
    with_company = (rng.random(n) < 0.5).tolist()
    years: dict[datetime.date, tuple[str, str]] = {}
    out = []
    for i in range(n):
        spec = words.DEAL_NAMES[product_codes[i]]
        persian = account_groups[i] == "fa"
        day = created[i]
        if day not in years:
            years[day] = (str(day.year), to_persian_digits(str(_jalali_year(day))))
        quantity = str(quantities[i] * spec["multiplier"])
        what = spec["fa" if persian else "en"][form[i]].format(
            year=years[day][1] if persian else years[day][0],
            q=to_persian_digits(quantity) if persian else quantity,
        )
        out.append(f"{account_names[i]} — {what}" if with_company[i] else what)
    return out


ACTIVITY_SUBJECTS = {
    "en": {
        "call": "Call with {person}",
        "meeting": "Meeting at {company}",
        "email": "E-mail to {person}",
        "call_report": "Call report: {person}, {company}",
        "note": "Note on {company}",
        "task": "Follow up with {person}",
    },
    "fa": {
        "call": "تماس با {person}",
        "meeting": "جلسه در {company}",
        "email": "ایمیل به {person}",
        "call_report": "گزارش تماس: {person}، {company}",
        "note": "یادداشت دربارهٔ {company}",
        "task": "پیگیری با {person}",
    },
}
