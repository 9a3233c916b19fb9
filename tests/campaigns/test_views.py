"""The pages: campaigns and spend, imports with row reports, attribution, closed loop,
exports (formula cells neutralised) and the per-deal explanation."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from hamsu.campaigns import services
from hamsu.campaigns.models import Campaign, CostLine, Touchpoint
from hamsu.crm import services as crm
from hamsu.crm.models import Opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def world(marketer, rep, make_account, make_opportunity):
    campaign = services.campaign_create(
        actor=marketer.user, name='=HYPERLINK("http://evil")', channel="paid_search", utm_campaign="spring-26"
    )
    services.cost_line_create(
        actor=marketer.user,
        campaign=campaign,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        amount="300",
    )
    account = make_account(rep)
    contact = crm.contact_create(
        actor=None, last_name="Rahimi", account=account, owner=rep, email="s@x.example"
    )
    deal = make_opportunity(rep, account=account, amount="900", stage="won", source="marketing")
    Opportunity.objects.filter(pk=deal.pk).update(
        closed_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)
    )
    for day, kind in ((5, "ad_click"), (12, "form_fill")):
        services.touchpoint_record(
            actor=None,
            kind=kind,
            occurred_at=datetime.datetime(2026, 1, day, tzinfo=datetime.UTC),
            contact=contact,
            campaign=campaign,
        )
    return {"campaign": campaign, "deal": deal, "contact": contact}


def test_the_campaign_pages_show_spend_and_touches(client, marketer, world):
    client.force_login(marketer.user)
    listing = client.get("/campaigns/")
    assert listing.status_code == 200
    assert "spring-26" in listing.content.decode()
    detail = client.get(f"/campaigns/{world['campaign'].pk}/")
    assert detail.status_code == 200
    assert "300" in detail.content.decode()


def test_creating_a_campaign_from_the_form_and_seeing_field_errors(client, marketer):
    client.force_login(marketer.user)
    bad = client.post(
        "/campaigns/new/",
        {
            "name": "Fair",
            "channel": "events",
            "type": "event",
            "status": "planned",
            "currency": "USD",
            "start_date": "2026-05-02",
            "end_date": "2026-05-01",
        },
    )
    assert bad.status_code == 200
    assert 'data-field-error="end_date"' in bad.content.decode()
    assert Campaign.objects.count() == 0
    good = client.post(
        "/campaigns/new/",
        {
            "name": "Fair",
            "channel": "events",
            "type": "event",
            "status": "planned",
            "currency": "USD",
            "start_date": "1405-02-12",
        },
    )
    assert good.status_code == 302
    assert Campaign.objects.get().start_date == datetime.date(2026, 5, 2)  # Jalali typed, Gregorian stored


def test_adding_a_cost_line_and_refusing_a_negative_one(client, marketer, world):
    client.force_login(marketer.user)
    url = f"/campaigns/{world['campaign'].pk}/costs/"
    bad = client.post(
        url, {"period_start": "2026-02-01", "period_end": "2026-02-28", "amount": "-5", "currency": "USD"}
    )
    assert bad.status_code == 200
    assert 'data-field-error="amount"' in bad.content.decode()
    ok = client.post(
        url, {"period_start": "2026-02-01", "period_end": "2026-02-28", "amount": "۱۲۰", "currency": "USD"}
    )
    assert ok.status_code == 302
    assert CostLine.objects.count() == 2


def test_a_sales_rep_sees_the_numbers_but_cannot_change_campaigns(client, rep, world):
    client.force_login(rep.user)
    assert client.get("/campaigns/closed-loop/").status_code == 200
    assert client.get("/campaigns/new/").status_code == 403
    assert client.post(f"/campaigns/{world['campaign'].pk}/costs/", {}).status_code == 403


def test_spend_import_is_all_or_nothing_with_a_row_report(client, marketer, world):
    client.force_login(marketer.user)
    sheet = (
        "campaign,period_start,period_end,amount,currency\n"
        "spring-26,2026-02-01,2026-02-28,100,USD\n"
        "nope,2026-03-01,2026-03-31,100,USD\n"
        "spring-26,2026-04-01,2026-03-01,abc,USD\n"
    )
    response = client.post("/campaigns/spend/import/", {"file": SimpleUploadedFile("s.csv", sheet.encode())})
    report = response.context["report"]
    assert {(e["line"], e["field"]) for e in report.errors} == {
        (3, "campaign"),
        (4, "period_end"),
        (4, "amount"),
    }
    assert CostLine.objects.count() == 1  # nothing from the sheet landed
    good = "campaign,period_start,period_end,amount\nspring-26,2026-02-01,2026-02-28,100\n"
    response = client.post("/campaigns/spend/import/", {"file": SimpleUploadedFile("s.csv", good.encode())})
    assert response.context["report"].ok
    assert CostLine.objects.count() == 2


def test_touchpoint_import_finds_contacts_by_email_and_reads_utm_from_urls(client, marketer, world):
    client.force_login(marketer.user)
    sheet = (
        "kind,occurred_at,contact_email,landing_url,external_id\n"
        "form_fill,2026-01-20T10:00:00+03:30,S@x.example,https://a.example/?utm_campaign=spring-26,imp-1\n"
        "form_fill,2026-01-20T10:00:00+03:30,ghost@x.example,,imp-2\n"
        "webinar,not a date,,,imp-3\n"
    )
    response = client.post(
        "/campaigns/touchpoints/import/", {"file": SimpleUploadedFile("t.csv", sheet.encode())}
    )
    report = response.context["report"]
    assert report.created == 1
    assert [(e["line"], e["field"]) for e in report.errors] == [(3, "contact_email"), (4, "occurred_at")]
    touch = Touchpoint.objects.get(external_id="imp-1")
    assert touch.contact == world["contact"]
    assert touch.campaign == world["campaign"]


def test_the_attribution_page_shows_every_model_and_exports(client, marketer, world):
    client.force_login(marketer.user)
    page = client.get("/campaigns/attribution/?level=campaign&lookback=")
    assert page.status_code == 200
    html = page.content.decode()
    assert "attribution-chart" in html
    assert "Markov" in html
    assert "Shapley" in html
    csv_body = b"".join(
        client.get("/campaigns/attribution/?level=campaign&format=csv").streaming_content
    ).decode()
    assert "'=HYPERLINK" in csv_body  # neutralised formula
    xlsx = client.get("/campaigns/attribution/?level=campaign&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value.startswith("'=")
    assert sheet["C2"].value == pytest.approx(900.0)


def test_the_closed_loop_page_is_honest_about_unmeasured_mqls(client, marketer, world):
    client.force_login(marketer.user)
    html = client.get("/campaigns/closed-loop/?lookback=").content.decode()
    assert "not measured yet" in html
    xlsx = client.get("/campaigns/closed-loop/?format=xlsx&lookback=")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == 3


def test_the_deal_explanation_page(client, rep, world):
    client.force_login(rep.user)
    html = client.get(
        f"/campaigns/deals/{world['deal'].pk}/explanation/?model=linear&lookback="
    ).content.decode()
    assert "Form fill" in html
    assert "50.0%" in html


def test_the_pages_speak_persian_right_to_left(client, marketer, world, settings):
    client.force_login(marketer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    html = client.get("/campaigns/closed-loop/").content.decode()
    assert 'dir="rtl"' in html
    assert "هنوز اندازه‌گیری نشده" in html
    html = client.get("/campaigns/attribution/").content.decode()
    assert "انتساب: همهٔ مدل‌ها کنار هم" in html


def test_the_campaign_list_costs_the_same_queries_for_many_campaigns(
    client, marketer, world, django_assert_max_num_queries
):
    client.force_login(marketer.user)
    client.get("/campaigns/")  # warm sessions, permissions and company settings
    with django_assert_max_num_queries(12) as few:
        client.get("/campaigns/")
    for n in range(15):
        campaign = services.campaign_create(actor=marketer.user, name=f"C{n}", channel="email")
        services.cost_line_create(
            actor=marketer.user,
            campaign=campaign,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 1, 31),
            amount="10",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/campaigns/")


def test_report_pages_default_to_the_last_twelve_months_and_say_so(client, marketer, world):
    client.force_login(marketer.user)
    response = client.get("/campaigns/attribution/")
    assert response.context["params"].since is not None
    assert 'name="since"' in response.content.decode()
    everything = client.get("/campaigns/attribution/?period=all_time&since=&until=")
    assert everything.context["params"].since is None


def test_the_touchpoint_list_filters_by_account_and_respects_visibility(
    client, rep, other_rep, world, make_account
):
    from hamsu.core.company import company_settings
    from hamsu.core.models import Visibility

    row = company_settings()
    row.visibility = Visibility.OWN
    row.save()
    theirs = make_account(other_rep)
    services.touchpoint_record(
        actor=None,
        kind="event",
        occurred_at=datetime.datetime(2026, 1, 3, tzinfo=datetime.UTC),
        account=theirs,
    )
    client.force_login(rep.user)
    response = client.get(f"/campaigns/touchpoints/?account={world['contact'].account_id}")
    assert len(response.context["touches"]) == 2
    assert client.get(f"/campaigns/touchpoints/?account={theirs.pk}").context["touches"] == []


def test_on_a_large_database_the_pages_say_figures_are_being_computed(client, marketer, world, settings):
    settings.HAMSU_ATTRIBUTION_INLINE_TOUCHES = 0
    client.force_login(marketer.user)
    assert 'data-testid="pending"' in client.get("/campaigns/attribution/").content.decode()
    assert 'data-testid="pending"' in client.get("/campaigns/closed-loop/").content.decode()


def _visible_text(html: str) -> str:
    """What a reader sees: tags, attributes, scripts and JSON data removed."""
    import re

    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize(
    "url",
    [
        "/campaigns/closed-loop/?since=2025-01-01",
        "/campaigns/attribution/?since=2025-01-01",
        "/campaigns/attribution/?since=2025-01-01&level=campaign",
        "/campaigns/touchpoints/",
    ],
)
def test_channels_read_as_names_in_persian_not_codes(client, marketer, world, settings, url):
    client.force_login(marketer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    text = _visible_text(client.get(url).content.decode())
    assert "paid_search" not in text


def test_the_closed_loop_names_its_channels_in_persian(client, marketer, world, settings):
    client.force_login(marketer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    text = _visible_text(client.get("/campaigns/closed-loop/?since=2025-01-01").content.decode())
    assert "جست‌وجوی پولی" in text


def test_the_campaign_page_names_touch_kinds_in_persian(client, marketer, world, settings):
    client.force_login(marketer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    text = _visible_text(client.get(f"/campaigns/{world['campaign'].pk}/").content.decode())
    assert "form_fill" not in text


def test_the_closed_loop_shows_its_influence_window(client, marketer, world):
    client.force_login(marketer.user)
    html = client.get("/campaigns/closed-loop/").content.decode()
    assert "in the 90 days before the deal was created" in html


def test_every_figure_on_the_closed_loop_links_to_its_definition(client, marketer, world):
    import re

    client.force_login(marketer.user)
    html = client.get("/campaigns/closed-loop/?since=2025-01-01").content.decode()
    linked = set(re.findall(r'data-glossary="([^"]+)"', html))
    assert {
        "closed_loop.influenced",
        "closed_loop.marketing_spend",
        "closed_loop.roi",
        "returns.roi",
        "returns.attributed_revenue",
    } <= linked
