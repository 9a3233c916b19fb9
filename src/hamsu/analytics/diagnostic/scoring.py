"""Scoring of the sales-marketing alignment diagnostic (20 statements rated 1-5).

The instrument: each respondent rates 20 statements from 1 (strongly disagree) to
5 (strongly agree). A respondent's total is the sum (20-100). The company total is the
mean of the respondents' totals, and the relationship type is read off four bands:

    20-39 Undefined, 40-59 Defined, 60-79 Aligned, 80-100 Integrated.

A mean need not be a whole number; it belongs to the band whose lower bound it has
reached (59.5 is Defined, 60 is Aligned, 39.99 is Undefined). The bands therefore are
half-open intervals ``[20, 40) [40, 60) [60, 80) [80, 100]``.

Everything here is pure Python + NumPy/SciPy so it can be used by the CLI on a raw
CSV file, by the Django ``alignment`` app on stored responses, and in tests.

Choices worth knowing (this docstring is their documentation):

* Partial responses: a respondent with any blank statement is left out of *every*
  figure (totals, function means, gaps, matrix) and named in a warning. Mixing
  complete and partial answers would make the company total and the gaps describe
  different sets of people; leaving them out keeps every number about the same group.
* Function names are compared after trimming and lower-casing, so ``Sales`` and
  ``sales `` are one group. Values other than ``sales`` and ``marketing`` stay as
  their own groups (e.g. ``service``) and appear in the by-function figures.
* The perception gap is ``mean(sales) - mean(marketing)`` per statement. It is flagged
  "large and meaningful" when ``|gap| >= 1`` point (one step on the 1-5 scale, a
  difference a reader would notice) *and* Welch's t-test gives ``p < 0.05`` (so a
  one-step gap between two single people is not called a finding). Mann-Whitney U is
  available for those who prefer a rank test for ordinal ratings.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal

import numpy as np

from hamsu.analytics.diagnostic.responses import (
    MARKETING,
    SALES,
    STATEMENTS,
    DiagnosticInputError,
    Response,
    normalise_function,
    parse_responses_csv,
    split_complete,
)

# SciPy is imported where it is used: this module is imported when Django starts (the
# alignment app), so a restarted server would pay for it before answering its first
# request, for pages that never compute an interval. The Student-t figures come from
# scipy.special, the functions scipy.stats.t calls itself: importing scipy.stats loads
# every distribution and costs about four times as much, which `hamsu diagnostic score`
# would pay on every run.

MIN_TOTAL = 20
MAX_TOTAL = 100
DEFAULT_MIN_GROUP_SIZE = 3
LARGE_GAP_POINTS = 1.0
SIGNIFICANCE_LEVEL = 0.05


class Relationship(StrEnum):
    """The four relationship types, named as the study names them."""

    UNDEFINED = "Undefined"
    DEFINED = "Defined"
    ALIGNED = "Aligned"
    INTEGRATED = "Integrated"


# Lower bounds, highest first: a total belongs to the first band whose bound it reached.
_BANDS: tuple[tuple[float, Relationship], ...] = (
    (80.0, Relationship.INTEGRATED),
    (60.0, Relationship.ALIGNED),
    (40.0, Relationship.DEFINED),
    (20.0, Relationship.UNDEFINED),
)


def band(total: float) -> Relationship:
    """Return the relationship type of a total (a sum or a mean of sums) in [20, 100].

    The bands are half-open on the right so a non-whole mean falls in the band whose
    lower bound it has reached: 59.5 -> Defined, 60 -> Aligned. Totals outside
    [20, 100] cannot come from valid ratings, so they raise instead of being clamped.
    """
    if math.isnan(total) or total < MIN_TOTAL or total > MAX_TOTAL:
        raise ValueError(f"a diagnostic total must lie between 20 and 100, got {total!r}")
    for lower, relationship in _BANDS:
        if total >= lower:
            return relationship
    raise AssertionError("unreachable: total >= 20 always matches a band")


@dataclass(frozen=True)
class ConfidenceInterval:
    """A two-sided confidence interval for a mean."""

    low: float
    high: float
    level: float = 0.95


def mean_with_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, ConfidenceInterval | None]:
    """Mean of ``values`` and its Student-t confidence interval.

    With one value there is no spread to estimate, so the interval is None rather
    than a misleading zero-width or infinite one. With identical values the interval
    collapses to the mean, which is what the t formula gives.
    """
    if not values:
        raise ValueError("cannot take the mean of no values")
    arr = np.asarray(values, dtype=float)
    mean = float(arr.mean())
    if arr.size < 2:
        return mean, None
    sem = float(arr.std(ddof=1) / math.sqrt(arr.size))
    from scipy.special import stdtrit  # what scipy.stats.t.ppf computes (see the imports)

    half = float(stdtrit(arr.size - 1, 0.5 + level / 2)) * sem
    return mean, ConfidenceInterval(mean - half, mean + half, level)


def group_by_function(responses: Iterable[Response]) -> dict[str, list[Response]]:
    """Group responses by (normalised) function, keeping first-seen order."""
    groups: dict[str, list[Response]] = {}
    for response in responses:
        groups.setdefault(normalise_function(response.function), []).append(response)
    return groups


def function_means(responses: Iterable[Response]) -> dict[str, float]:
    """Mean respondent total per function (complete responses only)."""
    return {
        name: float(np.mean([r.total for r in group])) for name, group in group_by_function(responses).items()
    }


def statement_matrix(responses: Iterable[Response]) -> dict[str, dict[str, float]]:
    """Mean rating per statement and function: ``{"s1": {"sales": 3.5, ...}, ...}``.

    This is the statements x functions table behind the heat map.
    """
    groups = group_by_function(responses)
    matrix: dict[str, dict[str, float]] = {s: {} for s in STATEMENTS}
    for name, group in groups.items():
        ratings = np.asarray([r.ratings for r in group], dtype=float)
        for i, statement in enumerate(STATEMENTS):
            matrix[statement][name] = float(ratings[:, i].mean())
    return matrix


@dataclass(frozen=True)
class StatementGap:
    """The perception gap on one statement: ``gap = mean(a) - mean(b)`` (a=sales, b=marketing)."""

    statement: str
    gap: float | None
    mean_a: float | None
    mean_b: float | None
    n_a: int
    n_b: int
    p_value: float | None
    large_and_meaningful: bool


def _p_value(a: np.ndarray, b: np.ndarray, test: Literal["welch", "mannwhitney"]) -> float | None:
    """Two-sided p-value of the difference between two groups of ratings.

    Needs at least two ratings per group (Welch's test has no variance to use with
    one). Two groups of constant, equal ratings have no difference: p = 1.
    """
    if a.size < 2 or b.size < 2:
        return None
    if test == "welch":
        p = welch_p_value(a, b)
    else:
        from scipy import stats  # the rank test is opt-in: only its users pay for scipy.stats

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            p = float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    if math.isnan(p):
        return 1.0 if float(a.mean()) == float(b.mean()) else None
    return p


def welch_p_value(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided p-value of Welch's t-test, as ``scipy.stats.ttest_ind(a, b, equal_var=False)``.

    Written out with scipy.special's Student-t (see the imports) in the same steps as
    SciPy, so the numbers are SciPy's; the tests compare the two. Two constant groups
    have no defined degrees of freedom: SciPy then uses 1, which changes nothing, as the
    statistic is infinite (different means, p = 0) or undefined (equal means, NaN).
    """
    from scipy.special import stdtr  # the Student-t CDF scipy.stats.ttest_ind uses

    va = a.var(ddof=1) / a.size
    vb = b.var(ddof=1) / b.size
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
        t = (a.mean() - b.mean()) / np.sqrt(va + vb)
    df = 1.0 if np.isnan(df) else df
    return float(2 * stdtr(df, -abs(t)))


