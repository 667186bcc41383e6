"""Re-key the reference material in ../shared/data into the project's raw schema (run by hand, once).

Not a pipeline stage: it documents how each file in data/raw/ was made from the compiled copies,
so a reviewer can trace every row to its original publisher. The pipeline never runs it and never
writes to data/raw/.

    .venv/bin/python scripts/rekey_shared.py [--shared ../shared/data]
"""
from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

from pipeline.sources import qualifiers, registry
from pipeline.common.paths import RAW_INDICATORS, RAW_TARGETS, RAW_TARGETS_DIR, REGISTRIES
from pipeline.sources.schema import RAW_INDICATOR_COLUMNS, RAW_TARGET_COLUMNS

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


PROVINCE_LEVEL_INDICATOR = {"gdp": "gdp", "retail_sales": "retail_sales", "fiscal_revenue": "fiscal_revenue",
                            "fai": "fai_total"}


def province_annual(shared: Path) -> list[dict]:
    """Yearbook panel: growth as ytd_growth_pct at YYYY-12, levels as ytd_level; the newest GDP level revision wins."""
    rows, levels = [], {}
    for r in _read(shared / "yearbook" / "province_annual_2000_2024.csv"):
        region, _ = _region(r["region_zh"])
        period = f"{r['year']}-12"
        ind = PROVINCE_LEVEL_INDICATOR[r["indicator"]]
        source = f"{r['publisher']}; compiled copy: {r['compiled_copy'].split('@', 1)[1].split(':', 1)[0]}"
        if r["growth_pct"]:
            note = "real growth (index, previous year = 100, minus 100)" if r["vintage"] == "latest" else (
                "as stated in the 2025 work report: " + r["compiled_copy"].split("zip ", 1)[-1])
            if r["vintage"] == "first":
                source = f"{r_name(region)} 2025年政府工作报告 (review of 2024); compiled copy: GitHub alexzhu0/Jina_Embeddings_v4_RAG docs/31省区市政府工作报告.zip"
            rows.append(dict(region=region, indicator=ind, period=period, measure="ytd_growth_pct",
                             value=r["growth_pct"], unit="pct", vintage=r["vintage"], source=source, note=note))
        if r["level_cny_100m"]:
            revised = "5th economic census" in r["compiled_copy"]
            key = (region, ind, period, r["vintage"])
            if key in levels and not revised:
                continue
            levels[key] = dict(region=region, indicator=ind, period=period, measure="ytd_level",
                               value=r["level_cny_100m"], unit="cny_100m", vintage=r["vintage"], source=source,
                               note=("current prices; revised after the 5th economic census" if revised else
                                     "current prices; " + r["compiled_copy"].rsplit(":", 1)[-1]))
    return sorted(rows + list(levels.values()),
                  key=lambda d: (d["region"], d["indicator"], d["measure"], d["vintage"], d["period"]))


def r_name(slug: str) -> str:
    return registry.region(slug).name_zh


YEARBOOK_QUALIFIER = {"以上": "at_least", "unknown": "unknown"}


def province_targets(shared: Path) -> list[dict]:
    rows = []
    for r in _read(shared / "yearbook" / "province_gdp_targets_1998_2017.csv"):
        region, _ = _region(r["region_zh"])
        code = YEARBOOK_QUALIFIER[r["qualifier"]]
        wording = ("wording presumed 以上 from the compilers' x.05 coding (not verified)" if code == "at_least"
                   else "wording not recorded in the source")
        rows.append(dict(region=region, year=r["year"], indicator="gdp", target_pct=r["target_pct"],
                         target_high_pct="", qualifier=code, relative_to="",
                         source=f"{r_name(region)} {r['year']}年政府工作报告, as compiled in the replication data of "
                                "Li, Liu, Weng & Zhou (2019, Economic Journal); compiled copy: GitHub "
                                "maswiebe/meritocratic_promotion data/raw_data/prov_target.dta",
                         text=f"{wording}; coded {r['target_coded']}"
                              + (f"; {r['note']}" if r["note"] and r["note"] != "wording not recorded in source"
                                 and not r["note"].startswith("coded x.05") else "")))
    return sorted(rows, key=lambda d: (d["region"], d["year"]))


CITY_SOURCE = ("city government work report (target) and city statistics (real growth), as compiled in the "
               "replication data of Li, Liu, Weng & Zhou (2019, Economic Journal); compiled copy: GitHub "
               "maswiebe/meritocratic_promotion data/promotion.csv")


def city_slug(code: str) -> str:
    for r in registry.regions().values():
        if r.admin_code == code:
            return r.slug
    return code


def cities(shared: Path) -> tuple[list[dict], list[dict], list[str]]:
    """City real growth (yearbook, vintage taken as latest), city targets, and the city codes seen."""
    obs, targets, codes = [], [], set()
    for r in _read(shared / "yearbook" / "city_gdp_targets_outcomes_2003_2014.csv"):
        slug = city_slug(r["city_code"])
        codes.add(r["city_code"])
        if r["gdp_growth_real_pct"]:
            obs.append(dict(region=slug, indicator="gdp", period=f"{r['year']}-12", measure="ytd_growth_pct",
                            value=r["gdp_growth_real_pct"], unit="pct", vintage="latest", source=CITY_SOURCE,
                            note="real growth as in the compilers' panel (yearbook figure; release vintage not "
                                 "stated, taken as revised)"))
        if r["city_target_pct"]:
            code = YEARBOOK_QUALIFIER[r["city_target_qualifier"]]
            wording = ("wording presumed 以上 from the compilers' x.05 coding (not verified)" if code == "at_least"
                       else "wording not recorded in the source")
            targets.append(dict(region=slug, year=r["year"], indicator="gdp", target_pct=r["city_target_pct"],
                                target_high_pct="", qualifier=code, relative_to="", source=CITY_SOURCE,
                                text=f"{wording}; coded {r['city_target_coded']}"))
    return obs, targets, sorted(codes)


