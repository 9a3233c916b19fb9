"""Reads: rounds, their results (scored by the pure package), trend, evidence rows.

Every breakdown by function goes through ``privacy.pool_small_groups`` first, and no
result at all is shown while a round has fewer responses than its smallest group size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Q, QuerySet

from hamsu.alignment import evidence
from hamsu.alignment.models import ActionItem, Assessment, Invitation, RespondentFunction, Response, Round
from hamsu.alignment.privacy import pool_small_groups
from hamsu.alignment.statements import STATEMENTS, Statement
from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.analytics.diagnostic import (
    DiagnosticResult,
    Relationship,
    RoundDelta,
    StatementGap,
    score_responses,
    trend,
)
from hamsu.analytics.diagnostic import Response as Answers

FUNCTION_ORDER = [f.value for f in RespondentFunction]


def round_list() -> QuerySet[Round]:
    return Round.objects.annotate(
        n_invited=Count("invitations", distinct=True),
        n_used=Count("invitations", filter=Q(invitations__used=True), distinct=True),
        n_responses=Count("responses", distinct=True),
    ).order_by("-opens_at", "-id")


def round_get(pk: int) -> Round | None:
    return round_list().filter(pk=pk).first()


def _answers(round_: Round) -> list[Answers]:
    return _answers_by_round([round_.pk]).get(round_.pk, [])


def _answers_by_round(round_ids: list[int]) -> dict[int, list[Answers]]:
    """Every round's answers in one query (the trend needs all rounds at once)."""
    out: dict[int, list[Answers]] = {}
    rows = Response.objects.filter(round_id__in=round_ids).values_list("round_id", "function", *KEYS)
    for row in rows:
        group = out.setdefault(row[0], [])
        group.append(Answers(str(len(group) + 1), row[1], tuple(row[2:])))
    return out


@dataclass
class StatementRow:
    statement: Statement
    mean: float
    by_function: list[float | None]
    gap: StatementGap | None
    indicator: evidence.Indicator | None
    disagreement: str | None


@dataclass
class RoundResults:
    round: Round
    n_responses: int
    enough: bool
    result: DiagnosticResult | None = None
    pooled: list[str] = field(default_factory=list)
    left_out: int = 0
    # An anonymous round answered through links shows nothing until it closes: watching
    # the figures move as one person's invitation turns "used" would reveal their answers.
    hidden_until_closed: bool = False
    functions: list[str] = field(default_factory=list)
    rows: list[StatementRow] = field(default_factory=list)

    @property
    def relationship(self) -> Relationship | None:
        return self.result.relationship if self.result else None

    def function_rows(self) -> list[tuple[str, float | None, int]]:
        if not self.result:
            return []
        return [
            (f, self.result.by_function.get(f), self.result.n_by_function.get(f, 0)) for f in self.functions
        ]

    def flagged(self) -> list[StatementRow]:
        return [row for row in self.rows if row.gap and row.gap.large_and_meaningful]

    def chart_data(self) -> dict:
        """What the ECharts heat map and bars need, as plain JSON."""
        if not self.result:
            return {}
        labels = dict(RespondentFunction.choices)
        return {
            "statements": [f"{s.number}. {s.short}" for s in STATEMENTS],
            "functions": [str(labels.get(f, f)) for f in self.functions],
            "heat": [
                [fi, si, None if v is None else round(v, 2)]
                for si, row in enumerate(self.rows)
                for fi, v in enumerate(row.by_function)
            ],
            "by_function": [
                {"name": str(labels.get(f, f)), "value": None if m is None else round(m, 1)}
                for f, m, _n in self.function_rows()
            ],
            "gaps": [None if r.gap is None or r.gap.gap is None else round(r.gap.gap, 2) for r in self.rows],
            "flags": [bool(r.gap and r.gap.large_and_meaningful) for r in self.rows],
        }


def results_hidden_until_closed(round_: Round, has_invitations: bool | None = None) -> bool:
    if not round_.anonymous or round_.status != Round.Status.OPEN:
        return False
    if has_invitations is None:
        has_invitations = Invitation.objects.filter(round=round_).exists()
    return has_invitations


