"""Distribution helpers of the model (pipeline/model/distributions.py)."""
import numpy as np
import pytest


def test_quantiles_from_one_sort_are_numpys_linear_quantiles_bit_for_bit():
    from pipeline.model.distributions import quantiles

    assert quantiles(np.array([4.0, 1.0, 3.0, 2.0]), np.array([0, 0.25, 0.5, 0.9, 1])).tolist() == \
        pytest.approx([1.0, 1.75, 2.5, 3.7, 4.0], abs=1e-12)
    rng = np.random.default_rng(7)
    for n in (1, 2, 999, 1000):
        x = np.round(rng.standard_t(3, n) * 2 + 5, 2)  # ties, as rounded draws have
        probs = (np.arange(1000) + 0.5) / 1000
        assert np.array_equal(quantiles(x, probs), np.quantile(x, probs))   # numpy is the reference
    assert np.isnan(quantiles(np.array([1.0, np.nan]), np.array([0.5]))).all()  # NaN left to numpy
