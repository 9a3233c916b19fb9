"""The "Related" card on the deal and account pages: what the other apps know about the
record, each link only for those allowed to follow it, at a fixed query cost."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hamsu.campaigns.models import Touchpoint
from hamsu.collaboration.models import AccountPlan, Collateral, CollateralUse, FeedbackNote
from hamsu.core import record_links, roles
from hamsu.core.models import CompanySettings, Visibility
from hamsu.crm.models import Contact
from hamsu.crm.selectors import opportunities_visible
from hamsu.directory.models import Function, Person, RoleTitle
from hamsu.funnel.models import Lead

pytestmark = pytest.mark.django_db

DEAL_KEYS = {
    "funnel.source_leads",
    "campaigns.deal_touches",
    "collaboration.give_feedback",
    "collaboration.feedback_given",
    "collaboration.collateral_used",
    "scorecard.owner_scorecard",
}
ACCOUNT_KEYS = {"collaboration.key_account_plan", "collaboration.who_to_contact", "campaigns.account_touches"}


@pytest.fixture
def leader(make_person):
    return make_person("Leila Leader", role=roles.REVENUE_LEADER, title=RoleTitle.HEAD_OF_SALES)


def _login(client, person):
    client.force_login(person.user)
    return client


def _enrich(deal, seller, *, touches=3, notes=1, pieces=1, leads=1):
    """A deal with what each app records about it."""
    contact = Contact.objects.create(account=deal.account, last_name="Karimi", owner=seller)
    now = timezone.now()
    for i in range(touches):
        Touchpoint.objects.create(
            kind="email_click",
            channel="email",
            occurred_at=now - datetime.timedelta(days=30 + i),
            # Touches of a contact carry the contact's account.
            contact=contact if i % 2 == 0 else None,
            account=deal.account,
        )
    for i in range(leads):
        Lead.objects.create(
            email=f"buyer{i}@acme.example",
            first_name="Bita",
            last_name=f"Buyer {i}",
            company="Acme",
            owner=seller,
            state="opportunity",
            opportunity=deal,
        )
    for i in range(notes):
        FeedbackNote.objects.create(
            author=seller, team=seller.team, opportunity=deal, account=deal.account, customer_need=f"Need {i}"
        )
    for i in range(pieces):
        piece = Collateral.objects.create(title=f"Pricing guide {i}", kind="pricing_guide")
        CollateralUse.objects.create(collateral=piece, opportunity=deal, attached_by=seller)


def _links(response) -> dict[str, list[record_links.RecordLink]]:
    found: dict[str, list] = {}
    for link in response.context["related_links"]:
        found.setdefault(link.key, []).append(link)
    return found


def test_a_deal_shows_each_related_link(client, leader, rep, make_opportunity):
    deal = make_opportunity(rep, name="Acme renewal")
    _enrich(deal, rep, touches=3, notes=2)
    lead = Lead.objects.get(opportunity=deal)
    response = _login(client, leader).get(reverse("crm:opportunity", args=[deal.pk]))
    links = _links(response)
    assert set(links) == DEAL_KEYS

    assert links["funnel.source_leads"][0].url == reverse("funnel:lead", args=[lead.pk])
    assert "Bita Buyer 0" in links["funnel.source_leads"][0].hint
    touches = links["campaigns.deal_touches"][0]
    assert touches.url == reverse("campaigns:deal_explanation", args=[deal.pk])
    assert touches.count == 3
    assert links["collaboration.give_feedback"][0].url.endswith(f"?opportunity={deal.pk}")
    given = links["collaboration.feedback_given"][0]
    assert given.count == 2
    assert given.url == reverse("collaboration:deal_feedback", args=[deal.pk])
    assert [link.label for link in links["collaboration.collateral_used"]] == ["Pricing guide 0"]
    assert links["scorecard.owner_scorecard"][0].url.endswith(f"?owner={rep.pk}")

    html = response.content.decode()
    assert 'data-testid="related"' in html
    assert "Marketing touches and attribution" in html
    assert "Give feedback on this deal" in html


def test_links_to_what_does_not_exist_are_left_out(client, leader, rep, make_opportunity):
    deal = make_opportunity(rep)
    links = _links(_login(client, leader).get(reverse("crm:opportunity", args=[deal.pk])))
    # No lead, no feedback, no collateral: only the pages that exist for every deal.
    assert set(links) == {
        "campaigns.deal_touches",
        "collaboration.give_feedback",
        "scorecard.owner_scorecard",
    }
    assert links["campaigns.deal_touches"][0].count == 0


def test_an_account_shows_its_plan_and_who_to_contact(client, leader, rep, make_account):
    account = make_account(rep, name="Pars Steel")
    plan = AccountPlan.objects.create(account=account, sales_owner=rep)
    links = _links(_login(client, leader).get(reverse("crm:account", args=[account.pk])))
    assert set(links) == ACCOUNT_KEYS
    assert links["collaboration.key_account_plan"][0].url == reverse("collaboration:plan", args=[plan.pk])
    assert links["collaboration.who_to_contact"][0].url == reverse("directory:people") + "?q=Pars+Steel"
    assert links["campaigns.account_touches"][0].url.endswith(f"?account={account.pk}")

    plan.delete()
    links = _links(client.get(reverse("crm:account", args=[account.pk])))
    assert "collaboration.key_account_plan" not in links


def _user_with(django_user_model, teams, permissions: set[str]):
    """A person whose login has exactly ``permissions`` (no role), in the enterprise team."""
    user = django_user_model.objects.create_user(username=f"custom{len(permissions)}", password="pw")
    group = Group.objects.create(name=f"custom-{user.pk}")
    for name in permissions:
        app_label, codename = name.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    user.groups.add(group)
    Person.objects.create(
        user=user, full_name="Custom", email=f"custom{user.pk}@example.com", function=Function.SALES
    )
    return user


PAGE = {"crm.view_opportunity", "crm.view_account"}
ALL_LINK_PERMISSIONS = {
    "funnel.view_lead",
    "collaboration.add_feedbacknote",
    "collaboration.view_feedbacknote",
    "collaboration.view_collateral",
    "collaboration.view_accountplan",
    "directory.view_person",
    "campaigns.view_touchpoint",
    "scorecard.view_target",
}


@pytest.mark.parametrize(
    ("missing", "hidden"),
    [
        ("funnel.view_lead", "funnel.source_leads"),
        ("collaboration.add_feedbacknote", "collaboration.give_feedback"),
        ("collaboration.view_collateral", "collaboration.collateral_used"),
        ("scorecard.view_target", "scorecard.owner_scorecard"),
        ("collaboration.view_accountplan", "collaboration.key_account_plan"),
        ("directory.view_person", "collaboration.who_to_contact"),
        ("campaigns.view_touchpoint", "campaigns.account_touches"),
    ],
)
def test_a_user_without_the_permission_does_not_see_that_link(
    client, django_user_model, teams, rep, make_opportunity, missing, hidden
):
    CompanySettings.objects.create(visibility=Visibility.EVERYONE)
    deal = make_opportunity(rep)
    _enrich(deal, rep)
    AccountPlan.objects.create(account=deal.account, sales_owner=rep)
    with_all = _user_with(django_user_model, teams, PAGE | ALL_LINK_PERMISSIONS)
    without = _user_with(django_user_model, teams, PAGE | (ALL_LINK_PERMISSIONS - {missing}))

    def keys(user):
        client.force_login(user)
        return set(_links(client.get(reverse("crm:opportunity", args=[deal.pk])))) | set(
            _links(client.get(reverse("crm:account", args=[deal.account_id])))
        )

    assert hidden in keys(with_all)
    shown = keys(without)
    assert hidden not in shown
    assert shown == keys(with_all) - {hidden}


def test_a_seller_counts_only_the_feedback_they_may_read(client, rep, other_rep, make_opportunity):
    CompanySettings.objects.create(visibility=Visibility.OWN)
    deal = make_opportunity(rep)
    FeedbackNote.objects.create(author=other_rep, opportunity=deal, customer_need="Theirs")
    client.force_login(rep.user)
    assert "collaboration.feedback_given" not in _links(
        client.get(reverse("crm:opportunity", args=[deal.pk]))
    )
    FeedbackNote.objects.create(author=rep, opportunity=deal, customer_need="Mine")
    links = _links(client.get(reverse("crm:opportunity", args=[deal.pk])))
    assert links["collaboration.feedback_given"][0].count == 1
    page = client.get(links["collaboration.feedback_given"][0].url).content.decode()
    assert "Mine" in page
    assert "Theirs" not in page


def test_the_owners_scorecard_is_linked_only_when_the_user_may_see_those_figures(
    client, rep, make_person, teams, make_opportunity
):
    teammate = make_person("Tara Teammate", role=roles.SALES_REP, team=teams["enterprise"])
    mine, theirs = make_opportunity(rep), make_opportunity(teammate)
    client.force_login(rep.user)

    def shown(deal):
        return "scorecard.owner_scorecard" in _links(client.get(reverse("crm:opportunity", args=[deal.pk])))

    CompanySettings.objects.create(visibility=Visibility.EVERYONE)
    assert shown(mine)
    assert shown(theirs)
    # Under team visibility the rep sees the teammate's deal, but the scorecard would
    # show the team's figures instead of the teammate's: no link rather than a wrong one.
    CompanySettings.objects.update(visibility=Visibility.TEAM)
    assert shown(mine)
    assert not shown(theirs)


@pytest.mark.parametrize("who", ["leader", "rep", "marketer"])
def test_every_link_opens_for_a_user_allowed_to_see_it(client, who, leader, rep, marketer, make_opportunity):
    deal = make_opportunity(rep)
    _enrich(deal, rep)
    AccountPlan.objects.create(account=deal.account, sales_owner=rep)
    client.force_login({"leader": leader, "rep": rep, "marketer": marketer}[who].user)
    urls = [
        link.url for link in client.get(reverse("crm:opportunity", args=[deal.pk])).context["related_links"]
    ]
    urls += [
        link.url
        for link in client.get(reverse("crm:account", args=[deal.account_id])).context["related_links"]
    ]
    assert urls
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_feedback_form_is_prefilled_with_the_deal_only_when_the_user_sees_it(
    client, rep, other_rep, make_opportunity, make_account
):
    CompanySettings.objects.create(visibility=Visibility.OWN)
    mine = make_opportunity(rep, name="My deal")
    theirs = make_opportunity(other_rep, name="Secret deal")
    account = make_account(rep, name="My account")
    client.force_login(rep.user)
    form = client.get(reverse("collaboration:feedback_create"), {"opportunity": mine.pk}).content.decode()
    assert f"My deal [#{mine.pk}]" in form
    form = client.get(reverse("collaboration:feedback_create"), {"opportunity": theirs.pk}).content.decode()
    assert "Secret deal" not in form
    form = client.get(reverse("collaboration:feedback_create"), {"account": account.pk}).content.decode()
    assert f"My account [#{account.pk}]" in form


def test_the_deal_feedback_page_is_404_for_a_deal_the_user_cannot_see(
    client, rep, other_rep, make_opportunity
):
    CompanySettings.objects.create(visibility=Visibility.OWN)
    theirs = make_opportunity(other_rep)
    client.force_login(rep.user)
    assert client.get(reverse("collaboration:deal_feedback", args=[theirs.pk])).status_code == 404


def test_the_persian_pages_render_the_card_right_to_left(client, leader, rep, make_opportunity):
    deal = make_opportunity(rep)
    _enrich(deal, rep, touches=12)
    AccountPlan.objects.create(account=deal.account, sales_owner=rep)
    _login(client, leader).post("/i18n/setlang/", {"language": "fa", "next": "/"})
    html = client.get(reverse("crm:opportunity", args=[deal.pk])).content.decode()
    assert 'dir="rtl"' in html
    assert "bootstrap.rtl" in html
    assert "مرتبط" in html  # "Related"
    assert "تماس‌های بازاریابی و انتساب" in html  # "Marketing touches and attribution"
    assert "بازخورد دربارهٔ این معامله" in html  # "Give feedback on this deal"
    assert "سرنخی که این معامله از آن آمد" in html  # "The lead it came from"
    assert ">۱۲<" in html  # the touch count in Persian digits
    html = client.get(reverse("crm:account", args=[deal.account_id])).content.decode()
    assert "برنامهٔ حساب کلیدی" in html  # "Key-account plan"
    assert "با چه کسی دربارهٔ این حساب تماس بگیرم" in html  # "Who to contact about this account"


# ---------------------------------------------------------------- query cost


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["leader", "rep"])
def test_the_card_adds_a_fixed_small_number_of_queries(
    client, who, leader, rep, make_opportunity, monkeypatch
):
    CompanySettings.objects.create(visibility=Visibility.TEAM)
    small, big = make_opportunity(rep), make_opportunity(rep)
    _enrich(small, rep, touches=1, notes=1, pieces=1, leads=1)
    _enrich(big, rep, touches=40, notes=15, pieces=9, leads=5)
    AccountPlan.objects.create(account=big.account, sales_owner=rep)
    client.force_login((leader if who == "leader" else rep).user)
    for kind, url_name, records in (
        (record_links.OPPORTUNITY, "crm:opportunity", (small, big)),
        (record_links.ACCOUNT, "crm:account", (small.account, big.account)),
    ):
        few, many = (_queries(client, reverse(url_name, args=[r.pk])) for r in records)
        assert few == many, (url_name, few, many)
        monkeypatch.setattr(record_links, "_PROVIDERS", {})
        without_card = _queries(client, reverse(url_name, args=[records[1].pk]))
        monkeypatch.undo()
        budget = sum(p.max_queries for p in record_links.providers_for(kind))
        # Pinned: the deal card costs at most 7 queries (leads, touches, feedback,
        # collateral, plus the company's visibility rule read again by the three that
        # apply it), the account card at most 1 (the plan).
        assert budget <= (7 if kind == record_links.OPPORTUNITY else 1)
        assert many - without_card <= budget, (url_name, many, without_card, budget)


@pytest.mark.parametrize("who", ["leader", "rep", "marketer"])
def test_every_provider_keeps_to_its_declared_queries(who, leader, rep, marketer, make_opportunity):
    CompanySettings.objects.create(visibility=Visibility.TEAM)
    deal = make_opportunity(rep)
    _enrich(deal, rep, touches=5, notes=3, pieces=3, leads=2)
    AccountPlan.objects.create(account=deal.account, sales_owner=rep)
    user = {"leader": leader, "rep": rep, "marketer": marketer}[who].user
    deal = type(deal).objects.select_related("account", "owner").get(pk=deal.pk)
    for kind, record in ((record_links.OPPORTUNITY, deal), (record_links.ACCOUNT, deal.account)):
        for provider in record_links.providers_for(kind):
            fresh = type(user).objects.get(pk=user.pk)
            # What the page has done before asking: checked the permission and the
            # record's visibility (which caches the user's roles, person and teams).
            fresh.get_all_permissions()
            opportunities_visible(fresh)
            with CaptureQueriesContext(connection) as captured:
                list(provider.links(record, fresh))
            assert len(captured) <= provider.max_queries, (provider.key, [q["sql"] for q in captured])


# ---------------------------------------------------------------- the registry itself


def test_a_provider_is_not_asked_when_the_user_lacks_its_permission(rep, make_opportunity, monkeypatch):
    asked = []
    monkeypatch.setattr(record_links, "_PROVIDERS", {})
    record_links.register(
        record_links.LinkProvider(
            "test.secret",
            record_links.OPPORTUNITY,
            lambda record, user: asked.append(record) or [],
            permission="crm.delete_opportunity",  # a sales rep may not delete deals
        )
    )
    assert record_links.links_for(record_links.OPPORTUNITY, make_opportunity(rep), rep.user) == []
    assert asked == []


def test_a_provider_with_a_missing_route_is_left_out_not_fatal(rep, make_opportunity, monkeypatch):
    def broken(record, user):
        yield record_links.RecordLink(label="Broken", url=reverse("nowhere:at-all"))

    def fine(record, user):
        yield record_links.RecordLink(label="Fine", url="/fine/")

    monkeypatch.setattr(record_links, "_PROVIDERS", {})
    record_links.register(
        record_links.LinkProvider("test.broken", record_links.OPPORTUNITY, broken, order=1),
        record_links.LinkProvider("test.fine", record_links.OPPORTUNITY, fine, order=2),
    )
    links = record_links.links_for(record_links.OPPORTUNITY, make_opportunity(rep), rep.user)
    assert [(link.label, link.key) for link in links] == [("Fine", "test.fine")]
    with pytest.raises(NoReverseMatch):
        reverse("nowhere:at-all")
