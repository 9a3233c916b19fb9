"""Liaisons, key-account playbooks, collateral, joint events and rotations, notifications."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from hamsu.collaboration import selectors, services
from hamsu.collaboration.models import AccountPlan, CollateralUse
from hamsu.core.errors import NotFound, PermissionDenied, ValidationFailed
from hamsu.core.models import CompanySettings, Notification, Visibility
from hamsu.crm import services as crm
from hamsu.crm.stages import Stage

# ---------------------------------------------------------------- liaisons


@pytest.mark.django_db
def test_a_liaison_is_assigned_to_a_sales_team_and_told(
    head_of_marketing, liaison_person, teams, rep, django_capture_on_commit_callbacks
):
    teams["enterprise"].manager = rep
    teams["enterprise"].save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.liaison_assign(
            actor=head_of_marketing.user, liaison=liaison_person, team=teams["enterprise"]
        )
    assert set(Notification.objects.filter(kind="liaison").values_list("recipient_id", flat=True)) == {
        liaison_person.pk,
        rep.pk,
    }
    assert len(mail.outbox) == 2
    with pytest.raises(ValidationFailed) as error:
        services.liaison_assign(
            actor=head_of_marketing.user, liaison=liaison_person, team=teams["enterprise"]
        )
    assert "team" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        services.liaison_assign(actor=head_of_marketing.user, liaison=rep, team=teams["marketing"])
    assert set(error.value.errors) == {"liaison", "team"}


@pytest.mark.django_db
def test_the_liaison_page_shows_teams_accounts_feedback_and_meetings(
    head_of_marketing, liaison_person, teams, rep, make_opportunity
):
    services.liaison_assign(actor=head_of_marketing.user, liaison=liaison_person, team=teams["enterprise"])
    deal = make_opportunity(rep, amount="5000")
    crm.opportunity_move_stage(opportunity=deal, to_stage=Stage.WON, actor=None)
    note = services.feedback_create(actor=rep.user, customer_need="Needs SSO")
    meeting = services.meeting_create(
        actor=head_of_marketing.user,
        title="Enterprise sync",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        attendees=[liaison_person],
    )
    page = selectors.liaison_page(user=liaison_person.user, liaison=liaison_person)
    assert [a.team for a in page.assignments] == [teams["enterprise"]]
    assert [a.pk for a in page.key_accounts] == [deal.account_id]
    assert page.open_feedback == [note]
    assert page.upcoming_meetings == [meeting]


@pytest.mark.django_db
def test_a_seller_cannot_assign_liaisons_through_the_api(client, rep, liaison_person, teams):
    client.force_login(rep.user)
    response = client.post(
        "/api/v1/together/liaisons",
        {"liaison_id": liaison_person.pk, "team_id": teams["enterprise"].pk},
        content_type="application/json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_liaison_api_twin(client, head_of_marketing, liaison_person, teams):
    client.force_login(head_of_marketing.user)
    response = client.post(
        "/api/v1/together/liaisons",
        {"liaison_id": liaison_person.pk, "team_id": teams["smb"].pk, "starts_on": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 201
    ended = client.post(
        f"/api/v1/together/liaisons/{response.json()['id']}/end",
        {"ends_on": "2025-12-01"},
        content_type="application/json",
    )
    assert ended.status_code == 422
    assert ended.json()["errors"][0]["field"] == "ends_on"
    page = client.get(f"/api/v1/together/liaisons/person/{liaison_person.pk}")
    assert page.status_code == 200
    assert page.json()["teams"][0]["team_id"] == teams["smb"].pk


# ---------------------------------------------------------------- key accounts


@pytest.fixture
def ranked(rep, make_account, make_opportunity):
    accounts = [make_account(rep, name=f"Key {n}") for n in range(3)]
    for account, won, open_amount in zip(accounts, ["9000", "0", "100"], ["10", "50000", "10"], strict=True):
        if won != "0":
            deal = make_opportunity(rep, account=account, amount=won)
            crm.opportunity_move_stage(opportunity=deal, to_stage=Stage.WON, actor=None)
        make_opportunity(rep, account=account, amount=open_amount)
    return accounts


@pytest.mark.django_db
def test_top_accounts_rank_by_revenue_then_potential(ranked, rep, catalogue):
    ranking = selectors.top_accounts(user=rep.user)
    rows = ranking[catalogue["segment"]]
    assert [r.account.name for r in rows] == ["Key 0", "Key 2", "Key 1"]
    assert rows[0].won == 9000
    assert rows[2].pipeline == 50000


@pytest.mark.django_db
def test_a_joint_plan_with_plays_actions_and_marketing_participation(ranked, rep, marketer, other_rep):
    plan = services.account_plan_create(
        actor=rep.user,
        account=ranked[0],
        sales_owner=rep,
        marketing_owner=marketer,
        objectives="Double the footprint",
    )
    assert Notification.objects.filter(recipient=marketer, kind="account_plan").exists()
    play = services.plan_item_add(
        plan=plan, actor=marketer.user, kind="play", title="Executive briefing on pricing"
    )
    action = services.plan_item_add(plan=plan, actor=rep.user, title="Book the site visit", owner=rep)
    services.plan_item_update(item=action, actor=rep.user, status="done")
    services.stakeholder_add(plan=plan, actor=rep.user, name="Dr. Navabi", title="CIO", stance="champion")
    services.participation_record(plan=plan, actor=marketer.user, person=marketer, kind="pricing")
    with pytest.raises(PermissionDenied):
        services.plan_item_add(plan=plan, actor=other_rep.user, title="Hijack")
    with pytest.raises(ValidationFailed) as error:
        services.participation_record(plan=plan, actor=rep.user, person=rep, kind="pricing")
    assert "person" in error.value.errors
    with pytest.raises(ValidationFailed):
        services.account_plan_create(actor=rep.user, account=ranked[0], sales_owner=rep)
    summary = selectors.marketing_participation_summary()
    assert summary["plans"] == 1
    assert summary["plans_with_marketing"] == 1
    assert summary["by_kind"] == {"pricing": 1}
    assert play.status == "open"


@pytest.mark.django_db
def test_the_plan_owner_must_be_in_the_right_function(ranked, rep, marketer):
    with pytest.raises(ValidationFailed) as error:
        services.account_plan_create(
            actor=rep.user, account=ranked[0], sales_owner=marketer, marketing_owner=rep
        )
    assert set(error.value.errors) == {"sales_owner", "marketing_owner"}
    assert not AccountPlan.objects.exists()


@pytest.mark.django_db
def test_a_plan_on_an_invisible_account_is_refused(ranked, other_rep, rep):
    CompanySettings.objects.update_or_create(pk=1, defaults={"visibility": Visibility.OWN})
    with pytest.raises(NotFound):
        services.account_plan_create(actor=other_rep.user, account=ranked[0], sales_owner=other_rep)


@pytest.mark.django_db
def test_the_plan_api_twin(client, ranked, rep, marketer):
    client.force_login(marketer.user)
    created = client.post(
        "/api/v1/together/plans",
        {"account_id": ranked[1].pk, "sales_owner_id": rep.pk, "marketing_owner_id": marketer.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    plan_id = created.json()["id"]
    item = client.post(
        f"/api/v1/together/plans/{plan_id}/items",
        {"title": "Case study visit", "kind": "play"},
        content_type="application/json",
    )
    assert item.status_code == 201
    assert (
        client.patch(
            f"/api/v1/together/plan-items/{item.json()['id']}",
            {"status": "in_progress"},
            content_type="application/json",
        ).json()["status"]
        == "in_progress"
    )
    assert (
        client.post(
            f"/api/v1/together/plans/{plan_id}/participation",
            {"person_id": marketer.pk, "kind": "planning"},
            content_type="application/json",
        ).status_code
        == 201
    )
    plan = client.get(f"/api/v1/together/plans/{plan_id}").json()
    assert len(plan["items"]) == 1
    assert len(plan["participations"]) == 1
    ranking = client.get("/api/v1/together/key-accounts").json()
    assert [a["plan_id"] for a in ranking[0]["accounts"]] == [None, None, plan_id]


# ---------------------------------------------------------------- collateral


@pytest.mark.django_db
def test_collateral_usage_ratings_and_win_rate(rep, other_rep, marketer, make_opportunity, catalogue):
    piece = services.collateral_create(
        actor=marketer.user,
        title="Steel case study",
        kind="case_study",
        stages=["decision", "negotiation"],
        segments=[catalogue["segment"]],
    )
    won, lost, open_deal = (make_opportunity(rep) for _ in range(3))
    for deal in (won, lost, open_deal):
        services.collateral_attach(piece=piece, opportunity=deal, actor=rep.user)
    services.collateral_attach(piece=piece, opportunity=won, actor=rep.user)  # twice is once
    crm.opportunity_move_stage(opportunity=won, to_stage=Stage.WON, actor=None)
    crm.opportunity_move_stage(opportunity=lost, to_stage=Stage.LOST, actor=None, reason="price")
    services.collateral_rate(piece=piece, actor=rep.user, stars=5)
    services.collateral_rate(piece=piece, actor=other_rep.user, stars=3)
    services.collateral_rate(piece=piece, actor=rep.user, stars=4, comment="changed my mind")
    [row] = selectors.collateral_list(stage="decision", segment=catalogue["segment"].pk)
    assert (row.n_uses, row.n_won, row.n_lost) == (3, 1, 1)
    assert selectors.win_rate(row) == 0.5
    assert selectors.collateral_ratings([piece.pk])[piece.pk]["avg"] == 3.5
    assert selectors.collateral_list(stage="prospecting") == []
    with pytest.raises(ValidationFailed) as error:
        services.collateral_rate(piece=piece, actor=rep.user, stars=6)
    assert "stars" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        services.collateral_create(actor=marketer.user, title="x", kind="poster", stages=["orbit"])
    assert set(error.value.errors) == {"kind", "stages"}


@pytest.mark.django_db
def test_a_seller_cannot_attach_collateral_to_a_deal_they_cannot_see(
    rep, other_rep, marketer, make_opportunity
):
    CompanySettings.objects.update_or_create(pk=1, defaults={"visibility": Visibility.OWN})
    piece = services.collateral_create(actor=marketer.user, title="Guide", kind="pricing_guide")
    with pytest.raises(NotFound):
        services.collateral_attach(piece=piece, opportunity=make_opportunity(other_rep), actor=rep.user)
    assert not CollateralUse.objects.exists()


@pytest.mark.django_db
def test_the_collateral_api_twin(client, rep, marketer, make_opportunity):
    client.force_login(rep.user)
    refused = client.post(
        "/api/v1/together/collateral", {"title": "x", "kind": "case_study"}, content_type="application/json"
    )
    assert refused.status_code == 403
    client.force_login(marketer.user)
    created = client.post(
        "/api/v1/together/collateral",
        {"title": "ROI template", "kind": "solution_template", "stages": ["solution_development"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["stages"] == ["solution_development"]
    piece_id = created.json()["id"]
    client.force_login(rep.user)
    deal = make_opportunity(rep)
    assert (
        client.post(
            f"/api/v1/together/collateral/{piece_id}/uses",
            {"opportunity_id": deal.pk},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/v1/together/collateral/{piece_id}/ratings", {"stars": 0}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/v1/together/collateral/{piece_id}/ratings", {"stars": 4}, content_type="application/json"
        ).status_code
        == 201
    )
    [row] = client.get("/api/v1/together/collateral", {"stage": "solution_development"}).json()
    assert (row["uses"], row["rating"], row["win_rate"]) == (1, 4.0, None)


# ---------------------------------------------------------------- events, rotations, notifications


@pytest.mark.django_db
def test_a_joint_event_needs_both_sides(rep, marketer, other_rep):
    start = timezone.now() + datetime.timedelta(days=10)
    with pytest.raises(ValidationFailed) as error:
        services.joint_event_create(
            actor=rep.user,
            title="Sales kickoff",
            kind="training",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            participants=[other_rep],
        )
    assert "participants" in error.value.errors
    event = services.joint_event_create(
        actor=rep.user,
        title="Trade show Tehran",
        kind="trade_show",
        starts_at=start,
        ends_at=start + datetime.timedelta(days=2),
        participants=[marketer, other_rep],
    )
    assert selectors.event_mix(event) == {"sales": 2, "marketing": 1}
    assert set(Notification.objects.filter(kind="event").values_list("recipient_id", flat=True)) == {
        marketer.pk,
        other_rep.pk,
    }
    with pytest.raises(ValidationFailed) as error:
        services.joint_event_create(
            actor=rep.user,
            title="Backwards",
            kind="workshop",
            starts_at=start,
            ends_at=start - datetime.timedelta(hours=1),
            participants=[marketer],
        )
    assert "ends_at" in error.value.errors


@pytest.mark.django_db
def test_a_rotation_moves_someone_to_the_other_side(head_of_sales, rep, teams):
    with pytest.raises(ValidationFailed) as error:
        services.joint_assignment_create(
            actor=head_of_sales.user,
            person=rep,
            kind="rotation",
            host_team=teams["smb"],
            description="Six weeks in SMB",
            starts_on=datetime.date(2027, 1, 1),
        )
    assert "host_team" in error.value.errors
    row = services.joint_assignment_create(
        actor=head_of_sales.user,
        person=rep,
        kind="rotation",
        host_team=teams["marketing"],
        description="Three months in campaign planning",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 3, 31),
    )
    assert selectors.assignments_list() == [row]


@pytest.mark.django_db
def test_the_events_api_twin(client, rep, marketer, head_of_sales, teams):
    client.force_login(rep.user)
    response = client.post(
        "/api/v1/together/events",
        {
            "title": "Joint training",
            "kind": "training",
            "starts_at": "2027-02-01T08:00:00Z",
            "ends_at": "2027-02-01T12:00:00Z",
            "participant_ids": [marketer.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (
        client.get("/api/v1/together/events", {"start": "2027-01-01", "end": "2027-03-01"}).json()[0]["title"]
        == "Joint training"
    )
    assert client.post("/api/v1/together/assignments", {}, content_type="application/json").status_code in (
        403,
        422,
    )
    client.force_login(head_of_sales.user)
    created = client.post(
        "/api/v1/together/assignments",
        {
            "person_id": marketer.pk,
            "kind": "rotation",
            "host_team_id": teams["enterprise"].pk,
            "description": "Ride-along with enterprise sellers",
            "starts_on": "2027-01-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201


@pytest.mark.django_db
def test_notifications_are_listed_and_marked_read(client, rep, marketer, head_of_sales):
    services.meeting_create(
        actor=head_of_sales.user, title="Monthly", starts_at=timezone.now(), attendees=[rep]
    )
    client.force_login(rep.user)
    items = client.get("/api/v1/together/notifications", {"unread": "true"}).json()
    assert [n["title"] for n in items] == ["Invitation: Monthly"]
    assert client.post("/api/v1/together/notifications/read", {}, content_type="application/json").json() == {
        "marked": 1
    }
    assert client.get("/api/v1/together/notifications", {"unread": "true"}).json() == []


@pytest.mark.django_db
def test_the_bell_in_the_navigation_counts_unread_notifications(client, rep, head_of_sales):
    for title in ("Monthly", "Quarterly"):
        services.meeting_create(
            actor=head_of_sales.user, title=title, starts_at=timezone.now(), attendees=[rep]
        )
    client.force_login(rep.user)
    page = client.get("/crm/opportunities/").content.decode()
    assert 'data-testid="nav-badge-bell">2<' in page
    client.post("/api/v1/together/notifications/read", {}, content_type="application/json")
    assert 'data-testid="nav-badge-bell"' not in client.get("/crm/opportunities/").content.decode()
