"""Lead capture's figures under /funnel/, reconciled: per form, submissions received in
the last 30 days, waiting for the worker and failed (``capture.*`` in the glossary), and
the settings page's failed badge, recomputed from the raw submission and batch rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.funnel.models import CaptureBatch, CaptureForm, CaptureItem, CaptureRequest

submissions = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # which form (2: none, e.g. its form was deleted)
        st.sampled_from(CaptureRequest.Status.values),
        st.integers(min_value=0, max_value=60),  # age in days (plus half a day)
    ),
    max_size=20,
)
batch_rows = st.lists(st.sampled_from(CaptureItem.Status.values), max_size=8)


def _write(requests, items) -> list[CaptureForm]:
    now = timezone.now()
    forms = [CaptureForm.objects.create(name=f"Reconcile form {i}") for i in range(2)]
    for form, status, age in requests:
        CaptureRequest.objects.create(
            form=forms[form] if form < 2 else None,
            status=status,
            payload={"email": "a@b.example"},
            created_at=now - datetime.timedelta(days=age, hours=12),
        )
    batch = CaptureBatch.objects.create(form=forms[0], total=len(items))
    for position, status in enumerate(items):
        CaptureItem.objects.create(batch=batch, position=position, payload={}, status=status)
    return forms


def expected_activity(now) -> dict[str, dict]:
    since = now - datetime.timedelta(days=30)
    rows = list(CaptureRequest.objects.values("form_id", "status", "created_at"))
    out = {}
    for form in CaptureForm.objects.values("id", "name"):
        mine = [r for r in rows if r["form_id"] == form["id"]]
        out[form["name"]] = {
            "received": sum(1 for r in mine if r["created_at"] >= since),
            "pending": sum(1 for r in mine if r["status"] == "pending"),
            "failed": sum(1 for r in mine if r["status"] == "failed"),
        }
    return out


def expected_failed_badge() -> int:
    requests = sum(1 for r in CaptureRequest.objects.values("status") if r["status"] == "failed")
    items = sum(1 for r in CaptureItem.objects.values("status") if r["status"] == "failed")
    return requests + items


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(requests=submissions, items=batch_rows)
def test_the_capture_figures_show_what_the_rows_say(requests, items, admin_client):
    with transaction.atomic():
        _write(requests, items)
        expected = expected_activity(timezone.now())
        page = admin_client.get("/funnel/capture/")
        shown = {
            row.form.name: {"received": row.received, "pending": row.pending, "failed": row.failed}
            for row in page.context["activity"]
        }
        assert shown == expected
        settings_page = admin_client.get("/funnel/settings/")
        assert settings_page.context["capture_failed"] == expected_failed_badge()
        transaction.set_rollback(True)
