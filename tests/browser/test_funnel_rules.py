"""A head of sales creates a routing rule through the page, moves it to the top with the
htmx up button and tests it against a lead — in Chromium."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from hamsu.funnel.models import RoutingRule, RoutingRuleKind
from hamsu.funnel.services import leads as lifecycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")


def test_create_a_routing_rule_move_it_up_and_test_it(
    page, live_server, static_files, head_of_sales, rep, teams
):
    RoutingRule.objects.create(
        position=10, name="Enterprise round robin", kind=RoutingRuleKind.ROUND_ROBIN, team=teams["enterprise"]
    )
    lifecycle.lead_create(actor=None, via="test", email="sara@gulf.example", last_name="Sara", country="AE")
    log_in(page, live_server, head_of_sales.user)

    # Reached from the navigation bar's Settings menu.
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("link", name="Funnel rules").click()
    page.wait_for_url(f"{live_server.url}/funnel/rules/routing/")
    page.get_by_test_id("new-routing-rule").click()
    page.fill("#id_name", "Gulf")
    page.select_option("#id_kind", "territory")
    page.select_option("#id_team", label="Sales — Enterprise")
    page.fill("#id_countries", "ae, om")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"{live_server.url}/funnel/rules/routing/")

    gulf = RoutingRule.objects.get(name="Gulf")
    assert gulf.countries == ["AE", "OM"]
    assert gulf.team == teams["enterprise"]
    assert "country is one of AE, OM" in page.get_by_test_id(f"criteria-{gulf.pk}").inner_text()

    # The up button posts with htmx and only the table is swapped in.
    with page.expect_response(lambda r: r.url.endswith("/funnel/rules/routing/")):
        page.get_by_test_id(f"up-{gulf.pk}").click()
    page.locator("#routing-rules tbody tr").first.get_by_text("Gulf").wait_for()
    assert list(RoutingRule.objects.order_by("position").values_list("name", flat=True))[0] == "Gulf"

    page.get_by_test_id(f"edit-{gulf.pk}").click()
    page.get_by_role("link", name="Test this rule").click()
    page.fill("#id_lead", "sara@gulf.example")
    page.get_by_test_id("run-test").click()
    decision = page.get_by_test_id("routing-decision").inner_text()
    assert "Would go to Reza Rep" in decision
    assert "The highlighted rule is the one that fires." in decision
    if os.environ.get("HAMSU_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["HAMSU_SCREENSHOTS"], "routing-test.png"), full_page=True
        )
