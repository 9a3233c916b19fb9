"""The funnel definition: the stages with the funnel page's figures, and its versions."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, require_perm
from hamsu.core.errors import ValidationFailed
from hamsu.funnel import selectors
from hamsu.funnel.api.common import router
from hamsu.funnel.forms import FunnelFiltersForm
from hamsu.funnel.models import (
    FunnelVersion,
)
from hamsu.funnel.services import funnel as funnel_services


class StageIn(Schema):
    funnel: str
    code: str
    name: str
    owner_function: str
    entry_criteria: str = ""
    exit_criteria: str = ""
    marketing_contribution: str = ""
    materials: list[dict] = stored(default=[])
    tracks: list[str] = []


class StageOut(StageIn):
    count: int | None = figure("funnel.now", default=None)
    reached: int | None = figure("funnel.reached", default=None)
    conversion: float | None = figure("funnel.conversion", default=None)
    converts_to: str = ""
    on_path: bool = False


class FunnelFiltersOut(Schema):
    days: int | None = stored()
    team: int | None = stored()
    segment: int | None = stored()


class FunnelOut(Schema):
    version: int | None
    since: datetime.date | None
    filters: FunnelFiltersOut
    stages: list[StageOut]


class FunnelQuery(Schema):
    days: str | None = None
    team: str | None = None
    segment: str | None = None


class VersionIn(Schema):
    note: Annotated[str, Field(max_length=300)] = ""
    stages: list[dict]


@router.get("/stages", response={200: FunnelOut, **ERRORS})
def funnel_stages(request, query: Query[FunnelQuery]):
    """The funnel page's figures over the same cohort and filters (``days``: 90, 365, 730
    or ``all``; ``team``; ``segment``)."""
    require_perm(request, "funnel.view_lead")
    form = FunnelFiltersForm({k: v for k, v in query.dict().items() if v is not None})
    if not form.is_valid():
        raise ValidationFailed(
            _("Please correct the errors below."),
            errors={name: [str(m) for m in messages] for name, messages in form.errors.items()},
        )
    view = selectors.funnel_overview(filters=form.filters())
    version = funnel_services.current_funnel_version()
    return {
        "version": version.number if version else None,
        "since": view.since,
        "filters": view.filters.__dict__,
        "stages": [row.__dict__ for rows in view.funnels.values() for row in rows],
    }


@router.post("/versions", response={201: dict, **ERRORS})
def publish_version(request, payload: VersionIn):
    require_perm(request, "funnel.add_funnelversion")
    version = funnel_services.funnel_version_publish(
        stages=payload.stages, note=payload.note, actor=request.user, via="api"
    )
    return 201, {"version": version.number, "stages": version.stages.count()}


class VersionOut(Schema):
    number: int = stored("The version's number, counted from 1")
    note: str
    created_by_id: int | None
    created_at: datetime.datetime


@router.get("/versions", response={200: list[VersionOut], **ERRORS})
def list_versions(request):
    require_perm(request, "funnel.view_funnelversion")
    return list(FunnelVersion.objects.values("number", "note", "created_by_id", "created_at"))
