"""Background jobs: they take ids and call a service (enqueued on commit)."""

from __future__ import annotations

import datetime
import time

from django.utils import timezone
from django_tasks import task


@task()
def reevaluate_leads(run_id: int) -> dict:
    from hamsu.funnel.services.definitions import definition_run_execute

    run = definition_run_execute(run_id=run_id)
    return {"evaluated": run.evaluated, "changed": run.changed}


@task()
def process_capture_batch(batch_id: int) -> dict:
    from hamsu.funnel.services.capture import wake_worker
    from hamsu.funnel.services.capture_process import capture_batch_process, capture_pending

    batch = capture_batch_process(batch_id=batch_id)
    if capture_pending():  # e.g. a batch whose own job died with a killed worker
        wake_worker(force=True)
    return {"processed": batch.processed, "failed": batch.failed}


# A web process queues this at most once a second while captures arrive (see
# ``capture.wake_worker``), so a capture stored just after a drain's last look could wait
# for the next capture. A drain that found work therefore looks once more a second later:
# every capture is either seen by a running drain or by that follow-up. A long backlog is
# worked through in slices of SLICE, each queueing the next, so other jobs are not held up.
FOLLOW_UP = datetime.timedelta(seconds=1)
SLICE = 10.0


@task()
def process_capture_intake() -> dict:
    """Drain pending captures: single ones first, then batches left queued (a batch whose
    own job died with its worker is picked up here)."""
    from hamsu.funnel.services.capture_process import capture_drain, capture_pending

    handled = capture_drain(until=time.monotonic() + SLICE)
    if handled and capture_pending():
        process_capture_intake.enqueue()
    elif handled and process_capture_intake.get_backend().supports_defer:
        process_capture_intake.using(run_after=timezone.now() + FOLLOW_UP).enqueue()
    return {"processed": handled}


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