def perception_gaps(
    responses: Iterable[Response],
    *,
    a: str = SALES,
    b: str = MARKETING,
    test: Literal["welch", "mannwhitney"] = "welch",
    min_gap: float = LARGE_GAP_POINTS,
    alpha: float = SIGNIFICANCE_LEVEL,
) -> dict[str, StatementGap]:
    """Per-statement gap ``mean(a) - mean(b)`` with a significance test and a flag.

    The flag "large and meaningful" needs both ``|gap| >= min_gap`` and ``p < alpha``:
    size alone over-reads tiny groups, significance alone over-reads huge ones.
    When either group is absent every gap is None.
    """
    groups = group_by_function(responses)
    group_a = np.asarray([r.ratings for r in groups.get(a, [])], dtype=float).reshape(-1, len(STATEMENTS))
    group_b = np.asarray([r.ratings for r in groups.get(b, [])], dtype=float).reshape(-1, len(STATEMENTS))
    out: dict[str, StatementGap] = {}
    for i, statement in enumerate(STATEMENTS):
        col_a, col_b = group_a[:, i], group_b[:, i]
        if col_a.size == 0 or col_b.size == 0:
            out[statement] = StatementGap(statement, None, None, None, col_a.size, col_b.size, None, False)
            continue
        mean_a, mean_b = float(col_a.mean()), float(col_b.mean())
        gap = mean_a - mean_b
        p = _p_value(col_a, col_b, test)
        flag = abs(gap) >= min_gap and p is not None and p < alpha
        out[statement] = StatementGap(statement, gap, mean_a, mean_b, col_a.size, col_b.size, p, flag)
    return out


