"""Reads for the directory: the people list and the "who to contact" search.

The search answers "who do I talk to about account X / segment Y / product Z / topic T"
with the reason each person matches. Every dimension is looked up in its own small,
indexed query (accounts, segments, products, expertise, teams, names) and capped, then
the few best people are loaded — so the cost does not grow with the size of the
directory beyond the name lookup.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hamsu.core.pagination import keyset_page
from hamsu.core.search import filter_words
from hamsu.directory import coverage, search_index
from hamsu.directory.models import ExpertiseTag, Function, Person, RoleTitle, Team

# Candidates kept per dimension: enough to rank, few enough to stay fast at any size.
PER_DIMENSION = 300
PERSON_SEARCHED = ("full_name", "email", "expertise__name")  # what the people list's search reads
MATCHED_RECORDS = 25
# Words of the question itself, not of its subject ("who do I talk to about …").
QUESTION_WORDS = {
    "do",
    "to",
    "i",
    "ask",
    "should",
    "someone",
    "anyone",
    "who",
    "whom",
    "talk",
    "speak",
    "contact",
    "about",
    "account",
    "segment",
    "product",
    "topic",
    "the",
    "for",
    "with",
    "and",
    "can",
    "help",
    "knows",
    "کی",
    "چه",
    "کسی",
    "درباره",
    "دربارهٔ",
    "با",
    "برای",
    "حساب",
    "مشتری",
    "محصول",
    "بخش",
    "موضوع",
    "صحبت",
    "کنم",
}
WEIGHTS = {
    "name": 6.0,
    "account_owner": 5.0,
    "account_covered": 4.5,
    "deal": 3.5,
    "expertise": 3.0,
    "segment": 3.0,
    "product": 3.0,
    "team": 2.0,
    "role": 1.5,
}


# What a search result shows; loading only these keeps the final fetch small.
SHOWN_FIELDS = [
    "id",
    "full_name",
    "email",
    "phone",
    "function",
    "role_title",
    "team__name",
    "languages",
    "absent_until",
    "is_active",
    "profile_updated_at",
    "manager_id",
]


@dataclass
class Reason:
    kind: str
    label: str

    @property
    def text(self) -> str:
        templates = {
            "name": _("Name or e-mail matches “%(label)s”"),
            "account_owner": _("Owns account %(label)s"),
            "account_covered": _("Covers account %(label)s"),
            "deal": _("Works on an open deal with %(label)s"),
            "expertise": _("Expertise: %(label)s"),
            "segment": _("Segment: %(label)s"),
            "product": _("Product: %(label)s"),
            "team": _("Team: %(label)s"),
            "role": _("Role: %(label)s"),
        }
        return templates[self.kind] % {"label": self.label}


@dataclass
class Match:
    person: Person
    score: float
    reasons: list[Reason] = field(default_factory=list)
    available: bool = True


@dataclass(frozen=True)
class SearchFilters:
    function: str = ""
    language: str = ""
    available_only: bool = False
    segment: int | None = None
    product: int | None = None
    account: int | None = None


def person_list(*, q: str = "", function: str = "", cursor: str | None = None, limit: int = 50):
    qs = Person.objects.select_related("team").prefetch_related("expertise")
    if q:
        qs = filter_words(qs, q, PERSON_SEARCHED).distinct()
    if function:
        qs = qs.filter(function=function)
    return keyset_page(qs, sort="name", allowed={"name": "full_name"}, cursor=cursor, limit=limit)


def _terms(q: str) -> list[str]:
    """The subject of the question first, then its meaningful words.

    "who do I talk to about Pars Steel" asks about "Pars Steel"; a query made only of
    question words ("Product 7" minus "product" leaves a lone digit) is taken as typed.
    """
    phrase = " ".join(q.split())[:100]
    if not phrase:
        return []
    words = [
        w
        for w in re.split(r"[\s,;/]+", phrase)
        if (len(w) >= 2 or w.isdigit()) and w.lower() not in QUESTION_WORDS
    ]
    subject = " ".join(words)
    if not subject or subject.isdigit():
        subject, words = phrase, []
    terms = [subject]
    terms += [w for w in words if w != subject and len(w) >= 3]
    return terms


_LABELS: dict[str, list[tuple[str, str, str]]] = {}


def _label_matches(term: str, choices) -> list[str]:
    """Choice values whose label (English or the active language) contains ``term``."""
    language = translation.get_language() or "en"
    key = f"{language}:{id(choices)}"
    if key not in _LABELS:
        with translation.override("en"):
            english = {value: str(label).lower() for value, label in choices}
        _LABELS[key] = [(value, str(label).lower(), english[value]) for value, label in choices]
    lowered = term.lower()
    return [value for value, local, english in _LABELS[key] if lowered in local or lowered in english]


class _Collector:
    def __init__(self):
        self.scores: dict[int, float] = {}
        self.reasons: dict[int, list[Reason]] = {}

    def add(self, person_ids, kind: str, label: str) -> None:
        for pk in person_ids:
            if pk is None:
                continue
            seen = self.reasons.setdefault(pk, [])
            if any(r.kind == kind and r.label == label for r in seen):
                continue
            self.scores[pk] = self.scores.get(pk, 0.0) + WEIGHTS[kind]
            seen.append(Reason(kind, label))

    def add_hits(self, hits) -> None:
        for hit in hits:
            self.add([hit.person_id], hit.kind, hit.label)


def _accounts(collector: _Collector, accounts: list) -> None:
    if accounts:
        collector.add_hits(coverage.source().account_hits(accounts, limit=PER_DIMENSION))


def _covering(collector: _Collector, kind: str, records: dict[int, str]) -> None:
    """People covering the CRM's segments or products ``records``."""
    if records:
        collector.add_hits(coverage.source().covering(kind, records, limit=PER_DIMENSION))


