"""The "who to contact" search: answers with reasons, ranks available people first."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.core import roles
from hamsu.crm.models import Coverage, Product
from hamsu.directory import search_index
from hamsu.directory.models import ExpertiseTag, Function, RoleTitle
from hamsu.directory.selectors import SearchFilters, who_to_contact


@pytest.fixture
def people(make_person, teams, catalogue, make_account, rep, marketer):
    account = make_account(rep, name="Pars Steel")
    Coverage.objects.create(person=marketer, account=account)
    pricing = ExpertiseTag.objects.create(name="pricing")
    brand = make_person("Kaveh Brand", function=Function.UPSTREAM_MARKETING, title=RoleTitle.BRAND_MANAGER)
    brand.expertise.add(pricing)
    Coverage.objects.create(person=brand, segment=catalogue["segment"])
    away = make_person("Ali Away", function=Function.UPSTREAM_MARKETING, title=RoleTitle.PRODUCT_MANAGER)
    away.expertise.add(pricing)
    away.absent_until = timezone.localdate() + datetime.timedelta(days=10)
    away.languages = ["fa"]
    away.save()
    brand.languages = ["en"]
    brand.save()
    product = Product.objects.create(name="Field Sales Mobile", code="FSM", list_price=1, unit_cost=1)
    Coverage.objects.create(person=brand, product=product)
    return {"account": account, "brand": brand, "away": away, "product": product}


@pytest.mark.django_db
def test_it_answers_who_to_talk_to_about_an_account_with_reasons(people, rep, marketer):
    matches = who_to_contact(q="who do I talk to about Pars Steel")
    by_person = {m.person.pk: m for m in matches}
    assert rep.pk in by_person
    assert marketer.pk in by_person
    assert any("Owns account Pars Steel" in r.text for r in by_person[rep.pk].reasons)
    assert any("Covers account Pars Steel" in r.text for r in by_person[marketer.pk].reasons)


@pytest.mark.django_db
def test_it_finds_people_by_topic_segment_and_product(people):
    assert [m.person for m in who_to_contact(q="pricing")][:2] == [people["brand"], people["away"]]
    segment = who_to_contact(q="Manufacturing")
    assert segment[0].person == people["brand"]
    assert segment[0].reasons[0].text == "Segment: Manufacturing"
    product = who_to_contact(q="FSM")
    assert product[0].person == people["brand"]


@pytest.mark.django_db
def test_it_ranks_absent_people_after_available_ones_and_can_filter(people):
    matches = who_to_contact(q="pricing")
    assert matches[0].available
    assert not matches[1].available
    assert [m.person for m in who_to_contact(q="pricing", filters=SearchFilters(available_only=True))] == [
        people["brand"]
    ]
    assert [m.person for m in who_to_contact(q="pricing", filters=SearchFilters(language="fa"))] == [
        people["away"]
    ]


@pytest.mark.django_db
def test_it_returns_nothing_for_an_unknown_subject(people):
    assert who_to_contact(q="zzzz-nothing") == []
    assert who_to_contact(q="") == []


@pytest.mark.django_db
def test_the_people_page_shows_the_reasons(client, people, rep):
    client.force_login(rep.user)
    response = client.get("/people/", {"q": "Pars Steel"})
    assert response.status_code == 200
    assert "Owns account Pars Steel" in response.content.decode()


@pytest.mark.django_db
def test_the_api_twin_answers_with_reasons(client, people, rep):
    client.force_login(rep.user)
    response = client.get("/api/v1/people/search", {"q": "pricing", "available": "true"})
    assert response.status_code == 200
    body = response.json()
    assert [row["person"]["id"] for row in body] == [people["brand"].pk]
    assert body[0]["reasons"][0]["kind"] == "expertise"
    bad = client.get("/api/v1/people/search", {"language": "Persian!"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "language"


@pytest.mark.django_db
def test_search_needs_the_directory_permission(client, make_person):
    nobody = make_person("No Role", role=roles.ADMINISTRATOR)
    nobody.user.groups.clear()
    client.force_login(nobody.user)
    assert client.get("/api/v1/people/search", {"q": "x"}).status_code == 403


@pytest.mark.django_db
def test_the_word_index_answers_like_the_scan_and_folds_persian_letters(people, rep, marketer, make_person):
    persian = make_person("علی کریمی")
    before = [(m.person.pk, [r.text for r in m.reasons]) for m in who_to_contact(q="Pars Steel")]
    assert search_index.rebuild() > 0
    after = [(m.person.pk, [r.text for r in m.reasons]) for m in who_to_contact(q="Pars Steel")]
    assert after == before
    # Arabic yeh/kaf typed by the searcher still find the Persian spelling, by word prefix.
    assert [m.person for m in who_to_contact(q="علي كريم")] == [persian]
    # A renamed account is found once the refresh job has run.
    people["account"].name = "Kavir Steel"
    people["account"].save()
    assert who_to_contact(q="Kavir") == []
    search_index.refresh_changed()
    assert rep in [m.person for m in who_to_contact(q="Kavir")]
