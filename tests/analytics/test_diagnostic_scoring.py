"""Tests of the diagnostic maths, with expectations computed by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamsu.analytics.diagnostic import (
    STATEMENTS,
    DiagnosticInputError,
    Relationship,
    Response,
    band,
    parse_responses_csv,
    perception_gaps,
    responses_from_mappings,
    score_csv_text,
    score_responses,
    statement_matrix,
    suppress_small_groups,
    trend,
)

HEADER = "respondent,function," + ",".join(STATEMENTS)


def row(respondent: str, function: str, ratings: list[int | str]) -> str:
    return ",".join([respondent, function, *(str(r) for r in ratings)])


def ratings_with(base: int, **overrides: int | str) -> list[int | str]:
    values: list[int | str] = [base] * 20
    for key, value in overrides.items():
        values[int(key[1:]) - 1] = value
    return values


# r1 (sales): s1=5, the rest 3 -> 5 + 19*3 = 62
# r2 (marketing): s1=1, s2=2, the rest 3 -> 1 + 2 + 18*3 = 57
TWO_RESPONDENTS = "\n".join(
    [
        HEADER,
        row("r1", "sales", ratings_with(3, s1=5)),
        row("r2", "marketing", ratings_with(3, s1=1, s2=2)),
    ]
)


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (20, Relationship.UNDEFINED),
        (39, Relationship.UNDEFINED),
        (39.99, Relationship.UNDEFINED),
        (40, Relationship.DEFINED),
        (59.5, Relationship.DEFINED),
        (59.999, Relationship.DEFINED),
        (60, Relationship.ALIGNED),
        (79.5, Relationship.ALIGNED),
        (80, Relationship.INTEGRATED),
        (100, Relationship.INTEGRATED),
    ],
)
def test_band_edges(total: float, expected: Relationship) -> None:
    assert band(total) is expected


@pytest.mark.parametrize("total", [19.99, 100.01, -1, math.nan])
def test_band_rejects_impossible_totals(total: float) -> None:
    with pytest.raises(ValueError, match="between 20 and 100"):
        band(total)


ORDER = [Relationship.UNDEFINED, Relationship.DEFINED, Relationship.ALIGNED, Relationship.INTEGRATED]


@given(st.floats(20, 100), st.floats(20, 100))
def test_band_is_monotone(x: float, y: float) -> None:
    lo, hi = sorted((x, y))
    assert ORDER.index(band(lo)) <= ORDER.index(band(hi))


@given(st.lists(st.integers(1, 5), min_size=20, max_size=20))
def test_any_complete_response_has_a_band(ratings: list[int]) -> None:
    response = Response("x", "sales", tuple(ratings))
    assert 20 <= response.total <= 100
    assert band(response.total) in ORDER


def test_two_respondents_hand_computed() -> None:
    result = score_csv_text(TWO_RESPONDENTS)
    assert result.total == 59.5
    assert result.relationship is Relationship.DEFINED
    assert result.by_function == {"sales": 62.0, "marketing": 57.0}
    assert result.gaps["s1"].gap == 4.0
    assert result.gaps["s2"].gap == 1.0
    assert all(result.gaps[s].gap == 0.0 for s in STATEMENTS[2:])
    # one person per side: no test, so nothing may be flagged
    assert result.gaps["s1"].p_value is None
    assert not any(g.large_and_meaningful for g in result.gaps.values())
    # t-interval: sd = 3.5355, sem = 2.5, t(0.975, df=1) = 12.7062 -> 59.5 +- 31.7655
    ci = result.confidence_interval
    assert ci is not None
    assert ci.low == pytest.approx(27.7345, abs=1e-3)
    assert ci.high == pytest.approx(91.2655, abs=1e-3)


def test_json_contract_has_the_four_keys() -> None:
    data = score_csv_text(TWO_RESPONDENTS).to_dict()
    assert set(data) == {"total", "relationship", "by_function", "gaps"}
    assert data["relationship"] == "Defined"
    assert data["gaps"]["s1"] == 4.0
    assert list(data["gaps"]) == list(STATEMENTS)


def test_single_respondent_has_no_interval_and_no_gaps() -> None:
    result = score_csv_text("\n".join([HEADER, row("only", "sales", ratings_with(4))]))
    assert result.total == 80
    assert result.relationship is Relationship.INTEGRATED
    assert result.confidence_interval is None
    assert all(g.gap is None for g in result.gaps.values())


def test_large_and_meaningful_gap_needs_size_and_significance() -> None:
    text = "\n".join(
        [
            HEADER,
            row("a", "sales", ratings_with(3, s1=5, s2=4)),
            row("b", "sales", ratings_with(3, s1=5, s2=3)),
            row("c", "sales", ratings_with(3, s1=4, s2=4)),
            row("d", "marketing", ratings_with(3, s1=1, s2=3)),
            row("e", "marketing", ratings_with(3, s1=2, s2=3)),
            row("f", "marketing", ratings_with(3, s1=1, s2=4)),
        ]
    )
    gaps = score_csv_text(text).gaps
    # s1: 14/3 - 4/3 = 10/3, tiny spread -> flagged
    assert gaps["s1"].gap == pytest.approx(10 / 3)
    assert gaps["s1"].p_value is not None
    assert gaps["s1"].p_value < 0.01
    assert gaps["s1"].large_and_meaningful
    # s2: 11/3 - 10/3 = 1/3 -> too small to flag whatever the p-value
    assert gaps["s2"].gap == pytest.approx(1 / 3)
    assert not gaps["s2"].large_and_meaningful
    # identical constant ratings: no difference, p = 1
    assert gaps["s3"].gap == 0
    assert gaps["s3"].p_value == 1.0


def test_mann_whitney_option() -> None:
    responses, _ = parse_responses_csv(
        "\n".join(
            [HEADER]
            + [row(f"s{i}", "sales", ratings_with(3, s1=5)) for i in range(3)]
            + [row(f"m{i}", "marketing", ratings_with(3, s1=1)) for i in range(3)]
        )
    )
    gaps = perception_gaps(responses, test="mannwhitney")
    assert gaps["s1"].gap == 4.0
    # U = 9, all ties within groups: var = 9/12 * (7 - 48/30) = 4.05, z = (9 - 4.5 - 0.5) / 2.0125
    # (continuity-corrected normal approximation) = 1.9876 -> two-sided p = 0.0469
    assert gaps["s1"].p_value == pytest.approx(0.0469, abs=1e-4)


def test_other_functions_are_their_own_group_and_names_are_normalised() -> None:
    text = "\n".join(
        [
            HEADER,
            row("a", " Sales", ratings_with(3)),
            row("b", "SERVICE", ratings_with(2)),
            row("c", "marketing", ratings_with(4)),
        ]
    )
    result = score_csv_text(text)
    assert result.by_function == {"sales": 60.0, "service": 40.0, "marketing": 80.0}
    assert result.total == 60.0
    assert result.gaps["s5"].gap == -1.0


def test_partial_respondents_are_excluded_with_a_warning() -> None:
    text = "\n".join(
        [
            HEADER,
            row("r1", "sales", ratings_with(3, s1=5)),
            row("r2", "marketing", ratings_with(3, s1=1, s2=2)),
            row("r3", "sales", ratings_with(5, s7="")),
        ]
    )
    result = score_csv_text(text)
    assert result.total == 59.5  # r3 left out of everything
    assert result.excluded == ("r3",)
    assert any("r3" in w and "blank" in w for w in result.warnings)
    assert result.n_by_function == {"sales": 1, "marketing": 1}


def test_all_partial_is_an_error() -> None:
    with pytest.raises(DiagnosticInputError, match="no complete response"):
        score_csv_text("\n".join([HEADER, row("r1", "sales", ratings_with(3, s20=""))]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        (HEADER + "\n", "no responses"),
        ("respondent,function,s1\nr1,sales,3", "missing column(s): s2, s3"),
        (HEADER + "\n" + row("r1", "sales", ratings_with(3, s4=6)), "line 2, column s4: 6 is outside"),
        (HEADER + "\n" + row("r1", "sales", ratings_with(3, s9=0)), "line 2, column s9: 0 is outside"),
        (HEADER + "\n" + row("r1", "sales", ratings_with(3, s5="3.5")), "line 2, column s5: '3.5' is not"),
        (HEADER + "\n" + row("r1", "sales", ratings_with(3, s5="x")), "line 2, column s5: 'x' is not"),
        (
            "\n".join([HEADER, row("r1", "sales", ratings_with(3)), row("r1", "marketing", ratings_with(3))]),
            "line 3, column respondent: duplicate respondent id 'r1' (first seen on line 2)",
        ),
        (HEADER + "\n" + row("", "sales", ratings_with(3)), "respondent id is blank"),
        (HEADER + "\n" + row("r1", "", ratings_with(3)), "function is blank"),
        (HEADER + "\nr1,sales,3", "expected 22 fields, found 3"),
    ],
)
def test_validation_messages(text: str, message: str) -> None:
    with pytest.raises(DiagnosticInputError) as info:
        score_csv_text(text)
    assert message in str(info.value)


def test_every_problem_is_reported_at_once() -> None:
    text = "\n".join(
        [HEADER, row("r1", "sales", ratings_with(3, s1=9)), row("r2", "sales", ratings_with(3, s2="a"))]
    )
    with pytest.raises(DiagnosticInputError) as info:
        score_csv_text(text)
    assert len(info.value.problems) == 2


def test_bom_extra_columns_and_blank_lines() -> None:
    text = "\ufeff" + HEADER + ",submitted_at\n" + row("r1", "sales", ratings_with(2)) + ",2026-01-01\n\n"
    result = score_csv_text(text)
    assert result.total == 40
    assert any("submitted_at" in w for w in result.warnings)


def test_statement_matrix_for_heat_map() -> None:
    responses, _ = parse_responses_csv(TWO_RESPONDENTS)
    matrix = statement_matrix(responses)
    assert matrix["s1"] == {"sales": 5.0, "marketing": 1.0}
    assert matrix["s2"] == {"sales": 3.0, "marketing": 2.0}
    assert set(matrix) == set(STATEMENTS)


def test_suppress_small_groups() -> None:
    text = "\n".join(
        [HEADER]
        + [row(f"s{i}", "sales", ratings_with(3)) for i in range(3)]
        + [row(f"m{i}", "marketing", ratings_with(4)) for i in range(2)]
    )
    result = score_csv_text(text)
    hidden = suppress_small_groups(result, min_size=3)
    assert hidden.by_function == {"sales": 60.0, "marketing": None}
    assert hidden.suppressed == ("marketing",)
    assert all(g.gap is None for g in hidden.gaps.values())
    assert hidden.matrix["s1"]["marketing"] is None
    assert hidden.total == result.total  # the company total mixes everyone and stays
    assert suppress_small_groups(result, min_size=2) is result


def test_trend_between_rounds() -> None:
    first = score_csv_text(TWO_RESPONDENTS)
    second = score_responses(
        [
            Response("r1", "sales", tuple([3] * 20)),
            Response("r2", "marketing", tuple([3] * 20)),
            Response("r3", "service", tuple([4] * 20)),
        ]
    )
    (delta,) = trend([("2026-Q1", first), ("2026-Q2", second)])
    # second total: (60 + 60 + 80) / 3 = 66.67; first 59.5
    assert delta.total_delta == pytest.approx(200 / 3 - 59.5)
    assert delta.relationship_from is Relationship.DEFINED
    assert delta.relationship_to is Relationship.ALIGNED
    assert delta.by_function_delta == {"sales": -2.0, "marketing": 3.0, "service": None}
    assert delta.gap_delta["s1"] == -4.0
    assert trend([("only", first)]) == []


def test_responses_from_mappings_for_stored_answers() -> None:
    rows = [
        {"respondent": "a", "function": "Sales", **dict.fromkeys(STATEMENTS, 3)},
        {"respondent": "b", "function": "marketing", **dict.fromkeys(STATEMENTS, 2), "s4": None},
    ]
    responses = responses_from_mappings(rows)
    assert responses[0].function == "sales"
    assert responses[0].total == 60
    assert not responses[1].is_complete
    with pytest.raises(DiagnosticInputError, match="row 2: duplicate respondent id 'a'"):
        responses_from_mappings([rows[0], rows[0]])
    with pytest.raises(DiagnosticInputError, match="row 1, column s1: 7 is outside"):
        responses_from_mappings([{**rows[0], "s1": 7}])


ratings_1_to_5 = st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=40)


@given(ratings_1_to_5, ratings_1_to_5)
def test_welch_p_value_is_scipy_stats_ttest_ind(a: list[int], b: list[int]) -> None:
    # The scoring uses scipy.special for start-up speed; the numbers must stay scipy.stats'.
    import warnings

    import numpy as np
    from scipy import stats

    from hamsu.analytics.diagnostic.scoring import welch_p_value

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
    ours = welch_p_value(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    assert ours == pytest.approx(expected, rel=1e-9, abs=1e-15, nan_ok=True)


@given(st.lists(st.integers(min_value=20, max_value=100), min_size=2, max_size=60))
def test_the_interval_is_scipy_stats_t_interval(totals: list[int]) -> None:
    import numpy as np
    from scipy import stats

    from hamsu.analytics.diagnostic.scoring import mean_with_ci

    mean, ci = mean_with_ci(totals)
    sem = float(np.std(totals, ddof=1) / math.sqrt(len(totals)))
    low, high = stats.t.interval(0.95, len(totals) - 1, loc=mean, scale=sem) if sem else (mean, mean)
    assert ci is not None
    assert ci.low == pytest.approx(low, rel=1e-12)
    assert ci.high == pytest.approx(high, rel=1e-12)
