"""Track-record arithmetic: strict and tolerant met, ranges, 以上, relative targets, and real rows."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from pipeline.model import track_record as tr


def _targets(rows):
    cols = ["region", "year", "indicator", "target_pct", "target_high_pct", "qualifier", "wording", "relative_to",
            "source", "text"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


def _obs(rows):
    return pd.DataFrame([dict(region=r, indicator=i, year=y, month=12, measure="ytd_growth_pct", value=v, vintage=vin,
                              source="fixture") for r, i, y, v, vin in rows])


@pytest.fixture
def record():
    targets = _targets([
        ("hunan", 2020, "gdp", 6.0, np.nan, "about", "左右", "", "s", ""),
        ("hunan", 2021, "gdp", 6.0, np.nan, "at_least", "以上", "", "s", ""),
        ("hunan", 2022, "gdp", 5.0, 5.5, "range", "区间", "", "s", ""),
        ("hunan", 2022, "income", np.nan, np.nan, "above", "高于", "gdp", "s", ""),
        ("hunan", 2023, "gdp", 6.0, np.nan, "exact", "", "", "s", ""),
    ])
    obs = _obs([("hunan", "gdp", 2020, 5.6, "first"), ("hunan", "gdp", 2020, 5.0, "latest"),
                ("hunan", "gdp", 2021, 6.0, "latest"), ("hunan", "gdp", 2022, 5.2, "first"),
                ("hunan", "income", 2022, 5.1, "first")])
    return tr.score(targets, tr.annual_outcomes(obs), tolerance_pp=0.5).set_index(["year", "indicator"])


def test_first_release_is_preferred_and_about_is_tolerant(record):
    row = record.loc[(2020, "gdp")]
    assert row.outcome_pct == 5.6 and row.outcome_vintage == "first"
    assert row.margin_pp == pytest.approx(-0.4)
    assert not row.met and row.met_tolerant


def test_at_least_met_exactly_on_the_target(record):
    row = record.loc[(2021, "gdp")]
    assert row.met and row.outcome_vintage == "latest"


def test_range_is_met_from_its_lower_end(record):
    assert record.loc[(2022, "gdp")].met


def test_relative_target_compares_with_gdp(record):
    row = record.loc[(2022, "income")]
    assert row.relative_outcome_pct == 5.2 and row.margin_pp == pytest.approx(-0.1) and not row.met


def test_missing_outcome_is_not_scored(record):
    assert pd.isna(record.loc[(2023, "gdp")].met)


def test_base_rates_and_sentence(record):
    rec = record.reset_index()
    rates = tr.base_rates(rec)
    hunan_gdp = rates[(rates.region == "hunan") & (rates.indicator == "gdp")].iloc[0]
    assert hunan_gdp.n == 3 and hunan_gdp.met_rate == pytest.approx(2 / 3, abs=1e-4)
    assert tr.record_sentence(rec, "hunan", "gdp") == "Hunan met its gdp target in 2 of 3 years since 2020; missed in 2020."
    assert tr.record_sentence(rec, "hunan", "gdp", lang="zh") == "湖南省自2020年以来3年中有2年完成地区生产总值目标,未完成的年份:2020。"


def test_real_rows_hunan_2014_missed():
    from pipeline.sources import data

    obs, targets = data.load_observations(), data.load_targets()
    rec = tr.score(targets, tr.annual_outcomes(obs), 0.5).set_index(["region", "indicator", "year"])
    row = rec.loc[("hunan", "gdp", 2014)]
    assert (row.target_pct, row.outcome_pct, bool(row.met)) == (10.0, 9.5, False)
    assert bool(rec.loc[("changsha", "gdp", 2004)].met)


def test_cli_prints_a_region(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pipeline", "track-record", "--region", "hunan", "--indicator", "gdp"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("region,year,indicator,target_pct") and all(ln.startswith("hunan,") for ln in lines[1:])
    assert any(ln.startswith("hunan,2014,gdp,10,") for ln in lines)
