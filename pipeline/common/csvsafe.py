"""Text cells of the CSVs the tool writes for people are neutralised: a cell that begins with ``=``, ``+``, ``-`` or
``@`` would be a formula in a spreadsheet (``=HYPERLINK(...)`` from a source or a note in data/raw), so it is
written with a leading ``'``. Numbers are not text: -2.6 stays -2.6, in a numeric column or as a plainly written
number in a text column (a release's value cell).
"""
from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


def neutralise_cell(value):
    """``'`` before a text cell a spreadsheet would read as a formula; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralise(frame):
    """A copy of a pandas DataFrame with every text cell neutralised (numeric columns untouched)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            col = out[column]
            if col.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).any():
                out[column] = col.map(neutralise_cell)
    return out


def neutralise_rows(rows):
    """Dict rows (csv.DictWriter) with every text cell neutralised."""
    return [{k: neutralise_cell(v) for k, v in row.items()} for row in rows]