def _m2m(collector: _Collector, through, column: str, records: dict[int, str], kind: str) -> None:
    """People linked to ``records`` through the link table ``through`` (expertise tags),
    each with ``kind`` as the reason."""
    if not records:
        return
    rows = through.objects.filter(**{f"{column}__in": list(records)}).values_list(column, "person_id")[
        :PER_DIMENSION
    ]
    for record_id, person_id in rows:
        collector.add([person_id], kind, records[record_id])


def _named(term: str, *, indexed: bool) -> tuple[list, list[int]]:
    """Accounts and people whose name (or e-mail) matches ``term``.

    With the word index built (any real directory) this is two index range scans; a
    small or brand-new installation without it falls back to a substring scan.
    """
    crm = coverage.source()
    if indexed:
        account_ids = search_index.match("account", term, limit=MATCHED_RECORDS)
        accounts = crm.accounts(ids=account_ids, limit=MATCHED_RECORDS)
        return accounts, search_index.match("person", term, limit=PER_DIMENSION)
    accounts = crm.accounts(name=term, limit=MATCHED_RECORDS)
    people = list(
        Person.objects.filter(Q(full_name__icontains=term) | Q(email__istartswith=term)).values_list(
            "pk", flat=True
        )[:PER_DIMENSION]
    )
    return accounts, people


def _search_term(collector: _Collector, term: str, *, indexed: bool) -> None:
    accounts, people = _named(term, indexed=indexed)
    _accounts(collector, accounts)
    crm = coverage.source()
    _covering(collector, "segment", crm.records("segment", name=term, limit=MATCHED_RECORDS))
    _covering(collector, "product", crm.records("product", name=term, limit=MATCHED_RECORDS))
    tags = dict(ExpertiseTag.objects.filter(name__icontains=term).values_list("id", "name")[:MATCHED_RECORDS])
    _m2m(collector, Person.expertise.through, "expertisetag_id", tags, "expertise")
    teams = dict(Team.objects.filter(name__icontains=term).values_list("id", "name")[:MATCHED_RECORDS])
    if teams:
        members = Person.objects.filter(team_id__in=list(teams)).order_by().values_list("pk", "team_id")
        for person_id, team_id in members[:PER_DIMENSION]:
            collector.add([person_id], "team", teams[team_id])
    roles = _label_matches(term, RoleTitle.choices)[:3]
    if roles:
        # Filtering on every function lets the (function, role_title) index serve the lookup.
        holders = (
            Person.objects.filter(function__in=Function.values, role_title__in=roles, is_active=True)
            .order_by()
            .values_list("pk", "role_title")
        )
        for person_id, role in holders[:PER_DIMENSION]:
            collector.add([person_id], "role", str(RoleTitle(role).label))
    collector.add(people, "name", term)


def who_to_contact(
    *,
    q: str = "",
    filters: SearchFilters = SearchFilters(),
    limit: int = 20,
    today: datetime.date | None = None,
) -> list[Match]:
    """People ranked by how well they answer the question, each with its reasons."""
    today = today or timezone.localdate()
    collector = _Collector()
    terms = _terms(q)
    indexed = _index_built() if terms else False
    for index, term in enumerate(terms):
        before = len(collector.scores)
        _search_term(collector, term, indexed=indexed)
        # The whole phrase matched something: its single words would only add noise.
        if index == 0 and len(collector.scores) > before:
            break
    _filtered_records(collector, filters)
    if not collector.scores:
        return []
    # Load only the best candidates (plus headroom for the filters below).
    ranked_ids = sorted(collector.scores, key=lambda pk: -collector.scores[pk])[: limit * 3]
    people = (
        Person.objects.filter(pk__in=ranked_ids, is_active=True)
        .select_related("team")
        .only(*SHOWN_FIELDS)
        .order_by()
    )
    if filters.function:
        people = people.filter(function=filters.function)
    matches = []
    for person in people:
        if filters.language and filters.language not in (person.languages or []):
            continue
        available = not (person.absent_until and person.absent_until >= today)
        if filters.available_only and not available:
            continue
        # Somebody away is still the right person, just not the first to call.
        score = collector.scores[person.pk] - (0 if available else 0.5)
        matches.append(Match(person, score, collector.reasons[person.pk], available))
    matches.sort(key=lambda m: (-m.score, m.person.full_name, m.person.pk))
    return matches[:limit]


def _filtered_records(collector: _Collector, filters: SearchFilters) -> None:
    """The account, segment or product picked in the filters counts as asked about."""
    crm = coverage.source()
    if filters.account:
        _accounts(collector, crm.accounts(ids=[filters.account], limit=1))
    if filters.segment:
        _covering(collector, "segment", crm.records("segment", pk=filters.segment, limit=1))
    if filters.product:
        _covering(collector, "product", crm.records("product", pk=filters.product, limit=1))


def _index_built() -> bool:
    return search_index.is_built()


def stale_profiles(*, days: int = 180, now: datetime.datetime | None = None):
    now = now or timezone.now()
    return Person.objects.filter(is_active=True, profile_updated_at__lt=now - datetime.timedelta(days=days))


def function_choices():
    return Function.choices
