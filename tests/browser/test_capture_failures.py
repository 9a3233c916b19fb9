"""A head of marketing finds a web-form submission that failed to become a lead, sees
why, and sends it back to the worker once the cause is fixed — in Chromium."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hamsu.core.roles import HEAD_OF_MARKETING
from hamsu.funnel.models import CaptureRequest, Lead
from hamsu.funnel.services import capture_process
from hamsu.funnel.services.capture import capture_form_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


def test_retry_a_failed_submission_from_the_page(
    page, live_server, static_files, make_person, client, monkeypatch
):
    marketing_head = make_person("Mahsa", role=HEAD_OF_MARKETING)
    form = capture_form_create(actor=None, name="Pricing page", allowed_origins=[], rate_limit_per_minute=100)
    real = capture_process._touchpoints

    def outage(work):
        raise RuntimeError("campaign service unreachable")

    monkeypatch.setattr(capture_process, "_touchpoints", outage)
    reply = client.post(
        f"/api/v1/funnel/capture/{form.key}",
        data={"email": "nima@pars.example"},
        content_type="application/json",
    )
    submission = reply.json()["id"]
    capture_process.capture_drain()
    assert CaptureRequest.objects.get(pk=submission).status == "failed"
    monkeypatch.setattr(capture_process, "_touchpoints", real)  # the outage is over

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", marketing_head.user.username)
    page.fill("#id_password", "pw")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/funnel/settings/")
    link = page.get_by_test_id("capture-activity-link")
    assert "1" in link.inner_text()
    link.click()
    page.wait_for_url(f"{live_server.url}/funnel/capture/")
    row = page.get_by_test_id("capture-failures").locator("tbody tr")
    assert "nima@pars.example" in row.inner_text()
    assert "campaign service unreachable" in row.inner_text()
    row.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Retry").click()
    page.wait_for_url(f"{live_server.url}/funnel/capture/")
    assert "sent back to the worker" in page.locator(".alert").inner_text()
    # The retry woke the worker (run on commit here); the lead exists and nothing failed is left.
    capture_process.capture_drain()
    assert Lead.objects.filter(email="nima@pars.example").exists()
    page.reload()
    page.get_by_test_id("no-capture-failures").wait_for()
