"""Journeys from the database, every model side by side, closed-loop figures, explanations."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection

from hamsu.campaigns import services
from hamsu.campaigns.attribution_runs import compare_models, explain_deal
from hamsu.campaigns.closed_loop import closed_loop
from hamsu.campaigns.journeys import journey_frame
from hamsu.crm import services as crm
from hamsu.crm.models import Opportunity

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def day(n: int) -> datetime.datetime:
    return T0 + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def world(rep, marketer, make_account, make_opportunity):
    """Two won deals, one lost; touches before and after their closes."""
    search = services.campaign_create(
        actor=marketer.user, name="Search Q1", channel="paid_search", utm_campaign="search-q1"
    )
    webinar = services.campaign_create(actor=marketer.user, name="Webinar", channel="webinar")
    services.cost_line_create(
        actor=marketer.user,
        campaign=search,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        amount="1000",
    )
    services.cost_line_create(
        actor=marketer.user,
        campaign=webinar,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        amount="500",
    )
    a1, a2, a3 = make_account(rep), make_account(rep), make_account(rep)
    c1 = crm.contact_create(actor=None, last_name="One", account=a1, owner=rep)
    won1 = make_opportunity(rep, account=a1, amount="3000", stage="won", source="marketing")
    won2 = make_opportunity(rep, account=a2, amount="1000", stage="won")
    lost = make_opportunity(rep, account=a3, amount="5000", stage="lost")
    Opportunity.objects.filter(pk=won1.pk).update(created_at=day(5), closed_at=day(20))
    Opportunity.objects.filter(pk=won2.pk).update(created_at=day(6), closed_at=day(30))
    Opportunity.objects.filter(pk=lost.pk).update(created_at=day(7), closed_at=day(25))
    record = services.touchpoint_record
    record(actor=None, kind="ad_click", occurred_at=day(1), contact=c1, campaign=search)
    record(actor=None, kind="webinar", occurred_at=day(10), contact=c1, campaign=webinar)
    record(actor=None, kind="page_view", occurred_at=day(40), contact=c1, campaign=search)  # after the close
    record(actor=None, kind="sales_call", occurred_at=day(2), account=a2)
    record(actor=None, kind="ad_click", occurred_at=day(3), account=a3, campaign=search)
    return {"won1": won1, "won2": won2, "lost": lost, "search": search, "webinar": webinar}


def test_journeys_keep_touches_up_to_the_close_and_flag_the_last_one(world):
    frame = journey_frame(measure="revenue", lookback_days=None).frame
    won1 = frame.filter(frame["opp"] == world["won1"].pk)
    assert won1["channel"].to_list() == ["paid_search", "webinar"]
    assert won1["converted"].to_list() == [False, True]
    assert won1["conversion_value"].to_list() == [0.0, 3000.0]
    lost = frame.filter(frame["opp"] == world["lost"].pk)
    assert lost["converted"].to_list() == [False]


def test_the_lookback_drops_old_touches(world):
    frame = journey_frame(measure="revenue", lookback_days=15).frame
    assert frame.filter(frame["opp"] == world["won1"].pk)["channel"].to_list() == ["webinar"]


def test_pipeline_counts_touches_before_creation_only(world):
    frame = journey_frame(measure="pipeline", lookback_days=None).frame
    won1 = frame.filter(frame["opp"] == world["won1"].pk)
    assert won1["channel"].to_list() == ["paid_search"]
    assert won1["conversion_value"].sum() == 3000.0


def test_every_model_gives_out_exactly_the_attributable_revenue(world):
    comparison = compare_models(measure="revenue", level="channel", lookback_days=None)
    assert comparison.deals == 3
    assert comparison.deals_touched == 3
    assert comparison.value == comparison.value_touched == 4000.0
    assert not comparison.errors
    for model in comparison.models:
        total = sum(comparison.amount(model, key) for key in comparison.keys)
        assert total == pytest.approx(4000.0), model
    assert comparison.amount("last_touch", "webinar") == pytest.approx(3000.0)
    assert comparison.amount("first_touch", "paid_search") == pytest.approx(3000.0)


def test_campaign_level_uses_campaign_names_and_marks_touches_without_one(world):
    comparison = compare_models(measure="revenue", level="campaign", lookback_days=None, models=("linear",))
    assert set(comparison.keys) == {"Search Q1", "Webinar", "(sales)"}
    assert comparison.amount("linear", "(sales)") == pytest.approx(1000.0)


def test_closed_loop_separates_sourced_from_influenced_and_prices_the_wins(world):
    loop = closed_loop(model="linear", lookback_days=None)
    assert loop.revenue["total"].count == 2
    assert loop.revenue["sourced"].count == 1
    # Deal 2 only had a direct sales call: not marketing-influenced.
    assert loop.revenue["influenced"].count == 1
    assert loop.spend == 1500
    assert loop.cost_per_won_deal == 1500
    assert loop.mqls is None and loop.cost_per_mql is None  # not measured yet
    search = next(row for row in loop.by_campaign if row["key"] == "Search Q1")
    assert search["spend"] == 1000
    assert search["revenue"] == pytest.approx(1500.0)
    assert search["roas"] == pytest.approx(1.5)
    channel = next(row for row in loop.by_channel if row["key"] == "webinar")
    assert channel["roi"] == pytest.approx((1500 - 500) / 500)


def test_a_deal_explanation_shares_sum_to_one_and_say_why(world):
    explanation = explain_deal(opportunity=world["won1"], model="position_based", lookback_days=None)
    counted = [t for t in explanation.touches if t.share > 0]
    assert [t.channel for t in counted] == ["paid_search", "webinar"]
    assert sum(t.share for t in explanation.touches) == pytest.approx(1.0)
    assert all(t.reason for t in explanation.touches)
    markov = explain_deal(opportunity=world["won1"], model="markov", lookback_days=None)
    assert sum(t.share for t in markov.touches) == pytest.approx(1.0)


def test_a_deal_without_touches_is_reported_not_invented(rep, make_opportunity):
    deal = make_opportunity(rep, stage="won")
    explanation = explain_deal(opportunity=deal, model="linear")
    assert explanation.touches == []
    assert explanation.note == "no_touches"
    comparison = compare_models(measure="revenue")
    assert comparison.deals == 1
    assert comparison.deals_touched == 0
    assert comparison.credit == {}


@pytest.mark.parametrize("measure", ["revenue", "pipeline"])
@pytest.mark.parametrize("level", ["channel", "campaign"])
@pytest.mark.parametrize("lookback", [None, 15])
def test_the_in_database_route_builds_the_same_paths(world, measure, level, lookback):
    from hamsu.analytics.attribution import aggregate_journeys
    from hamsu.campaigns.sql_route import paths_in_database

    python = aggregate_journeys(
        journey_frame(measure=measure, level=level, lookback_days=lookback).frame
    ).paths.to_frame()
    database = paths_in_database(measure=measure, level=level, lookback_days=lookback).to_frame()

    def canonical(frame):
        return sorted(
            (tuple(r["path"]), r["conversions"], r["value"], r["nulls"]) for r in frame.iter_rows(named=True)
        )

    assert canonical(python) == canonical(database)


def test_a_large_database_is_attributed_in_the_background(
    world, settings, django_capture_on_commit_callbacks
):
    from hamsu.campaigns.models import AttributionSnapshot

    settings.HAMSU_ATTRIBUTION_INLINE_TOUCHES = 0  # pretend every database is large
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = compare_models(measure="revenue", lookback_days=None, background=True)
    assert first.pending
    assert first.credit == {}
    assert len(callbacks) == 1  # one refresh enqueued (the immediate backend ran it)
    cache.clear()
    fresh = compare_models(measure="revenue", lookback_days=None, background=True)
    assert not fresh.pending
    assert not fresh.stale
    assert fresh.computed_at is not None
    assert sum(fresh.amount("linear", k) for k in fresh.keys) == pytest.approx(4000.0)
    # New data: the old snapshot is shown, marked stale, while one refresh runs.
    services.touchpoint_record(
        actor=None, kind="page_view", occurred_at=day(11), account=world["won1"].account
    )
    cache.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stale = compare_models(measure="revenue", lookback_days=None, background=True)
        again = compare_models(measure="revenue", lookback_days=None, background=True)
    assert stale.stale
    assert again.stale
    assert len(callbacks) == 1
    assert AttributionSnapshot.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite stores times as text; PostgreSQL has a real type"
)
def test_sqlite_time_text_is_read_in_every_form_django_and_raw_inserts_write():
    import polars as pl

    from hamsu.campaigns.journeys import _as_utc

    text = [
        "2026-05-01 10:00:00",
        "2026-05-01 10:00:00.123456",
        "2026-05-01 10:00:00.5",
        "2026-05-01 10:00:00+00:00",
        "2026-05-01T10:00:00.000001+00:00",
    ]
    parsed = pl.DataFrame({"t": text}).select(_as_utc(pl.col("t")))["t"].to_list()
    base = datetime.datetime(2026, 5, 1, 10, 0)
    assert parsed == [
        base,
        base.replace(microsecond=123456),
        base.replace(microsecond=500000),
        base,
        base.replace(microsecond=1),
    ]


MODEL_NAMES = (
    "first_touch",
    "last_touch",
    "linear",
    "position_based",
    "time_decay",
    "w_shaped",
    "shapley",
    "markov",
)
CHANNEL_LABELS = ("search", "email", "webinar", "display", "social")  # the analytics journey's own keys


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_every_attribution_reason_reads_in_persian(model):
    """analytics returns each reason as a code with its figures; campaigns says it in the
    reader's language: no English sentence on a Persian page (issue 13)."""
    from django.utils import translation

    from hamsu.analytics.attribution import attribute, explain
    from hamsu.campaigns.explain_reasons import reason_text
    from tests.analytics.test_attribution_explain import deal
    from tests.persian_text import latin_words

    fitted = attribute(deal(), "markov") if model == "markov" else None
    shares = explain(deal(), model, result=fitted, lookback=datetime.timedelta(days=30))
    assert {s.reason.code for s in shares} >= {"outside_lookback", "after_conversion", model}
    with translation.override("fa"):
        said = [reason_text(s.reason, level="channel") for s in shares]
    assert latin_words("<main>" + " ".join(said) + "</main>", data=CHANNEL_LABELS) == []


