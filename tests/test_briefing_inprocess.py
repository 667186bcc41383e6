"""The in-process papermill engine: the outputs a kernel gives, a fresh namespace per notebook, the process restored."""
import builtins
import json
import os
import subprocess
import sys

import nbformat
import papermill as pm
import pytest
from nbformat import v4

from conftest import ROOT
from pipeline.presentation.briefing import inprocess

CELLS = [
    "x = 41",
    "print('a')\nprint('b')",
    "from IPython.display import HTML, Markdown, display\ndisplay(Markdown('**m**'))\ndisplay(HTML('<b>h</b>'))",
    "x + 1",
    "import os\nos.chdir('..')\nimport sys\nsys.path.insert(0, 'elsewhere')",
]


def _notebook(tmp_path, cells):
    nb = v4.new_notebook(metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                  "name": "python3"}})
    nb.cells = [v4.new_markdown_cell("# title")] + [v4.new_code_cell(c) for c in cells]
    path = tmp_path / "in.ipynb"
    nbformat.write(nb, path)
    return path


def _outputs(nb):
    return [[{k: v for k, v in o.items()} for o in c.outputs] for c in nb.cells if c.cell_type == "code"]


EXPECTED = [
    [],
    [{"output_type": "stream", "name": "stdout", "text": "a\nb\n"}],
    [{"output_type": "display_data", "metadata": {},
      "data": {"text/markdown": "**m**", "text/plain": "<IPython.core.display.Markdown object>"}},
     {"output_type": "display_data", "metadata": {},
      "data": {"text/html": "<b>h</b>", "text/plain": "<IPython.core.display.HTML object>"}}],
    [{"output_type": "execute_result", "execution_count": 4, "metadata": {}, "data": {"text/plain": "42"}}],
    [],
]


def test_outputs_are_what_a_kernel_gives_and_the_process_is_restored(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    cwd, path, argv, names = os.getcwd(), list(sys.path), list(sys.argv), set(vars(builtins))
    nb = pm.execute_notebook(str(_notebook(tmp_path, CELLS)), str(tmp_path / "out.ipynb"), kernel_name="python3",
                             engine_name=inprocess.NAME, progress_bar=False, cwd=str(work))
    assert _outputs(nb) == EXPECTED
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3, 4, 5]
    assert nb.metadata.language_info.pygments_lexer == "ipython3"
    assert (os.getcwd(), sys.path, sys.argv, set(vars(builtins))) == (cwd, path, argv, names)


def test_each_notebook_starts_with_a_fresh_namespace(tmp_path):
    pm.execute_notebook(str(_notebook(tmp_path, ["leftover = 1"])), str(tmp_path / "a.ipynb"), kernel_name="python3",
                        engine_name=inprocess.NAME, progress_bar=False)
    with pytest.raises(pm.PapermillExecutionError) as exc:
        pm.execute_notebook(str(_notebook(tmp_path, ["y = 0", "leftover", "never = 1"])), str(tmp_path / "b.ipynb"),
                            kernel_name="python3", engine_name=inprocess.NAME, progress_bar=False)
    assert (exc.value.ename, exc.value.evalue, exc.value.exec_count) == ("NameError", "name 'leftover' is not defined", 2)
    nb = nbformat.read(tmp_path / "b.ipynb", as_version=4)
    assert nb.cells[-1].outputs == [] and nb.cells[-1].execution_count is None  # execution stopped at the error


@pytest.mark.integration
def test_same_outputs_as_a_jupyter_kernel(tmp_path):
    """The reference: the same notebook run by papermill's default engine in a real kernel."""
    src = _notebook(tmp_path, CELLS)
    work = tmp_path / "work"
    work.mkdir()
    ours = pm.execute_notebook(str(src), str(tmp_path / "ours.ipynb"), kernel_name="python3",
                               engine_name=inprocess.NAME, progress_bar=False, cwd=str(work))
    kernel = pm.execute_notebook(str(src), str(tmp_path / "kernel.ipynb"), kernel_name="python3", progress_bar=False,
                                 cwd=str(work))
    assert _outputs(ours) == _outputs(kernel) == EXPECTED
    assert {k: v for k, v in ours.metadata.language_info.items() if k != "version"} == \
        {k: v for k, v in kernel.metadata.language_info.items() if k != "version"}


@pytest.mark.integration
def test_warnings_and_stderr_become_a_stderr_stream(tmp_path):
    """In a process of its own: pytest would catch the warning before the notebook saw it."""
    src = _notebook(tmp_path, ["import sys, warnings\nsys.stderr.write('e1 ')\nwarnings.warn('careful')\nprint('o')"])
    script = ("import json, sys, papermill as pm; from pipeline.presentation.briefing import inprocess; "
              f"nb = pm.execute_notebook({str(src)!r}, {str(tmp_path / 'out.ipynb')!r}, kernel_name='python3', "
              "engine_name=inprocess.NAME, progress_bar=False); print(json.dumps(nb.cells[1].outputs))")
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    outputs = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [(o["output_type"], o["name"]) for o in outputs] == [("stream", "stderr"), ("stream", "stdout")]
    assert outputs[0]["text"].startswith("e1 ") and "UserWarning: careful" in outputs[0]["text"]
    assert outputs[1]["text"] == "o\n"
