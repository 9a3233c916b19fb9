"""Shared fixtures: named personas (as healthchecks does) and small factories."""

from __future__ import annotations

import datetime
import itertools
import os
import shutil
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from hamsu.core import roles
from hamsu.core.models import CurrencyRate
from hamsu.crm import services as crm
from hamsu.crm.models import Account, Product, Segment
from hamsu.directory.models import Function, Person, RoleTitle, Team

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hashing with PBKDF2 costs ~0.3 s per login; tests need correctness, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _own_leases(settings, tmp_path_factory):
    # Long jobs' leases (hamsu.core.leases) are files: each test worker keeps its own, so
    # a rebuild in one worker's test never finds the lease of another worker's.
    settings.HAMSU_LEASE_DIR = tmp_path_factory.getbasetemp() / "leases"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Counters in the cache (API token guesses per address, capture rate limits) must not
    # carry over from one test to the next: every test client comes from 127.0.0.1.
    from django.core.cache import cache

    from hamsu.core.company import forget_company_currency

    cache.clear()
    # The company currency is remembered per request; a test's database starts afresh.
    forget_company_currency()


@pytest.fixture(autouse=True)
def _english_by_default():
    # A request in Persian activates it for the thread; start every test in English so
    # one test's language never leaks into the next one's messages.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def teams(db):
    return {
        "enterprise": Team.objects.create(name="Sales — Enterprise", function=Function.SALES),
        "smb": Team.objects.create(name="Sales — SMB", function=Function.SALES),
        "marketing": Team.objects.create(name="Downstream marketing", function=Function.DOWNSTREAM_MARKETING),
    }


@pytest.fixture
def make_person(db, django_user_model):
    """A directory person, with a login in the given role groups when ``role`` is set."""

    def make(
        name=None, *, role=None, function=Function.SALES, title=RoleTitle.SALES_REP, team=None, manager=None
    ):
        n = next(_counter)
        name = name or f"Person {n}"
        user = None
        if role:
            roles.sync_role_groups()
            user = django_user_model.objects.create_user(username=f"user{n}", password="pw")
            user.groups.add(Group.objects.get(name=role))
        return Person.objects.create(
            user=user,
            full_name=name,
            email=f"p{n}@example.com",
            function=function,
            role_title=title,
            team=team,
            manager=manager,
        )

    return make


@pytest.fixture
def rep(make_person, teams):
    return make_person("Reza Rep", role=roles.SALES_REP, team=teams["enterprise"])


@pytest.fixture
def other_rep(make_person, teams):
    return make_person("Olga Other", role=roles.SALES_REP, team=teams["smb"])


@pytest.fixture
def head_of_sales(make_person, teams):
    return make_person("Hana Head", role=roles.HEAD_OF_SALES, title=RoleTitle.HEAD_OF_SALES)


@pytest.fixture
def marketer(make_person, teams):
    return make_person(
        "Mona Marketer",
        role=roles.DOWNSTREAM_MARKETER,
        function=Function.DOWNSTREAM_MARKETING,
        title=RoleTitle.CAMPAIGN_MANAGER,
        team=teams["marketing"],
    )


@pytest.fixture
def catalogue(db):
    CurrencyRate.objects.create(currency="EUR", rate_to_base=Decimal("1.10"))
    CurrencyRate.objects.create(currency="IRR", rate_to_base=Decimal("0.0000238"))
    segment = Segment.objects.create(name="Manufacturing")
    product = Product.objects.create(
        name="Suite", code="S", list_price=Decimal("1000"), unit_cost=Decimal("300")
    )
    return {"segment": segment, "product": product}


@pytest.fixture
def make_account(db, catalogue):
    def make(owner, name=None):
        return crm.account_create(
            actor=None, name=name or f"Account {next(_counter)}", owner=owner, segment=catalogue["segment"]
        )

    return make


@pytest.fixture
def make_opportunity(db, catalogue, make_account):
    def make(owner, *, account: Account | None = None, amount="1000", currency="USD", actor=None, **extra):
        return crm.opportunity_create(
            actor=actor,
            name=extra.pop("name", f"Deal {next(_counter)}"),
            account=account or make_account(owner),
            owner=owner,
            amount=Decimal(amount),
            currency=currency,
            expected_close=extra.pop("expected_close", datetime.date(2027, 3, 31)),
            product=extra.pop("product", catalogue["product"]),
            **extra,
        )

    return make


# ---------------------------------------------------------------- browser tests
# Playwright driving Debian's Chromium against the live test server; one browser per
# session, shared by every browser test (Playwright allows one sync instance per thread).

CHROMIUM = os.environ.get("HAMSU_CHROMIUM", "/usr/bin/chromium")
# Flags for a sandboxed, offline machine: no GPU, no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    """Chromium for the whole session; every context it opens is audited by axe-core."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}; `make test` installs it on Debian (as root).")
    from playwright.sync_api import sync_playwright

    from tests.accessibility import AuditedBrowser, axe_init_script

    script = axe_init_script()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield AuditedBrowser(browser, script)
        browser.close()


_AXE_AUDIT = pytest.StashKey()


@pytest.fixture(autouse=True)
def _axe_audit(request):
    """Any test that uses the browser has every page it visits audited by axe-core; the
    violations fail the test once its body has passed (see pytest_runtest_call)."""
    if "browser" not in request.fixturenames:
        yield None
        return
    audit = request.getfixturevalue("browser").start_audit()
    request.node.stash[_AXE_AUDIT] = audit
    yield audit
    audit.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # a test that failed keeps its own failure
    audit = item.stash.get(_AXE_AUDIT, None)
    if audit is not None:
        audit.finish()
        if audit.violations or audit.problems:
            pytest.fail(audit.report(), pytrace=False)
    return result


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page
