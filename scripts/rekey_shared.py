"""Re-key the reference material in ../shared/data into the project's raw schema (run by hand, once).

Not a pipeline stage: it documents how each file in data/raw/ was made from the compiled copies,
so a reviewer can trace every row to its original publisher. The pipeline never runs it and never
writes to data/raw/.

    .venv/bin/python scripts/rekey_shared.py [--shared ../shared/data]
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

from pipeline import registry
from pipeline.paths import RAW_INDICATORS, RAW_TARGETS
from pipeline.schema import RAW_INDICATOR_COLUMNS, RAW_TARGET_COLUMNS

COMPILED = {
    "NBS export via Pajat66": "compiled copy: NBS data-portal export in GitHub Pajat66/rmb-oil-price-transmission-china",
    "Choice via MinjieNote": "compiled copy: EastMoney Choice export in GitHub MinjieNote/MinjieNote.github.io ChinaEconomyData/",
    "akshare/NBS via huizhaohuang": "compiled copy: akshare pull in GitHub huizhaohuang/china-econ-data-penetrate data/",
    "MOF via akshare via huizhaohuang": "compiled copy: akshare pull in GitHub huizhaohuang/china-econ-data-penetrate data/",
}
MONTHLY = {  # column -> (indicator, publisher and release)
    "iva_ytd_yoy": ("industrial_va", "NBS monthly release, 规模以上工业增加值 累计增长"),
    "retail_ytd_yoy": ("retail_sales", "NBS monthly release, 社会消费品零售总额 累计增长"),
    "fai_ytd_yoy": ("fai", "NBS monthly release, 固定资产投资(不含农户) 累计增长"),
    "fiscal_rev_ytd_yoy": ("fiscal_revenue", "Ministry of Finance monthly fiscal release, 全国一般公共预算收入 累计增长"),
}
SRC_COLUMN = {"iva_ytd_yoy": "iva_src", "retail_ytd_yoy": "retail_src", "fai_ytd_yoy": "fai_src",
              "fiscal_rev_ytd_yoy": "fiscal_src"}
LOCAL_INDICATORS = {
    "地区生产总值": "gdp", "地区生产总值(不变价,累计)": "gdp",
    "规模以上工业增加值": "industrial_va", "规模工业增加值": "industrial_va",
    "固定资产投资": "fai", "社会消费品零售总额": "retail_sales",
    "地方一般公共预算收入": "fiscal_revenue", "公共财政预算收入": "fiscal_revenue",
    "一般公共预算收入": "fiscal_revenue_unclear", "一般公共预算收入(口径未明)": "fiscal_revenue_unclear",
    "财政收入": "fiscal_revenue_unclear", "一般公共预算收入(全口径,含上划中央)": "fiscal_revenue_all",
    "居民人均可支配收入": "income", "全体居民人均可支配收入": "income", "进出口总额": "trade",
}
QUALIFIER_CODES = {"": "exact", "以上": "at_least", "左右": "about"}


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows")


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def national_monthly(shared: Path) -> list[dict]:
    rows = []
    for r in _read(shared / "national_monthly_ytd_growth_1994_2023.csv"):
        for col, (ind, release) in MONTHLY.items():
            if r[col] == "":
                continue
            rows.append(dict(region="china", indicator=ind, period=r["period"], measure="ytd_growth_pct",
                             value=r[col], unit="pct", vintage="first",
                             source=f"{release}; {COMPILED[r[SRC_COLUMN[col]]]}",
                             note="as published in the monthly release"))
    return sorted(rows, key=lambda d: (d["indicator"], d["period"]))


def national_gdp(shared: Path) -> list[dict]:
    choice = "NBS quarterly GDP release (first release); " + COMPILED["Choice via MinjieNote"]
    latest = ("NBS data portal, quarterly GDP indices (revised); compiled copy: English NBS export in GitHub "
              "tsvetoslavtsachev/china-macro-dashboard data/manual/")
    spec = [("gdp_q_yoy_choice", "period_growth_pct", "first", choice),
            ("gdp_cum_yoy_choice", "ytd_growth_pct", "first", choice),
            ("gdp_q_yoy_nbs_latest", "period_growth_pct", "latest", latest),
            ("gdp_cum_yoy_nbs_latest", "ytd_growth_pct", "latest", latest)]
    rows = []
    for r in _read(shared / "national_quarterly_gdp_growth_1992_2023.csv"):
        for col, measure, vintage, source in spec:
            if r[col] != "":
                rows.append(dict(region="china", indicator="gdp", period=r["quarter_end_month"], measure=measure,
                                 value=r[col], unit="pct", vintage=vintage, source=source,
                                 note="real growth, comparable prices"))
    return sorted(rows, key=lambda d: (d["vintage"], d["measure"], d["period"]))


def _region(name_zh: str) -> tuple[str, str]:
    if name_zh == "湘江新区(直属区)":
        return "xiangjiang", "scope: 直属区 (directly administered area of the new area); "
    slug = registry.region_by_name(name_zh)
    if slug is None:
        raise SystemExit(f"no region slug for {name_zh!r}")
    return slug, ""


def _period(raw: str) -> str:
    """'2024-01..09' -> '2024-09'; '2016' (a full year) -> '2016-12'."""
    if ".." in raw:
        return raw[:5] + raw.split("..")[1]
    return f"{raw}-12" if len(raw) == 4 else raw


def local_points(shared: Path) -> tuple[list[dict], list[dict]]:
    """Observations and targets from local_points_hunan_changsha_xiangjiang.csv."""
    obs, targets, last_source = [], [], ""
    for r in _read(shared / "local_points_hunan_changsha_xiangjiang.csv"):
        src = r["source"]
        if src in {"same as above", "same report", "same article"}:
            src = last_source
        last_source = src
        region, scope = _region(r["region"])
        ind = LOCAL_INDICATORS[r["indicator"]]
        name = registry.region(region).name_zh
        if r["kind"] == "target":
            targets.append(dict(region=region, year=r["period"], indicator=ind, target_pct=r["value_pct"],
                                target_high_pct="", qualifier=QUALIFIER_CODES[r["qualifier"]], relative_to="",
                                source=f"{name} {r['period']}年政府工作报告, as reprinted: {src}",
                                text=f"{r['indicator']}增长{r['value_pct']}%{r['qualifier']}"))
            continue
        kind = "full-year outcome" if r["kind"] == "outcome" else "year-to-date"
        estimate = "预计 (estimate stated in the next year's work report); " if r["qualifier"] == "预计" else ""
        obs.append(dict(region=region, indicator=ind, period=_period(r["period"]), measure="ytd_growth_pct",
                        value=r["value_pct"], unit="pct", vintage="first",
                        source=f"{name} government or statistics bureau, {kind} figure as reprinted: {src}",
                        note=f"{scope}{estimate}as printed: {r['indicator']}; {r['note']}".rstrip("; ")))
    return obs, targets


def local_points_2011_2024(shared: Path) -> list[dict]:
    rows = []
    for r in _read(shared / "local_points_hunan_changsha_2011_2024.csv"):
        region, scope = _region(r["region_zh"])
        name = registry.region(region).name_zh
        rows.append(dict(region=region, indicator=LOCAL_INDICATORS[r["indicator"]], period=r["period"],
                         measure="ytd_growth_pct", value=r["value_pct"], unit="pct", vintage="first",
                         source=f"{name} statistics bureau or government, as reported by: {r['source']}",
                         note=f"{scope}as printed: {r['indicator']}; quoted: {r['quoted_excerpt']}"
                              + (f"; {r['note']}" if r["note"] else "")))
    return rows


SEED_SOURCE = "湖南湘江新区管理委员会, 2024年工作报告, 主要预期目标 (data/raw/reports/xiangjiang_2024.txt)"
SEED_TARGETS = [  # region, year, indicator, target_pct, qualifier, relative_to, wording as printed
    ("gdp", "7", "at_least", "", "地区生产总值增长7%以上"),
    ("fiscal_revenue", "6.5", "exact", "", "地方一般公共预算收入增长6.5%"),
    ("industrial_va", "8", "exact", "", "规模工业增加值增长8%"),
    ("fai", "6", "exact", "", "固定资产投资增长6%"),
    ("retail_sales", "7", "exact", "", "社会消费品零售总额增长7%"),
    ("income", "", "above", "gdp", "居民收入增长高于经济增速"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    shared = ap.parse_args().shared
    _write(RAW_INDICATORS / "china_monthly_ytd_growth.csv", RAW_INDICATOR_COLUMNS, national_monthly(shared))
    _write(RAW_INDICATORS / "china_quarterly_gdp_growth.csv", RAW_INDICATOR_COLUMNS, national_gdp(shared))
    obs, targets = local_points(shared)
    _write(RAW_INDICATORS / "local_hunan_changsha_xiangjiang_points.csv", RAW_INDICATOR_COLUMNS, obs)
    _write(RAW_INDICATORS / "local_hunan_changsha_2011_2024_points.csv", RAW_INDICATOR_COLUMNS,
           local_points_2011_2024(shared))
    seed = [dict(region="xiangjiang", year="2024", indicator=i, target_pct=t, target_high_pct="", qualifier=q,
                 relative_to=rel, source=SEED_SOURCE, text=text) for i, t, q, rel, text in SEED_TARGETS]
    _write(RAW_TARGETS, RAW_TARGET_COLUMNS, seed + targets)


if __name__ == "__main__":
    main()
