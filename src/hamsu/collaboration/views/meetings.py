"""Pages of the collaboration home, the notifications inbox, liaisons and meetings
(agenda, minutes, decisions, action items, calendar feeds)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamsu.collaboration import calendar_feed, ical, selectors, services
from hamsu.collaboration import forms as f
from hamsu.collaboration.agenda import for_display as agenda_for_display
from hamsu.collaboration.models import (
    ActionItem,
    LiaisonAssignment,
    Meeting,
)
from hamsu.collaboration.views._common import _flash_errors, _form_page, _submit
from hamsu.collaboration.views.form_actions import CreatePage, RecordAction, create_view, record_action_view
from hamsu.core import selectors as inbox
from hamsu.core.errors import DomainError
from hamsu.core.http import int_or_none
from hamsu.core.notify import mark_read
from hamsu.directory.models import Person
from hamsu.directory.visibility import person_of

# ---------------------------------------------------------------- home and notifications


@login_required
@permission_required("collaboration.view_meeting", raise_exception=True)
def home(request):
    me = person_of(request.user)
    return render(
        request,
        "collaboration/home.html",
        {
            "upcoming": list(selectors.meetings_for(request.user, upcoming=True)[:5]),
            "actions": selectors.my_action_items(me),
            "feedback": selectors.my_feedback(me, limit=5),
            "events": selectors.events_between(timezone.now(), timezone.now() + datetime.timedelta(days=90))[
                :5
            ],
        },
    )


@login_required
def notifications(request):
    me = person_of(request.user)
    return render(
        request,
        "collaboration/notifications.html",
        {"items": inbox.notifications_for(me, limit=100), "unread": inbox.unread_count(me)},
    )


@login_required
@require_POST
def notifications_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    mark_read(person=person_of(request.user), ids=ids)
    return redirect("collaboration:notifications")


# ---------------------------------------------------------------- liaisons


@login_required
@permission_required("collaboration.view_liaisonassignment", raise_exception=True)
def liaisons(request):
    form = f.LiaisonForm(request.POST or None)
    if request.method == "POST" and not request.user.has_perm("collaboration.add_liaisonassignment"):
        raise Http404
    done = _submit(
        request,
        form,
        lambda d: services.liaison_assign(actor=request.user, via="ui", **d),
        success=_("Liaison assigned."),
        redirect_to=reverse("collaboration:liaisons"),
    )
    if done:
        return done
    today = timezone.localdate()
    rows = selectors.liaison_list()
    return render(
        request,
        "collaboration/liaisons.html",
        {"rows": rows, "form": form, "today": today},
    )


liaison_end = record_action_view(
    RecordAction(
        permission="collaboration.change_liaisonassignment",
        record=lambda request, pk: get_object_or_404(LiaisonAssignment, pk=pk),
        service=services.liaison_end,
        record_as="assignment",
        success=gettext_lazy("Assignment ended."),
        back=lambda _assignment: reverse("collaboration:liaisons"),
    )
)


@login_required
@permission_required("collaboration.view_liaisonassignment", raise_exception=True)
def liaison(request, person_id: int):
    person = get_object_or_404(Person.objects.select_related("team"), pk=person_id)
    page = selectors.liaison_page(user=request.user, liaison=person)
    return render(request, "collaboration/liaison.html", {"page": page})


# ---------------------------------------------------------------- meetings


@login_required
@permission_required("collaboration.view_meeting", raise_exception=True)
def meetings(request):
    return render(
        request,
        "collaboration/meetings.html",
        {
            "upcoming": list(selectors.meetings_for(request.user, upcoming=True)[:50]),
            "past": list(selectors.meetings_for(request.user, upcoming=False)[:50]),
        },
    )


def _meeting_page(meeting: Meeting) -> str:
    return reverse("collaboration:meeting", args=[meeting.pk])


meeting_create = create_view(
    CreatePage(
        permission="collaboration.add_meeting",
        form=f.MeetingForm,
        service=services.meeting_create,
        success=gettext_lazy("Meeting planned."),
        then=_meeting_page,
        title=gettext_lazy("New meeting"),
    )
)
series_create = create_view(
    CreatePage(
        permission="collaboration.add_meetingseries",
        form=f.SeriesForm,
        service=services.meeting_series_create,
        success=gettext_lazy("Recurring meeting scheduled."),
        then=lambda _series: reverse("collaboration:meetings"),
        title=gettext_lazy("New recurring meeting"),
        intro=gettext_lazy("The study asks for at least quarterly meetings, perhaps monthly."),
    )
)


def _meeting_or_404(request, pk: int) -> Meeting:
    meeting = selectors.meeting_detail(user=request.user, pk=pk)
    if meeting is None:
        raise Http404
    return meeting


@login_required
@permission_required("collaboration.view_meeting", raise_exception=True)
def meeting_detail(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    return render(
        request,
        "collaboration/meeting.html",
        {
            "meeting": meeting,
            "agenda": agenda_for_display(meeting.agenda),
            **selectors.meeting_items(meeting),
            "minutes_form": f.MinutesForm(initial={"minutes": meeting.minutes, "status": meeting.status}),
            "decision_form": f.DecisionForm(),
            "action_form": f.ActionItemForm(),
            "statuses": f.ActionStatusForm.base_fields["status"].choices,
            "today": timezone.localdate(),
        },
    )


def _meeting_post(request, pk: int, call, success: str):
    meeting = _meeting_or_404(request, pk)
    try:
        call(meeting)
        messages.success(request, success)
    except DomainError as error:
        _flash_errors(request, error)
    return redirect("collaboration:meeting", pk=pk)


meeting_agenda = record_action_view(
    RecordAction(
        permission="collaboration.change_meeting",
        record=_meeting_or_404,
        service=services.meeting_generate_agenda,
        record_as="meeting",
        success=gettext_lazy("Agenda generated from live data."),
        back=_meeting_page,
    )
)


@login_required
@require_POST
@permission_required("collaboration.change_meeting", raise_exception=True)
def meeting_minutes(request, pk: int):
    form = f.MinutesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return redirect("collaboration:meeting", pk=pk)
    return _meeting_post(
        request,
        pk,
        lambda m: services.meeting_record(
            meeting=m,
            actor=request.user,
            via="ui",
            expected_version=int_or_none(request.POST.get("version")),  # the minutes as the page showed them
            **form.cleaned_data,
        ),
        _("Minutes saved."),
    )


decision_add = record_action_view(
    RecordAction(
        permission="collaboration.change_meeting",
        record=_meeting_or_404,
        form=f.DecisionForm,
        service=services.decision_add,
        record_as="meeting",
        success=gettext_lazy("Decision recorded."),
        back=_meeting_page,
    )
)


@login_required
@permission_required("collaboration.add_actionitem", raise_exception=True)
def action_create(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    form = f.ActionItemForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda d: services.action_item_create(meeting=meeting, actor=request.user, via="ui", **d),
        success=_("Action item added."),
        redirect_to=reverse("collaboration:meeting", args=[pk]),
    )
    return done or _form_page(request, form, _("New action item"))


@login_required
@require_POST
@permission_required("collaboration.change_actionitem", raise_exception=True)
def action_status(request, pk: int):
    item = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=pk)
    form = f.ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_update(
                item=item,
                actor=request.user,
                status=form.cleaned_data["status"],
                via="ui",
                expected_version=int_or_none(request.POST.get("version")),  # as the page showed it
            )
            messages.success(request, _("Action item updated."))
        except DomainError as error:
            _flash_errors(request, error)
    return redirect(request.POST.get("next") or reverse("collaboration:meeting", args=[item.meeting_id]))


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required("collaboration.view_meeting", raise_exception=True)
def meeting_ics(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    return _ics_response(
        ical.calendar([calendar_feed.meeting_calendar_item(request, meeting)], name=meeting.title),
        f"meeting-{pk}.ics",
    )


@login_required
@permission_required("collaboration.view_meeting", raise_exception=True)
def my_calendar(request):
    return _ics_response(
        ical.calendar(calendar_feed.calendar_items(request), name=_("Hamsu — sales and marketing")),
        "hamsu.ics",
    )