PROVINCE_BY_PREFIX = {"11": "beijing", "12": "tianjin", "13": "hebei", "14": "shanxi", "15": "neimenggu",
                      "21": "liaoning", "22": "jilin", "23": "heilongjiang", "31": "shanghai", "32": "jiangsu",
                      "33": "zhejiang", "34": "anhui", "35": "fujian", "36": "jiangxi", "37": "shandong",
                      "41": "henan", "42": "hubei", "43": "hunan", "44": "guangdong", "45": "guangxi",
                      "46": "hainan", "50": "chongqing", "51": "sichuan", "52": "guizhou", "53": "yunnan",
                      "54": "xizang", "61": "shaanxi", "62": "gansu", "63": "qinghai", "64": "ningxia",
                      "65": "xinjiang"}


def city_registry_rows(codes: list[str]) -> list[dict]:
    """Registry rows for cities known only by admin code (names are not in the embedded data)."""
    return [dict(slug=code, name_zh="", name_en="", level="prefecture", parent=PROVINCE_BY_PREFIX[code[:2]],
                 admin_code=code, note="prefecture city keyed by admin code; name not in the embedded data")
            for code in codes if city_slug(code) == code]


def national_gdp_levels(shared: Path) -> list[dict]:
    """Quarterly GDP at current prices (亿元) from the NBS portal export: the seasonal profile of GDP."""
    from pipeline.sources.portal import read_portal

    table, problems = read_portal(shared / "formats" / "nbs_quarterly_gdp_current_prices.csv", vintage="latest",
                                  source="NBS data portal, quarterly GDP at current prices (English export); "
                                         "compiled copy: GitHub tsvetoslavtsachev/china-macro-dashboard data/manual/")
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    return table.rows.assign(note="current prices, 100 million yuan").to_dict("records")


SEED_SOURCE = "湖南湘江新区管理委员会, 2024年工作报告, 主要预期目标 (data/raw/reports/xiangjiang_2024.txt)"
SEED_TARGETS = [  # region, year, indicator, target_pct, qualifier, relative_to, wording as printed
    ("gdp", "7", "at_least", "", "地区生产总值增长7%以上"),
    ("fiscal_revenue", "6.5", "exact", "", "地方一般公共预算收入增长6.5%"),
    ("industrial_va", "8", "exact", "", "规模工业增加值增长8%"),
    ("fai", "6", "exact", "", "固定资产投资增长6%"),
    ("retail_sales", "7", "exact", "", "社会消费品零售总额增长7%"),
    ("income", "", "above", "gdp", "居民收入增长高于经济增速"),
]



# --- issue 10, annual model: provincial panel 2018-2024, Guangdong and Changsha/Yuelu records ---------------

NEWS_QUALIFIER = {"左右": "about", "以上": "at_least", "区间": "range", "unknown": "unknown"}
GD_INDICATORS = {"GDP": "gdp", "local_budget_revenue": "fiscal_revenue", "industrial_VA_above_scale": "industrial_va",
                 "fixed_asset_investment": "fai", "retail_sales": "retail_sales", "imports_exports": "trade"}
LOCAL_2013_INDICATORS = {**GD_INDICATORS, "public_budget_revenue": "fiscal_revenue_unclear"}
GD_QUALIFIER = {"": "exact", "以上": "at_least", "左右": "about", "正增长": "positive"}
SECONDARY = "SECONDARY (news-compiled, not read from the report itself)"


def _existing_target_keys() -> set[tuple[str, str, str]]:
    """(region, year, indicator) of the curated targets.csv: a key there is never given a second time."""
    return {(r["region"], r["year"], r["indicator"]) for r in _read(RAW_TARGETS)}


def guangdong_records(shared: Path) -> tuple[list[dict], list[dict]]:
    """Guangdong's work reports 2021-2024: outcomes stated for the year before (observations) and targets."""
    obs, targets = [], []
    for r in _read(shared / "guangdong_targets_outcomes_2020_2024.csv"):
        ind = GD_INDICATORS[r["indicator"]]
        src = (f"广东省 {r['report_year']}年政府工作报告; compiled copy: GitHub {r['source_repo']} {r['source_path']} "
               f"@{r['source_commit'][:8]}")
        if r["kind"] == "target":
            code = GD_QUALIFIER[r["phrasing"]]
            targets.append(dict(region="guangdong", year=r["ref_year"], indicator=ind,
                                target_pct="" if code == "positive" else r["value_low"], target_high_pct="",
                                qualifier=code, relative_to="", source=src,
                                text=f"{r['indicator']} {r['value_low']}%{r['phrasing']}"))
        elif r["phrasing"] != "正增长":  # a stated 'positive growth' outcome has no number: nothing to key
            obs.append(dict(region="guangdong", indicator=ind, period=f"{r['ref_year']}-12", measure="ytd_growth_pct",
                            value=r["value_low"], unit="pct", vintage="first", source=src,
                            note=f"vintage: work-report estimate (预计, stated in the {r['report_year']} report)"
                                 + (f"; wording {r['phrasing']}" if r["phrasing"] else "")))
    return obs, sorted(targets, key=lambda d: (d["year"], d["indicator"]))


