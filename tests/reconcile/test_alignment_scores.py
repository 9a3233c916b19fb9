"""The diagnostic's results (/alignment/rounds/<id>/ and /api/v1/alignment/rounds/<id>/results),
reconciled.

For random rounds drawn by hypothesis — respondents of random functions rating the 20
statements, a random minimum group size — every figure is recomputed here from the raw
response rows, following the glossary entries ``alignment.*`` written out plainly (small
groups pooled into "other" or left out, totals as sums of ratings, means, the sales −
marketing gap, the relationship band) rather than through ``hamsu.analytics.diagnostic`` or
the alignment selectors, and must equal what the API answers and the page shows.
Invariants hold as properties: totals within 20–100, averages within 1–5, the statement
averages add up to the total, the functions' scores weighted by their sizes average to it,
and the interval holds the total.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from statistics import mean

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.alignment import services
from hamsu.alignment.models import Response
from hamsu.core import roles
from hamsu.directory.models import Function, RoleTitle

KEYS = [f"s{i}" for i in range(1, 21)]
FUNCTIONS = ["sales", "marketing", "service", "leadership", "other"]
API = "/api/v1/alignment"
SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

answers = st.tuples(st.sampled_from(FUNCTIONS), st.lists(st.integers(1, 5), min_size=20, max_size=20))
rounds = st.fixed_dictionaries(
    {"min_group_size": st.integers(2, 5), "answers": st.lists(answers, min_size=0, max_size=24)}
)


@pytest.fixture
def leader_client(client, make_person):
    leader = make_person(
        "Lale Leader", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )
    client.force_login(leader.user)
    return client


def band(total: float) -> str:
    """The glossary's alignment.relationship, written out."""
    if total >= 80:
        return "Integrated"
    if total >= 60:
        return "Aligned"
    if total >= 40:
        return "Defined"
    return "Undefined"


def expected(spec: dict) -> dict | None:
    """Every figure of the results, from the raw (function, ratings) rows; None when hidden."""
    rows = [(function, ratings) for function, ratings in spec["answers"]]
    minimum = spec["min_group_size"]
    if len(rows) < minimum:
        return None
    sizes = Counter(function for function, _r in rows)
    small = {function for function, n in sizes.items() if n < minimum}
    left_out = 0
    if small:
        pool = small | ({"other"} if sizes["other"] else set())
        pooled = sum(sizes[f] for f in pool)
        if pooled < minimum:
            rows = [(f, r) for f, r in rows if f not in pool]
            left_out = pooled
        else:
            rows = [("other" if f in pool else f, r) for f, r in rows]
    groups: dict[str, list[list[int]]] = {}
    for function, ratings in rows:
        groups.setdefault(function, []).append(ratings)
    out = {
        "total": mean(sum(r) for _f, r in rows),
        "n": len(rows),
        "left_out": left_out,
        "by_function": {f: mean(sum(r) for r in group) for f, group in groups.items()},
        "n_by_function": {f: len(group) for f, group in groups.items()},
        "statement_means": {k: mean(r[i] for _f, r in rows) for i, k in enumerate(KEYS)},
        "statement_by_function": {
            k: {f: mean(r[i] for r in group) for f, group in groups.items()} for i, k in enumerate(KEYS)
        },
        "gaps": {
            k: mean(r[i] for r in groups["sales"]) - mean(r[i] for r in groups["marketing"])
            if "sales" in groups and "marketing" in groups
            else None
            for i, k in enumerate(KEYS)
        },
    }
    out["relationship"] = band(out["total"])
    return out


def build(spec: dict):
    round_ = services.round_create(
        actor=None,
        name="Reconciled round",
        closes_at=timezone.now() + datetime.timedelta(days=7),
        anonymous=False,
        min_group_size=spec["min_group_size"],
    )
    Response.objects.bulk_create(
        Response(round=round_, function=function, **dict(zip(KEYS, ratings, strict=True)))
        for function, ratings in spec["answers"]
    )
    return round_


@pytest.mark.django_db
@SETTINGS
@given(spec=rounds)
def test_the_api_shows_what_the_responses_say(spec, leader_client):
    with transaction.atomic():
        round_ = build(spec)
        shown = leader_client.get(f"{API}/rounds/{round_.pk}/results").json()
        want = expected(spec)
        assert shown["n_responses"] == len(spec["answers"])
        if want is None:
            assert shown["enough"] is False
        else:
            assert shown["total"] == pytest.approx(want["total"])
            assert shown["relationship"] == want["relationship"]
            assert shown["left_out"] == want["left_out"]
            assert shown["by_function"] == pytest.approx(want["by_function"])
            assert shown["n_by_function"] == want["n_by_function"]
            for row in shown["statements"]:
                assert row["mean"] == pytest.approx(want["statement_means"][row["statement"]])
                assert row["by_function"] == pytest.approx(want["statement_by_function"][row["statement"]])
            gaps = {g["statement"]: g["gap"] for g in shown["gaps"]}
            assert gaps == pytest.approx(want["gaps"])
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=rounds)
def test_the_invariants_hold(spec, leader_client):
    with transaction.atomic():
        round_ = build(spec)
        shown = leader_client.get(f"{API}/rounds/{round_.pk}/results").json()
        if shown["enough"]:
            assert 20 <= shown["total"] <= 100
            for value in shown["by_function"].values():
                assert 20 <= value <= 100
            for row in shown["statements"]:
                assert 1 <= row["mean"] <= 5
                for value in row["by_function"].values():
                    assert 1 <= value <= 5
            assert sum(row["mean"] for row in shown["statements"]) == pytest.approx(shown["total"])
            weighted = sum(shown["by_function"][f] * n for f, n in shown["n_by_function"].items())
            assert weighted / sum(shown["n_by_function"].values()) == pytest.approx(shown["total"])
            assert sum(shown["n_by_function"].values()) + shown["left_out"] == shown["n_responses"]
            interval = shown["confidence_interval"]
            if interval is not None:
                assert interval["low"] <= shown["total"] + 1e-9
                assert shown["total"] <= interval["high"] + 1e-9
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=rounds)
def test_the_page_shows_what_the_responses_say(spec, leader_client):
    with transaction.atomic():
        round_ = build(spec)
        page = leader_client.get(f"/alignment/rounds/{round_.pk}/").content.decode()
        shown = leader_client.get(f"{API}/rounds/{round_.pk}/results").json()
        want = expected(spec)
        if want is None:
            assert 'data-testid="too-few"' in page
        else:
            # The page rounds the figure the API gives, which equals the recomputed one.
            assert shown["total"] == pytest.approx(want["total"])
            assert f'data-testid="company-score">{Decimal(shown["total"]):.1f}<' in page
            assert f'data-testid="relationship">{want["relationship"]}<' in page
            for function, n in want["n_by_function"].items():
                assert f'<td class="num text-secondary">n = {n}</td>' in page, function
        transaction.set_rollback(True)
