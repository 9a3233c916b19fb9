"""Scores on leads: rule points (fit + decaying engagement) and the predictive model.

The maths lives in the pure ``hamsu.analytics.lead_scoring`` package; this module feeds
it the lead's fields and touches, stores the score and its reasons on the lead, keeps
the points spec versioned and retrains the model from the company's won/lost leads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.errors import ValidationFailed
from hamsu.crm.models import size_band_for
from hamsu.funnel.models import Lead, LeadState, LeadTouch, PredictiveModel, ScoringSpec

# Used until marketing publishes its own points (a modest, explainable start).
DEFAULT_POINTS = {
    "fit": [
        {
            "field": "size_band",
            "op": "in",
            "value": ["large", "enterprise"],
            "points": 15,
            "label": "Large company",
        },
        {"field": "size_band", "op": "eq", "value": "medium", "points": 8, "label": "Mid-sized company"},
        {"field": "segment", "op": "present", "points": 5, "label": "In a target segment"},
        {"field": "title", "op": "present", "points": 3, "label": "Job title known"},
    ],
    "engagement": [
        {"kind": "demo_request", "points": 40, "half_life_days": 60, "label": "Asked for a demo"},
        {"kind": "form_fill", "points": 15, "half_life_days": 30, "max_points": 30, "label": "Filled a form"},
        {
            "kind": "webinar",
            "points": 12,
            "half_life_days": 30,
            "max_points": 36,
            "label": "Attended a webinar",
        },
        {
            "kind": "content_download",
            "points": 8,
            "half_life_days": 30,
            "max_points": 24,
            "label": "Downloaded content",
        },
        {
            "kind": "email_click",
            "points": 3,
            "half_life_days": 14,
            "max_points": 15,
            "label": "Clicked an e-mail",
        },
        {"kind": "event", "points": 20, "half_life_days": 45, "label": "Met us at an event"},
    ],
}
PREDICTIVE_FEATURES = {"categorical": ("segment", "country", "size_band", "origin")}


def _lead_scoring():
    """The pure scoring package, imported on first use, not with this module: importing it
    loads scikit-learn, NumPy and Polars (seconds), which a process that never scores a
    lead (most web requests, management commands) must not pay for."""
    import hamsu.analytics.lead_scoring as lead_scoring

    return lead_scoring


def _polars():
    # Polars takes a noticeable time to import; only the predictive model needs it.
    import polars

    return polars


def lead_facts(lead: Lead) -> dict:
    """The fields rules and scores look at, by the names the rule language knows."""
    return facts_of(
        email=lead.email,
        segment=lead.segment.name if lead.segment is not None else "",
        country=lead.country,
        title=lead.title,
        company=lead.display_company,
        origin=lead.origin,
        employees=lead.employees,
        score=lead.score,
        win_probability=lead.win_probability,
        state=lead.state,
    )


def facts_of(
    *, email, segment, country, title, company, origin, employees, score, win_probability, state
) -> dict:
    """``lead_facts`` from a lead's values (a row read with ``values_list``, when a reader
    goes through many leads: the lead definition preview)."""
    domain = email.rsplit("@", 1)[-1] if "@" in (email or "") else ""
    return {
        "segment": segment or "",
        "country": country,
        "title": title,
        "company": company,
        "email_domain": domain,
        "origin": origin,
        "size_band": size_band_for(employees) if employees is not None else "",
        "employees": employees,
        "score": score,
        "win_probability": win_probability,
        "state": state,
    }


def active_points_spec():
    row = (
        ScoringSpec.objects.filter(is_active=True).order_by("-number").values_list("spec", flat=True).first()
    )
    return _lead_scoring().PointsSpec.from_dict(row if row is not None else DEFAULT_POINTS)


def score_touches(touches: Iterable) -> list:
    """The scoring package's touches for rows that have a ``kind`` and an ``at``."""
    touch = _lead_scoring().Touch
    return [touch(t.kind, t.at) for t in touches]


def lead_touches(lead: Lead) -> list:
    touch = _lead_scoring().Touch
    return [touch(kind, at) for kind, at in LeadTouch.objects.filter(lead=lead).values_list("kind", "at")]


