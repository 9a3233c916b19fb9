"""The funnel page (/funnel/) and its API twin (/api/v1/funnel/stages), reconciled.

For random small companies (``funnel_company``) and every filter the page offers (period,
team, segment), each stage's *now*, *reached* and *converts to next* are recomputed here
from the raw leads, deals and stage events — following the glossary entries
``funnel.now``, ``funnel.reached`` and ``funnel.conversion``, written out plainly below
rather than through ``hamsu.funnel.reach`` or the selector — and must equal what the API
answers and the page shows. Invariants hold as properties: conversions in [0, 1],
reached(next) ≤ reached(this), now ≤ reached, and the two teams' parts add up to the whole.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.crm.models import Opportunity, StageEvent
from hamsu.funnel.defaults import DEFAULT_FUNNEL
from hamsu.funnel.models import Lead
from tests.reconcile.funnel_company import build, companies

# The paths as the glossary states them (funnel.reached), written out here on purpose.
PATH = {
    "lead": ["inquiry", "mql", "sal", "sql", "opportunity", "won"],
    "opportunity": [
        "prospecting",
        "qualifying",
        "needs_definition",
        "solution_development",
        "decision",
        "negotiation",
        "won",
    ],
}
LOST_LEAD_REACHED = "opportunity"  # a lead in "lost" had a deal, so it reached opportunity
DAYS = ["90", "365", "730", "all"]

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _depth(kind: str, state: str) -> int | None:
    if kind == "lead" and state == "lost":
        state = LOST_LEAD_REACHED
    return PATH[kind].index(state) if state in PATH[kind] else None


def _raw(now: datetime.datetime, days: str, team: int | None, segment: int | None) -> dict[str, list[dict]]:
    """Per kind, the cohort's rows with their current state and every state they were in."""
    since = None if days == "all" else now - datetime.timedelta(days=int(days))
    visited: dict[tuple[str, int], set[str]] = {}
    for row in StageEvent.objects.values("object_type", "object_id", "to_stage"):
        visited.setdefault((row["object_type"], row["object_id"]), set()).add(row["to_stage"])
    out = {}
    for kind, model, field in (("lead", Lead, "state"), ("opportunity", Opportunity, "stage")):
        cohort = []
        for row in model.objects.values("id", field, "created_at", "team_id", "segment_id"):
            if since is not None and row["created_at"] < since:
                continue
            if team is not None and row["team_id"] != team:
                continue
            if segment is not None and row["segment_id"] != segment:
                continue
            states = visited.get((kind, row["id"]), set()) | {row[field]}
            cohort.append({"state": row[field], "states": states})
        out[kind] = cohort
    return out


def expected_figures(now, days="365", team=None, segment=None) -> dict[tuple[str, str], dict]:
    """Every stage's now / reached / conversion / next, recomputed from the raw rows."""
    cohort = _raw(now, days, team, segment)
    figures: dict[tuple[str, str], dict] = {}
    by_funnel: dict[str, list[tuple[str, dict]]] = {}
    for stage in DEFAULT_FUNNEL:
        tracks = stage["tracks"]
        shown = {"count": None, "reached": None, "conversion": None, "kind": None, "depth": None, "name": ""}
        if tracks:
            kinds = {t.split(":")[0] for t in tracks}
            states = {t.split(":")[1] for t in tracks}
            kind = next(iter(kinds))
            on_path = len(kinds) == 1 and all(s in PATH[kind] for s in states)
            rows = cohort[kind]
            shown["count"] = sum(1 for r in rows if r["state"] in states)
            if on_path:
                depth = min(PATH[kind].index(s) for s in states)
                deepest = [
                    max((d for s in r["states"] if (d := _depth(kind, s)) is not None), default=-1)
                    for r in rows
                ]
                shown["reached"] = sum(1 for d in deepest if d >= depth)
                shown["kind"], shown["depth"] = kind, depth
            else:
                shown["reached"] = sum(1 for r in rows if r["states"] & states)
        shown["name"] = stage["name"]
        figures[(stage["funnel"], stage["code"])] = shown
        by_funnel.setdefault(stage["funnel"], []).append((stage["code"], shown))
    for stages in by_funnel.values():
        for i, (_code, this) in enumerate(stages):
            if this["depth"] is None or not this["reached"]:
                continue
            # The next step: the next stage that counts a path (recycled stages are skipped;
            # a stage that counts nothing ends the chain).
            following = None
            for _next_code, candidate in stages[i + 1 :]:
                if candidate["depth"] is not None or candidate["count"] is None:
                    following = candidate
                    break
            # Only a later step of the same path is a successor.
            if (
                following
                and following["depth"] is not None
                and following["kind"] == this["kind"]
                and following["depth"] >= this["depth"]
            ):
                this["conversion"] = following["reached"] / this["reached"]
                this["next"] = following["name"]
    return figures