@dataclass(frozen=True)
class DiagnosticResult:
    """Everything the diagnostic reports for one round of responses."""

    total: float
    relationship: Relationship
    confidence_interval: ConfidenceInterval | None
    n_respondents: int
    by_function: dict[str, float | None]
    n_by_function: dict[str, int]
    gaps: dict[str, StatementGap]
    matrix: dict[str, dict[str, float | None]]
    excluded: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    suppressed: tuple[str, ...] = field(default=())

    def to_dict(self, *, detail: bool = False) -> dict[str, object]:
        """JSON-ready dict: ``total``, ``relationship``, ``by_function``, ``gaps``.

        The four keys are the stable contract; ``detail=True`` adds a ``details``
        object (interval, counts, p-values, flags, matrix, exclusions, warnings).
        """
        out: dict[str, object] = {
            "total": self.total,
            "relationship": self.relationship.value,
            "by_function": dict(self.by_function),
            "gaps": {s: g.gap for s, g in self.gaps.items()},
        }
        if detail:
            ci = self.confidence_interval
            out["details"] = {
                "n_respondents": self.n_respondents,
                "confidence_interval": None
                if ci is None
                else {"low": ci.low, "high": ci.high, "level": ci.level},
                "n_by_function": dict(self.n_by_function),
                "gap_tests": {
                    s: {
                        "sales_mean": g.mean_a,
                        "marketing_mean": g.mean_b,
                        "n_sales": g.n_a,
                        "n_marketing": g.n_b,
                        "p_value": g.p_value,
                        "large_and_meaningful": g.large_and_meaningful,
                    }
                    for s, g in self.gaps.items()
                },
                "matrix": self.matrix,
                "excluded_respondents": list(self.excluded),
                "suppressed_functions": list(self.suppressed),
                "warnings": list(self.warnings),
            }
        return out


