"""Results: company score with its interval, per-function means, flagged perception gaps,
small groups pooled (no one's answers can be worked out), trend across rounds."""

import pytest

from hamsu.alignment import selectors
from hamsu.alignment.privacy import pool_small_groups
from hamsu.analytics.diagnostic import Relationship
from hamsu.analytics.diagnostic import Response as Answers

pytestmark = pytest.mark.django_db


def test_it_scores_the_company_with_a_confidence_interval(make_round, add_responses):
    round_ = make_round()
    add_responses(round_, {"sales": [3, 3, 4], "marketing": [2, 2, 3]})
    results = selectors.round_results(round_)
    r = results.result
    # totals: 60, 60, 80, 40, 40, 60 -> mean 56.67 -> Defined
    assert r.total == pytest.approx(340 / 6)
    assert r.relationship == Relationship.DEFINED
    assert r.confidence_interval.low < r.total < r.confidence_interval.high
    assert r.by_function == {"sales": pytest.approx(200 / 3), "marketing": pytest.approx(140 / 3)}


def test_a_mean_of_59_5_is_defined(make_round, add_responses):
    round_ = make_round()
    low = [3] * 19 + [2]  # 59
    high = [3] * 20  # 60
    add_responses(round_, {"sales": [low, high, low, high]})
    assert selectors.round_results(round_).result.total == 59.5
    assert selectors.round_results(round_).relationship == Relationship.DEFINED


def test_large_meaningful_gaps_are_flagged(make_round, add_responses):
    round_ = make_round()
    sales = [[5] + [3] * 19, [5] + [3] * 19, [4] + [3] * 19, [5] + [3] * 19]
    marketing = [[1] + [3] * 19, [2] + [3] * 19, [1] + [3] * 19, [2] + [3] * 19]
    add_responses(round_, {"sales": sales, "marketing": marketing})
    results = selectors.round_results(round_)
    flagged = [row.statement.key for row in results.flagged()]
    assert flagged == ["s1"]
    assert results.rows[0].gap.gap == pytest.approx(4.75 - 1.5)


def test_nothing_is_shown_below_the_minimum_number_of_responses(make_round, add_responses):
    round_ = make_round(min_group_size=3)
    add_responses(round_, {"sales": [4, 2]})
    results = selectors.round_results(round_)
    assert not results.enough
    assert results.result is None


def test_small_groups_are_pooled_so_no_one_can_be_worked_out_by_subtraction(make_round, add_responses):
    round_ = make_round(min_group_size=3)
    # Two service people: showing sales, marketing and the company mean would reveal
    # their mean by subtraction, so they must not stand alone.
    add_responses(round_, {"sales": [3, 3, 3, 3], "marketing": [2, 2, 2], "service": [5, 1]})
    results = selectors.round_results(round_)
    assert "service" not in results.result.by_function
    assert "other" not in results.result.by_function
    assert all(n >= 3 for n in results.result.n_by_function.values())
    assert results.pooled == ["service"]
    assert results.left_out == 2
    assert results.result.n_respondents == 7


def test_groups_too_small_even_when_pooled_are_left_out_not_merged_into_marketing():
    answers = [
        Answers(str(i), f, tuple([3] * 20))
        for i, f in enumerate(["sales"] * 5 + ["marketing"] * 5 + ["service"] + ["leadership"])
    ]
    protected = pool_small_groups(answers, 3)
    functions = [a.function for a in protected.responses]
    assert protected.left_out == 2
    assert protected.pooled == ["leadership", "service"]
    assert functions.count("sales") == 5
    assert functions.count("marketing") == 5
    assert "other" not in functions


def test_small_groups_that_together_reach_the_minimum_are_shown_as_other():
    answers = [
        Answers(str(i), f, tuple([3] * 20))
        for i, f in enumerate(["sales"] * 5 + ["service"] * 2 + ["leadership"] * 2)
    ]
    protected = pool_small_groups(answers, 3)
    assert [a.function for a in protected.responses].count("other") == 4
    assert protected.left_out == 0


def test_a_lone_head_of_marketing_is_never_shown_nor_counted(make_round, add_responses):
    round_ = make_round(min_group_size=3)
    add_responses(round_, {"sales": [4, 4, 4, 4], "marketing": [1]})
    results = selectors.round_results(round_)
    assert "marketing" not in results.result.by_function
    assert all(g.gap is None for g in results.result.gaps.values())
    # The company score is the sales mean: the lone answer cannot be subtracted out.
    assert results.result.total == 80
    assert results.left_out == 1


def test_trend_across_rounds(make_round, add_responses):
    first = make_round("Last year")
    add_responses(first, {"sales": [2, 2, 2], "marketing": [2, 2, 2]})
    second = make_round("This quarter")
    add_responses(second, {"sales": [3, 3, 3], "marketing": [3, 3, 4]})
    points, deltas = selectors.round_trend()
    assert [p.round.name for p in points] == ["Last year", "This quarter"]
    assert deltas[0].total_delta == pytest.approx((60 * 5 + 80) / 6 - 40)


def test_a_named_round_lists_answers_but_an_anonymous_one_never_does(make_round, add_responses):
    anonymous = make_round()
    add_responses(anonymous, {"sales": [3, 3, 3]})
    assert not selectors.named_responses(anonymous).exists()
    named = make_round(anonymous=False)
    add_responses(named, {"sales": [3, 3, 3]})
    assert selectors.named_responses(named).count() == 3


def test_results_page_query_count_does_not_grow_with_responses(
    make_round, add_responses, django_assert_max_num_queries
):
    round_ = make_round()
    add_responses(round_, {"sales": [3] * 40, "marketing": [2] * 40})
    with django_assert_max_num_queries(22):
        selectors.round_results(round_)


def test_an_anonymous_round_answered_by_links_shows_results_only_once_closed(
    make_round, invite, add_responses, leader
):
    from hamsu.alignment import services

    round_ = make_round()
    invite(round_)
    add_responses(round_, {"sales": [3, 3, 3], "marketing": [2, 2, 2]})
    live = selectors.round_results(round_)
    assert live.hidden_until_closed
    assert live.result is None
    assert live.n_responses == 6
    services.round_close(round=round_, actor=leader.user)
    assert selectors.round_results(round_).result is not None


def test_a_named_round_shows_results_while_open(make_round, invite, add_responses):
    round_ = make_round(anonymous=False)
    invite(round_)
    add_responses(round_, {"sales": [3, 3, 3]})
    assert selectors.round_results(round_).result is not None
