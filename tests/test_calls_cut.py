"""The earlier calls a page shows (issue 19): cut from the ledger so that recording today's calls changes nothing
(a second `dvc repro` after `make repro` reruns no briefing), and a changed call is announced as a revision."""
import pandas as pd

from pipeline.evaluation import calls
from pipeline.model.forecast import Config
from pipeline.presentation.briefing import earlier, model

HEADER = ",".join(calls.COLUMNS)


def _ledger(tmp_path, lines):
    path = tmp_path / "calls.csv"
    path.write_text(HEADER + "\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


FROZEN_06 = "recreated_frozen,2026-12-08,47f3772,china,2026,gdp,2026-06,default,2026-06,4.50,5.00,range,0.700,0.700,4.10,4.70,5.20,1,"
LIVE_06_BASELINE = "live,2026-07-20,abc,china,2026,gdp,2026-06,carry_forward,2026-06,4.50,5.00,range,0.900,0.900,4.50,4.90,5.30,1,"
HUNAN_06 = "live,2026-07-20,abc,hunan,2026,gdp,2026-06,default,,5.00,,about,0.300,0.400,3.90,4.50,5.10,1,"
LIVE_08_OLD = "live,2026-09-20,abc,china,2026,gdp,2026-08,default,2026-06,4.50,5.00,range,0.680,0.680,4.20,4.61,5.00,1,"
TODAY = dict(label="live", made_on="2026-10-01", code_version="def", region="china", year="2026", indicator="gdp",
             as_of="2026-08", method="default", data_through="2026-06", target_pct="4.50", target_high_pct="5.00",
             qualifier="range", p_met="0.670", p_met_tolerant="0.670", q10_pct="4.10", q50_pct="4.58", q90_pct="5.05",
             edition="", note="")


def _cut(path):
    return calls.calls_cut(calls.read_ledger(path), [], 2026, "2026-08", "china", [TODAY])


def test_earlier_calls_are_this_regions_default_calls_of_earlier_months(tmp_path):
    cut = _cut(_ledger(tmp_path, [FROZEN_06, LIVE_06_BASELINE, HUNAN_06]))
    assert cut.to_dict("records") == [
        {"kind": "earlier", "region": "china", "indicator": "gdp", "as_of": "2026-06", "label": "recreated_frozen",
         "data_through": "2026-06", "qualifier": "range", "target_pct": "4.50", "p_met": "0.700",
         "p_met_tolerant": "0.700", "q50_pct": "4.70"}]


def test_recording_todays_call_leaves_the_cut_byte_identical(tmp_path):
    path = _ledger(tmp_path, [FROZEN_06, LIVE_08_OLD])
    before = _cut(path).to_csv(index=False)
    assert "same" in before  # the old edition of this month, which today's call revises
    assert calls.append([dict(TODAY)], path) == 1
    assert _cut(path).to_csv(index=False) == before
    assert calls.append([dict(TODAY)], path) == 0


def test_a_pending_call_counts_as_recorded(tmp_path):
    """An earlier entry's call that `calls --record` has not yet appended is in the cut already, so appending it
    (make repro) does not change the cut of a later month of the same region."""
    pending = dict(TODAY, as_of="2026-06", p_met="0.720", p_met_tolerant="0.720", q50_pct="4.75", made_on="")
    path = _ledger(tmp_path, [FROZEN_06])
    before = calls.calls_cut(calls.read_ledger(path), [pending], 2026, "2026-08", "china", [TODAY]).to_csv(index=False)
    assert "live,2026-06,range,4.50,0.720,0.720,4.75" in before.replace("earlier,china,gdp,2026-06,", "")
    calls.append([dict(pending, made_on="2026-10-01")], path)
    after = calls.calls_cut(calls.read_ledger(path), [pending], 2026, "2026-08", "china", [TODAY]).to_csv(index=False)
    assert after == before


def _briefing(lang, cut):
    fc = pd.DataFrame([{"indicator": "gdp", "qualifier": "range", "p_met": 0.67, "q50_pct": 4.58,
                        "latest_period": "2026-06"}])
    empty = pd.DataFrame()
    b = model.Briefing("china", 2026, 8, "2026-08", "2026-06", lang, Config(), fc, empty, empty, empty, empty, empty,
                       empty)
    b.calls = cut
    return b


def test_a_changed_call_is_announced_as_a_revision(tmp_path):
    cut = _cut(_ledger(tmp_path, [FROZEN_06, LIVE_08_OLD]))
    assert earlier.revision_md(_briefing("zh", cut)) == (
        "**本期为修订版**：国内生产总值完成目标的概率较上一版由68%变为67%（全年预测中位数仍为4.6%）。")
    assert earlier.revision_md(_briefing("en", cut)) == (
        "**This is a revised edition**: the chance of meeting the GDP target changed from 68% in the previous "
        "edition to 67% (full-year median unchanged at 4.6%).")


def test_an_unchanged_call_is_no_revision_and_the_table_lists_earlier_calls(tmp_path):
    same = LIVE_08_OLD.replace("0.680,0.680,4.20,4.61,5.00", "0.670,0.670,4.10,4.58,5.05")
    cut = _cut(_ledger(tmp_path, [FROZEN_06, same]))
    b = _briefing("en", cut)
    assert earlier.revision_md(b) == ""
    assert earlier.earlier_table(b).values.tolist() == [
        ["GDP", "June 2026", "70%", "4.7%", "Jan-Jun 2026", "re-created later (frozen model)"]]
    assert earlier.earlier_md(_briefing("zh", cut.iloc[0:0])) == "### 此前判断\n\n本工具此前未对中国2026年的目标作出判断。"


def test_a_revision_below_the_shown_precision_is_named_as_such(tmp_path):
    # the earlier edition said 67.4% (shown 67%) and 4.61% (4.6%); today 0.67 and 4.58 (67%, 4.6%)
    cut = _cut(_ledger(tmp_path, [FROZEN_06, LIVE_08_OLD.replace("0.680,0.680", "0.674,0.674")]))
    assert earlier.revision_md(_briefing("zh", cut)) == (
        "**本期为修订版**：国内生产总值完成目标的概率（67%）和全年预测中位数（4.6%）均与上一版相同（变化小于显示精度）。")
    moved = _cut(_ledger(tmp_path, [FROZEN_06, LIVE_08_OLD.replace("0.680,0.680,4.20,4.61", "0.674,0.674,4.20,4.81")]))
    assert earlier.revision_md(_briefing("en", moved)) == (
        "**This is a revised edition**: the chance of meeting the GDP target is 67%, as in the previous edition "
        "(full-year median from 4.8% to 4.6%).")
