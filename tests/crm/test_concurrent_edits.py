"""Threads hammering the same records on PostgreSQL (issue 18): no update is lost and every
stage event follows from the state before it."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import close_old_connections, connection

from hamsu.core.versioning import StaleVersion
from hamsu.crm import services
from hamsu.crm.models import Account, Opportunity, StageEvent
from hamsu.crm.stages import OPEN_STAGES

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks and real concurrency: PostgreSQL"
    ),
]
THREADS = 6
ROUNDS = 15


def _run(worker) -> list[BaseException]:
    errors: list[BaseException] = []

    def body(n):
        try:
            worker(n)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=body, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _increment_until_written(account_pk: int, actor, *, strict: bool) -> int:
    """Read, add one, write with the version read; on a refusal read again. Returns refusals."""
    refused = 0
    while True:
        account = Account.objects.get(pk=account_pk)
        try:
            services.account_update(
                account=account,
                actor=actor,
                expected_version=account.version,
                strict=strict,
                employees=(account.employees or 0) + 1,
            )
            return refused
        except StaleVersion:
            refused += 1


def test_no_increment_is_lost(rep, make_account):
    """API semantics (If-Match): a write on an old version is refused, so the writer reads
    again; every increment lands."""
    account = make_account(rep)

    def worker(n):
        for _ in range(ROUNDS):
            _increment_until_written(account.pk, rep.user, strict=True)

    assert _run(worker) == []
    account.refresh_from_db()
    assert account.employees == THREADS * ROUNDS


# One field per thread: each posts the whole form it loaded, its own field changed.
FORM_FIELDS = ["name", "domain", "industry", "external_id", "country", "employees"]


def _value(field: str, n: int, round_: int):
    if field == "employees":
        return 1000 * n + round_
    if field == "country":
        return ["IR", "DE", "FR", "GB", "US", "TR"][round_ % 6]
    if field == "domain":  # a bare host name with a top-level domain, as the field requires
        return f"t{n}-{round_}.example.com"
    return f"t{n}-{round_}"


def test_forms_posting_every_field_lose_nobodys_change(rep, make_account):
    """Form semantics: each writer posts every field as it loaded them (stale for the
    others'), its own changed; the merge keeps everybody's last value."""
    account = make_account(rep)

    def worker(n):
        field = FORM_FIELDS[n]
        for round_ in range(ROUNDS):
            loaded = Account.objects.get(pk=account.pk)
            form = {name: getattr(loaded, name) for name in FORM_FIELDS}
            form[field] = _value(field, n, round_)
            # Never refused: nobody else changes this thread's field.
            services.account_update(account=loaded, actor=rep.user, expected_version=loaded.version, **form)

    assert _run(worker) == []
    account.refresh_from_db()
    final = {name: getattr(account, name) for name in FORM_FIELDS}
    assert final == {field: _value(field, n, ROUNDS - 1) for n, field in enumerate(FORM_FIELDS)}


def test_the_version_counts_every_write(rep, make_account):
    account = make_account(rep)

    def worker(n):
        for _ in range(ROUNDS):
            _increment_until_written(account.pk, rep.user, strict=True)

    _run(worker)
    account.refresh_from_db()
    assert account.version == 1 + THREADS * ROUNDS


def test_every_stage_event_follows_from_the_stage_before(rep, make_opportunity):
    deal = make_opportunity(rep)
    moved: list[int] = []

    def worker(n):
        rng = random.Random(n)
        for _ in range(ROUNDS):
            shown = Opportunity.objects.get(pk=deal.pk).stage  # what this mover's board showed
            target = rng.choice([s.value for s in OPEN_STAGES if s.value != shown])
            try:
                services.opportunity_move_stage(
                    opportunity=deal, to_stage=target, from_stage=shown, actor=rep.user, via="ui"
                )
                moved.append(1)
            except StaleVersion:
                pass

    assert _run(worker) == []
    events = list(StageEvent.objects.filter(opportunity=deal).order_by("at", "id"))
    broken = [
        (before.to_stage, after.from_stage)
        for before, after in zip(events, events[1:], strict=False)
        if after.from_stage != before.to_stage
    ]
    assert broken == []
    assert len(events) == 1 + len(moved)
