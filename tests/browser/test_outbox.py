"""The administrator reads the e-mail Hamsu kept in the outbox (issue 16, item 14), from
Company settings, in Chromium and in English and Persian."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from hamsu.core import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "hamsu.core.mail.OutboxBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_administrator_reads_a_sent_e_mail(
    page, live_server, static_files, outbox, make_person, language
):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR)
    mail.send_mail("SLA breach: Sara", "Answer Sara today.", "hamsu@localhost", ["rep@example.com"])
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, live_server, admin.user)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role(
        "link",
        name={
            "en": "Outbox: the e-mail Hamsu sent",
            "fa": "صندوق نامه‌های فرستاده: رایانامه‌هایی که همسو فرستاده است",
        }[language],
    ).click()
    page.wait_for_url(f"{live_server.url}/settings/outbox/")
    page.get_by_text("SLA breach: Sara").click()  # opens the message
    assert page.get_by_text("Answer Sara today.").is_visible()
