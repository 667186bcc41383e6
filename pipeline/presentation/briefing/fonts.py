"""The page's Chinese characters in a font of its own, so a briefing reads the same on a machine without CJK fonts.

Without it, a browser on a bare Linux machine shows boxes for every Chinese character (the charts were fine:
they draw with the bundled Noto font). The same font, cut down to the characters the page uses (about 300:
some 50 KB as WOFF), goes into the page as a ``@font-face`` and is listed after the page's own fonts, so Latin
text keeps its look and a system CJK font is not needed. Deterministic: the font's timestamps are not touched.
"""
from __future__ import annotations

import base64
import io
import re

FAMILY = "Briefing CJK"  # the embedded face's name, last in the font list
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def page_characters(html: str) -> str:
    """Every non-ASCII character of the page (the images are base64, hence ASCII), sorted, plus printable ASCII."""
    return "".join(sorted({c for c in html if ord(c) > 127})) + "".join(chr(i) for i in range(32, 127))


def subset_woff(characters: str) -> bytes:
    """The bundled Noto Sans CJK cut down to ``characters``, as WOFF (no layout features or hinting: not needed)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from pipeline.presentation.plots import cjk_font_path

    opts = subset.Options()
    opts.layout_features, opts.hinting, opts.name_IDs, opts.glyph_names = [], False, [], False
    opts.notdef_outline = True
    opts.drop_tables += ["GSUB", "GPOS", "VORG", "vhea", "vmtx"]
    font = TTFont(str(cjk_font_path()), lazy=True, recalcTimestamp=False)
    sub = subset.Subsetter(opts)
    sub.populate(text=characters)
    sub.subset(font)
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def embed_cjk_font(html: str) -> str:
    """``html`` with a ``@font-face`` of its own Chinese characters before ``</head>``; unchanged without any."""
    if not _CJK.search(html) or "</head>" not in html:
        return html
    data = base64.b64encode(subset_woff(page_characters(html))).decode("ascii")
    style = (f'<style>@font-face{{font-family:"{FAMILY}";src:url(data:font/woff;base64,{data}) format("woff");}}'
             f'body,table,h1,h2,h3,p,li,td,th{{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,'
             f'"Noto Sans CJK SC","PingFang SC","Microsoft YaHei","{FAMILY}",sans-serif;}}</style>')
    return html.replace("</head>", style + "</head>", 1)