def province_targets_2018_2024(shared: Path, skip: set[tuple[str, str, str]]) -> tuple[list[dict], list[str]]:
    """News-compiled provincial GDP targets 2018-2024 (secondary); keys already keyed from a report are skipped."""
    rows, skipped = [], []
    for r in _read(shared / "yearbook" / "province_gdp_targets_2018_2024_news.csv"):
        region, _ = _region(r["region_zh"])
        key = (region, r["year"], "gdp")
        if key in skip:
            skipped.append(f"{'/'.join(key)} {r['target_pct']} {r['wording']}")
            continue
        code = NEWS_QUALIFIER[r["wording"]]
        rows.append(dict(region=region, year=r["year"], indicator="gdp", target_pct=r["target_pct"],
                         target_high_pct=r["target_high_pct"], qualifier=code, relative_to="",
                         source=f"{r_name(region)} {r['year']}年政府工作报告, {SECONDARY}; pages: {r['source']}",
                         text=f"wording: {r['wording']}" + (f"; {r['note']}" if r["note"] else "")))
    return sorted(rows, key=lambda d: (d["region"], d["year"])), skipped


def _growth_vintage(note: str) -> str:
    """Which kind of first announcement a news-compiled province outcome was (the backtest reports it per case)."""
    low = note.lower()
    if "gwr" in low:
        return "work-report estimate"
    if "公报" in note or "初步核算" in note:
        return "statistical bulletin (初步核算)"
    if "release" in low or "tally" in low or "press" in low:
        return "press release (January)"
    return "not stated by the page"


def province_growth_2020_2023(shared: Path) -> list[dict]:
    """News-compiled first announcements of provincial GDP growth 2020-2023 (secondary)."""
    rows = []
    for r in _read(shared / "yearbook" / "province_gdp_growth_2020_2023_news.csv"):
        region, _ = _region(r["region_zh"])
        second = f"; second source: {r['second_source']}" if r["second_source"] else "; single source"
        rows.append(dict(region=region, indicator="gdp", period=f"{r['year']}-12", measure="ytd_growth_pct",
                         value=r["growth_pct"], unit="pct", vintage="first",
                         source=f"{r_name(region)} statistics bureau, {SECONDARY}; page: {r['source']}",
                         note=f"vintage: {_growth_vintage(r['vintage_note'])}; as compiled: {r['vintage_note']}; "
                              f"quoted: {r['quote']}{second}"))
    return sorted(rows, key=lambda d: (d["region"], d["period"]))


def local_points_2013_2024(shared: Path, skip: set[tuple[str, str, str]]) -> tuple[list[dict], list[dict], list[str]]:
    """长沙/岳麓/湖南 targets and outcomes 2013-2024; rows the schema cannot hold are listed, not keyed."""
    obs, targets, dropped = [], [], []
    for i, r in enumerate(_read(shared / "local_points_hunan_changsha_yuelu_2013_2024.csv"), start=2):
        region = registry.region_by_name(r["unit"])
        ind = LOCAL_2013_INDICATORS.get(r["indicator"])
        if region is None or ind is None or r["kind"] not in {"target", "outcome", "outcome_prelim", "outcome_final"}:
            dropped.append(f"line {i}: {r['unit']} {r['kind']} {r['ref_year']} {r['indicator']}")
            continue
        page = r["source_url"] + (f" ({r['source_kind']})" if r["source_kind"] else "")
        flag = f"; {r['note']}" if r["note"] else ""
        if r["kind"] == "target":
            key = (region, r["ref_year"], ind)
            if key in skip:
                dropped.append(f"line {i}: {'/'.join(key)} already in targets.csv")
                continue
            code = GD_QUALIFIER[r["phrasing"]]
            targets.append(dict(region=region, year=r["ref_year"], indicator=ind, target_pct=r["value_low"],
                                target_high_pct="", qualifier=code, relative_to="",
                                source=f"{r['unit']} {r['ref_year']}年政府工作报告, as reported: {page}",
                                text=f"{r['indicator']} {r['value_low']}%{r['phrasing']}{flag}"))
            continue
        kind = {"outcome_final": "statistical first release", "outcome": "yearbook figure",
                "outcome_prelim": "work-report estimate (预计)"}[r["kind"]]
        obs.append(dict(region=region, indicator=ind, period=f"{r['ref_year']}-12", measure="ytd_growth_pct",
                        value=r["value_low"], unit="pct", vintage="first",
                        source=f"{r['unit']} government or statistics bureau, as reported: {page}",
                        note=f"vintage: {kind}; reported {r['report_date']}"
                             + (f"; wording {r['phrasing']}" if r["phrasing"] else "") + flag))
    return obs, targets, dropped


