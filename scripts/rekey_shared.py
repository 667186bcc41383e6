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

from pipeline.sources import registry
from pipeline.paths import RAW_INDICATORS, RAW_TARGETS, RAW_TARGETS_DIR, REGISTRIES
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


if __name__ == "__main__":
    main()
