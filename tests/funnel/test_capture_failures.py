"""A submission that could not become a lead is shown with its reason, and marketing can
send it back to the worker or dismiss it — in the UI and the API, on the record."""

from __future__ import annotations

import pytest

from hamsu.core.models import AuditEntry
from hamsu.funnel.models import CaptureBatch, CaptureItem, CaptureRequest, Lead
from hamsu.funnel.services.capture import capture_form_create
from hamsu.funnel.services.capture_process import capture_drain

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_capture_state")]


@pytest.fixture
def form(db):
    return capture_form_create(actor=None, name="Pricing page", allowed_origins=[], rate_limit_per_minute=100)


@pytest.fixture
def broken_worker(failing_capture):
    """Processing fails for every e-mail at broken.example; call the result to fix it."""
    return failing_capture(lambda email: email.endswith("@broken.example"), "touchpoint service unavailable")


def capture(client, form, email):
    response = client.post(
        f"/api/v1/funnel/capture/{form.key}", data={"email": email}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    return response.json()["id"]


def test_a_failed_submission_is_listed_with_its_reason_and_retried_into_a_lead(
    client, form, broken_worker, head_of_marketing, django_capture_on_commit_callbacks
):
    ok = capture(client, form, "ana@fine.example")
    bad = capture(client, form, "bob@broken.example")
    capture_drain()
    assert CaptureRequest.objects.get(pk=bad).status == "failed"
    client.force_login(head_of_marketing.user)
    page = client.get("/funnel/capture/").content.decode()
    assert "bob@broken.example" in page
    assert "touchpoint service unavailable" in page
    assert "ana@fine.example" not in page  # it became a lead
    # The cause is fixed; marketing sends it back and the worker makes the lead.
    broken_worker()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/funnel/capture/act/", {"action": "retry", "request": [bad, ok]}, follow=True)
    assert "1 submission sent back to the worker." in response.content.decode()
    assert CaptureRequest.objects.get(pk=bad).status in ("pending", "done")
    capture_drain()
    assert Lead.objects.filter(email="bob@broken.example").exists()
    assert AuditEntry.objects.filter(object_type="funnel.capturerequest", object_id=str(bad)).exists()
    assert 'data-testid="no-capture-failures"' in client.get("/funnel/capture/").content.decode()


def test_dismissing_deletes_only_failed_rows_and_the_audit_keeps_their_content(
    client, form, broken_worker, head_of_marketing
):
    bad = capture(client, form, "eve@broken.example")
    capture_drain()
    client.force_login(head_of_marketing.user)
    response = client.post(
        "/api/v1/funnel/capture-failures/dismiss", {"requests": [bad]}, content_type="application/json"
    )
    assert response.json() == {"count": 1}
    assert not CaptureRequest.objects.filter(pk=bad).exists()
    entry = AuditEntry.objects.get(object_type="funnel.capturerequest", object_id=str(bad), action="delete")
    assert entry.changes["payload"]["email"] == "eve@broken.example"
    # Nothing failed is left to act on: a clear refusal, not a silent no-op.
    again = client.post(
        "/api/v1/funnel/capture-failures/retry", {"requests": [bad]}, content_type="application/json"
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "ids"


def test_failed_rows_of_a_bulk_batch_are_retried_and_the_batch_recounted(
    client, form, broken_worker, head_of_marketing, marketer, django_capture_on_commit_callbacks
):
    client.force_login(marketer.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/v1/funnel/capture-batches",
            data={"leads": [{"email": "one@fine.example"}, {"email": "two@broken.example"}]},
            content_type="application/json",
        )
    batch = CaptureBatch.objects.get()
    assert (batch.status, batch.failed) == ("done", 1)
    client.force_login(head_of_marketing.user)
    failures = client.get("/api/v1/funnel/capture-failures").json()
    assert [(f["kind"], f["batch_id"], f["position"]) for f in failures] == [("bulk", batch.pk, 1)]
    assert "RuntimeError" in str(failures[0]["error"]) or "unavailable" in str(failures[0]["error"])
    broken_worker()
    item = CaptureItem.objects.get(status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/funnel/capture-failures/retry", {"items": [item.pk]}, content_type="application/json"
        )
    assert response.json() == {"count": 1}
    capture_drain()
    batch.refresh_from_db()
    assert (batch.status, batch.failed, batch.processed) == ("done", 0, 2)
    assert Lead.objects.filter(email="two@broken.example").exists()


def test_who_may_see_and_act(client, form, broken_worker, rep, marketer):
    bad = capture(client, form, "zed@broken.example")
    capture_drain()
    client.force_login(rep.user)  # a seller: neither
    assert client.get("/funnel/capture/").status_code == 403
    assert client.get("/api/v1/funnel/capture-failures").status_code == 403
    client.force_login(marketer.user)  # a downstream marketer: sees, cannot act
    assert "zed@broken.example" in client.get("/funnel/capture/").content.decode()
    assert client.post("/funnel/capture/act/", {"action": "dismiss", "request": [bad]}).status_code == 403
    assert CaptureRequest.objects.filter(pk=bad, status="failed").exists()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_configuration_page_links_to_the_failures_with_their_count(
    client, form, broken_worker, head_of_marketing, language
):
    capture(client, form, "a@broken.example")
    capture(client, form, "b@broken.example")
    capture_drain()
    client.force_login(head_of_marketing.user)
    page = client.get("/funnel/settings/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'data-testid="capture-activity-link"' in page
    assert 'text-bg-danger">2<' in page or 'text-bg-danger">۲<' in page
    failures = client.get("/funnel/capture/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ("Failed submissions" if language == "en" else "ارسال‌های ناموفق") in failures