def _keep_first_release(estimates: list[dict], releases: list[dict]) -> list[dict]:
    """Drop a report's estimate whose key the statistical first release also has with another value; the
    estimate is noted on the release's row instead (same key and vintage 'first': never keyed twice)."""
    by_key = {(d["region"], d["indicator"], d["period"]): d for d in releases}
    kept = []
    for d in estimates:
        other = by_key.get((d["region"], d["indicator"], d["period"]))
        if other is not None and float(other["value"]) != float(d["value"]):
            wording = f" ({d['note'].split('; wording ')[-1].split(';')[0]})" if "; wording " in d["note"] else ""
            other["note"] += f"; a work report stated {d['value']}{wording} (预计), not keyed"
            print(f"estimate not keyed (differs from the first release {other['value']}): "
                  f"{d['region']} {d['period']} {d['value']}")
            continue
        kept.append(d)
    return kept


def annual_panel_files(shared: Path) -> None:
    """The issue-10 files: provincial panel 2018-2024 and the Guangdong and Changsha/Yuelu multi-indicator records."""
    curated = _existing_target_keys()
    gd_obs, gd_targets = guangdong_records(shared)
    gd_keys = {(d["region"], d["year"], d["indicator"]) for d in gd_targets}
    news, skipped = province_targets_2018_2024(shared, curated | gd_keys)
    for line in skipped:
        print(f"news target skipped (keyed from the report itself): {line}")
    _write(RAW_TARGETS_DIR / "province_gdp_targets_2018_2024_news.csv", RAW_TARGET_COLUMNS, news)
    _write(RAW_TARGETS_DIR / "guangdong_targets_2021_2024.csv", RAW_TARGET_COLUMNS, gd_targets)
    growth = province_growth_2020_2023(shared)
    obs, targets, dropped = local_points_2013_2024(shared, curated)
    for line in dropped:
        print(f"local point not keyed: {line}")
    gd_obs, obs = _keep_first_release(gd_obs, growth), _keep_first_release(obs, growth)
    _write(RAW_INDICATORS / "province_gdp_growth_2020_2023_news.csv", RAW_INDICATOR_COLUMNS, growth)
    _write(RAW_INDICATORS / "guangdong_outcomes_2020_2023.csv", RAW_INDICATOR_COLUMNS, gd_obs)
    _write(RAW_INDICATORS / "local_hunan_changsha_yuelu_2013_2024_points.csv", RAW_INDICATOR_COLUMNS, obs)
    _write(RAW_TARGETS_DIR / "local_hunan_changsha_yuelu_targets_2021_2024.csv", RAW_TARGET_COLUMNS, targets)


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
    _write(RAW_INDICATORS / "china_quarterly_gdp_levels.csv", RAW_INDICATOR_COLUMNS, national_gdp_levels(shared))
    _write(RAW_INDICATORS / "province_annual_2000_2024.csv", RAW_INDICATOR_COLUMNS, province_annual(shared))
    _write(RAW_TARGETS_DIR / "province_gdp_targets_1998_2017.csv", RAW_TARGET_COLUMNS, province_targets(shared))
    city_obs, city_targets, codes = cities(shared)
    _write(RAW_INDICATORS / "city_gdp_growth_2003_2014.csv", RAW_INDICATOR_COLUMNS, city_obs)
    _write(RAW_TARGETS_DIR / "city_gdp_targets_2003_2014.csv", RAW_TARGET_COLUMNS, city_targets)
    _write(REGISTRIES / "cities.csv", ["slug", "name_zh", "name_en", "level", "parent", "admin_code", "note"],
           city_registry_rows(codes))
    annual_panel_files(shared)
    write_national_gdp_targets(shared)
    files_2024_2026(shared)


NATIONAL_TARGET_QUALIFIERS = (("区间", "range"), ("以上", "at_least"), ("左右", "about"), ("about", "about"),
                              ("around", "about"), ("no 左右", "exact"))


def _national_qualifier(wording: str, high: str) -> str:
    """Code for the shared file's wording column: a range when there is a high end, else the first rule that fits."""
    if high:
        return "range"
    hits = [code for word, code in NATIONAL_TARGET_QUALIFIERS if word in wording]
    if not hits:
        raise SystemExit(f"national_targets_2005_2026.csv: wording {wording!r} has no qualifier rule")
    return hits[-1] if "no 左右" in wording else hits[0]


def national_gdp_targets(shared: Path) -> list[dict]:
    """China's GDP growth targets 2005-2026 (issue 10); 2020 set none, so it has no row. Wording kept in ``text``."""
    rows = []
    for r in _read(shared / "national_targets_2005_2026.csv"):
        if r["indicator"] != "gdp" or not r["target_pct"]:
            continue
        rows.append(dict(region="china", year=r["year"], indicator="gdp", target_pct=r["target_pct"],
                         target_high_pct=r["target_high_pct"],
                         qualifier=_national_qualifier(r["wording"], r["target_high_pct"]), relative_to="",
                         source=f"国务院 {r['year']}年政府工作报告 (State Council government work report), as quoted by "
                                f"{r['source']}; compiled copy: shared national_targets_2005_2026.csv",
                         text=f"{r['quote']} [wording: {r['wording']}]"))
    return rows


def write_national_gdp_targets(shared: Path) -> None:
    _write(RAW_TARGETS_DIR / "china_gdp_targets_2005_2026.csv", RAW_TARGET_COLUMNS, national_gdp_targets(shared))




# --- 2024-2026 reference data: national series to 2026-08, levels and single months, 2025 provincial outcomes,
# --- 2026 provincial targets, 湖南/长沙 2024-2026 ----------------------------------------------------------------

