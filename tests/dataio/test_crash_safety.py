"""A worker killed in the middle of an import (issue 15): nothing of the file is written,
and the job does not stay "running" for ever — the user sees it failed, with the reason,
and can start it again."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hamsu.core import leases
from hamsu.core.errors import ValidationFailed
from hamsu.crm.models import Account
from hamsu.dataio import services
from hamsu.dataio.models import ImportJob, ImportStatus
from tests.crash import kill_when_stalled, shared_database

ROWS = "name,industry\n" + "".join(f"Crashco {i},Software\n" for i in range(40))

# The child runs the import and stalls at its first progress report, which comes inside
# the import's transaction (every row written, nothing committed).
IMPORT = """
from hamsu.dataio import services
services.import_job_execute(job_id=int(os.environ["JOB_ID"]), dry_run=False, progress=stall)
"""


@pytest.fixture
def killed_import(transactional_db, tmp_path, write, admin, monkeypatch):
    job = services.import_job_create(actor=admin.user, kind="accounts", path=write("a.csv", ROWS), via="cli")
    monkeypatch.setenv("JOB_ID", str(job.pk))
    with shared_database(tmp_path) as url:
        kill_when_stalled(IMPORT, database_url=url, tmp_path=tmp_path)
    return job


def test_a_killed_import_writes_nothing(killed_import):
    assert Account.objects.filter(name__startswith="Crashco").count() == 0


def test_a_killed_import_is_shown_failed(killed_import, client, admin):
    client.force_login(admin.user)
    assert client.get(f"/api/v1/data/imports/{killed_import.pk}").json()["status"] == ImportStatus.FAILED


def test_a_killed_import_says_why(killed_import, client, admin):
    client.force_login(admin.user)
    message = client.get(f"/api/v1/data/imports/{killed_import.pk}").json()["message"]
    assert "stopped before it finished" in message


def test_a_killed_import_can_be_started_again(killed_import, admin):
    services.import_job_start(job=killed_import, actor=admin.user, dry_run=False)
    assert Account.objects.filter(name__startswith="Crashco").count() == 40


# ------------------------------------------- the state a killed worker leaves, seen everywhere


@pytest.fixture
def job(db, write, admin):
    return services.import_job_create(actor=admin.user, kind="accounts", path=write("a.csv", ROWS), via="cli")


@pytest.fixture
def abandoned(job):
    """What the killed worker above leaves: taken (a start time), "running", lease free."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    return job


def test_the_import_list_shows_an_abandoned_import_failed(abandoned, client, admin):
    client.force_login(admin.user)
    statuses = {job["id"]: job["status"] for job in client.get("/api/v1/data/imports").json()}
    assert statuses[abandoned.pk] == ImportStatus.FAILED


def test_the_import_page_says_why_an_abandoned_import_failed(abandoned, client, admin):
    client.force_login(admin.user)
    page = client.get(f"/data/imports/{abandoned.pk}/").content.decode()
    assert "stopped before it finished" in page


def test_the_import_page_says_it_in_persian(abandoned, client, admin):
    client.force_login(admin.user)
    page = client.get(f"/data/imports/{abandoned.pk}/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "پیش از پایان" in page


# ---------------------------------------------------------------- live jobs are left alone


def test_a_job_its_worker_still_runs_stays_running(job, client, admin):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    client.force_login(admin.user)
    with leases.hold(f"import-job-{job.pk}"):
        status = client.get(f"/api/v1/data/imports/{job.pk}").json()["status"]
    assert status == ImportStatus.RUNNING


def test_a_queued_job_no_worker_took_yet_stays_queued(job, client, admin):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, started_at=None)
    client.force_login(admin.user)
    assert client.get(f"/api/v1/data/imports/{job.pk}").json()["status"] == ImportStatus.QUEUED


def test_a_dry_run_waiting_in_the_queue_is_not_failed(job, client, admin):
    # A dry run is "checking" from the moment it is queued; only a worker's start counts.
    services.import_job_start(job=job, actor=admin.user, dry_run=True)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, started_at=None)
    client.force_login(admin.user)
    assert client.get(f"/api/v1/data/imports/{job.pk}").json()["status"] == ImportStatus.CHECKING


def test_the_same_job_is_not_run_twice_at_once(job):
    with leases.hold(f"import-job-{job.pk}"), pytest.raises(ValidationFailed):
        services.import_job_execute(job_id=job.pk, dry_run=False)
