"""Every link on every page answers 200 for the role it is shown to.

A crawler signs in as each of the demo company's logins, starts from the home page and
every navigation entry it is offered, and follows every same-site link (``<a href>``) on
the pages it reaches. A link that answers 403, 404 or 500 to the person it was shown to is
a broken promise, wherever it is (the next-moves page once linked the CRO to a settings
page that refused them, and a rules-of-engagement move to nowhere).

Bounded so it runs in CI on both databases: one representative URL per URL pattern per
login (the first one met), on the tiny demo company, generated once for the module.
Skipped, each for a reason:
- ``/logout/`` and ``/i18n/``: POST-only by design (a GET would be refused with 405);
- ``/admin/``: Django's own admin, for staff accounts the demo does not have;
- ``/static/`` and ``/api/``: files and the JSON API, not pages (the API has its own tests).
A redirect passes when it ends on a page that answers 200 and is not the login page.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hamsu.demo import generator
from tests.crawler import crawl

LOGINS = [login for login, _role in generator.DEMO_LOGINS]
NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker):
    """The tiny demo company, generated once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(scale="tiny", seed=11, now=NOW, progress=lambda *_: None)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "language"), [(login, "en") for login in LOGINS] + [("cro", "fa")], ids=lambda v: v
)
def test_every_link_answers_200_for_the_role_it_is_shown_to(demo_company, client, login, language):
    user = get_user_model().objects.get(username=login)
    client.force_login(user)
    client.cookies["django_language"] = language
    results = crawl(client, user)
    broken = {
        url: f"{visit.status} (linked from {visit.found_on}"
        f"{'' if visit.final == url.split('?')[0] else f', ended on {visit.final}'})"
        for url, visit in results.items()
        if visit.status != 200 or visit.final == "/login/"
    }
    assert len(results) > 20  # the crawl really went through the product
    assert broken == {}