GDP_RELEASE = "NBS quarterly GDP release (first release)"
RELEASE = {**{ind: rel for ind, rel in MONTHLY.values()}, "gdp": GDP_RELEASE}
PROVISIONAL = "provisional"


def _raw_keys(exclude: set[str]) -> dict[tuple, tuple[str, str]]:
    """(region, indicator, period, measure, vintage) -> (file, value) of data/raw/indicators, but ``exclude``d files
    (the files being written, so that a rerun sees the same thing)."""
    keys = {}
    for path in sorted(RAW_INDICATORS.glob("*.csv")):
        if path.name in exclude:
            continue
        for r in _read(path):
            keys.setdefault((r["region"], r["indicator"], r["period"], r["measure"], r["vintage"]),
                            (path.name, r["value"]))
    return keys


def _raw_target_keys(exclude: set[str]) -> dict[tuple, tuple[str, dict]]:
    """(region, year, indicator) -> (file, row) of targets.csv and data/raw/targets, but ``exclude``d files."""
    keys = {}
    for path in [RAW_TARGETS, *sorted(RAW_TARGETS_DIR.glob("*.csv"))]:
        if path.name in exclude:
            continue
        for r in _read(path):
            keys.setdefault((r["region"], r["year"], r["indicator"]), (path.name, r))
    return keys


def _drop_known(rows: list[dict], known: dict[tuple, tuple[str, str]], label: str) -> list[dict]:
    """Rows whose key data/raw already has are not keyed again: same value -> skipped; another value -> the
    existing one is kept and the other is printed (and must be recorded in the README)."""
    kept = []
    for d in rows:
        key = (d["region"], d["indicator"], d["period"], d["measure"], d["vintage"])
        if key in known:
            where, value = known[key]
            same = float(value) == float(d["value"])
            print(f"{label}: not keyed, {'/'.join(key)} {d['value']} already in {where}"
                  + ("" if same else f" as {value} (CONFLICT: the existing value is kept)"))
            continue
        kept.append(d)
    return kept


def national_2024_2026(shared: Path) -> tuple[list[dict], list[dict]]:
    """China 2024-01..2026-08 (already in the raw schema): monthly YTD growth and quarterly GDP, keyed like the
    1994-2023 files (GDP: single quarter period_growth_pct, cumulative ytd_growth_pct, at the quarter's last month).
    The publisher and release go first in ``source``, then the copy the figure was read from; rows read from
    secondary copies only keep ``provisional`` at the start of ``note``."""
    monthly, gdp = [], []
    for r in _read(shared / "national_monthly_ytd_growth_2024_2026.csv"):
        if (r["region"], r["unit"], r["vintage"]) != ("china", "pct", "first") or r["period"].endswith("-01"):
            raise SystemExit(f"national_monthly_ytd_growth_2024_2026.csv: unexpected row {r}")
        release = RELEASE[r["indicator"]]
        src, note = r["source"], r["note"]
        if note.startswith(PROVISIONAL):
            source = f"{release}, read from secondary copies of the release (see note)"
        elif note.startswith("compiled copy:"):
            source, note = f"{release}; {note}", ("real growth, comparable prices" if r["indicator"] == "gdp"
                                                  else "as published in the monthly release")
        elif src.startswith("yqcao/"):  # MOF 2026-08: the compiler's note says 'NBS', the release is the MOF's
            source = f"{release}; compiled copy: GitHub {src}"
            note = note.replace("copy of the NBS first release", "copy of the MOF first release")
        else:  # a page that reprints the first release (URL and date)
            source = f"{release}; copy: {src}"
        row = dict(region="china", indicator=r["indicator"], period=r["period"], measure=r["measure"],
                   value=r["value"], unit="pct", vintage="first", source=source, note=note)
        (gdp if r["indicator"] == "gdp" else monthly).append(row)
    known = _raw_keys({"china_monthly_ytd_growth_2024_2026.csv", "china_quarterly_gdp_growth_2024_2026.csv"})
    monthly = _drop_known(monthly, known, "national 2024-2026")
    gdp = _drop_known(gdp, known, "national 2024-2026")
    return (sorted(monthly, key=lambda d: (d["indicator"], d["period"])),
            sorted(gdp, key=lambda d: (d["vintage"], d["measure"], d["period"])))


def _vendor_first(note: str) -> str:
    """A note rotated so that it starts at its VENDOR-DERIVED part (code can detect it), nothing dropped: the
    explanation after the marker stays in one piece, the column name before it goes to the end."""
    if "VENDOR-DERIVED" not in note:
        return note
    parts = note.split("; ")
    at = [i for i, p in enumerate(parts) if p.startswith("VENDOR-DERIVED")]
    if len(at) != 1:
        raise SystemExit(f"VENDOR-DERIVED not a '; '-separated part of the note: {note!r}")
    return "; ".join(parts[at[0]:] + parts[:at[0]])


