"""No lost updates on webhook endpoints and company settings (issue 18)."""

from __future__ import annotations

import json

import pytest

from hamsu.api import services as tokens
from hamsu.core import services as core_services
from hamsu.core.company import company_settings
from hamsu.core.models import CompanySettings
from hamsu.dataio import services
from hamsu.dataio.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    return WebhookEndpoint.objects.create(url="https://93.184.216.34/hamsu", events=["lead.mql"])


@pytest.fixture
def auth(admin):
    _token, raw = tokens.token_create(user=admin.user, name="hooks")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_page_keeps_events_someone_else_chose_while_it_switched_the_endpoint_off(client, admin, endpoint):
    client.force_login(admin.user)
    shown = endpoint.version
    services.webhook_endpoint_update(endpoint=endpoint, actor=None, events=["lead.mql", "handoff.accepted"])
    client.post(f"/data/webhooks/{endpoint.pk}/", {"version": shown, "events": ["lead.mql"]})
    saved = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (saved.is_active, sorted(saved.events)) == (False, ["handoff.accepted", "lead.mql"])


def test_deleting_an_endpoint_changed_since_it_was_read_answers_412(client, auth, endpoint):
    services.webhook_endpoint_update(endpoint=endpoint, actor=None, description="Billing")
    response = client.delete(f"/api/v1/data/webhooks/{endpoint.pk}", HTTP_IF_MATCH='"1"', **auth)
    assert response.status_code == 412


def test_a_settings_update_bumps_the_version():
    core_services.company_settings_update(actor=None, name="Acme")
    assert company_settings().version == 2


def test_a_stale_settings_page_that_changed_the_same_setting_writes_nothing(client, admin):
    opened = company_settings().version
    core_services.company_settings_update(actor=None, name="Theirs")
    with pytest.raises(Exception):  # noqa: B017 - StaleVersion; the row is what is checked
        core_services.company_settings_update(actor=admin.user, expected_version=opened, name="Mine")
    assert CompanySettings.objects.get().name == "Theirs"


def test_the_settings_api_refuses_a_stale_if_match(client, auth):
    etag = client.get("/api/v1/settings", **auth)["ETag"]
    core_services.company_settings_update(actor=None, big_deal_threshold=50000)
    refused = client.patch(
        "/api/v1/settings",
        json.dumps({"name": "Mine"}),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **auth,
    )
    assert refused.status_code == 412
