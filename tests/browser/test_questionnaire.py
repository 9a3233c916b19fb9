"""The alignment questionnaire sent with a rating missing comes back with the ratings
already chosen still chosen (issue 16, item 9) — in Chromium."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hamsu.alignment import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def survey_url(db):
    round_ = services.round_create(
        actor=None,
        name="Q1 diagnostic",
        closes_at=timezone.now() + datetime.timedelta(days=14),
        anonymous=True,
        min_group_size=3,
    )
    [issued] = services.invitations_create(
        round=round_, actor=None, entries=[services.InviteEntry(function="sales", level="staff")]
    )
    return reverse("alignment:survey", args=[issued.token])


def test_an_incomplete_questionnaire_keeps_the_ratings_chosen(page, live_server, static_files, survey_url):
    page.goto(f"{live_server.url}{survey_url}")
    page.locator("label[for=s1-4]").click()
    page.locator("label[for=s2-5]").click()
    page.get_by_test_id("submit").click()
    # The refused page marks each statement left without a rating.
    page.locator("#q-s3.border-danger").wait_for()
    assert page.locator("#s2-5").is_checked()
