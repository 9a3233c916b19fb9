"""Run the production web server (gunicorn) and, unless told not to, the task worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

WORKER_NICE = 10
NICED = ("worker", "clock")  # background work yields the CPU to web requests


def gunicorn_args(bind: str, workers: int, threads: int = 8, *, quiet: bool = False) -> list[str]:
    # --preload imports the app once in the master, so a (re)started server forks ready
    # workers in well under a second instead of each importing Django and the apps.
    # Threads: a request mostly waits on the database (a commit), so a few processes
    # with many threads each keep the cores busy (2 × 16 measured best on 2 cores).
    # Quiet (the demo): no line per request and no start-up chatter, warnings and errors only.
    logging = ["--log-level", "warning"] if quiet else ["--access-logfile", "-"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "hamsu.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--preload",
        *logging,
        "--graceful-timeout",
        "20",
    ]


def wait_until_listening(bind: str, child: subprocess.Popen, timeout: float = 60.0) -> None:
    """Return once ``bind`` (host:port) accepts connections, the child died, or time ran out."""
    host, _sep, port = bind.rpartition(":")
    if not port.isdigit():
        return  # a unix socket or the like: nothing to poll
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)


class Command(BaseCommand):
    # It only starts processes; each of them checks what it needs. Skipping the checks
    # here (they import every URL module) saves seconds on every restart.
    requires_system_checks = []
    help = (
        "Serve Hamsu with gunicorn (static files by WhiteNoise) and run the task worker, "
        "the clock of scheduled jobs, SLA escalation and webhook delivery beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("HAMSU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("HAMSU_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("HAMSU_WEB_THREADS", "8")))
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background processes (worker, clock, SLA check, webhooks).",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Print only warnings and errors: no access log, no progress of the background loops.",
        )

    def handle(self, *args, bind, workers, threads, no_worker, quiet=False, **options):
        children = [subprocess.Popen(gunicorn_args(bind, workers, threads, quiet=quiet))]
        verbosity = ["--verbosity", "0"] if quiet else []
        if not no_worker:
            # Background processes start once the web server answers: on two cores their
            # imports would otherwise slow the web server's start (after a crash, the
            # moment form captures are refused).
            wait_until_listening(bind, children[0])
            # The task worker; the clock, which runs the scheduled jobs (aggregate refresh,
            # forecast snapshots, digests, reminders: see hamsu.core.clock); and two loops
            # that must not wait behind a long job: SLA breach escalation and outbound
            # webhook delivery.
            for command in (
                ["worker"],
                ["clock"],
                ["sla_check", "--loop"],
                ["webhooks", "--loop", "30"],
            ):
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "hamsu.cli", *command, *verbosity],
                        # Queued work (lead capture processing, re-evaluation) yields the CPU
                        # to web requests during a burst and catches up after it.
                        preexec_fn=(lambda: os.nice(WORKER_NICE)) if command[0] in NICED else None,
                    )
                )

        def stop(*_args):
            for child in children:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            children[0].wait()
        finally:
            stop()
            for child in children:
                child.wait(timeout=30)
