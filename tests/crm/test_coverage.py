"""A person's coverage of segments, products and accounts, kept in the CRM: set from the
profile page, the people API and the HR import, shown on the person page, one record per
row and each record once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from hamsu.core import roles
from hamsu.crm.models import Coverage, Product, Segment
from hamsu.directory.models import Person


@pytest.fixture
def records(catalogue, make_account, rep):
    return {
        "segment": catalogue["segment"],
        "retail": Segment.objects.create(name="Retail"),
        "product": catalogue["product"],
        "addon": Product.objects.create(name="Add-on", code="A", list_price=1, unit_cost=1),
        "account": make_account(rep, name="Pars Steel"),
    }


@pytest.mark.django_db
def test_my_profile_page_sets_what_i_cover(client, rep, records):
    client.force_login(rep.user)
    response = client.post(
        "/together/people/me/",
        {
            "segments": [records["segment"].pk, records["retail"].pk],
            "products": [records["addon"].pk],
            "accounts_covered": [records["account"].pk],
        },
    )
    assert response.status_code == 302
    covered = Coverage.objects.of(rep)
    assert covered.segments == [records["segment"], records["retail"]]
    assert covered.products == [records["addon"]]
    assert covered.accounts == [records["account"]]


@pytest.mark.django_db
def test_the_person_page_shows_the_coverage(client, rep, records):
    Coverage.objects.replace(person=rep, segments=[records["retail"]], accounts=[records["account"]])
    client.force_login(rep.user)
    html = client.get(reverse("directory:person", args=[rep.pk])).content.decode()
    assert "Retail" in html
    assert f'href="{reverse("crm:account", args=[records["account"].pk])}"' in html


@pytest.mark.django_db
def test_replacing_one_kind_leaves_the_others(rep, records):
    Coverage.objects.replace(person=rep, segments=[records["segment"]], products=[records["product"]])
    Coverage.objects.replace(person=rep, segments=[records["retail"]])
    covered = Coverage.objects.of(rep)
    assert covered.segments == [records["retail"]]
    assert covered.products == [records["product"]]


@pytest.mark.django_db
def test_clearing_a_kind_removes_only_that_persons_rows(rep, other_rep, records):
    Coverage.objects.replace(person=rep, segments=[records["segment"]])
    Coverage.objects.replace(person=other_rep, segments=[records["segment"]])
    Coverage.objects.replace(person=rep, segments=[])
    assert Coverage.objects.of(rep).segments == []
    assert Coverage.objects.of(other_rep).segments == [records["segment"]]


@pytest.mark.django_db
def test_the_api_reads_and_writes_the_coverage(client, rep, records):
    client.force_login(rep.user)
    response = client.patch(
        "/api/v1/people/me",
        {"segment_ids": [records["retail"].pk], "account_ids": [records["account"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = client.get(f"/api/v1/people/{rep.pk}").json()
    assert body["segment_ids"] == [records["retail"].pk]
    assert body["product_ids"] == []
    assert body["account_ids"] == [records["account"].pk]


@pytest.mark.django_db
def test_the_import_sets_the_columns_it_has_and_leaves_the_others(client, make_person, teams, records):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR)
    person = make_person("Sara Seller")
    Coverage.objects.replace(person=person, products=[records["product"]])
    client.force_login(admin.user)
    csv = (
        "email,full_name,function,role,segments,accounts\n"
        f"{person.email},Sara Seller,sales,sales_rep,Manufacturing;Retail,Pars Steel\n"
    )
    upload = SimpleUploadedFile("people.csv", csv.encode(), content_type="text/csv")
    assert client.post("/api/v1/people/import", {"file": upload}).json()["summary"]["updated"] == 1
    covered = Coverage.objects.of(Person.objects.get(pk=person.pk))
    assert covered.segments == [records["segment"], records["retail"]]
    assert covered.accounts == [records["account"]]
    assert covered.products == [records["product"]]


@pytest.mark.django_db
def test_a_row_covers_exactly_one_record(rep, records):
    with pytest.raises(IntegrityError), transaction.atomic():
        Coverage.objects.create(person=rep, segment=records["segment"], product=records["product"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Coverage.objects.create(person=rep)
    assert not Coverage.objects.exists()


@pytest.mark.django_db
def test_a_person_covers_a_record_once(rep, records):
    Coverage.objects.create(person=rep, account=records["account"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Coverage.objects.create(person=rep, account=records["account"])
    assert Coverage.objects.count() == 1


@pytest.mark.django_db
def test_deleting_a_segment_removes_its_coverage_only(rep, records):
    Coverage.objects.replace(person=rep, segments=[records["retail"]], products=[records["product"]])
    records["retail"].delete()
    covered = Coverage.objects.of(rep)
    assert covered.segments == []
    assert covered.products == [records["product"]]
