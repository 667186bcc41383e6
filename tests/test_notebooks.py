"""The explore and backtest notebooks run end to end on the processed tables (papermill, fresh kernel)."""
import papermill as pm
import pytest

from conftest import ROOT

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("name,params", [("explore", {"region": "changsha", "indicator": "gdp", "years": [2013, 2015]}),
                                         ("backtest", {"method": "default"})])
def test_notebook_runs(tmp_path, name, params):
    if not (ROOT / "data" / "processed" / "backtest_metrics.json").exists():
        pytest.skip("run `make repro` first: the notebooks read the processed tables")
    out = tmp_path / f"{name}.ipynb"
    nb = pm.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(out), parameters=params,
                             kernel_name="python3", progress_bar=False, cwd=str(ROOT))
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 1
