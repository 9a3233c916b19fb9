"""Fuzzing every API operation as the administrator: no 5xx, nothing outside the document.

(One module per role so that ``pytest -n 2 --dist loadfile`` runs the two side by side.)"""

from __future__ import annotations

import pytest

from tests.api.fuzzing import demo_company_for_fuzzing, fuzz, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker, request):
    yield from demo_company_for_fuzzing(django_db_blocker, request)


def test_every_operation_answers_as_documented_for_the_administrator(demo_company):
    report = fuzz(token_for("admin"))
    assert report.failures == {}, report.summary()
