"""Keyset (cursor) pages: following ``next_cursor`` to the end returns every row exactly once,
in order, however the rows were written (bulk import or ORM), with many rows sharing a
timestamp, at every page size and in both directions."""

from __future__ import annotations

import datetime

import pytest

from hamsu.core.pagination import keyset_page
from hamsu.dataio import services
from hamsu.funnel.models import Lead, LeadState
from hamsu.funnel.selectors import LEAD_SORTS

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# Three moments shared by many rows: midnight (a date-only column), a whole second, and
# one with microseconds (the ORM's text differs in length there).
MOMENTS = [
    datetime.datetime(2018, 5, 31, 0, 0, tzinfo=UTC),
    datetime.datetime(2018, 6, 1, 13, 45, 10, tzinfo=UTC),
    datetime.datetime(2018, 6, 1, 13, 45, 10, 250000, tzinfo=UTC),
]
IMPORTED = 90


@pytest.fixture
def tied_leads(tmp_path, settings):
    """90 leads from a bulk import and 30 made through the ORM, on three moments."""
    settings.MEDIA_ROOT = tmp_path / "media"
    lines = ["mql_id,first_contact_date"]
    for n in range(IMPORTED):
        lines.append(f"imp-{n},{MOMENTS[n % 3].isoformat()}")  # e.g. 2018-05-31T00:00:00+00:00
    path = tmp_path / "mqls.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = {
        "kind": "leads",
        "columns": {"external_id": "mql_id", "created_at": "first_contact_date"},
        "defaults": {"state": "mql"},
        "options": {"queue": "handoff"},
    }
    job = services.import_job_create(actor=None, kind="leads", path=path, mapping=mapping, via="cli")
    job = services.import_job_execute(job_id=job.pk, dry_run=False)
    assert job.created_count == IMPORTED, job.message
    for n in range(30):
        moment = MOMENTS[n % 3]
        Lead.objects.create(
            external_id=f"orm-{n}",
            state=LeadState.MQL,
            queue="handoff",
            created_at=moment,
            state_changed_at=moment,
        )
    return Lead.objects.all()


def walk(queryset, *, sort: str, limit: int) -> list[int]:
    ids, cursor = [], None
    for _ in range(10_000):
        page = keyset_page(queryset, sort=sort, allowed=LEAD_SORTS, cursor=cursor, limit=limit)
        ids.extend(row.pk for row in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return ids
    raise AssertionError("the walk never ended")


def expected(queryset, *, sort: str) -> list[int]:
    """The order computed plainly in Python from the rows themselves."""
    field = LEAD_SORTS[sort.lstrip("-")]
    rows = [(getattr(lead, field), lead.pk) for lead in queryset]
    rows.sort(reverse=sort.startswith("-"))
    return [pk for _value, pk in rows]


@pytest.mark.parametrize("sort", ["created", "-created", "changed", "-changed"])
@pytest.mark.parametrize("limit", [1, 7, 50, 200])
def test_a_cursor_walk_returns_every_lead_once_in_order(tied_leads, sort, limit):
    assert walk(tied_leads, sort=sort, limit=limit) == expected(tied_leads, sort=sort)


def test_imported_and_orm_rows_at_one_moment_fall_under_the_same_filter(tied_leads):
    for moment in MOMENTS:
        assert tied_leads.filter(created_at=moment).count() == 40


@pytest.mark.parametrize("lookup", ["lte", "gte"])
def test_a_filter_at_the_exact_moment_includes_the_imported_rows(tied_leads, lookup):
    boundary = MOMENTS[1]
    matched = tied_leads.filter(**{f"created_at__{lookup}": boundary}).count()
    by_python = sum(
        1
        for lead in tied_leads
        if (lead.created_at <= boundary if lookup == "lte" else lead.created_at >= boundary)
    )
    assert matched == by_python


def test_the_api_walk_returns_every_lead(tied_leads, client, make_person):
    from hamsu.core import roles

    head = make_person("Hana Head", role=roles.HEAD_OF_MARKETING)
    client.force_login(head.user)
    for sort in ("-created", "created"):
        seen, cursor = [], None
        while True:
            url = f"/api/v1/funnel/leads?limit=7&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
            body = client.get(url).json()
            seen.extend(item["id"] for item in body["items"])
            cursor = body.get("next_cursor")
            if not cursor:
                break
        assert seen == expected(tied_leads, sort=sort)