def _rounds_with_invitations(round_ids: list[int]) -> set[int]:
    return set(
        Invitation.objects.filter(round_id__in=round_ids).values_list("round_id", flat=True).distinct()
    )


def round_results(
    round_: Round,
    *,
    with_evidence: bool = True,
    now: datetime.datetime | None = None,
    answers: list[Answers] | None = None,
    has_invitations: bool | None = None,
) -> RoundResults:
    answers = _answers(round_) if answers is None else answers
    out = RoundResults(round=round_, n_responses=len(answers), enough=len(answers) >= round_.min_group_size)
    if out.enough and results_hidden_until_closed(round_, has_invitations):
        out.enough, out.hidden_until_closed = False, True
    if not out.enough:
        return out
    protected = pool_small_groups(answers, round_.min_group_size)
    safe = protected.responses
    result = score_responses(safe)
    out.result, out.pooled, out.left_out = result, protected.pooled, protected.left_out
    out.functions = [f for f in FUNCTION_ORDER if f in result.by_function]
    means = np.asarray([a.ratings for a in safe], dtype=float).mean(axis=0)
    indicators = evidence.indicators(now) if with_evidence else {}
    for i, statement in enumerate(STATEMENTS):
        indicator = indicators.get(statement.key)
        mean = float(means[i])
        out.rows.append(
            StatementRow(
                statement=statement,
                mean=mean,
                by_function=[result.matrix[statement.key].get(f) for f in out.functions],
                gap=result.gaps.get(statement.key),
                indicator=indicator,
                disagreement=evidence.disagreement(indicator, mean),
            )
        )
    return out


@dataclass
class TrendPoint:
    round: Round
    result: DiagnosticResult


def round_trend(*, until: Round | None = None) -> tuple[list[TrendPoint], list[RoundDelta]]:
    """Rounds with enough responses, oldest first, and the change between each pair."""
    chosen = Round.objects.order_by("opens_at", "id")
    if until is not None:
        chosen = chosen.filter(opens_at__lte=until.opens_at)
    rounds = list(chosen)
    answers = _answers_by_round([r.pk for r in rounds])
    invited = _rounds_with_invitations([r.pk for r in rounds])
    points = []
    for round_ in rounds:
        results = round_results(
            round_,
            with_evidence=False,
            answers=answers.get(round_.pk, []),
            has_invitations=round_.pk in invited,
        )
        if results.result is not None:
            points.append(TrendPoint(round_, results.result))
    deltas = trend([(str(p.round.pk), p.result) for p in points])
    return points, deltas


def current_relationship() -> tuple[Relationship | None, Round | None]:
    """Today's relationship: the latest closed round with results, else the latest with results."""
    result, round_ = current_result()
    return (result.relationship if result else None), round_


def current_result() -> tuple[DiagnosticResult | None, Round | None]:
    """Today's diagnostic result (the company score and its relationship): the latest
    closed round with results, else the latest with results."""
    recent = list(Round.objects.order_by("-opens_at", "-id")[:10])
    answers = _answers_by_round([r.pk for r in recent])
    invited = _rounds_with_invitations([r.pk for r in recent])
    for closed_only in (True, False):
        for round_ in recent:
            if closed_only and round_.status != Round.Status.CLOSED:
                continue
            results = round_results(
                round_,
                with_evidence=False,
                answers=answers.get(round_.pk, []),
                has_invitations=round_.pk in invited,
            )
            if results.result is not None:
                return results.result, round_
    return None, None


def latest_assessment() -> Assessment | None:
    return Assessment.objects.order_by("-created_at", "-id").first()


def action_items(*, status: str = "") -> QuerySet[ActionItem]:
    qs = ActionItem.objects.select_related("owner", "round")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "id")


def invitation_progress(round_: Round) -> list[dict]:
    """Invited and answered per function, for chasing the groups that lag behind."""
    return list(
        Invitation.objects.filter(round=round_)
        .values("function")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(used=True)))
        .order_by("function")
    )


def named_responses(round_: Round) -> QuerySet[Response]:
    """Individual answers, only ever for rounds that were not anonymous."""
    if round_.anonymous:
        return Response.objects.none()
    return Response.objects.filter(round=round_).order_by("respondent_label")
