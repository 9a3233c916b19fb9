"""Background jobs: they take ids and call a service (enqueued on commit).

The jobs sit above the services they run. The services that queue a job (approving a
lead definition, the capture intake, retrying failed captures) sit above this module, so
the imports point one way: ``hamsu.funnel.services`` says which modules are which.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time

from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from hamsu.funnel.services import capture_process, engagement, handoff, reevaluation, scoring

logger = logging.getLogger(__name__)


@task()
def reevaluate_leads(run_id: int) -> dict:
    run = reevaluation.definition_run_execute(run_id=run_id)
    return {"evaluated": run.evaluated, "changed": run.changed}


@task()
def process_capture_batch(batch_id: int) -> dict:
    batch = capture_process.capture_batch_process(batch_id=batch_id)
    if capture_process.capture_pending():  # e.g. a batch whose own job died with a killed worker
        wake_worker(force=True)
    return {"processed": batch.processed, "failed": batch.failed}


# A web process queues this at most once a second while captures arrive (see
# ``wake_worker``), so a capture stored just after a drain's last look could wait for the
# next capture. A drain that found work therefore looks once more a second later: every
# capture is either seen by a running drain or by that follow-up. A long backlog is
# worked through in slices of SLICE, each queueing the next, so other jobs are not held up.
FOLLOW_UP = datetime.timedelta(seconds=1)
SLICE = 10.0


@task()
def process_capture_intake() -> dict:
    """Drain pending captures: single ones first, then batches left queued (a batch whose
    own job died with its worker is picked up here)."""
    handled = capture_process.capture_drain(until=time.monotonic() + SLICE)
    if handled and capture_process.capture_pending():
        process_capture_intake.enqueue()
    elif handled and process_capture_intake.get_backend().supports_defer:
        process_capture_intake.using(run_after=timezone.now() + FOLLOW_UP).enqueue()
    return {"processed": handled}


@task()
def retrain_lead_model() -> dict:
    model = scoring.predictive_retrain()
    return {"trained": model is not None}


@task()
def sla_check() -> int:
    return handoff.sla_check()


@task()
def engagement_catch_up() -> int:
    return engagement.engagement_catch_up()


# ---------------------------------------------------------------- waking the capture worker

# A stored capture wakes the worker at most this often per web process (one task row a
# second, not one per capture); the worker drains everything pending when it runs.
WAKE_EVERY = 1.0
_wake_lock = threading.Lock()
_last_wake = 0.0


def wake_worker(*, force: bool = False) -> None:
    """Queue one intake drain, at most every WAKE_EVERY seconds from this process.

    Best effort by design: the capture is already committed; if the task cannot be queued
    now, the next capture (or ``hamsu capture_drain``) picks the row up.
    """
    global _last_wake
    with _wake_lock:
        now = time.monotonic()
        if not force and now - _last_wake < WAKE_EVERY:
            return
        _last_wake = now
    try:
        if not _drain_waiting(process_capture_intake):
            process_capture_intake.enqueue()
    except Exception:  # noqa: BLE001 - see the docstring: the next capture retries
        logger.exception("could not queue the capture intake drain")
        with _wake_lock:
            _last_wake = 0.0


def _drain_waiting(task) -> bool:
    """Whether a drain is queued and not started yet: it will see every row committed now,
    so another one would only pile up while the worker is busy (the database backend; the
    backend is a setting, HAMSU_TASK_BACKEND)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(status="READY", task_path=task.module_path).exists()
