"""Sales collateral: the library, its use on deals and its ratings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.collaboration.models import Collateral, CollateralKind, CollateralRating, CollateralUse
from hamsu.collaboration.services.common import actor_person, clean_text, record, require_visible
from hamsu.core import audit, versioning
from hamsu.core.errors import ValidationFailed
from hamsu.core.validation import full_clean, raise_if
from hamsu.crm.stages import STAGE_ORDER
from hamsu.directory.visibility import person_of


def _stages_text(stages: Iterable[str], errors) -> str:
    stages = [s for s in stages if s]
    unknown = [s for s in stages if s not in STAGE_ORDER]
    if unknown:
        errors["stages"] = [_("Unknown stage %(stage)s.") % {"stage": unknown[0]}]
    ordered = sorted(set(stages), key=lambda s: STAGE_ORDER.get(s, 99))
    return "|" + "|".join(ordered) + "|" if ordered else ""


@transaction.atomic
def collateral_create(
    *,
    actor,
    title: str,
    kind: str,
    description: str = "",
    url: str = "",
    stages: Iterable[str] = (),
    segments: Iterable = (),
    products: Iterable = (),
    language: str = "en",
    owner=None,
    via: str = "",
) -> Collateral:
    errors: dict[str, list[str]] = {}
    if kind not in CollateralKind.values:
        errors["kind"] = [_("Unknown kind.")]
    stage_text = _stages_text(stages, errors)
    raise_if(errors)
    piece = Collateral(
        title=clean_text(title),
        kind=kind,
        description=clean_text(description),
        url=clean_text(url),
        stages=stage_text,
        language=clean_text(language) or "en",
        owner=owner or person_of(actor),
    )
    full_clean(piece)
    piece.save()
    piece.segments.set(segments)
    piece.products.set(products)
    record(actor, "create", piece, via=via)
    return piece


@versioning.atomic_write
def collateral_update(
    *,
    piece: Collateral,
    actor,
    stages: Iterable[str] | None = None,
    segments=None,
    products=None,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> Collateral:
    """``expected_version``/``strict``: see ``hamsu.core.versioning`` (checked on the
    piece's own fields; segments and products are written as sent)."""
    allowed = {"title", "kind", "description", "url", "language", "is_active"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    piece, data = versioning.begin(piece, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(piece)
    versioning.bump(piece)
    errors: dict[str, list[str]] = {}
    if "kind" in data and data["kind"] not in CollateralKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if stages is not None:
        piece.stages = _stages_text(stages, errors)
    raise_if(errors)
    for name, value in data.items():
        setattr(piece, name, value.strip() if isinstance(value, str) else value)
    full_clean(piece)
    piece.save()
    if segments is not None:
        piece.segments.set(segments)
    if products is not None:
        piece.products.set(products)
    record(actor, "update", piece, audit.diff(before, audit.snapshot(piece)), via)
    return piece


@transaction.atomic
def collateral_attach(
    *, piece: Collateral, opportunity, actor, attached_by=None, via: str = ""
) -> CollateralUse:
    require_visible(opportunity, actor, "opportunity")
    if not piece.is_active:
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"collateral": [_("This piece has been retired.")]}
        )
    person = actor_person(actor, attached_by)
    use, created = CollateralUse.objects.get_or_create(
        collateral=piece, opportunity=opportunity, defaults={"attached_by": person}
    )
    if created:
        record(actor, "create", use, {"collateral": piece.pk, "opportunity": opportunity.pk}, via)
    return use


@transaction.atomic
def collateral_rate(
    *, piece: Collateral, actor, stars: int, comment: str = "", person=None, via: str = ""
) -> CollateralRating:
    person = actor_person(actor, person)
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"stars": [_("Rate from 1 to 5 stars.")]}
        )
    rating, _created = CollateralRating.objects.update_or_create(
        collateral=piece,
        person=person,
        defaults={"stars": stars, "comment": clean_text(comment)[:300], "rated_at": timezone.now()},
    )
    record(actor, "update" if not _created else "create", rating, {"stars": stars}, via)
    return rating
