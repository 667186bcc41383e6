"""Which region and year a report is for: from its text, or from a ``FILE.meta.yaml`` sidecar that overrides it.

Reports are saved under any name, so the name says nothing. The text does, in several places that
copies keep or lose independently (a scrape may replace 政府 by an unrelated token): the title
(2025年河南省政府工作报告), the delegate line (我代表北京市人民政府, 我代表国务院), the date line
(——2025年1月18日在河南省第十四届人民代表大会第三次会议上) and the year whose targets are set.
Chinese names resolve through ``pipeline.sources.registry.region_by_name``. A text that contradicts itself (a title
naming one region and a delegate or date line another, or a text naming another region more often than its
own) is refused unless the sidecar gives the region: it is never filed under either silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import safeio, yamlio
from pipeline.sources import registry
from pipeline.sources.reports.quantities import normalize, visible
from pipeline.sources.reports.read import ReportError

HEAD_CHARS = 1500  # title, delegate and date lines sit at the top of a report
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_MAX_BYTES = safeio.LIMITS["sidecar"]
SIDECAR_KEYS = ("region", "year", "source")

_NAME = r"([^\s,。:;、“”()《》]{2,20}?)"
_TITLE_RE = re.compile(r"((?:19|20)\d\d)\s*年\s*" + _NAME + r"\s*工作报告")
_DELEGATE_RE = re.compile(r"我代表" + _NAME + r"人民")
_CONGRESS_RE = re.compile(r"在" + _NAME + r"第[一二三四五六七八九十]+届人民代表大会")
_NATIONAL_RE = re.compile(r"我代表国务院|第[一二三四五六七八九十]+届全国人民代表大会")
_DATE_LINE_RE = re.compile(r"((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*在")
_TARGET_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年[^。\n]{0,12}?主要预期目标(?:建议|拟)?(?:是|为|:)")
_PLAN_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年[^。\n]{0,12}?工作(?:的)?(?:总体要求|总的要求|安排|目标任务|重点任务)")
_REVIEW_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年\s*工作回顾")


def _resolve(name: str) -> str | None:
    """Slug of the longest leading part of ``name`` that names a region (河南省政府 -> henan)."""
    for end in range(len(name), 1, -1):
        slug = registry.region_by_name(name[:end])
        if slug:
            return slug
    return None


def region_from_text(norm: str) -> str | None:
    """Region slug from the title, the delegate line or the congress named in the date line, else None."""
    head = norm[:HEAD_CHARS]
    for pattern in (_TITLE_RE, _DELEGATE_RE, _CONGRESS_RE):
        for m in pattern.finditer(head):
            slug = _resolve(m.group(m.lastindex))
            if slug:
                return slug
    if _NATIONAL_RE.search(head):
        return "china"
    return None


_HEAD_PLACES = (("title", _TITLE_RE), ("delegate line", _DELEGATE_RE), ("date line", _CONGRESS_RE))
_REGION_LEVELS = ("province", "prefecture", "district", "national_new_area")
MENTIONS_MIN = 2  # a region named at least this often, and more often than the head's, contradicts the head


def _names(slug: str) -> set[str]:
    r = registry.region(slug)
    return {n for n in (r.name_zh, registry._short_name(r.name_zh), r.name_zh.removeprefix("湖南")) if len(n) >= 2}


def _family(slug: str) -> set[str]:
    """The region, its ancestors and its descendants: a report names them all without contradiction."""
    out = {slug, *registry.ancestors(slug)}
    out |= {r.slug for r in registry.regions().values() if slug in registry.ancestors(r.slug)}
    return out


def _label(slug: str) -> str:
    return f"{registry.region(slug).name_zh} ({slug})"


def _mentions(norm: str, slug: str) -> int:
    """How often the text names the region (its most frequent spelling: 湖南省 or 湖南)."""
    return max((norm.count(n) for n in _names(slug)), default=0)


def region_conflict(norm: str) -> str | None:
    """How the text contradicts itself about its region, or None.

    The title, the delegate line and the date line must agree; and no other region may be named in the text
    at least ``MENTIONS_MIN`` times and more often than the one they give (a report under another region's title).
    """
    head = norm[:HEAD_CHARS]
    found: list[tuple[str, str, str]] = []  # (where, as written, slug)
    for where, pattern in _HEAD_PLACES:
        for m in pattern.finditer(head):
            slug = _resolve(m.group(m.lastindex))
            if slug:
                found.append((where, m.group(0).strip(), slug))
    if _NATIONAL_RE.search(head):
        found.append(("delegate line", _NATIONAL_RE.search(head).group(0), "china"))
    if not found:
        return None
    where, written, slug = found[0]
    for other_where, other_written, other in found[1:]:
        if other != slug:
            return (f"the {where} «{written}» names {_label(slug)} but the {other_where} «{other_written}» "
                    f"names {_label(other)}")
    if slug == "china":
        return None
    family = _family(slug)
    own = sum(_mentions(norm, s) for s in family)
    counts = {r.slug: _mentions(norm, r.slug) for r in registry.regions().values()
              if r.name_zh and r.level in _REGION_LEVELS and r.slug not in family}
    other, times = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=(None, 0))
    if other and times >= MENTIONS_MIN and times > own:
        return (f"the {where} «{written}» names {_label(slug)} but the text names {_label(other)} {times} times, "
                f"{registry.region(slug).name_zh} {own}")
    return None


def check_region(path: Path, norm: str) -> None:
    """``ReportError`` naming ``path`` when its text names two different regions (a sidecar or --region settles it)."""
    conflict = region_conflict(norm)
    if conflict:
        raise ReportError(f"{path}: {conflict}; add {sidecar_path(path).name} with region: to say which")


def year_from_text(norm: str) -> int | None:
    """The year the targets are for: the title's, the date line's, else the year planned, else reviewed + 1."""
    head = norm[:HEAD_CHARS]
    for pattern, text in ((_TITLE_RE, head), (_DATE_LINE_RE, head), (_PLAN_YEAR_RE, norm), (_TARGET_YEAR_RE, norm)):
        m = pattern.search(text)
        if m:
            return int(m.group(1))
    m = _REVIEW_YEAR_RE.search(norm)
    return int(m.group(1)) + 1 if m else None


# --------------------------------------------------------------------------- sidecar

def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict:
    """``region`` (slug or Chinese name), ``year`` and ``source`` from a report's sidecar; {} when there is none."""
    side = sidecar_path(path)
    if not side.exists() and not side.is_symlink():
        return {}
    if side.is_dir():
        raise ReportError(f"{side}: is a directory, not a sidecar file")
    try:
        raw = safeio.read_bytes(side, "sidecar")
    except safeio.FileRefused as exc:
        raise ReportError(str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportError(f"{side}: not UTF-8") from None
    try:
        data = yamlio.load(text, str(side))  # no tags, anchors, aliases (an alias bomb) or deep nesting
    except safeio.FileRefused as exc:
        raise ReportError(str(exc)) from None
    if data is None:
        raise ReportError(f"{side}: empty sidecar; give region, year and/or source")
    if not isinstance(data, dict):
        raise ReportError(f"{side}: must be a mapping of region, year, source")
    unknown = [str(k) for k in data if k not in SIDECAR_KEYS]
    if unknown:
        raise ReportError(f"{side}: unknown key {unknown[0]!r}; allowed: {', '.join(SIDECAR_KEYS)}")
    out = {}
    if data.get("region") is not None:
        name = str(data["region"]).strip()
        slug = name if name in registry.regions() else registry.region_by_name(name)
        if slug is None:
            raise ReportError(f"{side}: region {name!r} is not a known slug or Chinese name")
        out["region"] = slug
    if data.get("year") is not None:
        year = data["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2100:
            raise ReportError(f"{side}: year {year!r} is not a year such as 2025")
        out["year"] = year
    if data.get("source") is not None:
        out["source"] = str(data["source"]).strip()
    return out


# --------------------------------------------------------------------------- both

@dataclass(frozen=True)
class Identity:
    region: str
    year: int
    source: str  # the sidecar's, else empty


def identify(path: Path, text: str) -> Identity:
    """Region and year of the report at ``path``: the sidecar's, else the text's; ``ReportError`` naming what is missing."""
    meta = read_sidecar(path)
    norm = normalize(visible(text)[0])
    if not meta.get("region"):
        check_region(path, norm)
    region = meta.get("region") or region_from_text(norm)
    year = meta.get("year") or year_from_text(norm)
    missing = [what for what, value in (("region", region), ("year", year)) if not value]
    if missing:
        raise ReportError(
            f"{path}: cannot tell the {' and '.join(missing)} from the text (no title such as "
            f"2025年河南省政府工作报告, 我代表X人民政府 or dated ——2025年1月18日在... line); "
            f"add {sidecar_path(path).name} with {', '.join(f'{m}:' for m in missing)}"
        )
    return Identity(region, year, meta.get("source", ""))
