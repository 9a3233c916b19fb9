"""No lost updates on campaigns and their spend (issue 18): a campaign form opened before
someone else's save merges or shows yours/theirs; a cost line is removed only in the
version the page or client saw; the API answers ETag and honours If-Match."""

from __future__ import annotations

import datetime
import json

import pytest

from hamsu.api import services as tokens
from hamsu.campaigns import services
from hamsu.campaigns.models import Campaign, CostLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return services.campaign_create(actor=None, name="Spring webinar", channel="webinar", currency="USD")


def _form(campaign: Campaign, **changes) -> dict:
    data = {
        "version": campaign.version,
        "name": campaign.name,
        "channel": campaign.channel,
        "type": campaign.type,
        "status": campaign.status,
        "currency": campaign.currency,
        "budget": "",
        "description": campaign.description,
    }
    data.update(changes)
    return data


def test_a_campaign_update_bumps_its_version(campaign):
    services.campaign_update(campaign=campaign, actor=None, budget=500)
    assert Campaign.objects.get(pk=campaign.pk).version == 2


def test_a_stale_campaign_form_keeps_the_other_persons_change_to_a_field_it_did_not_touch(
    client, marketer, campaign
):
    client.force_login(marketer.user)
    opened = _form(campaign)
    services.campaign_update(campaign=campaign, actor=None, description="Theirs")
    client.post(f"/campaigns/{campaign.pk}/edit/", {**opened, "name": "Spring webinar 2027"})
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.name, saved.description) == ("Spring webinar 2027", "Theirs")


def test_a_stale_campaign_form_that_changed_the_same_field_writes_nothing(client, marketer, campaign):
    client.force_login(marketer.user)
    opened = _form(campaign)
    services.campaign_update(campaign=campaign, actor=None, name="Theirs")
    response = client.post(f"/campaigns/{campaign.pk}/edit/", {**opened, "name": "Mine"})
    assert Campaign.objects.get(pk=campaign.pk).name == "Theirs"
    assert 'data-testid="keep-theirs-name"' in response.content.decode()


def test_removing_a_cost_line_changed_since_the_page_was_shown_is_refused(client, marketer, campaign):
    line = services.cost_line_create(
        actor=None,
        campaign=campaign,
        period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 11, 30),
        amount="100",
    )
    CostLine.objects.filter(pk=line.pk).update(version=2)  # changed meanwhile (e.g. by an import)
    client.force_login(marketer.user)
    client.post(f"/campaigns/{campaign.pk}/costs/{line.pk}/delete/", {"version": 1})
    assert CostLine.objects.filter(pk=line.pk).exists()


def test_the_api_refuses_a_stale_if_match_on_a_campaign_naming_the_field(client, marketer, campaign):
    _token, raw = tokens.token_create(user=marketer.user, name="campaigns")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/campaigns/{campaign.pk}"
    etag = client.get(url, **auth)["ETag"]
    services.campaign_update(campaign=campaign, actor=None, budget=900)
    refused = client.patch(
        url, json.dumps({"name": "Mine"}), content_type="application/json", HTTP_IF_MATCH=etag, **auth
    )
    assert [e["field"] for e in refused.json()["errors"]] == ["budget"]