def national_levels_single_month(shared: Path) -> list[dict]:
    """China's monthly levels (ytd_level, period_level, 亿元) and single-month growth (period_growth_pct): retail and
    industrial single-month growth as NBS prints it; FAI and budget-revenue single months are the vendors'
    arithmetic on levels, marked VENDOR-DERIVED at the start of ``note``."""
    from pipeline.sources.validate import load_limits

    limits, rows = load_limits(), []
    for i, r in enumerate(_read(shared / "national_monthly_levels_and_single_month_1992_2026.csv"), start=2):
        note = _vendor_first(r["note"])
        if (note.startswith("VENDOR-DERIVED") and r["measure"] == "period_growth_pct"
                and not limits["growth_pct_min"] <= float(r["value"]) <= limits["growth_pct_max"]):
            print(f"national levels line {i}: not keyed, {r['indicator']} {r['period']} single-month growth "
                  f"{r['value']}% is vendor arithmetic outside the plausible range (params.yaml ingest)")
            continue
        source = r["source"].replace("compiled copy: ", "compiled copy: GitHub ", 1)
        if source.startswith("National Bureau of Statistics"):
            source = "NBS (" + source.replace("National Bureau of Statistics", "National Bureau of Statistics)", 1)
        rows.append(dict(r, source=source, note=note))
    rows = _drop_known(rows, _raw_keys({"china_monthly_levels_single_month_1992_2026.csv"}), "national levels")
    return sorted(rows, key=lambda d: (d["indicator"], d["measure"], d["period"]))


YQCAO = "GitHub yqcao/China-Fiscal-Data"


def _fiscal_scope(indicator: str, quote: str) -> str:
    """Budget revenue is own-level (fiscal_revenue) only where the sentence says 地方; else kept apart (data/raw/README)."""
    if indicator != "fiscal_revenue":
        return indicator
    return "fiscal_revenue" if "地方一般公共预算收入" in quote else "fiscal_revenue_unclear"


def _yqcao_copy(ref: str) -> tuple[str, str]:
    """'yqcao/China-Fiscal-Data@COMMIT:PATH (orig URL)' -> ('GitHub yqcao/China-Fiscal-Data@COMMIT8 PATH', URL)."""
    head, _, orig = ref.partition(" (orig ")
    repo_commit, _, path = head.partition(":")
    commit = repo_commit.split("@", 1)[1]
    return f"{YQCAO}@{commit[:8]} {path}", orig.rstrip(")")


def provincial_outcomes_2025(shared: Path) -> list[dict]:
    """2025 outcomes as each province's 2026 work report states them (vintage first, a work-report estimate)."""
    rows, seen, headlines = [], {}, {}
    for i, r in enumerate(_read(shared / "provincial_outcomes_2025.csv"), start=2):
        region, _ = _region(r["region_zh"])
        quote, words = r["quote"], [w for w in r["qualifier"].split(";") if w]
        ind = _fiscal_scope(r["indicator"], quote)
        where = f"provincial_outcomes_2025.csv line {i}: {region} {r['indicator']} {r['growth_pct']}"
        if ind == "income" and "实际增长" in quote:
            print(f"{where}: not keyed, real (实际) growth; the income series is nominal")
            continue
        if ind == "fai" and "扣除房地产开发投资" in quote:
            print(f"{where}: not keyed, FAI excluding real-estate development, another scope")
            continue
        if ind == "fai" and "全社会固定资产投资" in quote:
            ind = "fai_total"  # whole-society FAI (含农户), as printed
        key = (region, ind, f"{r['year']}-12")
        if "同口径" in words:  # a second rate for the headline figure's key (the row before): noted there, not keyed
            headline = headlines[(region, r["indicator"])]
            headline["note"] += f"; same-basis (同口径) growth stated as {r['growth_pct']}%以上, not keyed"
            print(f"{where}: not keyed, same-basis (同口径) rate beside the headline {headline['value']} (noted there)")
            continue
        copy, page = _yqcao_copy(r["source"])
        estimate = "预计, " if "预计" in words or "预计" in quote else ""
        printed = re.search(rf"{re.escape(r['growth_pct'])}%(以上|左右)", quote)
        wording = f"; wording {printed.group(1)}" if printed else ""
        d = dict(region=region, indicator=ind, period=f"{r['year']}-12", measure="ytd_growth_pct",
                 value=r["growth_pct"], unit="pct", vintage="first",
                 source=f"{r_name(region)} 2026年政府工作报告 (review of 2025), page named by the compiled copy: {page}; compiled copy: {copy}",
                 note=f"vintage: work-report estimate ({estimate}stated in the 2026 report){wording}; "
                      f"quoted: {quote}")
        if key in seen:
            raise SystemExit(f"{where}: key given twice")
        seen[key] = headlines[(region, r["indicator"])] = d
        rows.append(d)
    rows = _drop_known(rows, _raw_keys({"province_outcomes_2025_reports.csv"}), "provincial outcomes 2025")
    return sorted(rows, key=lambda d: (d["region"], d["indicator"]))


TARGET_WORDING = {"左右": "about", "以上": "at_least", "区间": "range", "": "exact", "按…安排": "exact",
                  "同步": "in_step", "基本同步": "in_step", "正增长": "positive", "高于经济增长(sentence truncated)": "above"}


