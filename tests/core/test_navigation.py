"""Navigation by role (issue 16, item 3): a few sections (Sell, Market, Together, Numbers,
Settings), each a disclosure menu, in the order the reader's role works in, offering what
the role uses; whatever else the role may open is linked from the page it belongs under."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from hamsu.core import navigation, roles
from hamsu.directory.models import Function, RoleTitle

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(make_person):
    """A directory person with a login in ``role``, by role name."""

    def make(role):
        marketing = role in {roles.HEAD_OF_MARKETING, roles.UPSTREAM_MARKETER, roles.DOWNSTREAM_MARKETER}
        return make_person(
            f"{role} person",
            role=role,
            function=Function.DOWNSTREAM_MARKETING if marketing else Function.SALES,
            title=RoleTitle.SALES_REP,
        ).user

    return make


def sections(user) -> dict[str, list[str]]:
    return {s["key"]: [entry["url_name"] for entry in s["items"]] for s in navigation.sections_for(user)}


def order(user) -> list[str]:
    return [s["key"] for s in navigation.sections_for(user)]


# ---------------------------------------------------------------- the order of the sections


def test_a_rep_starts_with_sell(login):
    assert order(login(roles.SALES_REP)) == ["sell", "together", "numbers", "market", "settings"]


def test_a_marketer_starts_with_market(login):
    assert order(login(roles.DOWNSTREAM_MARKETER))[0] == "market"


def test_an_upstream_marketer_starts_with_market(login):
    assert order(login(roles.UPSTREAM_MARKETER))[0] == "market"


def test_the_cro_starts_with_the_numbers(login):
    assert order(login(roles.REVENUE_LEADER))[0] == "numbers"


def test_the_head_of_sales_starts_with_the_numbers(login):
    assert order(login(roles.HEAD_OF_SALES))[0] == "numbers"


def test_the_head_of_marketing_starts_with_the_numbers_then_market(login):
    assert order(login(roles.HEAD_OF_MARKETING))[:2] == ["numbers", "market"]


def test_the_administrator_starts_with_the_settings(login):
    assert order(login(roles.ADMINISTRATOR))[0] == "settings"


def test_a_login_with_two_roles_gets_the_order_of_the_one_that_answers_for_more(login):
    user = login(roles.SALES_REP)
    user.groups.add(*type(user.groups.first()).objects.filter(name=roles.HEAD_OF_SALES))
    user = type(user).objects.get(pk=user.pk)  # fresh permission and role caches
    assert order(user)[0] == "numbers"


# ---------------------------------------------------------------- what each role is offered

SELL = ["crm:pipeline", "crm:opportunities", "crm:accounts", "crm:contacts", "crm:tasks", "funnel:inbox"]
NUMBERS = [
    "scorecard:dashboard",
    "funnel:sla",
    "campaigns:attribution",
    "campaigns:closed_loop",
    "glossary",
]
TOGETHER = ["collaboration:home", "alignment:index", "directory:people"]


def test_a_rep_sells_from_the_sell_menu(login):
    assert sections(login(roles.SALES_REP))["sell"] == SELL


def test_a_rep_is_not_offered_the_funnel_rules_touchpoints_or_lead_definitions(login):
    assert sections(login(roles.SALES_REP))["market"] == ["campaigns:list", "funnel:overview"]


def test_a_rep_reads_the_numbers(login):
    assert sections(login(roles.SALES_REP))["numbers"] == NUMBERS


def test_a_rep_works_together(login):
    assert sections(login(roles.SALES_REP))["together"] == TOGETHER


def test_a_reps_settings_are_the_exports(login):
    assert sections(login(roles.SALES_REP))["settings"] == ["dataio:exports"]


def test_a_sales_manager_is_offered_the_funnel_rules(login):
    assert sections(login(roles.SALES_MANAGER))["settings"][0] == "funnel:rules_routing"


def test_a_marketer_is_offered_campaigns_funnel_definitions_and_touchpoints(login):
    assert sections(login(roles.DOWNSTREAM_MARKETER))["market"] == [
        "campaigns:list",
        "funnel:overview",
        "funnel:definitions",
        "campaigns:touchpoints",
    ]


def test_a_marketer_is_not_offered_the_funnel_rules(login):
    assert "funnel:rules_routing" not in sections(login(roles.DOWNSTREAM_MARKETER))["settings"]


def test_a_marketer_still_has_the_sell_menu_to_read_deals(login):
    assert sections(login(roles.DOWNSTREAM_MARKETER))["sell"] == SELL


def test_the_cro_reads_every_number(login):
    assert sections(login(roles.REVENUE_LEADER))["numbers"] == NUMBERS


def test_the_cro_sets_the_funnel_rules_and_reads_the_audit_log(login):
    assert sections(login(roles.REVENUE_LEADER))["settings"] == [
        "funnel:rules_routing",
        "dataio:imports",
        "dataio:exports",
        "dataio:webhooks",
        "core:audit",
    ]


def test_the_administrator_sets_the_company_up(login):
    assert sections(login(roles.ADMINISTRATOR))["settings"] == [
        "funnel:rules_routing",
        "dataio:imports",
        "dataio:exports",
        "dataio:webhooks",
        "core:settings",
        "core:audit",
    ]


def test_the_bell_sits_on_the_bar_for_everyone(login):
    assert [e["url_name"] for e in navigation.bar_items_for(login(roles.SALES_REP))] == [
        "collaboration:notifications"
    ]


def test_no_entry_sits_in_two_menus(login):
    offered = [e["url_name"] for e in navigation.items_for(login(roles.ADMINISTRATOR))]
    assert len(offered) == len(set(offered))


def test_the_current_page_marks_its_entry_and_its_section(login):
    found = navigation.sections_for(login(roles.SALES_REP), current="crm:tasks")
    assert [s["key"] for s in found if s["current"]] == ["sell"]


# ---------------------------------------------------------------- everything stays reachable


def test_an_entry_for_some_roles_must_name_the_page_it_belongs_under():
    with pytest.raises(ValueError, match="name its parent page"):
        navigation.NavItem("crm:tasks", "Tasks", "x", section="sell", roles=frozenset({roles.SALES_REP}))


def test_an_entry_in_an_unknown_section_is_refused():
    with pytest.raises(ValueError, match="unknown section"):
        navigation.NavItem("crm:tasks", "Tasks", "x", section="elsewhere")


def _hidden_from(user) -> list[navigation.NavItem]:
    """Entries ``user`` may open but is not offered in the bar."""
    offered = {e["url_name"] for e in navigation.items_for(user)}
    return [
        item
        for item in navigation._ITEMS
        if item.url_name not in offered and (item.permission is None or user.has_perm(item.permission))
    ]


@pytest.mark.parametrize("role", list(roles.ROLE_LABELS))
def test_every_entry_a_role_is_not_offered_is_linked_from_its_parent_page(client, login, role):
    from django.urls import reverse

    user = login(role)
    client.force_login(user)
    offered = {e["url_name"] for e in navigation.items_for(user)}
    for item in _hidden_from(user):
        assert item.parent in offered, f"{role}: {item.url_name} under {item.parent}"
        page = client.get(reverse(item.parent)).content.decode()
        assert f'href="{reverse(item.url_name)}"' in page, f"{role}: {item.parent} links {item.url_name}"


def test_a_rep_misses_exactly_the_entries_meant_for_others(login):
    hidden = sorted(item.url_name for item in _hidden_from(login(roles.SALES_REP)))
    assert hidden == ["campaigns:touchpoints", "funnel:definitions", "funnel:rules_routing"]


# ---------------------------------------------------------------- the layout


def _menu_buttons(html: str) -> list[str]:
    return re.findall(r"<button[^>]*data-nav-toggle[^>]*>", html)


def test_each_section_is_a_button_that_controls_a_hidden_list(client, login):
    client.force_login(login(roles.SALES_REP))
    html = client.get("/crm/tasks/").content.decode()
    sell = next(b for b in _menu_buttons(html) if 'aria-controls="nav-menu-sell"' in b)
    assert 'aria-expanded="false"' in sell
    assert re.search(r'<ul class="dropdown-menu nav-section-menu" id="nav-menu-sell" hidden>', html)


def test_the_current_page_is_marked_in_its_menu(client, login):
    client.force_login(login(roles.SALES_REP))
    html = client.get("/crm/tasks/").content.decode()
    assert re.search(r'href="/crm/tasks/" aria-current="page"', html)


def test_the_menus_come_in_the_roles_order_on_the_page(client, login):
    client.force_login(login(roles.DOWNSTREAM_MARKETER))
    html = client.get("/").content.decode()
    assert re.findall(r'aria-controls="nav-menu-(\w+)"', html)[:2] == ["market", "together"]


def test_the_menus_are_named_in_persian(client, login):
    client.force_login(login(roles.SALES_REP))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    html = client.get("/").content.decode()
    labels = [re.sub(r"<[^>]+>", "", b) for b in re.findall(r"data-nav-toggle>([^<]*)</button>", html)]
    assert labels == ["فروش", "همکاری", "ارقام", "بازاریابی", "تنظیمات"]