def score_responses(
    responses: Sequence[Response],
    *,
    warnings_in: Sequence[str] = (),
    test: Literal["welch", "mannwhitney"] = "welch",
) -> DiagnosticResult:
    """Score one round: company total (mean of totals) with 95% CI, bands, gaps, matrix.

    Partial respondents are excluded from every figure and named in a warning.
    Raises :class:`DiagnosticInputError` when no complete response is left.
    """
    complete, partial = split_complete(responses)
    notes = list(warnings_in)
    if partial:
        names = ", ".join(r.respondent for r in partial)
        notes.append(f"excluded {len(partial)} respondent(s) with blank statements: {names}")
    if not complete:
        raise DiagnosticInputError(["no complete response: every respondent left a statement blank"])
    total, ci = mean_with_ci([r.total for r in complete])
    groups = group_by_function(complete)
    by_function: dict[str, float | None] = dict(function_means(complete))
    return DiagnosticResult(
        total=total,
        relationship=band(total),
        confidence_interval=ci,
        n_respondents=len(complete),
        by_function=by_function,
        n_by_function={name: len(group) for name, group in groups.items()},
        gaps=perception_gaps(complete, test=test),
        matrix={s: dict(row) for s, row in statement_matrix(complete).items()},
        excluded=tuple(r.respondent for r in partial),
        warnings=tuple(notes),
    )


def score_csv_text(text: str) -> DiagnosticResult:
    """Parse and score a response CSV in one call (what the CLI does)."""
    responses, notes = parse_responses_csv(text)
    return score_responses(responses, warnings_in=notes)


def suppress_small_groups(
    result: DiagnosticResult, min_size: int = DEFAULT_MIN_GROUP_SIZE
) -> DiagnosticResult:
    """Hide figures of functions with fewer than ``min_size`` respondents, for anonymity.

    With two marketers, "marketing's mean" nearly reveals each person's answers, so
    shared views (dashboards, reports to the team) blank those groups: their mean,
    their matrix column and, when sales or marketing is too small, the gaps. The
    company total stays (it mixes everyone). The CLI on a raw file does not call this:
    whoever holds the file already sees every answer.
    """
    small = tuple(name for name, n in result.n_by_function.items() if n < min_size)
    if not small:
        return result
    by_function = {name: (None if name in small else mean) for name, mean in result.by_function.items()}
    matrix = {s: {f: (None if f in small else v) for f, v in row.items()} for s, row in result.matrix.items()}
    gaps = result.gaps
    if SALES in small or MARKETING in small:
        gaps = {
            s: StatementGap(s, None, None, None, g.n_a, g.n_b, None, False) for s, g in result.gaps.items()
        }
    note = f"suppressed function(s) with fewer than {min_size} respondents: {', '.join(small)}"
    return replace(
        result,
        by_function=by_function,
        matrix=matrix,
        gaps=gaps,
        suppressed=small,
        warnings=(*result.warnings, note),
    )


@dataclass(frozen=True)
class RoundDelta:
    """Change from one round to the next: positive means the later round scored higher."""

    from_round: str
    to_round: str
    total_delta: float
    relationship_from: Relationship
    relationship_to: Relationship
    by_function_delta: dict[str, float | None]
    gap_delta: dict[str, float | None]


def _delta(later: float | None, earlier: float | None) -> float | None:
    """Difference that stays None when either side is missing (absent or suppressed)."""
    if later is None or earlier is None:
        return None
    return later - earlier


def trend(rounds: Sequence[tuple[str, DiagnosticResult]]) -> list[RoundDelta]:
    """Deltas between consecutive rounds (given oldest first), for the trend view.

    A function present in only one of two rounds gets a None delta rather than a
    number computed against zero. Gap deltas compare the signed gaps, so a gap moving
    from +1.5 to +0.5 shows -1.0 (the two functions came closer).
    """
    out: list[RoundDelta] = []
    for (label_a, a), (label_b, b) in zip(rounds, rounds[1:], strict=False):
        functions = list(dict.fromkeys([*a.by_function, *b.by_function]))
        out.append(
            RoundDelta(
                from_round=label_a,
                to_round=label_b,
                total_delta=b.total - a.total,
                relationship_from=a.relationship,
                relationship_to=b.relationship,
                by_function_delta={f: _delta(b.by_function.get(f), a.by_function.get(f)) for f in functions},
                gap_delta={
                    s: _delta(b.gaps[s].gap if s in b.gaps else None, a.gaps[s].gap if s in a.gaps else None)
                    for s in STATEMENTS
                },
            )
        )
    return out
