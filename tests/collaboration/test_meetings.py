"""Recurring sales–marketing meetings: cadence, live agenda, minutes, action items, reminders, iCalendar."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from hamsu.collaboration import services
from hamsu.collaboration.agenda import median_days_in_stage
from hamsu.collaboration.ical import CalendarItem, calendar, fold
from hamsu.collaboration.models import ActionItem, ActionStatus, Meeting
from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.core.models import CompanySettings, Notification
from hamsu.crm import services as crm
from hamsu.crm.stages import Stage


@pytest.mark.django_db
def test_a_quarterly_series_schedules_meetings_three_months_apart(head_of_sales, marketer, teams):
    first = datetime.datetime(2027, 1, 31, 9, 0, tzinfo=datetime.UTC)
    series = services.meeting_series_create(
        actor=head_of_sales.user,
        title="Enterprise pipeline review",
        cadence="quarterly",
        first_at=first,
        team=teams["enterprise"],
        members=[marketer],
        occurrences=3,
    )
    starts = list(series.meetings.order_by("starts_at").values_list("starts_at", flat=True))
    assert [s.date() for s in starts] == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 4, 30),
        datetime.date(2027, 7, 31),
    ]
    assert set(series.meetings.first().attendees.all()) == {head_of_sales, marketer}
    more = services.meeting_series_schedule(series=series, actor=head_of_sales.user, occurrences=1)
    assert more[0].starts_at.date() == datetime.date(2027, 10, 31)


@pytest.mark.django_db
def test_a_series_refuses_a_marketing_team_and_a_naive_time(head_of_sales, teams):
    with pytest.raises(ValidationFailed) as error:
        services.meeting_series_create(
            actor=head_of_sales.user,
            title="x",
            cadence="weekly",
            first_at=datetime.datetime(2027, 1, 1),
            team=teams["marketing"],
        )
    assert set(error.value.errors) == {"cadence", "team", "starts_at"}
    assert Meeting.objects.count() == 0


@pytest.fixture
def stalled_world(rep, make_opportunity, head_of_sales):
    """Six deals that each spent 10 days in qualifying, one big deal stuck there for 40 days."""
    now = timezone.now()
    for _n in range(6):
        deal = make_opportunity(rep, amount="1000")
        crm.opportunity_move_stage(
            opportunity=deal, to_stage=Stage.QUALIFYING, actor=None, at=now - datetime.timedelta(days=60)
        )
        crm.opportunity_move_stage(
            opportunity=deal,
            to_stage=Stage.NEEDS_DEFINITION,
            actor=None,
            at=now - datetime.timedelta(days=50),
        )
    stuck = make_opportunity(rep, amount="3000000", name="Huge steel deal")
    crm.opportunity_move_stage(
        opportunity=stuck, to_stage=Stage.QUALIFYING, actor=None, at=now - datetime.timedelta(days=40)
    )
    fresh = make_opportunity(rep, amount="2500000", name="Fresh big deal")
    crm.opportunity_move_stage(
        opportunity=fresh, to_stage=Stage.QUALIFYING, actor=None, at=now - datetime.timedelta(days=2)
    )
    return {"stuck": stuck, "fresh": fresh}


@pytest.mark.django_db
def test_median_time_in_stage_comes_from_the_stage_event_log(stalled_world):
    medians = median_days_in_stage()
    assert medians["qualifying"] == pytest.approx(10.0, abs=0.01)


@pytest.mark.django_db
def test_the_agenda_is_built_from_live_data(stalled_world, head_of_sales, rep, marketer):
    meeting = services.meeting_create(
        actor=head_of_sales.user,
        title="Monthly",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        attendees=[rep, marketer],
    )
    services.feedback_create(
        actor=rep.user,
        customer_need="",
        lead_quality_complaint=True,
        product_gap="Webinar leads had no budget",
    )
    earlier = services.meeting_create(
        actor=head_of_sales.user,
        title="Before",
        starts_at=timezone.now() - datetime.timedelta(days=20),
        attendees=[rep],
    )
    services.action_item_create(
        meeting=earlier,
        actor=head_of_sales.user,
        title="Send the case study",
        owner=marketer,
        due_on=timezone.localdate(),
    )

    services.meeting_generate_agenda(meeting=meeting, actor=rep.user)
    meeting.refresh_from_db()
    agenda = meeting.agenda
    assert [d["name"] for d in agenda["big_deals"]["items"]] == ["Huge steel deal", "Fresh big deal"]
    assert agenda["big_deals"]["threshold"] == "2000000.00"
    assert [d["name"] for d in agenda["at_risk"]["items"]] == ["Huge steel deal"]
    assert agenda["at_risk"]["items"][0]["usual_days"] == 10.0
    # No handoffs exist, so no breach from either side (or the funnel app is absent and says so).
    assert agenda["sla"]["items"] == []
    assert agenda["sla"]["available"] or agenda["sla"]["note"]
    assert agenda["lead_quality"]["count"] == 1
    assert [a["title"] for a in agenda["open_actions"]["items"]] == ["Send the case study"]
    item = ActionItem.objects.get()
    assert item.last_meeting == meeting
    assert item.carried_count == 1
    # Regenerating the agenda does not count the same carry twice.
    services.meeting_generate_agenda(meeting=meeting, actor=rep.user)
    item.refresh_from_db()
    assert item.carried_count == 1


@pytest.mark.django_db
def test_the_threshold_is_the_companys(stalled_world, head_of_sales):
    CompanySettings.objects.update_or_create(pk=1, defaults={"big_deal_threshold": Decimal("2600000")})
    meeting = services.meeting_create(actor=head_of_sales.user, title="M", starts_at=timezone.now())
    services.meeting_generate_agenda(meeting=meeting, actor=head_of_sales.user)
    assert [d["name"] for d in meeting.agenda["big_deals"]["items"]] == ["Huge steel deal"]


@pytest.mark.django_db
def test_agenda_generation_is_a_bounded_number_of_queries(
    stalled_world, head_of_sales, django_assert_max_num_queries
):
    meeting = services.meeting_create(actor=head_of_sales.user, title="M", starts_at=timezone.now())
    with django_assert_max_num_queries(24):
        services.meeting_generate_agenda(meeting=meeting, actor=head_of_sales.user)


@pytest.mark.django_db
def test_only_attendees_write_minutes_and_action_items(head_of_sales, rep, other_rep, marketer):
    meeting = services.meeting_create(
        actor=rep.user, title="M", starts_at=timezone.now(), attendees=[marketer]
    )
    with pytest.raises(PermissionDenied):
        services.meeting_record(meeting=meeting, actor=other_rep.user, minutes="hijack")
    services.meeting_record(meeting=meeting, actor=marketer.user, minutes="We agreed.", status="held")
    services.decision_add(meeting=meeting, actor=rep.user, text="Involve the brand manager above 2M")
    with pytest.raises(ValidationFailed) as error:
        services.action_item_create(meeting=meeting, actor=rep.user, title="", owner=None, due_on=None)
    assert set(error.value.errors) == {"title", "owner", "due_on"}
    meeting.refresh_from_db()
    assert meeting.minutes == "We agreed."
    assert meeting.status == "held"


@pytest.mark.django_db
def test_the_meeting_page_and_its_forms(client, rep, marketer, soon):
    client.force_login(rep.user)
    response = client.post(
        "/together/meetings/new/",
        {
            "title": "Joint review",
            "starts_at": "2027-02-01 10:30",
            "duration_minutes": 60,
            "attendees": [marketer.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/together/meetings/{meeting.pk}/"
    assert Notification.objects.filter(recipient=marketer, kind="meeting").exists()
    assert client.post(f"/together/meetings/{meeting.pk}/agenda/").status_code == 302
    assert (
        client.post(
            f"/together/meetings/{meeting.pk}/decisions/", {"text": "Monthly from now on"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/together/meetings/{meeting.pk}/actions/new/",
        {"title": "Draft the playbook", "owner": marketer.pk, "due_on": "2027-02-15"},
    )
    assert response.status_code == 302
    page = client.get(f"/together/meetings/{meeting.pk}/").content.decode()
    assert "Monthly from now on" in page
    assert "Draft the playbook" in page
    assert "Big opportunities" in page
    bad = client.post(
        f"/together/meetings/{meeting.pk}/actions/new/",
        {"title": "x", "owner": marketer.pk, "due_on": "someday"},
    )
    assert bad.status_code == 200
    assert 'data-field-error="due_on"' in bad.content.decode()


@pytest.mark.django_db
def test_someone_elses_meeting_is_not_found(client, rep, other_rep):
    meeting = services.meeting_create(actor=rep.user, title="Private", starts_at=timezone.now())
    client.force_login(other_rep.user)
    assert client.get(f"/together/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/api/v1/together/meetings/{meeting.pk}").status_code == 404


@pytest.mark.django_db
def test_the_api_twin_runs_a_whole_meeting(client, head_of_sales, marketer, teams):
    client.force_login(head_of_sales.user)
    response = client.post(
        "/api/v1/together/meeting-series",
        {
            "title": "Monthly",
            "cadence": "monthly",
            "first_at": "2027-01-10T09:00:00Z",
            "member_ids": [marketer.pk],
            "occurrences": 2,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    first, second = response.json()["meeting_ids"]
    assert client.post(f"/api/v1/together/meetings/{first}/agenda").status_code == 200
    action = client.post(
        f"/api/v1/together/meetings/{first}/action-items",
        {"title": "Update the pricing guide", "owner_id": marketer.pk, "due_on": "2027-01-20"},
        content_type="application/json",
    )
    assert action.status_code == 201
    patched = client.patch(
        f"/api/v1/together/meetings/{first}",
        {"minutes": "Good meeting", "status": "held"},
        content_type="application/json",
    )
    assert patched.json()["status"] == "held"
    agenda = client.post(f"/api/v1/together/meetings/{second}/agenda").json()
    assert [a["title"] for a in agenda["agenda"]["open_actions"]["items"]] == ["Update the pricing guide"]
    assert [a["title"] for a in agenda["carried_items"]] == ["Update the pricing guide"]
    done = client.patch(
        f"/api/v1/together/action-items/{action.json()['id']}",
        {"status": "done"},
        content_type="application/json",
    )
    assert done.json()["status"] == "done"
    invalid = client.post(
        f"/api/v1/together/meetings/{first}/action-items",
        {"title": "x", "owner_id": 9999, "due_on": "2027-01-20"},
        content_type="application/json",
    )
    assert invalid.status_code == 404
    assert invalid.json()["errors"][0]["field"] == "owner_id"


@pytest.mark.django_db
def test_due_and_overdue_action_items_are_reminded_once_a_day(head_of_sales, marketer, rep):
    meeting = services.meeting_create(actor=head_of_sales.user, title="M", starts_at=timezone.now())
    today = timezone.localdate()
    services.action_item_create(
        meeting=meeting,
        actor=head_of_sales.user,
        title="Overdue",
        owner=marketer,
        due_on=today - datetime.timedelta(days=3),
    )
    services.action_item_create(
        meeting=meeting,
        actor=head_of_sales.user,
        title="Later",
        owner=rep,
        due_on=today + datetime.timedelta(days=30),
    )
    done = services.action_item_create(
        meeting=meeting, actor=head_of_sales.user, title="Done", owner=rep, due_on=today
    )
    services.action_item_update(item=done, actor=rep.user, status=ActionStatus.DONE)
    mail.outbox.clear()
    call_command("remind_action_items")
    call_command("remind_action_items")
    reminders = Notification.objects.filter(kind="action_reminder")
    assert [n.title for n in reminders] == ["Overdue: Overdue"]


def test_icalendar_text_follows_rfc_5545():
    item = CalendarItem(
        uid="meeting-1@hamsu",
        summary="Review; pricing, deals",
        start=datetime.datetime(2027, 1, 10, 9, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2027, 1, 10, 10, 0, tzinfo=datetime.UTC),
        description="جلسهٔ ماهانه " * 10,
    )
    due = CalendarItem(uid="action-2@hamsu", summary="Due", start=datetime.date(2027, 1, 20))
    text = calendar([item, due], now=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert "SUMMARY:Review\\; pricing\\, deals\r\n" in text
    assert "DTSTART:20270110T090000Z" in text
    assert "DTSTART;VALUE=DATE:20270120" in text
    assert "DTEND;VALUE=DATE:20270121" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.endswith("END:VCALENDAR\r\n")
    assert fold("a" * 80) == "a" * 75 + "\r\n " + "a" * 5


@pytest.mark.django_db
def test_the_calendar_feed_has_my_meetings_and_due_dates(client, head_of_sales, marketer):
    meeting = services.meeting_create(
        actor=head_of_sales.user, title="Monthly", starts_at=timezone.now(), attendees=[marketer]
    )
    services.action_item_create(
        meeting=meeting,
        actor=head_of_sales.user,
        title="Case study",
        owner=marketer,
        due_on=timezone.localdate(),
    )
    client.force_login(marketer.user)
    response = client.get("/together/meetings/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert f"UID:meeting-{meeting.pk}@hamsu" in text
    assert "SUMMARY:Due: Case study" in text
    api = client.get(f"/api/v1/together/meetings/{meeting.pk}/ics")
    assert api.status_code == 200
    assert "BEGIN:VEVENT" in api.content.decode()


@pytest.mark.django_db
def test_the_pages_speak_persian_right_to_left(client, rep, marketer):
    services.meeting_create(
        actor=rep.user,
        title="Monthly",
        starts_at=datetime.datetime(2027, 3, 21, 9, 0, tzinfo=datetime.UTC),
        attendees=[marketer],
    )
    client.force_login(rep.user)
    client.cookies["django_language"] = "fa"
    page = client.get("/together/meetings/").content.decode()
    assert 'dir="rtl"' in page
    assert "جلسه‌های فروش و بازاریابی" in page
    assert "۱۴۰۶/۰۱/۰۱" in page  # Nowruz 1406 in the Jalali calendar
    search = client.get("/people/", {"q": "Mona"}).content.decode()
    assert "با چه کسی تماس بگیرم" in search
