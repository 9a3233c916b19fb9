"""Pages of collateral (library, detail, attach, rate) and joint events with their rotations."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.collaboration import forms as f
from hamsu.collaboration import selectors, services
from hamsu.collaboration.models import (
    Collateral,
    CollateralKind,
)
from hamsu.collaboration.views._common import _flash_errors, _form_page, _submit
from hamsu.core.errors import DomainError
from hamsu.core.http import int_or_none
from hamsu.crm.models import Segment
from hamsu.crm.selectors import opportunities_visible
from hamsu.crm.stages import Stage

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