def provincial_targets_2026(shared: Path) -> tuple[list[dict], list[str]]:
    """2026 targets of 24 provinces: one row per target (a range's second row becomes target_high_pct), qualifier
    code from the wording, the quote in ``text``; rows without a number or slug are listed, not keyed."""
    rows, skipped, pages = {}, [], {}
    shared_rows = _read(shared / "provincial_targets_2026.csv")
    for r in shared_rows:
        if "official page per repo record: " in r["note"]:
            pages[r["region"]] = r["note"].split("official page per repo record: ", 1)[1]
    for i, r in enumerate(shared_rows, start=2):
        region, _ = _region(r["region"])
        wording = r["note"].split(";", 1)[0].removeprefix("qualifier=")
        quote = r["note"].split("quote=", 1)[1].split("」", 1)[0].removeprefix("「")
        ind = _fiscal_scope(r["indicator"], quote)
        copy = f"{YQCAO}@{r['source'].split('@', 1)[1][:8]} {r['source'].split(':', 1)[1]}"
        base = dict(region=region, year=r["period"][:4], target_high_pct="", relative_to="",
                    source=f"{r_name(region)} 2026年政府工作报告, 主要预期目标"
                           + (f", page named by the compiled copy: {pages[r['region']]}" if r["region"] in pages else "")
                           + f"; compiled copy: {copy}"
                           + (" (sentences cut at about 120 characters)" if copy.endswith("targets.json") else ""),
                    text=f"{quote} [wording: {wording or 'bare number'}]")
        where = f"provincial_targets_2026.csv line {i}: {region} {r['indicator']}"
        if r["measure"] == "target_high_pct":
            if region == "xizang" and r["indicator"] == "income":
                continue  # the rural half of 西藏's 分别 sentence, keyed below
            rows[(region, ind)]["target_high_pct"] = r["value"]
            continue
        if region == "xizang" and r["indicator"] == "income":
            # 城乡居民人均可支配收入分别增长7%左右和8%左右: two targets (urban, rural), not a range
            for slug, value in (("income_urban", "7"), ("income_rural", "8")):
                rows[(region, slug)] = dict(base, indicator=slug, target_pct=value, qualifier="about",
                                            text=f"{quote} [wording: 分别…左右; {slug.split('_')[1]} {value}%左右]")
            print(f"{where}: keyed as income_urban 7 and income_rural 8 (about): the compiled copy's "
                  "'range' is the two halves of a 分别 sentence")
            continue
        if wording not in TARGET_WORDING:
            skipped.append(f"{where}: wording {wording!r} has no number ({quote})")
            continue
        code = TARGET_WORDING[wording]
        number = "" if code in {"in_step", "above", "positive"} else r["value"]
        rows[(region, ind)] = dict(base, indicator=ind, target_pct=number, qualifier=code,
                                   relative_to="gdp" if code in {"in_step", "above"} else "")
    for (region, ind), d in rows.items():
        if d["qualifier"] == "range" and not d["target_high_pct"]:
            raise SystemExit(f"provincial_targets_2026.csv: {region} {ind} range without its high end")
    known = _raw_target_keys({"province_targets_2026.csv"})
    out = []
    for d in rows.values():
        key = (d["region"], d["year"], d["indicator"])
        if key in known:
            skipped.append(f"{'/'.join(key)} already in {known[key][0]}")
            continue
        out.append({c: d[c] for c in RAW_TARGET_COLUMNS})
    return sorted(out, key=lambda d: (d["region"], d["indicator"])), skipped


def _local_indicator(name: str) -> str:
    ind = LOCAL_INDICATORS.get(name)
    if ind is None:
        raise SystemExit(f"no indicator slug for {name!r}")
    return ind


def _same_target(a: dict, b: dict) -> bool:
    number = lambda x: float(x) if x else None  # noqa: E731
    return (qualifiers.normalize(a["qualifier"]) == qualifiers.normalize(b["qualifier"])
            and number(a["target_pct"]) == number(b["target_pct"]))


