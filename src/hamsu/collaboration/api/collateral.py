"""Sales collateral: the library, its use on deals and its ratings."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Schema, Status

from hamsu.collaboration import selectors, services
from hamsu.collaboration.api.common import many, router
from hamsu.collaboration.models import Collateral, CollateralKind
from hamsu.core.api_figures import figure
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, Int, get_or_404, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.core.validation import max_length_of
from hamsu.crm.models import Opportunity, Product, Segment
from hamsu.crm.stages import Stage


class CollateralIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    kind: CollateralKind
    description: Annotated[str, Field(max_length=10_000)] = ""
    url: Annotated[str, Field(max_length=500)] = ""
    stages: list[Stage] = []
    segment_ids: list[Id] = []
    product_ids: list[Id] = []
    language: Annotated[
        str, Field(pattern=r"^[a-z]{2,3}$", max_length=max_length_of(Collateral, "language"))
    ] = "en"


class CollateralPatch(Patch):
    for_model = Collateral

    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    kind: CollateralKind | None = None
    description: Annotated[str, Field(max_length=10_000)] | None = None
    url: Annotated[str, Field(max_length=500)] | None = None
    stages: list[Stage] | None = None
    segment_ids: list[Id] | None = None
    product_ids: list[Id] | None = None
    is_active: bool | None = None


class CollateralOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    url: str
    stages: list[str]
    segment_ids: list[int]
    product_ids: list[int]
    language: str
    is_active: bool
    version: Annotated[int, Field(description=VERSION_DOC)]

    @staticmethod
    def resolve_stages(obj) -> list[str]:
        return obj.stage_list

    @staticmethod
    def resolve_segment_ids(obj) -> list[int]:
        return [s.pk for s in obj.segments.all()]

    @staticmethod
    def resolve_product_ids(obj) -> list[int]:
        return [p.pk for p in obj.products.all()]


class CollateralStatsOut(Schema):
    collateral: CollateralOut
    uses: int = figure("together.collateral_uses")
    won: int = figure("together.collateral_win_rate")
    lost: int = figure("together.collateral_win_rate")
    win_rate: float | None = figure("together.collateral_win_rate")
    rating: float | None = figure("together.collateral_rating")
    ratings: int = figure("together.collateral_rating")


class UseIn(Schema):
    opportunity_id: Id


class RatingIn(Schema):
    stars: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(max_length=300)] = ""


@router.get("/collateral", response={200: list[CollateralStatsOut], **ERRORS})
def list_collateral(
    request,
    kind: CollateralKind | None = None,
    stage: Stage | None = None,
    segment: Int | None = None,
    product: Int | None = None,
    q: Annotated[str, Field(max_length=100)] = "",
):
    """Collateral with usage, its ratings (everyone's) and the win rate of the deals that used it."""
    require_perm(request, "collaboration.view_collateral")
    pieces = selectors.collateral_list(
        kind=kind or "", stage=stage or "", segment=segment, product=product, q=q
    )
    ratings = selectors.collateral_ratings([p.pk for p in pieces])
    out = []
    for piece in pieces:
        rating = ratings.get(piece.pk, {})
        out.append(
            {
                "collateral": piece,
                "uses": piece.n_uses,
                "won": piece.n_won,
                "lost": piece.n_lost,
                "win_rate": selectors.win_rate(piece),
                "rating": rating.get("avg"),
                "ratings": rating.get("n", 0),
            }
        )
    return out


@router.post("/collateral", response={201: CollateralOut, **ERRORS})
def create_collateral(request, payload: CollateralIn):
    require_perm(request, "collaboration.add_collateral")
    data = payload.dict()
    return Status(
        201,
        services.collateral_create(
            actor=request.user,
            segments=many(Segment, data.pop("segment_ids"), "segment_ids"),
            products=many(Product, data.pop("product_ids"), "product_ids"),
            via="api",
            **data,
        ),
    )


@router.get("/collateral/{piece_id}", response={200: CollateralOut, **ERRORS})
def get_collateral(request, response: HttpResponse, piece_id: Id):
    require_perm(request, "collaboration.view_collateral")
    return with_etag(response, get_or_404(Collateral, piece_id, "collateral"))


@router.patch("/collateral/{piece_id}", response={200: CollateralOut, **WRITE_ERRORS})
def update_collateral(
    request, response: HttpResponse, piece_id: Id, payload: CollateralPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "collaboration.change_collateral")
    data = payload.dict(exclude_unset=True)
    if "segment_ids" in data:
        data["segments"] = many(Segment, data.pop("segment_ids") or [], "segment_ids")
    if "product_ids" in data:
        data["products"] = many(Product, data.pop("product_ids") or [], "product_ids")
    piece = services.collateral_update(
        piece=get_or_404(Collateral, piece_id, "collateral"),
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **data,
    )
    return with_etag(response, piece)


@router.post("/collateral/{piece_id}/uses", response={201: dict, **ERRORS})
def attach_collateral(request, piece_id: Id, payload: UseIn):
    require_perm(request, "collaboration.add_collateraluse")
    use = services.collateral_attach(
        piece=get_or_404(Collateral, piece_id, "collateral"),
        opportunity=get_or_404(Opportunity, payload.opportunity_id, "opportunity_id"),
        actor=request.user,
        via="api",
    )
    return Status(
        201, {"id": use.pk, "collateral_id": use.collateral_id, "opportunity_id": use.opportunity_id}
    )


@router.post("/collateral/{piece_id}/ratings", response={201: dict, **ERRORS})
def rate_collateral(request, piece_id: Id, payload: RatingIn):
    require_perm(request, "collaboration.add_collateralrating")
    rating = services.collateral_rate(
        piece=get_or_404(Collateral, piece_id, "collateral"),
        actor=request.user,
        stars=payload.stars,
        comment=payload.comment,
        via="api",
    )
    return Status(201, {"id": rating.pk, "stars": rating.stars, "comment": rating.comment})
