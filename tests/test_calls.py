"""The ledger of the tool's own calls: append-only, a new edition only when the call changes, scored by hand."""
import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT
from pipeline.evaluation import calls


def _forecast(p=0.7, q50=5.1, latest="2025-06"):
    return pd.DataFrame([dict(region="china", indicator="gdp", year=2025, as_of="2025-06", method="default",
                              latest_period=latest, target_pct=5.0, target_high_pct=float("nan"), qualifier="about",
                              p_met=p, p_met_tolerant=0.9, q10_pct=4.6, q50_pct=q50, q90_pct=5.5)])


def _rows(**kw):
    return calls.calls_from_forecast(_forecast(**kw), label="live", made_on="2026-12-08", version="abc")


def test_same_call_twice_adds_nothing_and_a_changed_one_is_a_new_edition(tmp_path):
    path = tmp_path / "calls.csv"
    assert calls.append(_rows(), path) == 1
    first = path.read_bytes()
    assert calls.append(_rows(), path) == 0
    assert path.read_bytes() == first  # nothing rewritten
    assert calls.append(_rows(p=0.64), path) == 1
    text = path.read_bytes()
    assert text.startswith(first)  # the earlier edition stays as it was
    ledger = calls.read_ledger(path)
    assert ledger.edition.tolist() == ["1", "2"] and ledger.p_met.tolist() == ["0.700", "0.640"]
    assert calls.append(_rows(p=0.64, latest="2025-07"), path) == 1  # new data through: a third edition
    assert calls.read_ledger(path).edition.tolist() == ["1", "2", "3"]


def test_a_call_without_a_probability_is_not_recorded():
    assert calls.calls_from_forecast(_forecast(p=float("nan")), label="live", made_on="d", version="v") == []


def test_scores_by_hand():
    """GDP target 5%左右, outcome 4.8: missed strictly, met on the tolerant reading (0.5 pp)."""
    ledger = pd.DataFrame(_rows())
    obs = pd.DataFrame([dict(region="china", indicator="gdp", year=2025, month=12, measure="ytd_growth_pct",
                             value=4.8, vintage="first"),
                        dict(region="china", indicator="gdp", year=2025, month=12, measure="ytd_growth_pct",
                             value=5.0, vintage="latest")])
    s = calls.score(ledger, obs, 0.5).iloc[0]
    assert s.outcome_pct == 4.8  # the first release, not the revision
    assert s.met == 0.0 and s.met_tolerant == 1.0
    assert s.brier == pytest.approx(0.49) and s.brier_tolerant == pytest.approx(0.01)


def test_the_committed_ledger_scores_the_frozen_2024_2025_record():
    """The re-created record is in git and every national GDP call of 2024 and 2025 is scored (both met)."""
    proc = subprocess.run([sys.executable, "-m", "pipeline", "calls", "--region", "全国", "--label", "recreated_frozen",
                           "--method", "default"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    from io import StringIO
    df = pd.read_csv(StringIO(proc.stdout))
    gdp = df[df.indicator == "gdp"]
    assert set(gdp.year) == {2024, 2025} and len(gdp) >= 20
    assert (gdp.met == 1).all()
    assert "Brier" in proc.stderr


def test_a_wrong_region_is_one_line():
    proc = subprocess.run([sys.executable, "-m", "pipeline", "calls", "--region", "火星"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