def local_hunan_changsha_2024_2026(shared: Path, keyed_targets: list[dict],
                                   keyed_obs: list[dict]) -> tuple[list[dict], list[dict], list[str]]:
    """湖南 and 长沙: outcomes 2024-2025 and targets 2025-2026. Keys already keyed (data/raw, or this run's
    provincial files ``keyed_targets``/``keyed_obs``) are not repeated; a different value is printed as a conflict."""
    obs, targets, skipped, last, dates = [], [], [], "", {}
    new_targets = {(d["region"], d["year"], d["indicator"]): ("province_targets_2026.csv", d) for d in keyed_targets}
    known_targets = {**_raw_target_keys({"local_hunan_changsha_targets_2025_2026.csv"}), **new_targets}
    for i, r in enumerate(_read(shared / "local_targets_outcomes_hunan_changsha_2024_2026.csv"), start=2):
        page = last if r["source"] == "same as above" else r["source"]
        last = page
        region, _ = _region(r["region"])
        ind = _local_indicator(r["indicator"])
        where = f"local_targets_outcomes line {i}: {region} {r['period']} {ind} {r['kind']} {r['value_pct']}"
        report_year = int(r["period"]) + (1 if r["kind"] == "outcome" else 0)
        dated = re.search(r"\((\d{4}-\d{2}(?:-\d{2})?)\)", r["note"]) if "政府工作报告" in r["note"] else None
        if dated:
            dates[page] = dated.group(1)  # the report's date, given once per page
        page_url, _, via = page.removesuffix(")").partition(" (via ")
        if via:  # 'URL (via github REPO PATH @COMMIT)': the official page, then the compiled copy
            copy = f"page: {page_url}; compiled copy: {via.replace('github ', 'GitHub ', 1)}"
        else:
            copy = f"copy: {page}" if page.startswith("http") else f"compiled copy: {page.replace('github ', 'GitHub ', 1)}"
        source = (f"{r_name(region)} {report_year}年政府工作报告" + (f" ({dates[page]})" if page in dates else "")
                  + (", 主要预期目标" if r["kind"] == "target" else f", review of {r['period']}") + f"; {copy}")
        if r["kind"] == "target":
            code = qualifiers.normalize(r["qualifier"])
            d = dict(region=region, year=r["period"], indicator=ind,
                     target_pct="" if code == "positive" else r["value_pct"], target_high_pct="", qualifier=code,
                     relative_to="", source=source,
                     text=(f"{r['indicator']}{r['qualifier']}" if code == "positive"
                           else f"{r['indicator']}增长{r['value_pct']}%{r['qualifier']}"))
            key = (region, r["period"], ind)
            if key in known_targets:
                where_known, other = known_targets[key]
                skipped.append(f"{where}: already in {where_known}" + ("" if _same_target(d, other) else
                               f" as {other['target_pct']} {other['qualifier']} (CONFLICT: the existing one is kept)"))
                continue
            targets.append(d)
            continue
        words = [w for w in r["qualifier"].replace("(预计)", ";预计").split(";") if w]
        estimate = "预计, " if "预计" in words else ""
        note = f"vintage: work-report estimate ({estimate}stated in the {report_year} report)"
        for w in words:
            if w.startswith("同口径"):
                note += f"; same-basis (同口径) growth stated beside it as {w.removeprefix('同口径')}, not keyed"
            elif w != "预计":
                note += f"; wording {w}"
        if r["note"].startswith("农村"):
            note += f"; the compiled copy adds rural income growth {r['note'].split()[1]}% (not keyed here: no quote)"
        obs.append(dict(region=region, indicator=ind, period=f"{r['period']}-12", measure="ytd_growth_pct",
                        value=r["value_pct"], unit="pct", vintage="first", source=source, note=note))
    known = {**_raw_keys({"local_hunan_changsha_2024_2025_outcomes.csv"}),
             **{(d["region"], d["indicator"], d["period"], d["measure"], d["vintage"]):
                ("province_outcomes_2025_reports.csv", d["value"]) for d in keyed_obs}}
    obs = _drop_known(obs, known, "local 2024-2026")
    return (sorted(obs, key=lambda d: (d["region"], d["indicator"], d["period"])),
            sorted(targets, key=lambda d: (d["region"], d["year"], d["indicator"])), skipped)


def local_inyear_2014_2025(shared: Path) -> list[dict]:
    """18 in-year figures of 湖南 and 长沙 (already in the raw schema but for region names and provenance); those
    data/raw has already (the 2011-2024 and xiangjiang point files) are not keyed again."""
    rows = []
    for r in _read(shared / "local_points_hunan_changsha_inyear_2014_2025.csv"):
        region, _ = _region(r["region"])
        page, _, reporter = r["source"].partition(" (")
        rows.append(dict(region=region, indicator=r["indicator"], period=r["period"], measure=r["measure"],
                         value=r["value"], unit=r["unit"], vintage=r["vintage"],
                         source=f"{r_name(region)} statistics bureau, as reported by {reporter.rstrip(')')}: {page}",
                         note="as printed" + (f"; {r['note']}" if r["note"] else "")))
    rows = _drop_known(rows, _raw_keys({"local_hunan_changsha_inyear_2025_points.csv"}), "local in-year")
    return sorted(rows, key=lambda d: (d["region"], d["indicator"], d["period"]))


def files_2024_2026(shared: Path) -> None:
    """The 2024-2026 reference data, each printing what it does not key and why."""
    monthly, gdp = national_2024_2026(shared)
    _write(RAW_INDICATORS / "china_monthly_ytd_growth_2024_2026.csv", RAW_INDICATOR_COLUMNS, monthly)
    _write(RAW_INDICATORS / "china_quarterly_gdp_growth_2024_2026.csv", RAW_INDICATOR_COLUMNS, gdp)
    _write(RAW_INDICATORS / "china_monthly_levels_single_month_1992_2026.csv", RAW_INDICATOR_COLUMNS,
           national_levels_single_month(shared))
    outcomes = provincial_outcomes_2025(shared)
    _write(RAW_INDICATORS / "province_outcomes_2025_reports.csv", RAW_INDICATOR_COLUMNS, outcomes)
    targets, skipped = provincial_targets_2026(shared)
    for line in skipped:
        print(f"provincial target not keyed: {line}")
    _write(RAW_TARGETS_DIR / "province_targets_2026.csv", RAW_TARGET_COLUMNS, targets)
    obs, local_targets, skipped = local_hunan_changsha_2024_2026(shared, targets, outcomes)
    for line in skipped:
        print(f"local target not keyed: {line}")
    _write(RAW_INDICATORS / "local_hunan_changsha_2024_2025_outcomes.csv", RAW_INDICATOR_COLUMNS, obs)
    _write(RAW_TARGETS_DIR / "local_hunan_changsha_targets_2025_2026.csv", RAW_TARGET_COLUMNS, local_targets)
    _write(RAW_INDICATORS / "local_hunan_changsha_inyear_2025_points.csv", RAW_INDICATOR_COLUMNS,
           local_inyear_2014_2025(shared))


if __name__ == "__main__":
    main()
