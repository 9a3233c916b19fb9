"""The permission matrix, read from the documentation (issue 15): every ✓-grid table of
``docs/permissions*.md`` is parsed into (permission, role, allowed) cases, and

1. each case must hold in the role matrix the application enforces
   (``hamsu.core.roles``, the groups every page, API operation and export asks), so the
   docs and the behaviour cannot drift apart;
2. each documented view permission that has a page, an API operation, an export or a
   search is exercised through each of them for every role: a role with the permission
   gets 200, a role without gets 403 (or, for the API, a problem 403).

Tables in prose (the funnel's "role | funnel permissions") are not a grid; they are read
by ``FUNNEL_ROLES`` below from the same rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hamsu.core import roles

DOCS = Path(__file__).resolve().parents[1] / "docs"
ALL_ROLES = list(roles.ROLE_LABELS)

# Column headings as the docs write them → the roles they stand for.
HEADINGS = {
    "revenue leader": [roles.REVENUE_LEADER],
    "cro": [roles.REVENUE_LEADER],
    "head of sales": [roles.HEAD_OF_SALES],
    "head of marketing": [roles.HEAD_OF_MARKETING],
    "heads": [roles.HEAD_OF_SALES, roles.HEAD_OF_MARKETING],
    "sales manager": [roles.SALES_MANAGER],
    "manager": [roles.SALES_MANAGER],
    "sales rep": [roles.SALES_REP],
    "rep": [roles.SALES_REP],
    "upstream marketer": [roles.UPSTREAM_MARKETER],
    "downstream marketer": [roles.DOWNSTREAM_MARKETER],
    "upstream / downstream marketer": [roles.UPSTREAM_MARKETER, roles.DOWNSTREAM_MARKETER],
    "liaison": [roles.LIAISON],
    "marketing liaison": [roles.LIAISON],
    "administrator": [roles.ADMINISTRATOR],
    "admin": [roles.ADMINISTRATOR],
}
YES, NO = "✓", {"", "—", "-"}


def _roles_of_heading(heading: str, named: set[str]) -> list[str] | None:
    """The roles a column stands for; "others" is every role no other column names."""
    heading = heading.strip().lower()
    if heading == "others":
        return [role for role in ALL_ROLES if role not in named]
    found: list[str] = []
    for part in re.split(r",\s*", heading):
        if part not in HEADINGS:
            return None
        found += HEADINGS[part]
    return found


def _permissions(cell: str, app: str | None, codenames: dict[str, set[str]]) -> list[str]:
    """``crm.add_x``, ``change_x`` (the app carried over) and ``dataio.*_webhookendpoint``."""
    found = []
    for item in re.findall(r"`([^`]+)`", cell):
        if "." in item:
            app, codename = item.split(".", 1)
        else:
            codename = item
        if app is None or app not in codenames:
            continue
        if "*" in codename:
            pattern = re.compile(re.escape(codename).replace(r"\*", r"\w+") + r"\Z")
            found += [f"{app}.{c}" for c in sorted(codenames[app]) if pattern.match(c)]
        else:
            found.append(f"{app}.{codename}")
    return found


def documented_cases() -> list[tuple[str, str, str, bool]]:
    """(doc file, permission, role, allowed) for every ✓-grid row of the docs."""
    from django.contrib.auth.models import Permission

    codenames: dict[str, set[str]] = {}
    for app, codename in Permission.objects.values_list("content_type__app_label", "codename"):
        codenames.setdefault(app, set()).add(codename)
    cases = []
    for doc in sorted(DOCS.glob("permissions*.md")):
        lines = doc.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if not (
                line.startswith("| permission") and i + 1 < len(lines) and lines[i + 1].startswith("|---")
            ):
                continue
            header = [cell.strip() for cell in line.strip().strip("|").split("|")]
            app_match = re.search(r"`(\w+)\.…`", header[0])
            header_app = app_match.group(1) if app_match else None
            columns: dict[int, list[str]] = {}
            named: set[str] = set()
            for position, heading in enumerate(header[1:], start=1):
                if heading.strip().lower() == "others":
                    continue
                found = _roles_of_heading(heading, set())
                if found:
                    columns[position] = found
                    named.update(found)
            for position, heading in enumerate(header[1:], start=1):
                if heading.strip().lower() == "others":
                    columns[position] = _roles_of_heading(heading, named) or []
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
                marks = {position: cells[position] for position in columns if position < len(cells)}
                if not all(mark == YES or mark in NO for mark in marks.values()):
                    continue  # a row in words ("as for the lists"), not a grid row
                for permission in _permissions(cells[0], header_app, codenames):
                    for position, mark in marks.items():
                        for role in columns[position]:
                            cases.append((doc.name, permission, role, mark == YES))
    return cases


@pytest.fixture
def cases(db):
    return documented_cases()


def test_the_docs_hold_a_grid_for_every_area(cases):
    areas = {doc for doc, *_rest in cases}
    assert areas == {
        "permissions.md",
        "permissions-alignment.md",
        "permissions-campaigns.md",
        "permissions-collaboration.md",
        "permissions-dataio.md",
        "permissions-scorecard.md",
    }


def test_every_documented_permission_exists(cases):
    from django.contrib.auth.models import Permission

    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert sorted({permission for _doc, permission, *_rest in cases} - existing) == []


def test_the_role_matrix_is_what_the_docs_say(cases):
    disagreements = [
        f"{doc}: {permission} for {role}: docs say {'yes' if allowed else 'no'}"
        for doc, permission, role, allowed in cases
        if (permission in roles.role_permissions(role)) != allowed
    ]
    assert disagreements == []


# ---------------------------------------------------------------- behaviour, by channel

# The pages, API operations, exports and searches each view permission opens. A role the
# docs give the permission gets 200; a role without gets 403.
CHANNELS: dict[str, list[tuple[str, str]]] = {
    "crm.view_account": [
        ("page", "/crm/accounts/"),
        ("api", "/api/v1/accounts"),
        ("export", "/data/exports/accounts.csv"),
    ],
    "crm.view_contact": [
        ("page", "/crm/contacts/"),
        ("api", "/api/v1/contacts"),
        ("export", "/data/exports/contacts.csv"),
    ],
    "crm.view_opportunity": [
        ("page", "/crm/opportunities/"),
        ("api", "/api/v1/opportunities"),
        ("export", "/data/exports/opportunities.csv"),
    ],
    "crm.view_activity": [("page", "/crm/tasks/"), ("api", "/api/v1/activities")],
    "directory.view_person": [("search", "/people/?q=rep"), ("api", "/api/v1/people/search?q=rep")],
    "core.view_auditentry": [("page", "/settings/audit/")],
    "dataio.view_importjob": [("page", "/data/imports/"), ("api", "/api/v1/data/imports")],
    "dataio.view_webhookendpoint": [("page", "/data/webhooks/"), ("api", "/api/v1/data/webhooks")],
    "campaigns.view_campaign": [("page", "/campaigns/"), ("api", "/api/v1/campaigns/")],
    "alignment.view_round": [("page", "/alignment/"), ("api", "/api/v1/alignment/rounds")],
    "scorecard.view_forecastcall": [("api", "/api/v1/scorecard/calls")],
    "scorecard.view_forecastsnapshot": [
        ("page", "/scorecard/forecast/"),
        ("api", "/api/v1/scorecard/forecast"),
    ],
    "collaboration.view_meeting": [("page", "/together/meetings/"), ("api", "/api/v1/together/meetings")],
    # collaboration.view_feedbacknote ("read every seller's notes") has no channel of its
    # own: /api/v1/together/feedback answers everyone, each reader's notes (a record rule).
}


def channel_cases():
    # The expectation comes from the docs at run time (see test_channel); here the cases.
    return [
        pytest.param(permission, channel, url, role, id=f"{permission}-{channel}-{role}")
        for permission, urls in CHANNELS.items()
        for channel, url in urls
        for role in ALL_ROLES
    ]


@pytest.fixture
def person_in(make_person, teams):
    def make(role):
        return make_person(f"{role.replace('_', ' ').title()} Person", role=role, team=teams["enterprise"])

    return make


@pytest.mark.django_db
@pytest.mark.parametrize(("permission", "channel", "url", "role"), channel_cases())
def test_channel(client, person_in, permission, channel, url, role):
    documented = {(p, r): allowed for _doc, p, r, allowed in documented_cases()}
    assert (permission, role) in documented  # the permission is in the docs' grid
    person = person_in(role)
    client.force_login(person.user)
    response = client.get(url)
    expected = 200 if documented[(permission, role)] else 403
    assert response.status_code == expected
