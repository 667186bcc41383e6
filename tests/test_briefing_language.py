"""One language per briefing, numbers as people write them.

Unit tests of the number and wording helpers (hand-written expected strings), and the rendered
briefings counted word by word: the zh page may hold at most ten English words in its visible text
(URLs, NBS, GDP, CPI aside), the en page at most ten Chinese characters outside region and publisher names.
"""
import math
import re
from html.parser import HTMLParser

import pytest

from pipeline.sources import registry
from pipeline.presentation.briefing import fmt, text

# --- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value,expected", [(5.2, "5.2%"), (5.25, "5.3%"), (5.249, "5.2%"), (-0.04, "0.0%"),
                                            (-0.05, "-0.1%"), (11.66, "11.7%"), (0, "0.0%"), (None, "–"),
                                            (math.nan, "–"), ("", "–")])
def test_growth_to_one_decimal_no_negative_zero_dash_when_missing(value, expected):
    assert fmt.pct(value) == expected


@pytest.mark.parametrize("p,expected", [(0.02, "2%"), (0.025, "3%"), (0.5, "50%"), (0.004, "<1%"), (0.996, ">99%"),
                                        (0.0, "0%"), (1.0, "100%"), (math.nan, "–")])
def test_probabilities_are_whole_percents_never_a_false_zero_or_hundred(p, expected):
    assert fmt.prob(p) == expected


def test_points_and_target_numbers():
    assert fmt.points(0.031, "zh") == "+3个百分点"
    assert fmt.points(-0.0249, "en", places=1) == "−2.5 pp"
    assert fmt.points(0.001, "en") == "0 pp"
    assert [fmt.target_number(x) for x in (6.0, 5.5, 7, 6.25)] == ["6", "5.5", "7", "6.25"]


def test_months_and_spans():
    assert fmt.span_text("2024-06", "zh") == "2024年1-6月"
    assert fmt.span_text("2024-06", "en") == "Jan-Jun 2024"
    assert fmt.as_of_text("2023-12", "en") == "December 2023"
    assert fmt.as_of_text("2023-12", "zh") == "2023年12月"
    assert fmt.span_text(None, "zh") == "–"


# --- wording ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("row,zh,en", [
    ({"qualifier": "above", "relative_to": "gdp", "target_pct": math.nan}, "高于经济增速", "faster than GDP growth"),
    ({"qualifier": "at_least", "target_pct": 7.0}, "7%以上", "7% or more"),
    ({"qualifier": "about", "target_pct": 6.0}, "6%左右", "about 6%"),
    ({"qualifier": "range", "target_pct": 5.0, "target_high_pct": 5.5}, "5%-5.5%", "5%-5.5%"),
    ({"qualifier": "exact", "target_pct": 6.5}, "6.5%", "6.5%"),
    ({"qualifier": "positive", "target_pct": math.nan}, "实现正增长", "positive growth"),
    ({"qualifier": math.nan, "target_pct": math.nan}, "–", "–"),
])
def test_target_wording_in_both_languages(row, zh, en):
    assert text.target_wording(row, "zh") == zh
    assert text.target_wording(row, "en") == en


def test_publishers_in_the_readers_language_and_pages():
    nbs = "NBS monthly release, 规模以上工业增加值 累计增长; compiled copy: NBS data-portal export in GitHub Pajat66/rmb-oil"
    local = "湖南省 statistics bureau or government, as reported by: https://example.cn/a.html"
    report = "湖南省 2024年政府工作报告, as reprinted: http://m.example.com/news/1.html"
    assert text.publisher(nbs, "zh") == "国家统计局"
    assert text.publisher(local, "zh") == "湖南省统计局或政府"
    assert text.publisher(local, "en") == "Hunan statistics bureau or government"
    assert text.publisher(report, "en") == "Hunan government work report 2024"
    assert text.page(local) == "https://example.cn/a.html"
    assert text.page(nbs) == "https://github.com/Pajat66/rmb-oil"
    assert text.page("湖南湘江新区管理委员会, 2024年工作报告 (data/raw/reports/x.txt)") == ""


# --- whole pages -----------------------------------------------------------------------------------

class _Visible(HTMLParser):
    """Text a reader sees: body text outside <script>/<style>/<head>."""

    def __init__(self):
        super().__init__()
        self.skip, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Visible()
    p.feed(html)
    return " ".join(p.parts)


ALLOWED_EN = {"NBS", "GDP", "CPI"}


def english_words(visible: str) -> list[str]:
    no_urls = re.sub(r"https?://\S+", " ", visible)
    return [w for w in re.findall(r"[A-Za-z]{2,}", no_urls) if w not in ALLOWED_EN]


def chinese_chars(visible: str) -> list[str]:
    names = sorted({r.name_zh for r in registry.regions().values() if r.name_zh}, key=len, reverse=True)
    no_urls = re.sub(r"https?://\S+", " ", visible)
    for n in names:
        no_urls = no_urls.replace(n, " ")
    return re.findall(r"[\u3400-\u9fff]", no_urls)


def test_the_counters_can_fail():
    assert english_words("增长 5.2% Gross domestic product NBS https://a.b/c") == ["Gross", "domestic", "product"]
    assert chinese_chars("Hunan 湖南省 grew 增长") == ["增", "长"]


BRIEFINGS = [("xiangjiang", "2024-09", None, "zh"), ("hunan", "2024-06", "2024-03", "zh"),
             ("china", "2023-12", "2023-09", "en"), ("hunan", "2024-09", "2024-06", "en")]


@pytest.fixture(scope="module")
def pages(repro_briefing):
    """The four are params.yaml briefings: the pages the session's `dvc repro` rendered (conftest.py)."""
    out = {}
    for region, as_of, prev, lang in BRIEFINGS:
        folder = repro_briefing(region, as_of, prev, lang)
        out[(region, as_of, lang)] = (folder / "briefing.html").read_text(encoding="utf-8")
    return out


@pytest.mark.integration
def test_zh_pages_are_chinese(pages):
    for (region, as_of, lang), html in pages.items():
        if lang == "zh":
            words = english_words(visible_text(html))
            assert len(words) <= 10, (region, as_of, words[:40])


@pytest.mark.integration
def test_en_pages_are_english(pages):
    for (region, as_of, lang), html in pages.items():
        if lang == "en":
            chars = chinese_chars(visible_text(html))
            assert len(chars) <= 10, (region, as_of, "".join(chars[:80]))


@pytest.mark.integration
def test_no_raw_numbers_nan_or_negative_zero(pages):
    for key, html in pages.items():
        vis = visible_text(html)
        assert not re.search(r"\bnan\b|-0\.0(?!\d)|\d\.\d{3,}", vis, flags=re.I), key


@pytest.mark.integration
def test_page_title_is_the_briefings_title(pages):
    assert "<title>湖南湘江新区2024年主要预期目标完成情况简报（数据截至2024年9月）</title>" in \
        pages[("xiangjiang", "2024-09", "zh")]
    assert "<title>China: will the 2023 targets be met? (data to December 2023)</title>" in \
        pages[("china", "2023-12", "en")]