@pytest.fixture
def api(client, head_of_sales):
    client.force_login(head_of_sales.user)

    def get(**params) -> dict[tuple[str, str], dict]:
        response = client.get("/api/v1/funnel/stages", {k: v for k, v in params.items() if v is not None})
        assert response.status_code == 200, response.content
        return {(s["funnel"], s["code"]): s for s in response.json()["stages"]}

    return get


def _assert_same(shown: dict, expected: dict) -> None:
    for key, want in expected.items():
        got = shown[key]
        assert got["count"] == want["count"], (key, "now")
        assert got["reached"] == want["reached"], (key, "reached")
        assert got["conversion"] == pytest.approx(want["conversion"]), (key, "conversion")


filters = st.tuples(st.sampled_from(DAYS), st.sampled_from([None, 0, 1]), st.sampled_from([None, 0, 1]))


@pytest.mark.django_db
@SETTINGS
@given(company=companies(), chosen=st.lists(filters, min_size=1, max_size=3, unique=True))
def test_the_api_shows_what_the_rows_say_under_every_filter(company, chosen, api, rep, make_account):
    with transaction.atomic():
        built = build(company, owner=rep, account=make_account(rep))
        for days, team, segment in [("365", None, None), *chosen]:
            team_id = None if team is None else built.teams[team].pk
            segment_id = None if segment is None else built.segments[segment].pk
            _assert_same(
                api(days=days, team=team_id, segment=segment_id),
                expected_figures(built.now, days, team_id, segment_id),
            )
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(company=companies(), days=st.sampled_from(DAYS))
def test_the_invariants_hold(company, days, api, rep, make_account):
    with transaction.atomic():
        build(company, owner=rep, account=make_account(rep))
        shown = api(days=days)
        for stage in shown.values():
            if stage["conversion"] is not None:
                assert 0 <= stage["conversion"] <= 1, stage["code"]
            if stage["count"] is not None:
                assert stage["count"] <= stage["reached"], stage["code"]
        for funnel in ("buying", "lifecycle", "sales"):
            steps = [s for s in shown.values() if s["funnel"] == funnel and s["on_path"]]
            for this, following in zip(steps, steps[1:], strict=False):
                assert following["reached"] <= this["reached"], (this["code"], following["code"])
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(company=companies(), days=st.sampled_from(DAYS), segment=st.sampled_from([None, 0, 1]))
def test_the_teams_add_up_to_the_whole(company, days, segment, api, rep, make_account):
    with transaction.atomic():
        built = build(company, owner=rep, account=make_account(rep))
        segment_id = None if segment is None else built.segments[segment].pk
        whole = api(days=days, segment=segment_id)
        parts = [api(days=days, team=team.pk, segment=segment_id) for team in built.teams]
        for key, stage in whole.items():
            if stage["count"] is None:
                continue
            assert stage["count"] == sum(part[key]["count"] for part in parts), (key, "now")
            assert stage["reached"] == sum(part[key]["reached"] for part in parts), (key, "reached")
        transaction.set_rollback(True)


def _cell(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</td>', html, re.S)
    assert found, testid
    return re.sub(r"<[^>]+>", " ", found.group(1)).split()[0]


@pytest.mark.django_db
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(company=companies(), days=st.sampled_from(DAYS))
def test_the_page_shows_what_the_rows_say(company, days, client, head_of_sales, rep, make_account):
    client.force_login(head_of_sales.user)
    with transaction.atomic():
        built = build(company, owner=rep, account=make_account(rep))
        html = client.get("/funnel/", {"days": days}).content.decode()
        for (funnel, code), want in expected_figures(built.now, days).items():
            prefix = f"{funnel}-{code}"
            for figure, value in (("now", want["count"]), ("reached", want["reached"])):
                assert _cell(html, f"{figure}-{prefix}") == ("—" if value is None else f"{value:,}"), (
                    prefix,
                    figure,
                )
            shown = _cell(html, f"conversion-{prefix}")
            if want["conversion"] is None:
                assert not shown[0].isdigit(), prefix
            else:
                assert shown == f"{want['conversion'] * 100:.1f}%", prefix
        transaction.set_rollback(True)
