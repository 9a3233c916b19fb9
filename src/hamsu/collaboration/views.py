"""HTML views for working together: parse, call a selector or service, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.collaboration import calendar_feed, ical, selectors, services
from hamsu.collaboration import forms as f
from hamsu.collaboration.models import (
    ActionItem,
    Collateral,
    CollateralKind,
    FeedbackTheme,
    LiaisonAssignment,
    Meeting,
    PlanItem,
)
from hamsu.core import selectors as inbox
from hamsu.core.errors import DomainError
from hamsu.core.forms import apply_domain_errors
from hamsu.core.http import int_or_none
from hamsu.core.notify import mark_read
from hamsu.crm.models import Segment
from hamsu.crm.selectors import account_detail, opportunities_visible
from hamsu.crm.stages import Stage
from hamsu.directory.models import Person
from hamsu.directory.visibility import person_of


def _submit(request, form, call, *, success: str, redirect_to):
    """Validate ``form``; call the service; show its field errors on the form if it refuses."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return None


def _flash_errors(request, error: DomainError) -> None:
    messages.error(request, "; ".join(m for ms in error.errors.values() for m in ms) or error.message)


def _form_page(request, form, title: str, *, multipart: bool = False, intro: str = ""):
    return render(
        request,
        "collaboration/form.html",
        {"form": form, "title": title, "multipart": multipart, "intro": intro},
    )


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


@login_required
@require_POST
@permission_required("collaboration.change_liaisonassignment", raise_exception=True)
def liaison_end(request, pk: int):
    assignment = get_object_or_404(LiaisonAssignment, pk=pk)
    try:
        services.liaison_end(assignment=assignment, actor=request.user, via="ui")
        messages.success(request, _("Assignment ended."))
    except DomainError as error:
        _flash_errors(request, error)
    return redirect("collaboration:liaisons")


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


@login_required
@permission_required("collaboration.add_meeting", raise_exception=True)
def meeting_create(request):
    form = f.MeetingForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda d: services.meeting_create(actor=request.user, via="ui", **d),
        success=_("Meeting planned."),
        redirect_to=lambda m: reverse("collaboration:meeting", args=[m.pk]),
    )
    return done or _form_page(request, form, _("New meeting"))


