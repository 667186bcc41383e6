"""What a page says beside a figure: provisional figures (raw note 'provisional: ...') and series not updated
since an earlier month, in the verdict, the table, the sources and on the chart (issue 19). Expected text by hand."""
import math

import pandas as pd
import pytest

from pipeline.model.forecast import Config
from pipeline.presentation.briefing import charts, model, text

OBS_COLUMNS = ["region", "indicator", "year", "month", "period", "measure", "vintage", "value", "unit",
               "months_covered", "source", "note"]


def _obs(rows):
    return pd.DataFrame([dict(zip(OBS_COLUMNS, r)) for r in rows], columns=OBS_COLUMNS)


def _briefing(region, year, month, lang, forecast_rows, obs_rows):
    empty = pd.DataFrame()
    fc = pd.DataFrame(forecast_rows)
    for c in ("qualifier", "borrowed_from", "relative_to", "no_forecast_reason"):
        fc[c] = fc.get(c, "")
    for c in ("q10_pct", "q90_pct", "p_met", "required_rest_pct", "target_pct", "target_high_pct", "borrowed_share"):
        fc[c] = fc.get(c, math.nan)
    fc["status"] = fc.get("status", "")
    return model.Briefing(region, year, month, f"{year}-{month:02d}", None, lang, Config(), fc,
                          pd.DataFrame(columns=["indicator", "month", "p_met", "q50_pct"]),
                          pd.DataFrame(columns=["indicator", "month", "part", "delta_p"]), empty, _obs(obs_rows),
                          empty, empty)


FAI_PROVISIONAL = [
    ("china", "fai", 2026, 8, "2026-08", "ytd_growth_pct", "first", -7.2, "pct", 8, "NBS", "provisional: read from copies"),
    ("china", "fai", 2026, 7, "2026-07", "ytd_growth_pct", "first", -6.7, "pct", 7, "NBS", "provisional: read"),
    ("china", "retail_sales", 2026, 8, "2026-08", "ytd_growth_pct", "first", 1.1, "pct", 8, "NBS", "checked"),
]
FAI_ROW = {"indicator": "fai", "latest_period": "2026-08", "latest_ytd_pct": -7.2, "q50_pct": -8.0}


def test_provisional_keys_are_the_ytd_rows_whose_note_starts_with_provisional():
    obs = _obs(FAI_PROVISIONAL + [("china", "fai", 2026, 8, "2026-08", "ytd_level", "first", 1.0, "cny_100m", 8, "NBS",
                                   "provisional: level")])
    assert model.provisional_keys(obs) == {("china", "fai", "2026-08"), ("china", "fai", "2026-07")}


@pytest.mark.parametrize("lang,expected", [
    ("zh", "按目前走势，全年增长约-8.0%，本年未设量化目标；最新数据（2026年1-8月）为初步数，可能更正。"),
    ("en", "on the current path the year ends at about -8.0%; there is no numeric target this year; the latest "
           "figure (Jan-Aug 2026) is provisional and may be corrected."),
])
def test_the_verdict_says_the_latest_figure_is_provisional(lang, expected):
    b = _briefing("china", 2026, 8, lang, [FAI_ROW], FAI_PROVISIONAL)
    assert text.verdict(b, b.forecast.iloc[0]) == expected


def test_a_checked_figure_gets_no_mark():
    row = {"indicator": "retail_sales", "latest_period": "2026-08", "latest_ytd_pct": 1.1, "q50_pct": 1.2}
    b = _briefing("china", 2026, 8, "zh", [row], FAI_PROVISIONAL)
    assert "初步" not in text.verdict(b, b.forecast.iloc[0])
    assert "初步" not in text.headline_html(b)
    assert charts.last_label(b, b.forecast.iloc[0]) is None


def test_the_table_marks_the_figure_and_explains_the_mark_below():
    b = _briefing("china", 2026, 8, "zh", [FAI_ROW], FAI_PROVISIONAL)
    assert text.headline(b)["最新累计增速"].tolist() == ["-7.2%（初步）"]
    assert "标注“初步”的数据取自发布稿的转载副本" in text.headline_html(b)
    en = _briefing("china", 2026, 8, "en", [FAI_ROW], FAI_PROVISIONAL)
    assert text.headline(en)["Latest year-to-date"].tolist() == ["-7.2% (provisional)"]
    assert "Figures marked provisional were read from secondary copies" in text.headline_html(en)


def test_the_sources_table_marks_provisional_rows():
    b = _briefing("china", 2026, 8, "en", [FAI_ROW], FAI_PROVISIONAL)
    b.targets = pd.DataFrame(columns=["region", "year", "indicator", "source"])
    vintages = text.sources(b).iloc[:, 4].tolist()
    assert vintages == ["first release (provisional)", "first release (provisional)", "first release"]


@pytest.mark.parametrize("lang,expected", [("zh", "最新数据截至2024年1-8月"), ("en", "latest data: Jan-Aug 2024")])
def test_the_chart_labels_a_series_not_updated_since_an_earlier_month(lang, expected):
    row = {"indicator": "fai", "latest_period": "2024-08", "latest_ytd_pct": 3.0, "q50_pct": 3.1}
    b = _briefing("hunan", 2024, 9, lang, [row], [])
    assert charts.last_label(b, b.forecast.iloc[0]) == expected


def test_the_chart_labels_a_provisional_last_point():
    b = _briefing("china", 2026, 8, "en", [FAI_ROW], FAI_PROVISIONAL)
    assert charts.last_label(b, b.forecast.iloc[0]) == "provisional"


def test_target_chart_writes_the_label_at_the_last_point():
    from matplotlib import pyplot as plt

    from pipeline.presentation.plots import target_chart

    labels = charts.labels("en")
    fig, ax = plt.subplots()
    path = pd.DataFrame({"month": [2, 3, 5], "ytd_growth_pct": [4.0, 4.5, 4.2]})
    target_chart(ax, path, {"q50_pct": 4.0}, title="t", labels=labels, last_label="latest data: Jan-May 2024")
    notes = [(a.get_text(), a.xy) for a in ax.texts]
    plt.close(fig)
    assert notes == [("latest data: Jan-May 2024", (5, 4.2))]
