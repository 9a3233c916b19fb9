"""Recording touchpoints: UTM parsing, campaign resolution, idempotency, batches."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.campaigns import services
from hamsu.campaigns.models import Touchpoint
from hamsu.core.errors import ValidationFailed
from hamsu.crm import services as crm

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def campaign(marketer):
    return services.campaign_create(
        actor=marketer.user, name="Spring webinar", channel="webinar", utm_campaign="Spring-26"
    )


@pytest.fixture
def contact(rep, make_account):
    account = make_account(rep)
    return crm.contact_create(actor=rep.user, last_name="Karimi", account=account, owner=rep)


def test_it_parses_utm_from_the_landing_url_and_finds_the_campaign(marketer, campaign, contact):
    touch = services.touchpoint_record(
        actor=marketer.user,
        kind="form_fill",
        occurred_at=WHEN,
        contact=contact,
        landing_url="https://example.com/demo?utm_source=google&utm_medium=cpc&utm_campaign=spring-26&x=1",
    )
    assert touch.utm_source == "google"
    assert touch.utm_medium == "cpc"
    assert touch.campaign == campaign
    # The campaign's channel wins over what the medium suggests.
    assert touch.channel == "webinar"
    # The contact's account is linked too, so account-level journeys see the touch.
    assert touch.account_id == contact.account_id


def test_it_maps_the_medium_to_a_channel_when_no_campaign_matches(marketer):
    touch = services.touchpoint_record(
        actor=marketer.user,
        kind="ad_click",
        occurred_at=WHEN,
        utm={"source": "linkedin", "medium": "paid_social"},
    )
    assert touch.campaign is None
    assert touch.channel == "paid_social"
    assert touch.utm_source == "linkedin"


def test_it_is_idempotent_by_external_id(marketer):
    first = services.touchpoint_record(
        actor=marketer.user, kind="page_view", occurred_at=WHEN, external_id="e-1"
    )
    again = services.touchpoint_record(
        actor=marketer.user, kind="page_view", occurred_at=WHEN, external_id="e-1"
    )
    assert again.pk == first.pk
    assert Touchpoint.objects.count() == 1


def test_it_refuses_naive_times_unknown_kinds_and_bad_urls(marketer):
    with pytest.raises(ValidationFailed) as caught:
        services.touchpoint_record(
            actor=marketer.user,
            kind="telepathy",
            occurred_at=datetime.datetime(2026, 5, 1, 10, 0),
            landing_url="javascript:alert(1)",
        )
    assert set(caught.value.errors) == {"kind", "occurred_at", "landing_url"}
    assert Touchpoint.objects.count() == 0


def test_it_refuses_touches_in_the_future(marketer):
    with pytest.raises(ValidationFailed) as caught:
        services.touchpoint_record(
            actor=marketer.user, kind="page_view", occurred_at=timezone.now() + datetime.timedelta(days=3)
        )
    assert "occurred_at" in caught.value.errors


def test_a_batch_writes_good_rows_reports_bad_ones_and_skips_known_ids(marketer, campaign, contact):
    services.touchpoint_record(actor=marketer.user, kind="page_view", occurred_at=WHEN, external_id="known")
    result = services.touchpoint_record_batch(
        actor=marketer.user,
        rows=[
            {
                "kind": "email_click",
                "occurred_at": "2026-05-02T09:00:00Z",
                "contact_id": contact.pk,
                "external_id": "a",
            },
            {"kind": "email_click", "occurred_at": "2026-05-02T09:00:00", "external_id": "b"},
            {"kind": "page_view", "occurred_at": "2026-05-02T09:00:00Z", "external_id": "known"},
            {"kind": "page_view", "occurred_at": "2026-05-02T09:00:00Z", "external_id": "a"},
            {"kind": "ad_click", "occurred_at": "2026-05-03T09:00:00+03:30", "contact_id": 999999},
            {
                "kind": "ad_click",
                "occurred_at": "2026-05-03T09:00:00+03:30",
                "utm": {"utm_campaign": "SPRING-26"},
            },
        ],
    )
    assert [touch.external_id for touch in result.created] == ["a", ""]
    assert [error["row"] for error in result.errors] == [1, 4]
    assert "occurred_at" in result.errors[0]["errors"]
    assert "contact_id" in result.errors[1]["errors"]
    assert [dup["row"] for dup in result.duplicates] == [2, 3]
    assert result.created[0].account_id == contact.account_id
    assert result.created[1].campaign_id == campaign.pk
    assert Touchpoint.objects.count() == 3


def test_an_all_or_nothing_batch_writes_nothing_when_one_row_is_bad(marketer):
    result = services.touchpoint_record_batch(
        actor=marketer.user,
        all_or_nothing=True,
        rows=[
            {"kind": "page_view", "occurred_at": "2026-05-02T09:00:00Z"},
            {"kind": "nope", "occurred_at": "2026-05-02T09:00:00Z"},
        ],
    )
    assert not result.ok
    assert not result.created
    assert Touchpoint.objects.count() == 0


def test_a_batch_over_the_limit_is_refused_whole(marketer):
    with pytest.raises(ValidationFailed):
        services.touchpoint_record_batch(
            actor=marketer.user, rows=[{"kind": "page_view", "occurred_at": "2026-05-02T09:00:00Z"}] * 10_001
        )
    assert Touchpoint.objects.count() == 0
