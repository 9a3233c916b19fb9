"""The safe rule language: validation catches every malformed rule; evaluation of valid
rules never raises and agrees with De Morgan."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.funnel import rule_language as rl

NOW = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC)

leaf = st.one_of(
    st.builds(
        lambda f, v: {"field": f, "op": "eq", "value": v},
        st.sampled_from(["country", "title", "segment"]),
        # Empty text is refused (it never matches: a missing value meets no comparison).
        st.sampled_from(["IR", "AE", "CFO"]),
    ),
    st.builds(lambda v: {"field": "employees", "op": "gte", "value": v}, st.integers(0, 10_000)),
    st.builds(
        lambda v: {"field": "country", "op": "in", "value": v},
        st.lists(st.sampled_from(["IR", "AE", "DE"]), min_size=1),
    ),
    st.builds(
        lambda k, d, n: {"touches": {"kind": k, "within_days": d}, "op": "gte", "value": n},
        st.sampled_from(["webinar", "form_fill"]),
        st.integers(1, 90),
        st.integers(0, 3),
    ),
    st.just({"field": "title", "op": "missing"}),
)
rules = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, children),
    ),
    max_leaves=10,
)
facts = st.fixed_dictionaries(
    {
        "country": st.sampled_from(["IR", "AE", "DE", "", None]),
        "title": st.sampled_from(["CFO", "", None]),
        "segment": st.sampled_from(["Retail", ""]),
        "employees": st.one_of(st.none(), st.integers(0, 20_000)),
    }
)
touches = st.lists(
    st.builds(
        lambda k, d: rl.Touch(k, NOW - datetime.timedelta(days=d)),
        st.sampled_from(["webinar", "form_fill"]),
        st.integers(0, 120),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(rule=rules, facts=facts, touches=touches)
def test_valid_rules_evaluate_and_negate_consistently(rule, facts, touches):
    rl.validate(rule)
    value = rl.evaluate(rule, facts, touches, now=NOW)
    assert rl.evaluate({"not": rule}, facts, touches, now=NOW) is (not value)
    assert isinstance(rl.describe(rule), str)


@settings(max_examples=300, deadline=None)
@given(
    junk=st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
        lambda c: st.one_of(
            st.lists(c, max_size=3),
            st.dictionaries(
                st.sampled_from(["all", "any", "not", "field", "op", "value", "touches"]), c, max_size=3
            ),
        ),
        max_leaves=8,
    )
)
def test_junk_is_either_valid_or_refused_never_crashes(junk):
    try:
        rl.validate(junk)
    except rl.RuleError as error:
        assert error.problems
    else:
        rl.evaluate(junk, {}, [], now=NOW)


def test_touch_window_counts_only_recent_touches_of_the_kind():
    rule = {"touches": {"kind": "webinar", "within_days": 30}, "op": "gte", "value": 2}
    recent = [rl.Touch("webinar", NOW - datetime.timedelta(days=d)) for d in (1, 10)]
    old = [rl.Touch("webinar", NOW - datetime.timedelta(days=40)), rl.Touch("form_fill", NOW)]
    assert rl.evaluate(rule, {}, recent, now=NOW)
    assert not rl.evaluate(rule, {}, recent[:1] + old, now=NOW)


def test_text_comparisons_ignore_case_and_missing_never_matches():
    assert rl.evaluate({"field": "title", "op": "contains", "value": "Director"}, {"title": "IT director"})
    assert not rl.evaluate({"field": "country", "op": "ne", "value": "IR"}, {"country": ""})
    assert rl.evaluate({"field": "country", "op": "missing"}, {"country": ""})


def test_depth_and_size_are_limited():
    deep = {"field": "score", "op": "gt", "value": 1}
    for _ in range(12):
        deep = {"not": deep}
    with pytest.raises(rl.RuleError):
        rl.validate(deep)
