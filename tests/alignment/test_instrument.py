"""The instrument: twenty statements, the 1-5 scale, the four bands, the credit."""

from django.utils import translation

from hamsu.alignment.statements import RELATIONSHIP_LABELS, SCALE, SOURCE, STATEMENTS
from hamsu.analytics.diagnostic import Relationship, band


def test_it_has_twenty_statements_keyed_s1_to_s20():
    assert [s.key for s in STATEMENTS] == [f"s{i}" for i in range(1, 21)]
    assert len({str(s.text) for s in STATEMENTS}) == 20


def test_it_rates_from_one_to_five():
    assert [value for value, _label in SCALE] == [1, 2, 3, 4, 5]


def test_the_bands_follow_the_study_and_a_fraction_belongs_to_the_band_it_reached():
    assert band(20) == Relationship.UNDEFINED
    assert band(39.99) == Relationship.UNDEFINED
    assert band(40) == Relationship.DEFINED
    assert band(59.5) == Relationship.DEFINED
    assert band(60) == Relationship.ALIGNED
    assert band(79.9) == Relationship.ALIGNED
    assert band(80) == Relationship.INTEGRATED
    assert band(100) == Relationship.INTEGRATED


def test_it_credits_the_study():
    assert "Kotler" in str(SOURCE)
    assert "Harvard Business Review" in str(SOURCE)


def test_statements_and_bands_are_in_persian():
    with translation.override("fa"):
        assert str(STATEMENTS[0].text) != "Our sales results usually come in close to what we forecast."
        assert str(RELATIONSHIP_LABELS[Relationship.ALIGNED]) != "Aligned"
