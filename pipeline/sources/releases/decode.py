"""Release file -> text: plain text in UTF-8 (BOM or not), GB18030/GBK, UTF-16/32 with a BOM; or a saved
.html page (scripts, styles and menus dropped, block elements one per line). Line endings become ``\\n``.

Every problem is a ``ReleaseError``: one line naming the file and saying why (missing, a directory, empty,
binary, an unknown encoding).
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from pipeline.common import safeio, yamlio
from pipeline.common.safeio import declared_page_text
from pipeline.sources.page_tags import BLOCK_TAGS, SKIP_TAGS

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text", "")


class ReleaseError(ValueError):
    """A release file that cannot be read at all; ``str()`` is the one line to print (``PATH: reason``)."""

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


def decode(raw: bytes, path: str | Path = "release") -> str:
    """Bytes as text (``safeio.decode_text``; U+FFFD counts as damage in a release); binary is refused."""
    try:
        return safeio.decode_text(raw, replacement_is_damage=True)
    except safeio.Undecodable as exc:
        reason = {"bom": f"starts with a {exc.codec.upper()} byte-order mark but is not valid {exc.codec.upper()} "
                         "(cut off, or binary)",
                  "nul": "not a text file (binary, or UTF-16 without a byte-order mark); save the release as text "
                         "(.txt) or as the web page (.html)",
                  "unknown": "not readable as text in UTF-8 or GB18030 (binary, or another encoding); save it as "
                             "UTF-8"}[exc.kind]
        raise ReleaseError(path, reason) from None


_SKIP = SKIP_TAGS
_BLOCK = BLOCK_TAGS | {"td", "th"}  # a release's table cells each on a line of their own (the figures are read by line)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.title = ""
        self.skip = 0
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        self.in_title = self.in_title or tag == "title"
        if tag in _SKIP:  # no skipped tag is void (page_tags), so each is closed again
            self.skip += 1
        if tag in _BLOCK:
            self.pieces.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.pieces.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        if tag in _BLOCK:
            self.pieces.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.skip:
            self.pieces.append(data)


def html_text(raw: bytes, path: str | Path = "release") -> str:
    """The text of a saved page, one block element per line; the page title first (it names the release)."""
    text = declared_page_text(raw)
    if text is None:
        text = decode(raw, path)
    page = _Page()
    try:
        page.feed(text.replace("\r\n", "\n").replace("\r", "\n"))
        page.close()
    except Exception as exc:  # html.parser is lenient; anything it still rejects is a broken file
        raise ReleaseError(path, f"not a readable HTML page ({type(exc).__name__})") from None
    lines = [ln.strip() for ln in "".join(page.pieces).split("\n")]
    title = " ".join(page.title.split())
    body = "\n".join(ln for ln in lines if ln)
    return (title + "\n" + body) if title and title not in body else body


def read_text(path: str | Path) -> str:
    """The text of one release file; ``ReleaseError`` for anything unusable."""
    p = Path(path)
    if p.is_symlink() and not p.exists():
        raise ReleaseError(path, "dangling symbolic link")
    if not p.exists():
        raise ReleaseError(path, "no such file")
    raw = _guarded_bytes(p, "text", "release file")
    if not raw.strip():
        raise ReleaseError(path, "empty file: expected the text of a release")
    text = html_text(raw, path) if p.suffix.lower() in HTML_SUFFIXES else decode(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReleaseError(path, "no text in the file")
    return text


def _guarded_bytes(path: Path, kind: str, what: str) -> bytes:
    """The file's bytes through the guarded reader (``kind`` its size limit); ReleaseError naming it otherwise."""
    if path.is_dir():
        raise ReleaseError(path, f"is a directory, not a {what}")
    try:
        return safeio.read_bytes(path, kind)
    except safeio.FileRefused as exc:
        raise ReleaseError(path, exc.reason) from None


SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_KEYS = ("year", "source")
SIDECAR_MAX_BYTES = safeio.LIMITS["sidecar"]


def read_sidecar(path: str | Path) -> dict:
    """``year`` and ``source`` from ``FILE.meta.yaml`` beside a release ({} when there is none).

    For a text that names no year (a news copy without its date line): ``year: 2021``; ``source:`` is cited
    after the release's own title (the page it was read from). Anchors and aliases are refused.
    """
    side = Path(str(path) + SIDECAR_SUFFIX)
    if not side.exists() and not side.is_symlink():
        return {}
    raw = _guarded_bytes(side, "sidecar", "sidecar file")
    try:
        text = raw.decode("utf-8-sig")
        data = yamlio.load(text, str(side))  # no tags, anchors, aliases or deep nesting
    except UnicodeDecodeError:
        raise ReleaseError(side, "not UTF-8") from None
    except safeio.FileRefused as exc:
        raise ReleaseError(f"{side}:{exc.line}" if exc.line else side, exc.reason) from None
    if not isinstance(data, dict):
        raise ReleaseError(side, "must be a mapping of year and/or source")
    unknown = [str(k) for k in data if k not in SIDECAR_KEYS]
    if unknown:
        raise ReleaseError(side, f"unknown key {unknown[0]!r}; allowed: {', '.join(SIDECAR_KEYS)}")
    out = {}
    if data.get("year") is not None:
        year = data["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2100:
            raise ReleaseError(side, f"year {year!r} is not a year such as 2021")
        out["year"] = year
    if data.get("source") is not None:
        out["source"] = " ".join(str(data["source"]).split())
    return out
