"""The one guarded way the tool reads a file it was given (data/raw, sidecars, params.yaml, command-line files).

``read_bytes(path, kind)`` refuses, with a ``FileRefused`` whose ``reason`` is one line naming no other file's
contents: a symbolic link (or a path through a linked folder) that resolves outside the repository, a dangling
link, a FIFO, a device or socket, a directory, and a file larger than its kind may be (``LIMITS``, below). The file
is opened without blocking (a FIFO swapped in after the check cannot hang the read) and read only up to its limit.
``check_zip(data, name)`` bounds what a zip archive (a .docx report) may expand to.

The limits, in one place:

=========  ==========================================================================
kind       largest file
=========  ==========================================================================
text       50 MB: a raw CSV, a portal export, a release or report text, an .html page
docx       50 MB: a .docx report (and at most ``ZIP_MAX_TOTAL`` bytes, ``ZIP_MAX_MEMBERS`` members unpacked)
sidecar    64 KB: a ``*.meta.yaml`` sidecar (it holds a few keys)
params     1 MB: params.yaml
yaml       1 MB: any other YAML the tool reads (the i18n catalogues)
=========  ==========================================================================
"""
from __future__ import annotations

import codecs
import io
import os
import re
import stat
import zipfile
from pathlib import Path

from pipeline.common.errors import InputError
from pipeline.common.paths import ROOT

MB = 1024 * 1024
LIMITS = {"text": 50 * MB, "docx": 50 * MB, "sidecar": 64 * 1024, "params": 1 * MB, "yaml": 1 * MB}
ZIP_MAX_TOTAL = 200 * MB  # what the members of a .docx may add up to, unpacked
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_RATIO = 200  # a member unpacking to more than 200 times its packed size is a zip bomb


class FileRefused(InputError):
    """A file the tool will not read; ``str()`` is ``PATH: reason``, ``reason`` the part after the path."""

    def __init__(self, path, reason: str, line: int | None = None):
        self.path, self.reason, self.line = str(path), reason, line
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}", code=1)


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n // 1024} KB"


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _kind_of(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def problem(path: Path | str, kind: str = "text") -> str | None:
    """Why ``path`` may not be read as a file of ``kind`` (without opening it), else None."""
    p = os.fspath(path)
    if os.path.islink(p) and not os.path.exists(p):
        return "dangling symbolic link (its target does not exist)"
    real, root = os.path.realpath(p), os.path.realpath(ROOT)
    linked = os.path.islink(p) or _inside(os.path.abspath(p), str(ROOT)) or _inside(os.path.abspath(p), root)
    if linked and real != os.path.abspath(p) and not _inside(real, root):
        return "is a symbolic link to a file outside the repository; copy the file in instead"
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    why = _kind_of(st.st_mode)
    if why:
        return why
    if st.st_size > LIMITS[kind]:
        return f"is {_size(st.st_size)}, more than the {_size(LIMITS[kind])} a {kind} file may be (pipeline/common/safeio.py)"
    return None


def read_bytes(path: Path | str, kind: str = "text") -> bytes:
    """The bytes of a regular file of ``kind`` within its limit; ``FileRefused`` otherwise (see the module)."""
    why = problem(path, kind)
    if why:
        raise FileRefused(path, why)
    limit = LIMITS[kind]
    try:
        fd = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise FileRefused(path, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        why = _kind_of(os.fstat(fd).st_mode)  # the file may have been swapped since the check
        if why:
            raise FileRefused(path, why)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise FileRefused(path, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(path, f"is more than the {_size(limit)} a {kind} file may be (pipeline/common/safeio.py)")
    return data


def read_text(path: Path | str, kind: str = "text") -> str:
    """UTF-8 text (a BOM allowed) through ``read_bytes``; ``FileRefused`` naming the line of a bad byte."""
    data = read_bytes(path, kind)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(path, "not valid UTF-8", line=data[:exc.start].count(b"\n") + 1) from None


def check_zip(data: bytes, name: str) -> None:
    """Refuse an archive with more than ZIP_MAX_MEMBERS members, more than ZIP_MAX_TOTAL bytes unpacked, or a
    member that unpacks to more than ZIP_MAX_RATIO times its packed size. Not a zip at all is left to the caller."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    if len(infos) > ZIP_MAX_MEMBERS:
        raise FileRefused(name, f"archive has {len(infos)} members, more than the {ZIP_MAX_MEMBERS} a .docx may have")
    total = sum(i.file_size for i in infos)
    if total > ZIP_MAX_TOTAL:
        raise FileRefused(name, f"archive unpacks to {_size(total)}, more than the {_size(ZIP_MAX_TOTAL)} a .docx "
                          "may (pipeline/common/safeio.py)")
    for i in infos:
        if i.file_size > MB and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1):
            raise FileRefused(name, f"archive member {i.filename[:80]!r} unpacks to {_size(i.file_size)} from "
                              f"{_size(max(i.compress_size, 1024))}: refused as a zip bomb")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.I)
_GB_NAMES = ("gb2312", "gbk", "gb_2312-80", "x-gbk")  # read as GB18030, the superset pages mislabel as these


def declared_page_text(raw: bytes) -> str | None:
    """A saved page decoded with the charset its <meta> declares (none when it has a BOM, declares nothing, or the
    declaration does not decode it): the caller then falls back to its own decoding."""
    m = _META_CHARSET.search(raw[:4096])
    if not m or raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                                codecs.BOM_UTF32_BE)):
        return None
    charset = m.group(1).decode("ascii").lower()
    try:
        return raw.decode("gb18030" if charset in _GB_NAMES else charset)
    except (LookupError, UnicodeDecodeError):
        return None


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # longest first: UTF-32 LE starts as UTF-16 LE
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ue000-\uf8ff]")  # control and private-use characters


class Undecodable(ValueError):
    """Bytes that are not text: ``kind`` is ``bom`` (a mark the bytes do not follow; ``codec`` names it), ``nul``
    (NUL bytes without a mark: binary, or UTF-16 without a mark) or ``unknown`` (neither UTF-8 nor GB18030)."""

    def __init__(self, kind: str, codec: str = ""):
        super().__init__(kind)
        self.kind, self.codec = kind, codec


def decode_text(raw: bytes, *, replacement_is_damage: bool = False) -> str:
    """Bytes as text: a byte-order mark decides, else UTF-8, else GB18030 (GBK, GB2312). A decoding with more than
    a few control or private-use characters (``replacement_is_damage``: U+FFFD too) is what a wrong guess of
    GB18030 on binary bytes gives, and is refused. Callers word the refusal (``Undecodable``) for their files."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                raise Undecodable("bom", codec) from None
    if b"\x00" in raw:
        raise Undecodable("nul")
    for codec in ("utf-8", "gb18030"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        bad = len(_CONTROL.findall(text)) + (text.count("\ufffd") if replacement_is_damage else 0)
        if bad <= max(2, len(text) // 1000):
            return text
    raise Undecodable("unknown")
