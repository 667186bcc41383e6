"""The briefing carries its own Chinese characters: a page reads the same on a machine without CJK fonts."""
import base64
import io
import re

from fontTools.ttLib import TTFont

from pipeline.presentation.briefing import fonts


def _embedded_font(html: str) -> TTFont:
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", html).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def test_every_chinese_character_of_the_page_is_in_the_embedded_font():
    page = "<html><head><title>湘江新区</title></head><body><p>地区生产总值增长7%以上，概率约2%。</p></body></html>"
    out = fonts.embed_cjk_font(page)
    assert out.count("@font-face") == 1 and out.index("@font-face") < out.index("</head>")
    cmap = _embedded_font(out).getBestCmap()
    needed = {c for c in "湘江新区地区生产总值增长以上，概率约。"}
    assert {c for c in needed if ord(c) not in cmap} == set()
    assert ord("鬱") not in cmap  # cut down to the page: a character it does not use is left out
    assert fonts.embed_cjk_font(page) == out  # deterministic: the same page gives the same bytes


def test_a_page_without_chinese_is_left_as_it_is():
    page = "<html><head><title>Hunan</title></head><body><p>GDP growth 7% – about 2%</p></body></html>"
    assert fonts.embed_cjk_font(page) == page


def test_pages_fetch_nothing_from_the_network():
    """nbconvert's template loads require.js and MathJax from a CDN; the briefing drops both and keeps its own."""
    from pipeline.presentation.notebook_html import offline

    page = ('<head><script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>\n'
            '<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX"> </script>\n'
            '<script>var own = 1;</script>\n'
            '<script type="module">\n  const m = (await import("https://cdnjs.cloudflare.com/ajax/libs/mermaid/11.10.0/'
            'mermaid.esm.min.mjs")).default;\n</script>\n<script type="module">var mine = 2;</script></head>')
    assert offline(page) == '<head><script>var own = 1;</script>\n<script type="module">var mine = 2;</script></head>'

