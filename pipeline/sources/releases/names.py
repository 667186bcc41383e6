"""Which sentence subject is which tracked indicator, and what its series is (real or nominal, publisher).

A subject is an indicator only when the sentence names it the way the release's headline does
(``全国固定资产投资(不含农户)``, ``社会消费品零售总额``, ``the investment in fixed assets (excluding rural
households)``): ``民间固定资产投资``, ``除汽车以外的消费品零售额`` or ``中央一般公共预算收入`` are other subjects,
and their figures are never taken for the headline's. The slugs are checked against the registry here, the
package's one import of the project.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.sources import registry

# slug -> headline names (Chinese after repair to simplified, English lower-cased without "the").
HEADLINES: dict[str, tuple[str, ...]] = {
    "industrial_va": ("规模以上工业增加值", "全国规模以上工业增加值", "规模以上工业企业增加值",
                      "value added of industrial enterprises above designated size",
                      "total value added of industrial enterprises above designated size",
                      "total value added of the industrial enterprises above the designated size",
                      "value added of the industrial enterprises above the designated size",
                      "value added of industry above designated size"),
    "fai": ("固定资产投资(不含农户)", "全国固定资产投资(不含农户)",
            "investment in fixed assets (excluding rural households)",
            "fixed asset investment (excluding rural households)",
            "fixed-asset investment (excluding rural households)"),
    "retail_sales": ("社会消费品零售总额", "全国社会消费品零售总额", "total retail sales of consumer goods"),
    "gdp": ("国内生产总值", "全国国内生产总值", "国内生产总值(gdp)", "gdp", "gross domestic product",
            "gross domestic product (gdp)"),
    "fiscal_revenue": ("全国一般公共预算收入", "全国公共财政收入", "national general public budget revenue"),
    "trade": ("进出口总额", "全国进出口总额", "货物进出口总额", "全国货物进出口总额",
              "total value of imports and exports", "total imports and exports"),
}
# The series' basis: growth of GDP and industrial value added is real; of the others, nominal (current prices).
REAL = {"gdp", "industrial_va"}
LEVEL_UNITS = {"万亿元": ("cny_100m", 10000), "亿元": ("cny_100m", 1), "万元": ("cny_10k", 1),
               "trillion yuan": ("cny_100m", 10000), "billion yuan": ("cny_100m", 10)}
PUBLISHERS = {"nbs": "国家统计局 (NBS)", "mof": "财政部 (MOF)"}
MOF_SLUGS = {"fiscal_revenue"}


def fold(head: str) -> str:
    """A subject as compared: no spaces, lower case, no leading article or 'of which'."""
    text = re.sub(r"\s+", " ", head).strip().lower()
    text = re.sub(r"^(?:of which|among which|among them|specifically|in addition|meanwhile)\s*,?\s*", "", text)
    text = re.sub(r"^(?:the|a|an)\s+", "", text)
    text = re.sub(r"[(（](?:以下|下同|简称)[^)）]*[)）]", "", text)  # (以下简称全国财政收入)
    if re.search(r"[\u3400-\u9fff]", text):
        text = text.replace(" ", "")
    return text.replace("（", "(").replace("）", ")")


@lru_cache(maxsize=None)
def _by_name() -> dict[str, str]:
    known = registry.indicators()
    missing = sorted(set(HEADLINES) - set(known))
    if missing:
        raise KeyError(f"pipeline/sources/releases/names.py names indicators the registry does not know: {missing}")
    return {fold(name): slug for slug, names in HEADLINES.items() for name in names}


def indicator_for(head: str) -> str | None:
    """The tracked indicator a subject names exactly, else None (another subject)."""
    return _by_name().get(fold(head))


def tracked_names() -> list[str]:
    return [names[0] for names in HEADLINES.values()]