@login_required
@permission_required("collaboration.add_meetingseries", raise_exception=True)
def series_create(request):
    form = f.SeriesForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda d: services.meeting_series_create(actor=request.user, via="ui", **d),
        success=_("Recurring meeting scheduled."),
        redirect_to=reverse("collaboration:meetings"),
    )
    return done or _form_page(
        request,
        form,
        _("New recurring meeting"),
        intro=_("The study asks for at least quarterly meetings, perhaps monthly."),
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
            "agenda": meeting.agenda,
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


@login_required
@require_POST
@permission_required("collaboration.change_meeting", raise_exception=True)
def meeting_agenda(request, pk: int):
    return _meeting_post(
        request,
        pk,
        lambda m: services.meeting_generate_agenda(meeting=m, actor=request.user, via="ui"),
        _("Agenda generated from live data."),
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
        lambda m: services.meeting_record(meeting=m, actor=request.user, via="ui", **form.cleaned_data),
        _("Minutes saved."),
    )


@login_required
@require_POST
@permission_required("collaboration.change_meeting", raise_exception=True)
def decision_add(request, pk: int):
    form = f.DecisionForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return _meeting_post(
        request,
        pk,
        lambda m: services.decision_add(meeting=m, actor=request.user, text=text, via="ui"),
        _("Decision recorded."),
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
                item=item, actor=request.user, status=form.cleaned_data["status"], via="ui"
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


# ---------------------------------------------------------------- feedback


@login_required
@permission_required("collaboration.add_feedbacknote", raise_exception=True)
def feedback_create(request):
    form = f.FeedbackForm(request.POST or None, initial=_feedback_initial(request))
    done = _submit(
        request,
        form,
        lambda d: services.feedback_create(actor=request.user, via="ui", **d),
        success=_("Thank you — marketing will see this in the next digest."),
        redirect_to=reverse("collaboration:my_feedback"),
    )
    return done or render(request, "collaboration/feedback_form.html", {"form": form})


def _feedback_initial(request) -> dict:
    """``?opportunity=`` / ``?account=`` pre-fill the form (a deal's or an account's
    "Related" card links here), only with a record the user may see: the field shows
    the record's name. The service files a deal's note under the deal's account."""
    initial = {}
    opportunity_id = int_or_none(request.GET.get("opportunity"))
    if opportunity_id:
        opportunity = opportunities_visible(request.user).filter(pk=opportunity_id).first()
        if opportunity is not None:
            initial["opportunity"] = opportunity
    account_id = int_or_none(request.GET.get("account"))
    if account_id:
        account = account_detail(user=request.user, pk=account_id)
        if account is not None:
            initial["account"] = account
    return initial


@login_required
@permission_required("crm.view_opportunity", raise_exception=True)
def deal_feedback(request, opportunity_id: int):
    """What sellers said about one deal (reached from the deal's "Related" card)."""
    opportunity = (
        opportunities_visible(request.user).select_related("account").filter(pk=opportunity_id).first()
    )
    if opportunity is None:
        raise Http404
    return render(
        request,
        "collaboration/deal_feedback.html",
        {
            "opportunity": opportunity,
            "notes": selectors.feedback_on_deal(user=request.user, opportunity=opportunity),
        },
    )


@login_required
def my_feedback(request):
    return render(
        request, "collaboration/my_feedback.html", {"notes": selectors.my_feedback(person_of(request.user))}
    )


@login_required
@permission_required("collaboration.view_feedbackdigest", raise_exception=True)
def digests(request):
    form = f.DigestForm(request.POST or None)
    if request.method == "POST" and not request.user.has_perm("collaboration.add_feedbackdigest"):
        raise Http404
    done = _submit(
        request,
        form,
        lambda d: services.feedback_digest_build(actor=request.user, via="ui", **d),
        success=_("Digest built."),
        redirect_to=lambda digest: reverse("collaboration:digest", args=[digest.pk]),
    )
    return done or render(
        request, "collaboration/digests.html", {"digests": selectors.digest_list(), "form": form}
    )


@login_required
@permission_required("collaboration.view_feedbackdigest", raise_exception=True)
def digest_detail(request, pk: int):
    digest, themes, _examples = selectors.digest_detail(pk)
    if digest is None:
        raise Http404
    return render(
        request,
        "collaboration/digest.html",
        {"digest": digest, "themes": themes, "act_form": f.ThemeActForm()},
    )


@login_required
@require_POST
@permission_required("collaboration.change_feedbacktheme", raise_exception=True)
def theme_act(request, pk: int):
    theme = get_object_or_404(FeedbackTheme, pk=pk)
    form = f.ThemeActForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_theme_act(theme=theme, actor=request.user, via="ui", **form.cleaned_data)
            messages.success(request, _("The sellers behind this theme have been told."))
        except DomainError as error:
            _flash_errors(request, error)
    else:
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
    return redirect("collaboration:digest", pk=theme.digest_id)


# ---------------------------------------------------------------- key accounts


@login_required
@permission_required("collaboration.view_accountplan", raise_exception=True)
def key_accounts(request):
    # A segment that is not one (a stale link, a typed id) is a field error on the form,
    # and the table then shows every segment rather than pretending to filter.
    form = f.KeyAccountFilterForm(request.GET or None)
    segment = form.cleaned_data["segment"] if form.is_valid() else None
    return render(
        request,
        "collaboration/key_accounts.html",
        {
            "form": form,
            "ranking": selectors.top_accounts(user=request.user, segment=segment),
            "participation": selectors.marketing_participation_summary(),
        },
    )


@login_required
@permission_required("collaboration.add_accountplan", raise_exception=True)
def plan_create(request):
    initial = {"sales_owner": person_of(request.user)}
    if request.GET.get("account"):
        initial["account"] = request.GET["account"]
    form = f.PlanForm(request.POST or None, initial=initial)
    done = _submit(
        request,
        form,
        lambda d: services.account_plan_create(actor=request.user, via="ui", **d),
        success=_("Joint plan created."),
        redirect_to=lambda plan: reverse("collaboration:plan", args=[plan.pk]),
    )
    return done or _form_page(request, form, _("New joint account plan"))


def _plan_or_404(request, pk: int):
    plan = selectors.plan_detail(user=request.user, pk=pk)
    if plan is None:
        raise Http404
    return plan


@login_required
@permission_required("collaboration.view_accountplan", raise_exception=True)
def plan_detail(request, pk: int):
    plan = _plan_or_404(request, pk)
    return render(
        request,
        "collaboration/plan.html",
        {
            "plan": plan,
            "item_form": f.PlanItemForm(),
            "stakeholder_form": f.StakeholderForm(),
            "participation_form": f.ParticipationForm(),
            "statuses": f.ActionStatusForm.base_fields["status"].choices,
        },
    )


@login_required
@permission_required("collaboration.change_accountplan", raise_exception=True)
def plan_edit(request, pk: int):
    plan = _plan_or_404(request, pk)
    form = f.PlanEditForm(
        request.POST or None,
        initial={
            "sales_owner": plan.sales_owner,
            "marketing_owner": plan.marketing_owner,
            "objectives": plan.objectives,
            "status": plan.status,
        },
    )
    done = _submit(
        request,
        form,
        lambda d: services.account_plan_update(plan=plan, actor=request.user, via="ui", **d),
        success=_("Plan saved."),
        redirect_to=reverse("collaboration:plan", args=[pk]),
    )
    return done or _form_page(request, form, str(plan.account))


def _plan_post(request, pk: int, form_class, call, success: str):
    plan = _plan_or_404(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(plan, form.cleaned_data)
            messages.success(request, success)
        except DomainError as error:
            _flash_errors(request, error)
    else:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("collaboration:plan", pk=pk)


@login_required
@require_POST
@permission_required("collaboration.change_accountplan", raise_exception=True)
def plan_item_add(request, pk: int):
    return _plan_post(
        request,
        pk,
        f.PlanItemForm,
        lambda plan, d: services.plan_item_add(plan=plan, actor=request.user, via="ui", **d),
        _("Added to the plan."),
    )


@login_required
@require_POST
@permission_required("collaboration.change_accountplan", raise_exception=True)
def plan_item_status(request, pk: int):
    item = get_object_or_404(PlanItem, pk=pk)
    if selectors.plan_detail(user=request.user, pk=item.plan_id) is None:
        raise Http404
    form = f.ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_update(
                item=item, actor=request.user, status=form.cleaned_data["status"], via="ui"
            )
        except DomainError as error:
            _flash_errors(request, error)
    return redirect("collaboration:plan", pk=item.plan_id)


@login_required
@require_POST
@permission_required("collaboration.change_accountplan", raise_exception=True)
def stakeholder_add(request, pk: int):
    return _plan_post(
        request,
        pk,
        f.StakeholderForm,
        lambda plan, d: services.stakeholder_add(plan=plan, actor=request.user, via="ui", **d),
        _("Stakeholder added."),
    )


@login_required
@require_POST
@permission_required("collaboration.view_accountplan", raise_exception=True)
def participation_add(request, pk: int):
    return _plan_post(
        request,
        pk,
        f.ParticipationForm,
        lambda plan, d: services.participation_record(plan=plan, actor=request.user, via="ui", **d),
        _("Marketing participation recorded."),
    )


# ---------------------------------------------------------------- collateral


@login_required
@permission_required("collaboration.view_collateral", raise_exception=True)
def collateral(request):
    kind = request.GET.get("kind", "") if request.GET.get("kind") in CollateralKind.values else ""
    stage = request.GET.get("stage", "") if request.GET.get("stage") in Stage.values else ""
    pieces = selectors.collateral_list(
        kind=kind,
        stage=stage,
        segment=int_or_none(request.GET.get("segment")),
        product=int_or_none(request.GET.get("product")),
        q=request.GET.get("q", "")[:100],
    )
    ratings = selectors.collateral_ratings([p.pk for p in pieces])
    for piece in pieces:
        piece.rating = ratings.get(piece.pk, {})
        piece.win_rate = selectors.win_rate(piece)
    return render(
        request,
        "collaboration/collateral.html",
        {
            "pieces": pieces,
            "kinds": CollateralKind.choices,
            "stages": Stage.choices,
            "segments": Segment.objects.order_by("name"),
            "kind": kind,
            "stage": stage,
        },
    )


@login_required
@permission_required("collaboration.add_collateral", raise_exception=True)
def collateral_create(request):
    form = f.CollateralForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda d: services.collateral_create(actor=request.user, via="ui", **d),
        success=_("Collateral added to the library."),
        redirect_to=lambda piece: reverse("collaboration:collateral_detail", args=[piece.pk]),
    )
    return done or _form_page(request, form, _("New collateral"))


@login_required
@permission_required("collaboration.view_collateral", raise_exception=True)
def collateral_detail(request, pk: int):
    piece = get_object_or_404(Collateral.objects.prefetch_related("segments", "products"), pk=pk)
    visible_deals = opportunities_visible(request.user).values("pk")
    uses = piece.uses.filter(opportunity__in=visible_deals).select_related("opportunity", "attached_by")[:100]
    stats = next(iter(selectors.collateral_list(pk=pk)), None)
    return render(
        request,
        "collaboration/collateral_detail.html",
        {
            "piece": piece,
            "uses": uses,
            "stats": stats,
            "win_rate": selectors.win_rate(stats) if stats else None,
            "rating": selectors.collateral_ratings([pk]).get(pk, {}),
            "ratings": piece.ratings.select_related("person").order_by("-rated_at")[:50],
            "attach_form": f.AttachForm(),
            "rate_form": f.RateForm(),
            "stage_labels": dict(Stage.choices),
        },
    )


@login_required
@require_POST
@permission_required("collaboration.add_collateraluse", raise_exception=True)
def collateral_attach(request, pk: int):
    piece = get_object_or_404(Collateral, pk=pk)
    form = f.AttachForm(request.POST)
    if form.is_valid():
        try:
            services.collateral_attach(
                piece=piece, opportunity=form.cleaned_data["opportunity"], actor=request.user, via="ui"
            )
            messages.success(request, _("Attached to the deal."))
        except DomainError as error:
            _flash_errors(request, error)
    else:
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
    return redirect("collaboration:collateral_detail", pk=pk)


@login_required
@require_POST
@permission_required("collaboration.add_collateralrating", raise_exception=True)
def collateral_rate(request, pk: int):
    piece = get_object_or_404(Collateral, pk=pk)
    form = f.RateForm(request.POST)
    if form.is_valid():
        try:
            services.collateral_rate(piece=piece, actor=request.user, via="ui", **form.cleaned_data)
            messages.success(request, _("Thanks for rating."))
        except DomainError as error:
            _flash_errors(request, error)
    else:
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
    return redirect("collaboration:collateral_detail", pk=pk)


# ---------------------------------------------------------------- joint events and rotations


@login_required
@permission_required("collaboration.view_jointevent", raise_exception=True)
def events(request):
    now = timezone.now()
    upcoming = selectors.events_between(now - datetime.timedelta(days=1), now + datetime.timedelta(days=365))
    past = selectors.events_between(now - datetime.timedelta(days=365), now - datetime.timedelta(days=1))
    for event in upcoming + past:
        event.mix = selectors.event_mix(event)
    return render(
        request,
        "collaboration/events.html",
        {"upcoming": upcoming, "past": list(reversed(past)), "assignments": selectors.assignments_list()},
    )


@login_required
@permission_required("collaboration.add_jointevent", raise_exception=True)
def event_create(request):
    form = f.EventForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda d: services.joint_event_create(actor=request.user, via="ui", **d),
        success=_("Event planned."),
        redirect_to=reverse("collaboration:events"),
    )
    return done or _form_page(request, form, _("New joint event"))


@login_required
@permission_required("collaboration.add_jointassignment", raise_exception=True)
def assignment_create(request):
    form = f.AssignmentForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda d: services.joint_assignment_create(actor=request.user, via="ui", **d),
        success=_("Recorded."),
        redirect_to=reverse("collaboration:events"),
    )
    return done or _form_page(request, form, _("New rotation or joint assignment"))