def apply_score(lead: Lead, *, spec, touches: Iterable, now: datetime.datetime, model=None) -> None:
    """Set score fields on ``lead`` in memory (the caller saves, alone or in bulk)."""
    result = _lead_scoring().score_lead(spec, lead_facts(lead), touches, as_of=now)
    lead.score = round(result.total, 2)
    lead.score_reasons = [
        {"rule": c.rule, "kind": c.kind, "points": round(c.points, 2), "touches": c.touches}
        for c in result.contributions
    ]
    lead.scored_at = now
    if model is not None:
        pl = _polars()
        facts = lead_facts(lead)
        frame = pl.DataFrame(
            {name: [facts.get(name) or None] for name in PREDICTIVE_FEATURES["categorical"]},
            schema=dict.fromkeys(PREDICTIVE_FEATURES["categorical"], pl.String),
        )
        explanation = model.explain(frame)[0]
        lead.win_probability = round(explanation.probability, 4)
        lead.win_reasons = [
            {"field": r.field, "value": r.value, "odds_ratio": round(r.odds_ratio, 3), "text": r.text}
            for r in explanation.reasons[:6]
        ]


@lru_cache(maxsize=2)
def _load_model(pk: int):
    blob = PredictiveModel.objects.filter(pk=pk).values_list("blob", flat=True).first()
    return _lead_scoring().PredictiveLeadScorer.from_bytes(bytes(blob)) if blob else None


def active_model():
    pk = (
        PredictiveModel.objects.filter(is_active=True)
        .order_by("-trained_at")
        .values_list("pk", flat=True)
        .first()
    )
    return _load_model(pk) if pk else None


def lead_score(*, lead: Lead, now: datetime.datetime | None = None, save: bool = True) -> Lead:
    now = now or timezone.now()
    apply_score(lead, spec=active_points_spec(), touches=lead_touches(lead), now=now, model=active_model())
    if save:
        lead.save(
            update_fields=[
                "score",
                "score_reasons",
                "scored_at",
                "win_probability",
                "win_reasons",
                "updated_at",
            ]
        )
    return lead


@transaction.atomic
def scoring_spec_publish(*, spec: dict, actor, via: str = "") -> ScoringSpec:
    """A new points version, in use from now on (earlier versions stay for the record)."""
    lead_scoring = _lead_scoring()
    try:
        parsed = lead_scoring.PointsSpec.from_dict(spec)
    except (lead_scoring.SpecError, AttributeError, TypeError) as error:
        raise ValidationFailed(_("The points are not valid."), errors={"spec": [str(error)]}) from error
    number = (ScoringSpec.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    ScoringSpec.objects.filter(is_active=True).update(is_active=False)
    row = ScoringSpec.objects.create(
        number=number,
        spec=parsed.to_dict(),
        is_active=True,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="create", instance=row, changes={"number": number}, via=via)
    return row


def predictive_retrain(*, min_leads: int = 20) -> PredictiveModel | None:
    """Train on the company's closed leads (won vs lost); None when there are too few."""
    pl, lead_scoring = _polars(), _lead_scoring()
    rows = list(
        Lead.objects.filter(state__in=[LeadState.WON, LeadState.LOST])
        .select_related("segment")
        .only("segment__name", "country", "employees", "origin", "state")
        .iterator(chunk_size=5000)
    )
    won = sum(1 for r in rows if r.state == LeadState.WON)
    if len(rows) < min_leads or won < 2 or len(rows) - won < 2:
        return None
    frame = pl.DataFrame(
        {
            "segment": [r.segment.name if r.segment is not None else None for r in rows],
            "country": [r.country or None for r in rows],
            "size_band": [
                size_band_for(r.employees) or None if r.employees is not None else None for r in rows
            ],
            "origin": [r.origin or None for r in rows],
            "won": [r.state == LeadState.WON for r in rows],
        }
    )
    features = lead_scoring.FeatureSpec(
        categorical=PREDICTIVE_FEATURES["categorical"], min_frequency=max(2, min(20, len(rows) // 50))
    )
    scorer, blob = lead_scoring.train_lead_scorer(frame, "won", features)
    with transaction.atomic():
        PredictiveModel.objects.filter(is_active=True).update(is_active=False)
        info = {**scorer.info.__dict__} if scorer.info else {}
        model = PredictiveModel.objects.create(blob=blob, info=info, is_active=True)
    _load_model.cache_clear()
    return model
