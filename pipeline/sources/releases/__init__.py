"""Reading NBS and MOF release texts as economists receive them, into rows of the raw indicator schema.

Data flow, one module each: ``decode`` (file -> text: any common encoding, .txt or .html), ``repair``
(damage of mirrored copies: traditional characters with pinyin in brackets, dropped dashes such as
``110月份``, ``??`` placeholders; full-width punctuation), ``period`` (``1—10月份``, ``1~2月份``, ``一季度``,
``上半年``, ``全年`` ..., and the year: from the text, its date line, or a sidecar), ``names`` (which
sentence subject is which tracked indicator), ``sentences`` (sentences, clauses and the figures in them:
year-on-year growth, declines, ``倍``, nominal and real, levels with their unit), ``read`` (the release as
rows, and the sentences it could not place). ``read_release(path)`` is the entry point; ``cli`` is the
``python -m pipeline read-release`` command.

Project modules are imported in two places only (``names``: the indicator registry; ``cli``: the error type of
the commands), with absolute imports, so the package can be moved as a whole.
"""
from pipeline.sources.releases.decode import ReleaseError
from pipeline.sources.releases.read import Unplaced, read_release

__all__ = ["ReleaseError", "Unplaced", "read_release"]
