"""Report file -> text: plain text in any common encoding, .docx, or .html as saved from a government site.

Reports arrive as published, so the format comes from the bytes (and the suffix for .docx and .html),
never from the file name. Every problem is a ``ReportError`` whose message is the one line the user sees.
Line endings come out as ``\\n`` (CR-only and CRLF files alike), so offsets index the text returned here.
"""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

from pipeline.common import safeio
from pipeline.common.safeio import declared_page_text
from pipeline.sources.page_tags import BLOCK_TAGS as _BLOCK_TAGS, SKIP_TAGS as _SKIP_TAGS, VOID_TAGS as _VOID_TAGS


class ReportError(ValueError):
    """One report file cannot be used; ``str(err)`` names the file and says why, in one line."""


DOCX_SUFFIXES = (".docx",)
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
UNSUPPORTED_SUFFIXES = (".pdf", ".doc", ".wps", ".rtf", ".odt", ".zip")

def decode(raw: bytes, name: str = "report") -> str:
    """Bytes as text: a byte-order mark decides (UTF-8, UTF-16, UTF-32), else UTF-8, else GB18030 (GBK, GB2312).

    Bytes with NULs and no mark (binary, or UTF-16 without a mark) and bytes no candidate decodes into
    text are refused (``safeio.decode_text``).
    """
    try:
        return safeio.decode_text(raw)
    except safeio.Undecodable as exc:
        reason = {"bom": f"starts with a {exc.codec.upper()} byte-order mark but is not valid {exc.codec.upper()} "
                         "(truncated or binary)",
                  "nul": "not a text file (binary, or UTF-16 without a byte-order mark; save it as UTF-8)",
                  "unknown": "not readable as text in UTF-8 or GB18030 (binary, or another encoding; save it as "
                             "UTF-8)"}[exc.kind]
        raise ReportError(f"{name}: {reason}") from None


def unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- .docx

def docx_text(raw: bytes, name: str = "report") -> str:
    """Paragraphs and table rows (cells joined by a tab) in document order, one per line."""
    import docx  # python-docx; imported here so plain-text runs do not pay for lxml
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        safeio.check_zip(raw, name)  # bounded: members and unpacked size (a zip bomb)
    except safeio.FileRefused as exc:
        raise ReportError(str(exc)) from None
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises zipfile, KeyError, lxml and its own errors alike
        raise ReportError(f"{name}: not a readable .docx file ({type(exc).__name__})") from None
    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:  # a merged cell is repeated once per grid column
                    if not cells or cell.text != cells[-1]:
                        cells.append(cell.text)
                lines.append("\t".join(cells))
    return "\n".join(lines)


# --------------------------------------------------------------------------- .html

_CONTAINER_TAGS = {"div", "article", "main", "section", "td", "body", "table", "center", "font", "span"}
_CJK = re.compile(r"[\u3400-\u9fff]")
MAIN_SHARE = 0.5  # the main text: the innermost block holding at least half of the page's Chinese characters


class _PageText(HTMLParser):
    """Text pieces of a page with, for every container element, the range of pieces inside it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.stack: list[tuple[str, int]] = []  # (tag, first piece)
        self.spans: list[tuple[int, int]] = []
        self.skip = 0
        self.in_title = False
        self.title = ""
        self.h1 = ""
        self.in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if tag in _SKIP_TAGS:
            self.skip += 1
        if tag in _BLOCK_TAGS:
            self.pieces.append("\n")
        if tag == "h1" and not self.h1:
            self.in_h1 = True
        if tag not in _VOID_TAGS:
            self.stack.append((tag, len(self.pieces)))

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.pieces.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag == "h1":
            self.in_h1 = False
        if tag in _VOID_TAGS or not any(t == tag for t, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            open_tag, first = self.stack.pop()
            if open_tag in _SKIP_TAGS:
                self.skip = max(0, self.skip - 1)
            if open_tag in _CONTAINER_TAGS:
                self.spans.append((first, len(self.pieces)))
            if open_tag == tag:
                break
        if tag in _BLOCK_TAGS:
            self.pieces.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif self.skip:
            return
        else:
            if self.in_h1:
                self.h1 += data
            self.pieces.append(data)

    def close(self):
        super().close()
        while self.stack:
            open_tag, first = self.stack.pop()
            if open_tag in _CONTAINER_TAGS:
                self.spans.append((first, len(self.pieces)))


def _tidy(text: str) -> str:
    lines = (re.sub(r"[ \t\u3000\xa0]+", lambda m: m.group(0)[0], ln).strip() for ln in text.split("\n"))
    return "\n".join(ln for ln in lines if ln)


def html_text(raw: bytes, name: str = "report") -> str:
    """The main text of a saved web page: the innermost block holding most of its Chinese text.

    Menus, headers, footers and scripts are dropped; the page heading (h1, else the title) is kept as
    the first line when the main block does not contain it, since it usually names region and year.
    """
    text = declared_page_text(raw)
    if text is None:
        text = decode(raw, name)
    parser = _PageText()
    try:
        parser.feed(unify_newlines(text))
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything it still rejects is a broken file
        raise ReportError(f"{name}: not a readable HTML page ({type(exc).__name__})") from None
    pieces = parser.pieces
    counts = [0]
    for piece in pieces:
        counts.append(counts[-1] + len(_CJK.findall(piece)))
    total = counts[-1]
    best = (0, len(pieces))
    if total:
        held = [(b - a, a, b) for a, b in parser.spans if counts[b] - counts[a] >= MAIN_SHARE * total]
        if held:
            _, a, b = min(held)
            best = (a, b)
    body = _tidy("".join(pieces[best[0]:best[1]]))
    heading = _tidy(parser.h1 or parser.title).replace("\n", " ")
    if heading and heading not in body:
        body = heading + "\n" + body
    return body


# --------------------------------------------------------------------------- entry point

def read_report(path: str | Path) -> str:
    """The text of one report file, whatever its name; ``ReportError`` for anything unusable."""
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise ReportError(f"{path}: dangling symbolic link")
    if not path.exists():
        raise ReportError(f"{path}: no such file")
    if path.is_dir():
        raise ReportError(f"{path}: is a directory, not a report file")
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise ReportError(f"{path}: {suffix} is not read; save the report as .txt, .docx or .html")
    try:
        raw = safeio.read_bytes(path, "docx" if suffix in DOCX_SUFFIXES else "text")
    except safeio.FileRefused as exc:
        raise ReportError(str(exc)) from None
    if not raw.strip():
        raise ReportError(f"{path}: empty file")
    if suffix in DOCX_SUFFIXES:
        text = docx_text(raw, str(path))
    elif suffix in HTML_SUFFIXES:
        text = html_text(raw, str(path))
    else:
        text = decode(raw, str(path))
    text = unify_newlines(text)
    if not text.strip():
        raise ReportError(f"{path}: no text in the file")
    return text
