"""Two people editing the same deal or contact: neither change disappears (issue 18)."""

from __future__ import annotations

import pytest

from hamsu.core.models import AuditEntry
from hamsu.crm import services
from hamsu.crm.models import Contact, Opportunity, StageEvent
from hamsu.crm.stages import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep.user)
    return client


def _deal_form(opp: Opportunity, **changes) -> dict:
    """What the deal's edit form posts: every field as loaded, plus the version."""
    data = {
        "name": opp.name,
        "account": f"{opp.account.name} [#{opp.account_id}]",
        "owner": opp.owner_id,
        "amount": str(opp.amount),
        "currency": opp.currency,
        "product": opp.product_id or "",
        "quantity": opp.quantity,
        "source": opp.source,
        "expected_close": opp.expected_close.isoformat(),
        "version": opp.version,
    }
    data.update(changes)
    return data


def test_a_stale_save_of_the_same_field_writes_nothing(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep, name="Tender")
    loaded = _deal_form(opp, amount="5000")
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    response = rep_client.post(f"/crm/opportunities/{opp.pk}/edit/", loaded)
    assert response.status_code == 409
    opp.refresh_from_db()
    assert opp.amount == 7000


def test_the_conflict_shows_yours_and_theirs_with_who(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep, name="Tender")
    loaded = _deal_form(opp, amount="5000")
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    response = rep_client.post(f"/crm/opportunities/{opp.pk}/edit/", loaded)
    conflict = response.context["conflict"].conflicts
    assert [(c.name, c.yours_text, c.theirs_text) for c in conflict] == [("amount", "5,000.00", "7,000.00")]
    assert "Hana Head" in response.content.decode()


def test_the_form_after_a_conflict_carries_the_new_version(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep)
    loaded = _deal_form(opp, amount="5000")
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    response = rep_client.post(f"/crm/opportunities/{opp.pk}/edit/", loaded)
    assert response.context["form"].initial["version"] == 2


def test_keeping_theirs_then_saving_keeps_their_value(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep)
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    opp.refresh_from_db()
    resubmitted = _deal_form(opp, amount="5000", name="Renamed", keep__amount="theirs")
    response = rep_client.post(f"/crm/opportunities/{opp.pk}/edit/", resubmitted)
    assert response.status_code == 302
    opp.refresh_from_db()
    assert (opp.amount, opp.name) == (7000, "Renamed")


def test_keeping_yours_then_saving_writes_yours(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep)
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    opp.refresh_from_db()
    rep_client.post(
        f"/crm/opportunities/{opp.pk}/edit/", _deal_form(opp, amount="5000", keep__amount="yours")
    )
    opp.refresh_from_db()
    assert opp.amount == 5000


def test_different_fields_merge_without_asking(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep, name="Tender")
    loaded = _deal_form(opp, name="Tender — phase 2")
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    response = rep_client.post(f"/crm/opportunities/{opp.pk}/edit/", loaded)
    assert response.status_code == 302
    opp.refresh_from_db()
    assert (opp.name, opp.amount) == ("Tender — phase 2", 7000)


def test_a_contact_edit_on_an_old_version_keeps_the_newer_email(rep_client, rep, head_of_sales):
    contact = services.contact_create(actor=None, last_name="Karimi", email="old@example.com", owner=rep)
    loaded = {"last_name": "Karimi", "email": "mine@example.com", "owner": rep.pk, "version": 1}
    services.contact_update(contact=contact, actor=head_of_sales.user, email="theirs@example.com")
    response = rep_client.post(f"/crm/contacts/{contact.pk}/edit/", loaded)
    assert response.status_code == 409
    assert Contact.objects.get(pk=contact.pk).email == "theirs@example.com"


def test_a_stale_board_move_is_refused_and_the_board_refreshes(
    rep_client, rep, head_of_sales, make_opportunity
):
    opp = make_opportunity(rep)
    services.opportunity_move_stage(opportunity=opp, to_stage=Stage.QUALIFYING, actor=head_of_sales.user)
    response = rep_client.post(
        f"/crm/opportunities/{opp.pk}/move/",
        {"stage": Stage.NEEDS_DEFINITION, "from_stage": Stage.PROSPECTING},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert response["HX-Trigger"] == "pipeline-changed"
    assert "Hana Head already moved this deal from Prospecting to Qualifying" in response.content.decode()


def test_a_stale_board_move_writes_no_second_stage_event(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep)
    services.opportunity_move_stage(opportunity=opp, to_stage=Stage.QUALIFYING, actor=head_of_sales.user)
    rep_client.post(
        f"/crm/opportunities/{opp.pk}/move/",
        {"stage": Stage.NEEDS_DEFINITION, "from_stage": Stage.PROSPECTING},
        HTTP_HX_REQUEST="true",
    )
    assert list(
        StageEvent.objects.filter(opportunity=opp).values_list("to_stage", flat=True).order_by("id")
    ) == [
        Stage.PROSPECTING,
        Stage.QUALIFYING,
    ]


def test_a_move_from_the_stage_shown_goes_through(rep_client, rep, make_opportunity):
    opp = make_opportunity(rep)
    response = rep_client.post(
        f"/crm/opportunities/{opp.pk}/move/",
        {"stage": Stage.QUALIFYING, "from_stage": Stage.PROSPECTING},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204


def test_every_refused_edit_is_in_the_records_audit_trail(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep)
    loaded = _deal_form(opp, amount="5000")
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    rep_client.post(f"/crm/opportunities/{opp.pk}/edit/", loaded)
    entry = AuditEntry.objects.get(object_type="crm.opportunity", object_id=str(opp.pk), action="conflict")
    assert entry.actor == rep.user


def test_the_conflict_reads_in_persian_with_persian_digits(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep)
    loaded = _deal_form(opp, amount="5000")
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    page = rep_client.post(
        f"/crm/opportunities/{opp.pk}/edit/", loaded, HTTP_ACCEPT_LANGUAGE="fa"
    ).content.decode()
    assert "کس دیگری آن را تغییر داد" in page


def test_the_persian_conflict_shows_no_english(rep_client, rep, head_of_sales, make_opportunity):
    opp = make_opportunity(rep)
    loaded = _deal_form(opp, amount="5000")
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    page = rep_client.post(
        f"/crm/opportunities/{opp.pk}/edit/", loaded, HTTP_ACCEPT_LANGUAGE="fa"
    ).content.decode()
    for english in ("Someone else changed", "Yours", "Theirs", "Nothing was saved", "7,000.00"):
        assert english not in page


def test_the_records_history_lists_its_edit_conflicts(
    admin_client, rep_client, rep, head_of_sales, make_opportunity
):
    opp = make_opportunity(rep)
    other = make_opportunity(rep)
    loaded = _deal_form(opp, amount="5000")
    services.opportunity_update(opportunity=opp, actor=head_of_sales.user, amount=7000)
    services.opportunity_update(opportunity=other, actor=head_of_sales.user, amount=8000)
    rep_client.post(f"/crm/opportunities/{opp.pk}/edit/", loaded)
    entries = admin_client.get(f"/settings/audit/?record=crm.opportunity:{opp.pk}").context["entries"]
    assert [e.action for e in entries] == ["conflict", "update", "create"]
