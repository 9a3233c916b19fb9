"""Background jobs: they take ids and call a service (enqueued on commit)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import_job(job_id: int, dry_run: bool) -> dict:
    from hamsu.dataio.services import import_job_execute

    job = import_job_execute(job_id=job_id, dry_run=dry_run)
    return {"status": job.status, "created": job.created_count, "errors": job.error_count}


@task()
def deliver_webhook(delivery_id: int) -> str:
    from hamsu.dataio.webhooks import deliver

    return deliver(delivery_id=delivery_id)


@task()
def retry_due_webhooks() -> int:
    """Periodic: send deliveries whose back-off has expired (run by `hamsu webhooks`)."""
    from hamsu.dataio.webhooks import deliver_due

    return deliver_due()


@task()
def scan_events() -> int:
    """Periodic: turn new stage events and SLA breaches into webhook events."""
    from hamsu.dataio.scanner import scan

    return scan()
