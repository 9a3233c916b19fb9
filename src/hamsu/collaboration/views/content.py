"""Pages of collateral (library, detail, attach, rate) and joint events with their rotations."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hamsu.collaboration import forms as f
from hamsu.collaboration import selectors, services
from hamsu.collaboration.models import (
    Collateral,
    CollateralKind,
)
from hamsu.collaboration.views.form_actions import CreatePage, RecordAction, create_view, record_action_view
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


def _collateral_page(piece: Collateral) -> str:
    return reverse("collaboration:collateral_detail", args=[piece.pk])


collateral_create = create_view(
    CreatePage(
        permission="collaboration.add_collateral",
        form=f.CollateralForm,
        service=services.collateral_create,
        success=gettext_lazy("Collateral added to the library."),
        then=_collateral_page,
        title=gettext_lazy("New collateral"),
    )
)


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


def _collateral_or_404(request, pk: int) -> Collateral:
    return get_object_or_404(Collateral, pk=pk)


collateral_attach = record_action_view(
    RecordAction(
        permission="collaboration.add_collateraluse",
        record=_collateral_or_404,
        form=f.AttachForm,
        service=services.collateral_attach,
        record_as="piece",
        success=gettext_lazy("Attached to the deal."),
        back=_collateral_page,
    )
)
collateral_rate = record_action_view(
    RecordAction(
        permission="collaboration.add_collateralrating",
        record=_collateral_or_404,
        form=f.RateForm,
        service=services.collateral_rate,
        record_as="piece",
        success=gettext_lazy("Thanks for rating."),
        back=_collateral_page,
    )
)


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


def _events_page(_created) -> str:
    return reverse("collaboration:events")


event_create = create_view(
    CreatePage(
        permission="collaboration.add_jointevent",
        form=f.EventForm,
        service=services.joint_event_create,
        success=gettext_lazy("Event planned."),
        then=_events_page,
        title=gettext_lazy("New joint event"),
    )
)
assignment_create = create_view(
    CreatePage(
        permission="collaboration.add_jointassignment",
        form=f.AssignmentForm,
        service=services.joint_assignment_create,
        success=gettext_lazy("Recorded."),
        then=_events_page,
        title=gettext_lazy("New rotation or joint assignment"),
    )
)
