"""On real data, the closed loop and the scorecard count the same leads and deals (issue 13).

The Olist data set (8,000 MQLs, 842 won deals) is loaded with the documented bundle import
(``hamsu import bundle DIR --mapping olist/bundle.json --commit``); then, quarter by
quarter, the closed-loop page (its MQLs, SQLs, deals created and deals won) and the
scorecard (its funnel page's lead stages and deal stages, and the MQL and sales-closed
metrics) must show the same counts for the same period, and the MQLs and won deals must
be what the CSV files hold for that quarter (Python's csv, no Hamsu code).

Needs ``../shared/data`` beside the repository (skipped without it). Olist alone loads in
seconds, so this runs in CI on both databases; everything is rolled back at the end.
"""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
OLIST = DATA / "olist_marketing_funnel"
# Every quarter with an Olist lead or won deal in it (leads from 2017-06, wins to 2018-11).
QUARTERS = ("2017-Q2", "2017-Q3", "2017-Q4", "2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4")

pytestmark = [
    pytest.mark.real_data,
    pytest.mark.django_db,
    pytest.mark.skipif(not OLIST.exists(), reason="../shared/data is not present"),
]


def quarter_of(moment: datetime.datetime) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def bounds(key: str) -> tuple[str, str]:
    """A calendar quarter as the closed loop's from and until (not included) dates."""
    year, q = int(key[:4]), int(key[-1])
    start = datetime.date(year, 3 * q - 2, 1)
    end = datetime.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start.isoformat(), end.isoformat()


@pytest.fixture(scope="module")
def raw() -> dict[str, Counter]:
    """MQLs per quarter of their first contact, won deals per quarter of their win."""
    with open(OLIST / "olist_marketing_qualified_leads_dataset.csv", newline="", encoding="utf-8") as handle:
        mqls = Counter(
            quarter_of(datetime.datetime.fromisoformat(r["first_contact_date"]))
            for r in csv.DictReader(handle)
        )
    with open(OLIST / "olist_closed_deals_dataset.csv", newline="", encoding="utf-8") as handle:
        won = Counter(
            quarter_of(datetime.datetime.fromisoformat(r["won_date"])) for r in csv.DictReader(handle)
        )
    return {"mqls": mqls, "won": won}


@pytest.fixture(scope="module")
def shown(django_db_setup, django_db_blocker) -> dict[str, dict[str, int | None]]:
    """What each page shows for each quarter, from one import rolled back at the end."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from hamsu.scorecard import aggregates
    from hamsu.scorecard.aggregates_fold import LEAD_ORDER

    # Pages are drawn here, outside the per-test settings fixture: plain static storage.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command(
                "import",
                "bundle",
                str(OLIST),
                mapping="olist/bundle.json",
                commit=True,
                no_progress=True,
                issues=0,
            )
            aggregates.fill()
            client = Client()
            client.force_login(
                get_user_model().objects.create_superuser("auditor", "auditor@example.com", "pw")
            )
            found = {}
            for key in QUARTERS:
                since, until = bounds(key)
                loop = client.get("/campaigns/closed-loop/", {"since": since, "until": until}).context["loop"]
                funnel = client.get("/scorecard/funnel/", {"period": key}).context
                leads = {
                    stage: row[1]
                    for stage, row in zip(LEAD_ORDER, funnel["tables"]["leads"].rows, strict=True)
                }
                deals = {row["stage"]: row["value"] for row in funnel["chart"]}
                metrics = client.get("/api/v1/scorecard/metrics", {"period": key}).json()["items"]
                values = {item["code"]: item["value"] for item in metrics}
                found[key] = {
                    "loop_mqls": loop.mqls,
                    "loop_sqls": loop.sqls,
                    "loop_deals": loop.pipeline["total"].count,
                    "loop_won": loop.revenue["total"].count,
                    "scorecard_mqls": leads["mql"],
                    "scorecard_sqls": leads["sql"],
                    "scorecard_deals": deals[next(iter(deals))],
                    "scorecard_won": deals["won"],
                    "metric_mqls": Decimal(str(values["mqls"])),
                    "metric_won": Decimal(str(values["sales_closed"])),
                }
            yield found
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize("key", QUARTERS)
def test_the_closed_loop_and_the_scorecard_count_the_same_mqls(shown, raw, key):
    figures = shown[key]
    assert figures["loop_mqls"] == figures["scorecard_mqls"]
    assert figures["loop_mqls"] == figures["metric_mqls"]
    assert figures["loop_mqls"] == raw["mqls"][key]


@pytest.mark.parametrize("key", QUARTERS)
def test_the_closed_loop_and_the_scorecard_count_the_same_sqls(shown, key):
    """An Olist lead goes from MQL straight to a deal: it counts as having passed SQL on
    both pages (the funnel's one definition), never as zero on one of them."""
    assert shown[key]["loop_sqls"] == shown[key]["scorecard_sqls"]


@pytest.mark.parametrize("key", QUARTERS)
def test_the_closed_loop_and_the_scorecard_count_the_same_deals_created(shown, key):
    assert shown[key]["loop_deals"] == shown[key]["scorecard_deals"]


@pytest.mark.parametrize("key", QUARTERS)
def test_the_closed_loop_and_the_scorecard_count_the_same_deals_won(shown, raw, key):
    figures = shown[key]
    assert figures["loop_won"] == figures["scorecard_won"]
    assert figures["loop_won"] == figures["metric_won"]
    assert figures["loop_won"] == raw["won"][key]


def test_every_lead_and_every_won_deal_is_in_one_of_the_quarters(shown, raw):
    assert sum(shown[key]["loop_mqls"] for key in QUARTERS) == sum(raw["mqls"].values())
    assert sum(shown[key]["loop_won"] for key in QUARTERS) == sum(raw["won"].values())
