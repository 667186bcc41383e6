"""The ``cut`` stage writes every briefing entry's observations in one process (issue 18) and keeps each entry to
its own as-of month (issue 19)."""
import pandas as pd
import pytest

from pipeline.common.errors import InputError
from pipeline.sources import cut


def _obs():
    return pd.DataFrame({
        "region": ["china"] * 3, "indicator": ["retail_sales"] * 3, "year": [2026, 2026, 2026],
        "period": ["2026-03", "2026-05", "2026-08"], "month": [3, 5, 8], "vintage": ["first"] * 3,
        "ytd_growth_pct": [4.6, 5.0, 4.8], "raw_row": [1, 2, 3]})


def test_each_entry_gets_the_months_up_to_its_as_of_without_raw_rows(monkeypatch):
    seen = []

    def fake_cut(obs, year, month):
        seen.append((year, month))
        return obs[obs.month <= month]

    monkeypatch.setattr(cut.data, "cut_as_of", fake_cut)
    out = cut.entry_cuts(_obs(), {"b-2026-05": {"as_of": "2026-05"}, "a-2026-03": {"as_of": "2026-03"}})
    assert list(out) == ["a-2026-03", "b-2026-05"]          # key order, whatever params.yaml's order
    assert seen == [(2026, 3), (2026, 5)]
    assert out["a-2026-03"].ytd_growth_pct.tolist() == [4.6]
    assert out["b-2026-05"].ytd_growth_pct.tolist() == [4.6, 5.0]
    assert "raw_row" not in out["b-2026-05"].columns


@pytest.mark.parametrize("entry, words", [({"region": "china"}, "has no as_of"), ({"as_of": "2026-13"}, "YYYY-MM"),
                                          ("china", "has no as_of")])
def test_a_bad_entry_is_one_error_naming_params_and_the_key(entry, words):
    with pytest.raises(InputError) as exc:
        cut.entry_cuts(_obs(), {"bad-key": entry})
    assert "params.yaml" in str(exc.value) and "'bad-key'" in str(exc.value) and words in str(exc.value)


def test_an_unknown_key_on_the_command_line_is_refused(capsys):
    assert cut.main(["no-such-entry"]) == 2
    assert "no briefings entry 'no-such-entry'" in capsys.readouterr().err
    assert cut.main(["a", "b"]) == 2
