"""The chart of P(met) month by month: its median axis does not turn a rounding move into a cliff."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from pipeline.presentation import plots  # noqa: E402

LABELS = {"p_met": "P", "median_axis": "median", "as_of_month": "month"}


def _median_axis(q50):
    fig, ax = plt.subplots()
    path = pd.DataFrame({"month": range(1, len(q50) + 1), "p_met": [0.5] * len(q50), "q50_pct": q50})
    plots.odds_chart(ax, path, title="t", labels=LABELS)
    twin = [a for a in fig.axes if a is not ax][0]
    lim = twin.get_ylim()
    plt.close(fig)
    return lim


def test_a_median_that_moves_by_a_tenth_sits_on_an_axis_two_points_tall():
    lo, hi = _median_axis([4.4, 4.3, 4.3, 4.4, 4.3])
    assert (round(lo, 6), round(hi, 6)) == (3.35, 5.35)


def test_a_median_that_moves_a_lot_keeps_matplotlibs_own_limits():
    lo, hi = _median_axis([2.0, 5.0, 8.0])
    assert lo < 2.0 and hi > 8.0 and hi - lo < 8.0