@pytest.mark.parametrize("model", ["w_shaped", "shapley", "time_decay"])
@pytest.mark.parametrize("level", ["channel", "campaign"])
def test_a_persian_deal_explanation_says_why_in_persian(client, marketer, world, model, level):
    from tests.persian_text import latin_words

    client.force_login(marketer.user)
    client.cookies["django_language"] = "fa"
    url = f"/campaigns/deals/{world['won1'].pk}/explanation/"
    html = client.get(url, {"model": model, "level": level, "lookback": ""}, HTTP_ACCEPT_LANGUAGE="fa")
    reasons = re.findall(r'data-testid="reason">(.*?)</td>', html.content.decode(), re.S)
    assert len(reasons) == 2
    assert latin_words("<main>" + " ".join(reasons) + "</main>", data=("Search Q1", "Webinar")) == []


def test_the_api_explains_each_touch_with_its_rule_and_a_sentence_in_the_requests_language(
    client, marketer, world
):
    from hamsu.api import services as tokens

    _token, raw = tokens.token_create(user=marketer.user, name="explain")
    body = client.get(
        f"/api/v1/campaigns/deals/{world['won1'].pk}/explanation",
        {"model": "position_based"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_ACCEPT_LANGUAGE="fa",
    ).json()
    assert [t["reason_code"] for t in body["touches"]] == ["position_based", "position_based"]
    assert body["touches"][0]["reason"].startswith("نخستین تماس")
