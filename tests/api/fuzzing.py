"""Property-based fuzzing of every API operation with schemathesis (issue 15).

Schemathesis reads ``/api/v1/openapi.json`` and generates requests for each operation,
both fitting the schema (positive) and breaking it (negative); every response is checked
against the document: never a 5xx, only documented status codes and content types, and a
body that matches the documented schema. The requests go through Django's WSGI handler in
the test's own database transaction, each one inside a savepoint that is rolled back, so
one case's writes never change what the next case sees and the run is repeatable.

The run is bounded (``HAMSU_FUZZ_EXAMPLES`` cases per operation and mode, no shrinking) so
that it fits CI on both databases; raise the number locally to search harder.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("HAMSU_FUZZ_EXAMPLES", "8"))
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@dataclass
class Report:
    requests: int = 0
    server_errors: int = 0
    # (operation, check, title) → how many requests failed it, and one example of each.
    failures: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"{self.requests} requests, {self.server_errors} answered 5xx, "
            f"{sum(self.failures.values())} failed a check ({len(self.failures)} distinct)"
        ]
        for key, count in sorted(self.failures.items()):
            lines.append(f"  {count:4d} × {' | '.join(key)}\n         e.g. {self.examples[key]}")
        return "\n".join(lines)


class _Savepoint(Exception):
    """Raised to roll back one case's writes."""


def _record(report: Report, case, response, error: Exception | None) -> None:
    report.requests += 1
    if response is not None and response.status_code >= 500:
        report.server_errors += 1
    if error is None:
        return
    failures = getattr(error, "exceptions", None) or [error]
    for failure in failures:
        title = getattr(failure, "title", type(failure).__name__)
        key = (case.operation.label, title)
        report.failures[key] += 1
        if key not in report.examples:
            body = case.body if case.body is not schemathesis.core.NOT_SET else None
            status = response.status_code if response is not None else "-"
            report.examples[key] = (
                f"{case.method} {case.formatted_path} query={case.query} body={body!r:.200} → {status}"
                f" {getattr(failure, 'message', str(failure))[:300]!r}"
            )


@contextlib.contextmanager
def _connection_kept():
    """Keep the test's database connection across requests, as Django's test client does.

    A WSGI request ends with ``close_old_connections``, which drops a connection left inside a
    transaction; on PostgreSQL that closed the test's own connection after the first request,
    and every later request answered 500 (SQLite's in-memory database is never closed).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz(token: str, *, examples: int = EXAMPLES) -> Report:
    """Every operation of the API, ``examples`` cases per mode, as the token's user."""
    with _connection_kept():
        return _fuzz(token, examples=examples)


def _fuzz(token: str, *, examples: int) -> Report:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    headers = {"Authorization": f"Bearer {token}"}
    report = Report()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:
            strategy = operation.as_strategy(generation_mode=mode)

            @given(case=strategy)
            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                response = error = None
                try:
                    with transaction.atomic():
                        response = case.call(headers=headers)
                        raise _Savepoint
                except _Savepoint:
                    pass
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (
                    Exception,
                    BaseExceptionGroup,
                ) as failure:  # every failure is counted, none stops the run
                    error = failure
                _record(report, case, response, error)

            # Unsatisfiable: nothing can break this operation's schema (no parameters, no body).
            with contextlib.suppress(Unsatisfiable):
                run()
    return report


def demo_company_for_fuzzing(django_db_blocker, request):
    """The tiny demo company under "own records", generated once per module and rolled back."""
    from hamsu.core.models import CompanySettings, Visibility
    from hamsu.demo import generator

    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(scale="tiny", seed=15, progress=lambda *_: None)
        CompanySettings.objects.update(visibility=Visibility.OWN)
        yield
        transaction.set_rollback(True)


def token_for(username: str) -> str:
    from django.contrib.auth import get_user_model

    from hamsu.api import services as tokens

    _token, raw = tokens.token_create(user=get_user_model().objects.get(username=username), name="fuzz")
    return raw
