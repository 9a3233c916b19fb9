"""API v1 for the directory: the "who to contact" search, my profile and the HR import."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from hamsu.core import uploads
from hamsu.core.api_figures import figure
from hamsu.core.api_kit import ERRORS, Id, Int, no_person, not_found, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.errors import NotFound
from hamsu.directory import coverage, selectors, services
from hamsu.directory.coverage import PersonCoverage
from hamsu.directory.models import Function, Person
from hamsu.directory.visibility import person_of

router = Router(tags=["directory"])
PREFIX = "people"


class PersonOut(Schema):
    id: int
    full_name: str
    email: str
    phone: str
    function: str
    role_title: str
    team_id: int | None
    team: str | None = None
    manager_id: int | None
    languages: list[str]
    is_active: bool
    absent_until: datetime.date | None
    profile_updated_at: datetime.datetime

    @staticmethod
    def resolve_team(obj) -> str | None:
        return obj.team.name if obj.team_id else None


class ProfileOut(PersonOut):
    expertise: list[str]
    segment_ids: list[int]
    product_ids: list[int]
    account_ids: list[int]

    @staticmethod
    def resolve_expertise(obj) -> list[str]:
        return [t.name for t in obj.expertise.all()]

    @staticmethod
    def resolve_segment_ids(obj) -> list[int]:
        return [s.pk for s in _coverage(obj).segments]

    @staticmethod
    def resolve_product_ids(obj) -> list[int]:
        return [p.pk for p in _coverage(obj).products]

    @staticmethod
    def resolve_account_ids(obj) -> list[int]:
        return [a.pk for a in _coverage(obj).accounts]


def _coverage(person: Person) -> PersonCoverage:
    """The person's coverage, read once for the three fields that show it."""
    if "_coverage" not in person.__dict__:
        person.__dict__["_coverage"] = coverage.source().of(person)
    return person.__dict__["_coverage"]


class ReasonOut(Schema):
    kind: str
    label: str
    text: str


class MatchOut(Schema):
    person: PersonOut
    score: float = figure("directory.match_score")
    available: bool
    reasons: list[ReasonOut]


class SearchQuery(Schema):
    q: Annotated[str, Field(max_length=100)] = ""
    function: Function | None = None
    language: Annotated[str, Field(pattern=r"^([a-z]{2,3})?$")] = ""
    available: bool = False
    segment: Int | None = None
    product: Int | None = None
    account: Int | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class ProfilePatch(Patch):
    for_model = Person

    phone: Annotated[str, Field(max_length=40)] | None = None
    languages: list[Annotated[str, Field(max_length=8)]] | None = None
    absent_until: datetime.date | None = None
    expertise: list[Annotated[str, Field(max_length=80)]] | None = None
    segment_ids: list[Id] | None = None
    product_ids: list[Id] | None = None
    account_ids: list[Id] | None = None


class RowOut(Schema):
    row: int
    email: str
    status: str
    errors: dict[str, list[str]]


class PeopleImportOut(Schema):
    dry_run: bool
    summary: dict[str, int]
    rows: list[RowOut]


@router.get("/search", response={200: list[MatchOut], **ERRORS})
def search(request, query: Query[SearchQuery]):
    """Who do I talk to about account X, segment Y, product Z or topic T — with the reasons."""
    require_perm(request, "directory.view_person")
    filters = selectors.SearchFilters(
        function=query.function or "",
        language=query.language,
        available_only=query.available,
        segment=query.segment,
        product=query.product,
        account=query.account,
    )
    matches = selectors.who_to_contact(q=query.q, filters=filters, limit=query.limit)
    return [
        {
            "person": m.person,
            "score": m.score,
            "available": m.available,
            "reasons": [{"kind": r.kind, "label": r.label, "text": r.text} for r in m.reasons],
        }
        for m in matches
    ]


def _me(request) -> Person:
    person = person_of(request.user)
    if person is None:
        raise no_person("person")
    return person


@router.get("/me", response={200: ProfileOut, **ERRORS})
def my_profile(request):
    return _me(request)


def _records(kind, ids, label):
    found = coverage.source().in_bulk(kind, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(_("Not found"), errors={label: [_("No record with id %(id)s.") % {"id": missing[0]}]})
    return list(found.values())


@router.patch("/me", response={200: ProfileOut, **ERRORS})
def update_my_profile(request, payload: ProfilePatch):
    person = _me(request)
    data = payload.dict(exclude_unset=True)
    for key, kind, name in (
        ("segment_ids", "segments", "segments"),
        ("product_ids", "products", "products"),
        ("account_ids", "accounts", "accounts_covered"),
    ):
        if key in data:
            data[name] = _records(kind, data.pop(key) or [], key)
    return services.person_profile_update(person=person, actor=request.user, via="api", **data)


@router.get("/stale", response={200: list[PersonOut], **ERRORS})
def stale_profiles(request, days: Annotated[int, Field(ge=1, le=3650)] = 180):
    require_perm(request, "directory.change_person")
    return list(
        selectors.stale_profiles(days=days).select_related("team").order_by("profile_updated_at")[:500]
    )


@router.post("/import", response={200: PeopleImportOut, **ERRORS})
def import_people(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    """Create or update people from an HR CSV; the answer reports every row."""
    require_perm(request, "directory.add_person")
    require_perm(request, "directory.change_person")
    rows = services.read_csv(uploads.read_upload(file))
    report = services.people_import(rows=rows, actor=request.user, dry_run=dry_run, via="api")
    return {
        "dry_run": report.dry_run,
        "summary": report.summary,
        "rows": [
            {"row": r.row, "email": r.email, "status": r.status, "errors": r.errors} for r in report.rows
        ],
    }


@router.get("/{person_id}", response={200: ProfileOut, **ERRORS})
def get_person(request, person_id: Id):
    require_perm(request, "directory.view_person")
    person = Person.objects.select_related("team").filter(pk=person_id).first()
    if person is None:
        raise not_found(Person, person_id, "person_id")
    return person
