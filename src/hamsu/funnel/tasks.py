"""Background jobs: they take ids and call a service (enqueued on commit)."""

from __future__ import annotations

from django_tasks import task


@task()
def reevaluate_leads(run_id: int) -> dict:
    from hamsu.funnel.services.definitions import definition_run_execute

    run = definition_run_execute(run_id=run_id)
    return {"evaluated": run.evaluated, "changed": run.changed}


@task()
def process_capture_batch(batch_id: int) -> dict:
    from hamsu.funnel.services.capture import capture_batch_process

    batch = capture_batch_process(batch_id=batch_id)
    return {"processed": batch.processed, "failed": batch.failed}


@task()
def retrain_lead_model() -> dict:
    from hamsu.funnel.services.scoring import predictive_retrain

    model = predictive_retrain()
    return {"trained": model is not None}


@task()
def sla_check() -> int:
    from hamsu.funnel.services.handoff import sla_check as check

    return check()


@task()
def engagement_catch_up() -> int:
    from hamsu.funnel.services.engagement import engagement_catch_up as catch_up

    return catch_up()
