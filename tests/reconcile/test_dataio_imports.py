"""An import's counts, reconciled: rows, created, updated, unchanged, duplicates and rows
with errors (``imports.*``) on the import page, its list and the API.

For a random file of accounts — some naming accounts already stored (by external id),
some repeating an earlier row, some with a number that is not one — each count is
recomputed here from the file's rows and the stored accounts (``.values()``) as the
glossary says: a row with errors is skipped; the first row naming a stored account
updates it (or changes nothing); a later row naming the same account is a repeat,
imported once; any other row creates an account. Invariants: created + duplicates +
rows with errors = rows, and updated + unchanged ≤ duplicates; a dry run predicts the
import's counts exactly.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.core import roles
from hamsu.crm.models import Account
from hamsu.dataio import services

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIGURES = ("rows", "created", "updated", "unchanged", "duplicates", "errors")

employees = st.one_of(st.integers(1, 4).map(lambda n: str(n * 100)), st.just("many"))
files = st.fixed_dictionaries(
    {
        "stored": st.dictionaries(
            st.integers(0, 5), st.integers(1, 4).map(lambda n: str(n * 100)), max_size=4
        ),
        "rows": st.lists(st.tuples(st.integers(0, 7), employees), min_size=1, max_size=10),
    }
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def write(tmp_path):
    """write("name.csv", text) → the path of a file holding ``text``."""

    def make(name: str, content: str):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8", newline="")
        return path

    return make


@pytest.fixture
def admin(make_person):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR)


def _csv(rows) -> str:
    return "external_id,name,employees\n" + "".join(f"X{ext},Company {ext},{n}\n" for ext, n in rows)


def _run(write, name, rows, *, actor=None, dry_run=False):
    job = services.import_job_create(actor=actor, kind="accounts", path=write(name, _csv(rows)), via="cli")
    return services.import_job_execute(job_id=job.pk, dry_run=dry_run)


def expected(rows) -> dict[str, int]:
    """The counts, from the file's rows and the accounts stored before it."""
    stored = {a["external_id"]: a["employees"] for a in Account.objects.values("external_id", "employees")}
    counts = dict.fromkeys(FIGURES, 0)
    named: set[str] = set()  # accounts an earlier row of the file created or merged into
    for ext, n in rows:
        counts["rows"] += 1
        key = f"X{ext}"
        if not n.isdigit():
            counts["errors"] += 1
        elif key in named:
            counts["duplicates"] += 1
        elif key in stored:
            counts["duplicates"] += 1
            counts["updated" if stored[key] != int(n) else "unchanged"] += 1
            named.add(key)
        else:
            counts["created"] += 1
            named.add(key)
    return counts


def shown_on_page(client, job) -> dict[str, int]:
    page = client.get(f"/data/imports/{job.pk}/").content.decode()
    out = {}
    for figure in FIGURES:
        text = re.search(rf'data-figure="imports\.{figure}"[^>]*>([^<]*)<', page).group(1)
        out[figure] = int(text.strip().replace(",", ""))
    return out


def _stored_by_a_first_import(write, spec):
    if spec["stored"]:
        _run(write, "first.csv", list(spec["stored"].items()))


@pytest.mark.django_db
@SETTINGS
@given(spec=files)
def test_an_imports_counts_are_what_its_rows_say(spec, write, admin, client):
    with transaction.atomic():
        _stored_by_a_first_import(write, spec)
        want = expected(spec["rows"])
        job = _run(write, "second.csv", spec["rows"], actor=admin.user)
        client.force_login(admin.user)
        assert shown_on_page(client, job) == want
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=files)
def test_the_api_and_the_list_show_the_same_counts(spec, write, admin, client):
    with transaction.atomic():
        _stored_by_a_first_import(write, spec)
        want = expected(spec["rows"])
        job = _run(write, "second.csv", spec["rows"], actor=admin.user)
        client.force_login(admin.user)
        body = client.get(f"/api/v1/data/imports/{job.pk}").json()
        shown = {
            "rows": body["total_rows"],
            "created": body["created_count"],
            "updated": body["updated_count"],
            "unchanged": body["unchanged_count"],
            "duplicates": body["duplicate_count"],
            "errors": body["error_count"],
        }
        assert shown == want
        listed = client.get("/data/imports/").content.decode()
        row = re.search(rf'href="/data/imports/{job.pk}/".*?</tr>', listed, re.S).group(0)
        cells = [int(c.replace(",", "")) for c in re.findall(r'class="text-end num">([^<]*)<', row)]
        assert cells == [want["rows"], want["created"], want["updated"], want["errors"]]
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=files)
def test_the_parts_add_up_and_a_dry_run_predicts_the_import(spec, write, admin):
    with transaction.atomic():
        _stored_by_a_first_import(write, spec)
        dry = _run(write, "second.csv", spec["rows"], dry_run=True)
        real = _run(write, "second.csv", spec["rows"])
        assert real.created_count + real.duplicate_count + real.error_count == real.total_rows
        assert real.updated_count + real.unchanged_count <= real.duplicate_count
        counts = (
            "total_rows",
            "created_count",
            "updated_count",
            "unchanged_count",
            "duplicate_count",
            "error_count",
        )
        assert [getattr(dry, c) for c in counts] == [getattr(real, c) for c in counts]
        transaction.set_rollback(True)
