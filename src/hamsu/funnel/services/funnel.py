"""Publishing funnel versions. A version is never edited; a change is a new version."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.errors import ValidationFailed
from hamsu.funnel import reach
from hamsu.funnel.defaults import DEFAULT_FUNNEL
from hamsu.funnel.models import FunnelKind, FunnelStage, FunnelVersion, OwningFunction

STAGE_KEYS = {
    "funnel",
    "code",
    "name",
    "owner_function",
    "entry_criteria",
    "exit_criteria",
    "marketing_contribution",
    "materials",
    "tracks",
}
TRACK_PREFIXES = ("lead:", "opportunity:")


def current_funnel_version() -> FunnelVersion | None:
    return FunnelVersion.objects.order_by("-number").first()


def current_funnel_stages() -> list[dict]:
    """The stages in force: the latest published version, else the built-in default."""
    version = current_funnel_version()
    if version is None:
        return [
            dict(
                stage,
                name=_(stage["name"]),
                entry_criteria=_(stage["entry_criteria"]) if stage["entry_criteria"] else "",
                exit_criteria=_(stage["exit_criteria"]) if stage["exit_criteria"] else "",
                marketing_contribution=_(stage["marketing_contribution"])
                if stage["marketing_contribution"]
                else "",
                materials=[dict(m, title=_(m["title"])) for m in stage["materials"]],
            )
            for stage in DEFAULT_FUNNEL
        ]
    return [
        dict(row)
        for row in version.stages.order_by("funnel", "position").values(
            "funnel",
            "code",
            "name",
            "owner_function",
            "entry_criteria",
            "exit_criteria",
            "marketing_contribution",
            "materials",
            "tracks",
        )
    ]


def _validate_stages(stages) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(stages, list) or not stages:
        return {"stages": [_("Give the list of stages.")]}
    seen = set()
    for i, stage in enumerate(stages):
        where = f"stages[{i}]"
        if not isinstance(stage, dict):
            errors.setdefault(where, []).append(_("Each stage is an object."))
            continue
        unknown = set(stage) - STAGE_KEYS
        if unknown:
            errors.setdefault(where, []).append(
                _("Unknown keys: %(keys)s") % {"keys": ", ".join(sorted(unknown))}
            )
        if stage.get("funnel") not in FunnelKind.values:
            errors.setdefault(f"{where}.funnel", []).append(_("Choose buying, lifecycle or sales."))
        if stage.get("owner_function") not in OwningFunction.values:
            errors.setdefault(f"{where}.owner_function", []).append(_("Choose marketing, sales or shared."))
        code = str(stage.get("code") or "").strip()
        if not code or len(code) > 40:
            errors.setdefault(f"{where}.code", []).append(_("Give a short code (at most 40 characters)."))
        if (stage.get("funnel"), code) in seen:
            errors.setdefault(f"{where}.code", []).append(_("Codes are unique within a funnel."))
        seen.add((stage.get("funnel"), code))
        if not str(stage.get("name") or "").strip():
            errors.setdefault(f"{where}.name", []).append(_("Give the stage a name."))
        materials = stage.get("materials", [])
        if not isinstance(materials, list) or not all(
            isinstance(m, dict) and str(m.get("url", "")).startswith(("http://", "https://", "/"))
            for m in materials
        ):
            errors.setdefault(f"{where}.materials", []).append(
                _("Materials are [{title, url}] with http(s) or site links.")
            )
        tracks = stage.get("tracks", [])
        if not isinstance(tracks, list) or not all(
            isinstance(t, str) and t.startswith(TRACK_PREFIXES) for t in tracks
        ):
            errors.setdefault(f"{where}.tracks", []).append(
                _("Counted states look like lead:mql or opportunity:decision.")
            )
        else:
            _validate_tracks(tracks, f"{where}.tracks", errors)
    _validate_order(stages, errors)
    return errors


def _validate_tracks(tracks: list[str], where: str, errors: dict[str, list[str]]) -> None:
    """Known states, and one kind of object per stage: a stage's figures add up leads or
    deals, never both."""
    unknown = [t for t in tracks if t.split(":", 1)[1] not in reach.known_states(t.split(":", 1)[0])]
    if unknown:
        errors.setdefault(where, []).append(_("Unknown states: %(states)s") % {"states": ", ".join(unknown)})
    if len({t.split(":", 1)[0] for t in tracks}) > 1:
        errors.setdefault(where, []).append(_("A stage counts either leads or deals, not both."))


def _validate_order(stages: list, errors: dict[str, list[str]]) -> None:
    """Within a funnel, the steps that count a path go down it: a stage converts into the
    next one, and a conversion to an earlier step would not be a share."""
    deepest: dict[tuple, tuple[int, str]] = {}
    for i, stage in enumerate(stages):
        if not isinstance(stage, dict) or not isinstance(stage.get("tracks"), list) or not stage["tracks"]:
            continue
        tracks = [t for t in stage["tracks"] if isinstance(t, str) and ":" in t]
        kinds = {t.split(":", 1)[0] for t in tracks}
        if len(kinds) != 1 or next(iter(kinds)) not in reach.PATHS:
            continue
        kind = next(iter(kinds))
        states = [t.split(":", 1)[1] for t in tracks]
        if not all(s in reach.PATHS[kind] for s in states):
            continue  # off the path (nurture, unknown states): no step of it
        # Every state is on the path (checked above), so each has a depth.
        depth = min(d for s in states if (d := reach.depth(kind, s)) is not None)
        key = (stage.get("funnel"), kind)
        above = deepest.get(key)
        if above is not None and depth < above[0]:
            errors.setdefault(f"stages[{i}].tracks", []).append(
                _("This step comes before “%(above)s” in the lifecycle: list the steps top first.")
                % {"above": above[1]}
            )
        if above is None or depth >= above[0]:
            deepest[key] = (depth, str(stage.get("name") or stage.get("code") or ""))


@transaction.atomic
def funnel_version_publish(*, stages: list[dict], note: str = "", actor, via: str = "") -> FunnelVersion:
    errors = _validate_stages(stages)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    number = (FunnelVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = FunnelVersion.objects.create(
        number=number, note=(note or "")[:300], created_by=actor if getattr(actor, "pk", None) else None
    )
    positions: dict[str, int] = {}
    rows = []
    for stage in stages:
        position = positions.get(stage["funnel"], 0)
        positions[stage["funnel"]] = position + 1
        rows.append(
            FunnelStage(
                version=version,
                funnel=stage["funnel"],
                position=position,
                code=stage["code"].strip(),
                name=str(stage["name"]).strip()[:120],
                owner_function=stage["owner_function"],
                entry_criteria=stage.get("entry_criteria", ""),
                exit_criteria=stage.get("exit_criteria", ""),
                marketing_contribution=str(stage.get("marketing_contribution", ""))[:200],
                materials=stage.get("materials", []),
                tracks=stage.get("tracks", []),
            )
        )
    FunnelStage.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="create",
        instance=version,
        changes={"number": number, "stages": len(rows)},
        via=via,
    )
    return version
