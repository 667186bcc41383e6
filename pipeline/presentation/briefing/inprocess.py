"""A papermill engine that runs a notebook's cells in this process instead of in a Jupyter kernel.

Why: a briefing's budget is 10 s, and a kernel costs about 1.5 s of it on its own: starting the kernel, and
importing IPython, pandas, matplotlib's friends and the pipeline a second time (the command has them
already). The cells run in an IPython shell as a kernel runs them, so the notebook gets the same outputs:
display() gives the same mime bundles (IPython's display formatter), a last expression gives an
execute_result, printed text a stream, an exception an error output that papermill turns into
PapermillExecutionError as before. Each notebook gets a fresh namespace; the working folder, sys.path,
sys.argv and the builtins are restored afterwards.

The code the cells import is this process's ``pipeline`` (the checkout the command runs from), which is
the checkout the notebook's ``checkout`` parameter names.
"""
from __future__ import annotations

import builtins
import io
import os
import sys
from contextlib import contextmanager

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat import v4
from papermill.engines import Engine, papermill_engines
from traitlets import Type

NAME = "pipeline-inprocess"
# What ipykernel reports for Python (papermill writes it into the notebook; the version is stripped later).
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3", "version": ".".join(map(str, sys.version_info[:3]))}


class _Outputs:
    """The outputs of the cell being run, in the order they were produced."""

    cell: list | None = None
    execution_count: int | None = None

    @classmethod
    def add(cls, output) -> None:
        if cls.cell is not None:
            cls.cell.append(output)

    @classmethod
    def stream(cls, name: str, text: str) -> None:
        """Consecutive writes to one stream become one output, as nbclient merges them."""
        if cls.cell is None or not text:
            return
        if cls.cell and cls.cell[-1].output_type == "stream" and cls.cell[-1].name == name:
            cls.cell[-1].text += text
        else:
            cls.cell.append(v4.new_output("stream", name=name, text=text))


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr while a notebook runs: what is written becomes the cell's stream output."""

    encoding = "utf-8"

    def __init__(self, name: str):
        super().__init__()
        self.stream_name = name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        _Outputs.stream(self.stream_name, text)
        return len(text)


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs) -> None:
        _Outputs.add(v4.new_output("display_data", data=data, metadata=metadata or {}))

    def clear_output(self, wait=False) -> None:
        if _Outputs.cell is not None:
            _Outputs.cell.clear()


class _DisplayHook(DisplayHook):
    """A cell's last expression becomes an execute_result (no 'Out[n]:' prompt printed)."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        _Outputs.add(v4.new_output("execute_result", data=format_dict, metadata=md_dict or {},
                                   execution_count=_Outputs.execution_count))

    def finish_displayhook(self) -> None:
        pass


class _Shell(InteractiveShell):
    """IPython's shell with outputs collected into the notebook, history off, tracebacks as error outputs."""

    display_pub_class = Type(_Publisher)
    displayhook_class = Type(_DisplayHook)

    def _showtraceback(self, etype, evalue, stb) -> None:
        _Outputs.add(v4.new_output("error", ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue),
                                   traceback=list(stb)))

    def enable_gui(self, gui=None):  # no event loop in a batch run
        pass


def _shell() -> _Shell:
    if not _Shell.initialized():
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False  # no sqlite file in the home folder
        config.InteractiveShell.colors = "nocolor"
        return _Shell.instance(config=config)
    return _Shell.instance()


@contextmanager
def _restored_process_state():
    cwd, path, argv, main = os.getcwd(), list(sys.path), list(sys.argv), sys.modules.get("__main__")
    stdout, stderr, names = sys.stdout, sys.stderr, set(vars(builtins))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        for name in set(vars(builtins)) - names:  # the shell adds __IPYTHON__ and display
            delattr(builtins, name)
        if main is not None:
            sys.modules["__main__"] = main  # the shell put its namespace module there
        os.chdir(cwd)
        sys.path[:], sys.argv[:] = path, argv


class InProcessEngine(Engine):
    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        os.environ.setdefault("MPLBACKEND", "Agg")  # charts are saved to PNG; never a window
        nb = nb_man.nb
        with _restored_process_state():
            shell = _shell()
            shell.reset(new_session=False)
            shell.execution_count = 1
            sys.stdout, sys.stderr = _Stream("stdout"), _Stream("stderr")
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                nb_man.cell_start(cell, index)
                cell.outputs, cell.execution_count = [], shell.execution_count
                _Outputs.cell, _Outputs.execution_count = cell.outputs, cell.execution_count
                try:
                    result = shell.run_cell(cell.source, store_history=True)
                finally:
                    _Outputs.cell = None
                failed = not result.success
                if failed:
                    nb_man.cell_exception(cell, cell_index=index)
                nb_man.cell_complete(cell, cell_index=index)
                if failed:
                    break
            shell.reset(new_session=False)  # the notebook's objects are not kept alive
        nb.metadata["language_info"] = dict(LANGUAGE_INFO)
        return nb


papermill_engines.register(NAME, InProcessEngine)
