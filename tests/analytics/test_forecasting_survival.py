"""Exit tables (Aalen–Johansen) against hand-computed cases and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.analytics.forecasting.survival import fit_exit_table


def test_hand_computed_with_censoring():
    # day 1: 4 at risk, 1 won; day 2: 3 at risk, 1 lost, 1 censored; day 3: 1 at risk, 1 won
    t = fit_exit_table([1, 2, 2, 3], ["won", "lost", None, "won"], destination_names=("won", "lost"))
    np.testing.assert_allclose(t.cif[t.index("won")], [0, 0.25, 0.25, 0.75])
    np.testing.assert_allclose(t.cif[t.index("lost")], [0, 0, 0.25, 0.25])
    np.testing.assert_allclose(t.survival, [1, 0.75, 0.5, 0.0])
    assert t.n_spells == 4
    assert t.n_exits == 3


def test_censoring_is_not_read_as_a_loss_or_a_win():
    # naive "share of closed deals won" would say 2/3; the censored deal was still at risk on day 2 only
    t = fit_exit_table([1, 2, 2, 3], ["won", "lost", None, "won"])
    assert t.eventual_share("won") == pytest.approx(0.75)


def test_probability_between_conditions_on_age():
    t = fit_exit_table([1, 2, 2, 3], ["won", "lost", None, "won"], destination_names=("won", "lost"))
    # still open after day 1 (S=0.75); won on day 2..3: (0.75 - 0.25) / 0.75
    assert t.probability_between("won", 1, 2, 3) == pytest.approx(2 / 3)
    # lo below age+1 is raised: a deal open after day 1 cannot exit on day 1
    assert t.probability_between("won", 1, 0, 3) == pytest.approx(2 / 3)
    # older than anything observed: nothing history can vouch for
    assert t.probability_between("won", 10, 11, 100) == 0.0


def test_left_truncation_keeps_late_entrants_out_of_early_risk_sets():
    durations, dests = [1, 5, 3], ["won", None, "won"]
    plain = fit_exit_table(durations, dests)
    truncated = fit_exit_table(durations, dests, entry=[0, 0, 2])
    assert plain.cif_at("won", 1) == pytest.approx(1 / 3)
    assert truncated.cif_at("won", 1) == pytest.approx(1 / 2)


def test_rejects_negative_durations_and_unknown_destinations():
    with pytest.raises(ValueError):
        fit_exit_table([-1], ["won"])
    with pytest.raises(ValueError):
        fit_exit_table([1], ["maybe"], destination_names=("won", "lost"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(["won", "lost", None])),
        min_size=1,
        max_size=60,
    )
)
def test_invariants(spells):
    durations = [d for d, _ in spells]
    dests = [k for _, k in spells]
    t = fit_exit_table(durations, dests, destination_names=("won", "lost"))
    assert (np.diff(t.cif, axis=1) >= -1e-12).all()
    np.testing.assert_allclose(t.cif.sum(axis=0) + t.survival, 1.0, atol=1e-9)
    if all(k is not None for k in dests):  # no censoring: plain frequencies
        assert t.eventual_share("won") == pytest.approx(dests.count("won") / len(dests))
