"""Invariants checked over many generated inputs (hypothesis)."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.alignment.privacy import POOLED, pool_small_groups
from hamsu.alignment.services import clean_answers
from hamsu.analytics.diagnostic import Response as Answers
from hamsu.core.errors import ValidationFailed

FUNCTIONS = ["sales", "marketing", "service", "leadership", "other"]


@settings(max_examples=300, deadline=None)
@given(sizes=st.fixed_dictionaries({f: st.integers(0, 8) for f in FUNCTIONS}), min_size=st.integers(2, 6))
def test_every_group_shown_has_at_least_the_minimum_and_nobody_can_be_subtracted_out(sizes, min_size):
    answers = [
        Answers(str(i), f, tuple([3] * 20))
        for i, f in enumerate(f for f, n in sizes.items() for _ in range(n))
    ]
    if len(answers) < min_size:
        return  # the page shows nothing at all then
    protected = pool_small_groups(answers, min_size)
    shown = Counter(a.function for a in protected.responses)
    assert all(n >= min_size for n in shown.values())
    # Whatever was left out is too small to be shown, and it is not in the company figure.
    assert protected.left_out == len(answers) - len(protected.responses)
    assert protected.left_out < min_size
    # Sales and marketing keep their own identity whenever they are large enough.
    for name in ("sales", "marketing"):
        if sizes[name] >= min_size:
            assert shown[name] == sizes[name]
    assert set(shown) <= set(FUNCTIONS) | {POOLED}


@settings(max_examples=300, deadline=None)
@given(
    answers=st.dictionaries(
        st.one_of(st.sampled_from([f"s{i}" for i in range(1, 21)]), st.text(max_size=5)),
        st.one_of(st.none(), st.integers(-10, 10), st.text(max_size=4), st.floats(allow_nan=True)),
        max_size=25,
    )
)
def test_answers_are_either_clean_ratings_or_field_errors(answers):
    try:
        cleaned = clean_answers(answers, require_all=False)
    except ValidationFailed as error:
        assert error.errors
        assert all(isinstance(m, list) and m for m in error.errors.values())
        return
    assert all(k.startswith("s") and 1 <= v <= 5 for k, v in cleaned.items())
