"""A quiet start (issue 16, item 14): without a mail server, Hamsu's e-mail goes to an
outbox the administrator reads in the product and as files, not to the terminal; the
background loops and the web server print warnings and errors only."""

from __future__ import annotations

import email
import io
import logging
import os

import pytest
from django.core import mail
from django.core.management import call_command

import hamsu.settings as hamsu_settings
from hamsu.core import roles
from hamsu.core.management.commands import serve, worker
from hamsu.core.models import OutboxMessage
from hamsu.core.notify import notify
from hamsu.funnel.management.commands import sla_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "hamsu.core.mail.OutboxBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return tmp_path / "mail"


@pytest.fixture
def admin(make_person):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR)


@pytest.mark.skipif("HAMSU_EMAIL_BACKEND" in os.environ, reason="the environment chooses the backend")
def test_without_a_mail_server_mail_goes_to_the_outbox():
    assert hamsu_settings.EMAIL_BACKEND == "hamsu.core.mail.OutboxBackend"


def test_a_notification_e_mail_is_kept_as_a_row(outbox, rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[rep], kind="sla", title="SLA breach: Sara", body="Answer her today.", url="/x/")
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == ["SLA breach: Sara"]


def test_the_outbox_row_names_the_recipient(outbox, rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[rep], kind="sla", title="SLA breach: Sara", body="Answer her today.")
    assert OutboxMessage.objects.get().recipients == [rep.email]


def test_each_message_is_also_an_eml_file(outbox):
    mail.send_mail("Hello", "Body text", "hamsu@localhost", ["ana@example.com"])
    row = OutboxMessage.objects.get()
    parsed = email.message_from_bytes((outbox / row.file_name).read_bytes())
    assert parsed["To"] == "ana@example.com"


def test_the_administrator_reads_the_outbox_page(client, outbox, admin):
    mail.send_mail("Your SLA digest", "Three leads wait.", "hamsu@localhost", ["ana@example.com"])
    client.force_login(admin.user)
    response = client.get("/settings/outbox/")
    assert "Your SLA digest" in response.content.decode()


def test_the_outbox_page_shows_the_message_text(client, outbox, admin):
    mail.send_mail("Your SLA digest", "Three leads wait.", "hamsu@localhost", ["ana@example.com"])
    client.force_login(admin.user)
    assert "Three leads wait." in client.get("/settings/outbox/").content.decode()


def test_the_outbox_page_is_in_persian_too(client, outbox, admin):
    client.force_login(admin.user)
    response = client.get("/settings/outbox/", HTTP_ACCEPT_LANGUAGE="fa")
    assert '<h1 class="h3">صندوق نامه‌های فرستاده</h1>' in response.content.decode()


def test_a_rep_may_not_read_the_outbox(client, outbox, rep):
    client.force_login(rep.user)
    assert client.get("/settings/outbox/").status_code == 403


def test_the_api_lists_the_outbox(client, outbox, admin):
    mail.send_mail("Your SLA digest", "Three leads wait.", "hamsu@localhost", ["ana@example.com"])
    client.force_login(admin.user)
    response = client.get("/api/v1/settings/outbox")
    assert [row["subject"] for row in response.json()] == ["Your SLA digest"]


def test_the_api_refuses_the_outbox_to_a_rep(client, outbox, rep):
    client.force_login(rep.user)
    assert client.get("/api/v1/settings/outbox").status_code == 403


# ---------------------------------------------------------------- a quiet terminal


class _OneTurn(Exception):
    pass


def test_the_sla_loop_prints_nothing_when_nothing_was_escalated(monkeypatch):
    def stop(_seconds):
        raise _OneTurn

    monkeypatch.setattr(sla_check.time, "sleep", stop)  # one turn of the loop
    out = io.StringIO()
    with pytest.raises(_OneTurn):
        call_command("sla_check", loop=True, stdout=out)
    assert out.getvalue() == ""


def test_a_single_sla_check_still_reports_its_count():
    out = io.StringIO()
    call_command("sla_check", stdout=out)
    assert out.getvalue().strip() == "escalated 0 breach(es)"


def test_a_quiet_web_server_keeps_no_access_log():
    assert "--access-logfile" not in serve.gunicorn_args("127.0.0.1:8000", 2, quiet=True)


def test_a_quiet_web_server_logs_warnings_and_errors():
    args = serve.gunicorn_args("127.0.0.1:8000", 2, quiet=True)
    assert args[args.index("--log-level") + 1] == "warning"


def test_a_quiet_worker_still_logs_failed_tasks():
    worker._Worker().configure_logging(0)
    assert logging.getLogger("django_tasks_db").getEffectiveLevel() == logging.WARNING


def test_the_demo_prints_the_address_the_logins_and_the_outbox(monkeypatch, outbox):
    from hamsu.demo import generator

    monkeypatch.setattr(generator, "demo_exists", lambda: True)
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line for line in lines if line.strip()] == [
        "The demo company is already loaded; keeping it.",
        "Hamsu is starting at http://127.0.0.1:8000/",
        f"Demo logins (password: {generator.DEMO_PASSWORD}):",
        *(f"  {username:<16} {role}" for username, role in generator.DEMO_LOGINS),
        f"E-mail is not sent: read it at http://127.0.0.1:8000/settings/outbox/ (as admin) or in {outbox}/",
    ]


def test_the_demo_serves_quietly(monkeypatch, outbox):
    from hamsu.demo import generator
    from hamsu.demo.management.commands import demo

    calls = []
    monkeypatch.setattr(generator, "demo_exists", lambda: True)
    monkeypatch.setattr(demo, "call_command", lambda name, **kw: calls.append((name, kw)))
    call_command("demo", stdout=io.StringIO())
    assert ("serve", {"bind": "127.0.0.1:8000", "quiet": True}) in calls
