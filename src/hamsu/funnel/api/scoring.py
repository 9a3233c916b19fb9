"""Lead scoring: the points in use, publishing new ones, retraining the predictive model."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, require_perm
from hamsu.funnel.api.common import router
from hamsu.funnel.services import scoring as scoring_services
from hamsu.funnel.tasks import retrain_lead_model


class PointsIn(Schema):
    spec: dict


# The active rule book as configured (points per field value and per touch), not figures.
PointsSpec = Annotated[dict, stored("The active points rules, as published")]


@router.get("/scoring/points", response={200: PointsSpec, **ERRORS})
def get_points(request):
    require_perm(request, "funnel.view_lead")
    return scoring_services.active_points_spec().to_dict()


@router.post("/scoring/points", response={201: dict, **ERRORS})
def publish_points(request, payload: PointsIn):
    require_perm(request, "funnel.add_scoringspec")
    row = scoring_services.scoring_spec_publish(spec=payload.spec, actor=request.user, via="api")
    return 201, {"version": row.number, "spec": row.spec}


@router.post("/scoring/retrain", response={202: dict, **ERRORS})
def retrain(request):
    require_perm(request, "funnel.add_scoringspec")
    result = retrain_lead_model.enqueue()
    return 202, {"task_id": str(result.id)}
