"""End to end: a copy of the repository reproduces with `dvc repro`, the same hashes as the
committed dvc.lock, and a second `dvc repro` changes nothing.

The copy and its one `dvc repro` are the session fixtures `repo_copy` and `first_repro` of conftest.py; the
briefing tests of test_briefing.py and test_briefing_language.py read the pages this repro rendered."""

import pytest
import yaml

from conftest import ROOT, dvc

pytestmark = pytest.mark.integration


def _outs(lock: dict) -> dict[str, str]:
    return {o["path"]: o["md5"] for stage in lock["stages"].values() for o in stage.get("outs", [])}


def test_repro_from_clean_state_matches_committed_lock_and_is_then_a_noop(repo_copy, first_repro):
    first = first_repro
    assert first.returncode == 0, first.stdout + first.stderr
    lock = yaml.safe_load((repo_copy / "dvc.lock").read_text())
    assert (repo_copy / "data" / "processed" / "observations.csv").stat().st_size > 0
    committed = ROOT / "dvc.lock"
    if committed.exists():
        assert _outs(lock) == _outs(yaml.safe_load(committed.read_text())), "outputs differ from the committed dvc.lock"
    lock_text = (repo_copy / "dvc.lock").read_text()
    second = dvc(repo_copy, "repro")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Data and pipelines are up to date" in second.stdout
    assert (repo_copy / "dvc.lock").read_text() == lock_text
    status = dvc(repo_copy, "status")
    assert "up to date" in status.stdout
    raw_before = {p: p.read_bytes() for p in (ROOT / "data" / "raw").rglob("*") if p.is_file()}
    assert {p.relative_to(ROOT): b for p, b in raw_before.items()} == {
        p.relative_to(repo_copy): p.read_bytes() for p in (repo_copy / "data" / "raw").rglob("*") if p.is_file()}


def test_henan_january_briefing_is_chinese_and_says_why_a_target_has_no_estimate(repo_copy, first_repro):
    """The 2025 Henan report, dropped in under its published name, gives a Chinese briefing as of January with a
    P(met) for every target that has last year's outcome, and a reason for each that has none."""
    import json

    from test_briefing_language import english_words, visible_text

    assert first_repro.returncode == 0, first_repro.stdout + first_repro.stderr
    folder = repo_copy / "reports" / "henan" / "2025-01"
    visible = visible_text((folder / "briefing.html").read_text(encoding="utf-8"))
    assert len(english_words(visible)) <= 10 and "last_outcome" not in visible
    # fiscal revenue: the report does not state the 2024 figure; income: no history to learn a spread from
    assert "2024年的实际增速不在数据中" in visible and "历年增速的记录太少" in visible
    assert "以上年实际增速为基础" in visible
    assert "数据中也没有2024年的实际增速可作基础，暂不判断" in visible  # the verdict line gives the reason too
    # how far to trust it: GDP cites the annual backtest; no trust line pretends there is a forecast of revenue
    rec = json.loads((repo_copy / "data" / "processed" / "backtest_annual_metrics.json").read_text())
    rec = rec["january"]["province"]["ordinary_since_2010"]
    assert f"覆盖了实际结果的{rec['coverage80']:.0%}（共{rec['n']}例）" in visible
    assert "地方一般公共预算收入：本年尚无本地区数据，预测来自年度模型" not in visible
    # the anchored targets (industry, investment, retail) cite the anchored mode's own January record
    anch = json.loads((repo_copy / "data" / "processed" / "backtest_annual_metrics.json").read_text())
    anch = anch["anchored_january"]["ordinary"]
    assert f"在普通年份覆盖了实际结果的{anch['coverage80']:.0%}（共{anch['n']}例" in visible
    assert "这一方法尚无回测记录" not in visible
    head = json.loads((folder / "headline.json").read_text(encoding="utf-8"))["indicators"]
    assert {k for k, v in head.items() if v["p_met"] is not None} == {"gdp", "fai", "industrial_va", "retail_sales"}
    assert head["fiscal_revenue"]["p_met"] is None and head["income"]["p_met"] is None


def test_a_briefing_quotes_how_often_probabilities_like_its_own_came_true(repo_copy, first_repro):
    """Next to each backtested band, the trust line says how often the model's probabilities of about the same
    size came true in earlier ordinary years (the middle ones have come true less often than stated)."""
    from test_briefing_language import visible_text

    assert first_repro.returncode == 0, first_repro.stdout + first_repro.stderr
    page = (repo_copy / "reports" / "xiangjiang" / "2024-09" / "briefing.html").read_text(encoding="utf-8")
    visible = visible_text(page)
    assert visible.count("的普通年份里，模型给出约") >= 4  # one per target with a backtested band
    assert "实际完成的比例为" in visible


def test_a_gdp_trust_line_gives_the_record_on_the_national_target_itself(repo_copy, first_repro):
    """Beside the pooled record (thresholds at last year's growth +-1 pp), the GDP line says how the model did on
    the national GDP target itself at the same month of earlier ordinary years: backtest rows read by hand here."""
    import pandas as pd
    from test_briefing_language import visible_text

    assert first_repro.returncode == 0, first_repro.stdout + first_repro.stderr
    bt = pd.read_csv(repo_copy / "data" / "processed" / "backtest.csv")
    rows = bt[(bt.method == "default") & (bt.indicator == "gdp") & (bt.month == 9) & (bt.threshold_3_kind == "target")
              & (bt.year < 2024) & ~bt.year.isin([2020, 2021, 2022])]
    page = (repo_copy / "reports" / "xiangjiang" / "2024-09" / "briefing.html").read_text(encoding="utf-8")
    visible = visible_text(page)
    expected = (f"就全国地区生产总值目标本身，{rows.year.min()}-{rows.year.max()}年的普通年份同期，模型给出的完成概率平均为"
                f"{rows.p_met_3.mean():.0%}，目标实际完成{len(rows)}年中的{int(rows.met_3.sum())}年")
    assert expected in visible
